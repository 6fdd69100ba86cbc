"""(d) Wear-out and (e) decoupling of scorecard indicators over time.

Wear-out (Meyer & Gupta 1994, "the running down of performance measures"): as units learn an indicator, its
spread between units shrinks and nearly all reach the target, so it stops telling units apart. Reported per
indicator (criterion by criterion): SD, CV, IQR between units and the share at or above target, per period.

Decoupling: an easy-to-register indicator (approved plans) should move with the harder one it stands for
(participation in programmes). Reported: each series' linear trend per month, their difference, and the
cross-sectional correlation between units.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from surveykit.errors import AnalysisError
from surveykit.jsonsafe import to_jsonable

from .validity import pearson_ci, period_number


@dataclass(frozen=True)
class WearOut:
    """Per period: n units, mean, SD, CV = SD/mean, IQR, share at or above target; the per-month trend of
    the SD and of the share at target (OLS slope over periods)."""

    indicator: str
    target: float | None
    periods: pd.DataFrame
    sd_slope: float
    share_slope: float | None

    def summary(self) -> pd.DataFrame:
        return self.periods

    def to_dict(self) -> dict:
        return to_jsonable(self)


def wear_out(panel: pd.DataFrame, indicator: str, target: float | None = None, higher_is_better: bool = True) -> WearOut:
    """Spread between units period by period (SD with n - 1, IQR with linear interpolation of quantiles)."""
    d = panel.loc[panel["indicator"] == indicator, ["unit", "period", "value"]].dropna()
    if d.empty:
        raise AnalysisError(f"wear-out: no values of {indicator!r} in the panel")
    rows = []
    for period, g in d.groupby("period", sort=True):
        v = g["value"].to_numpy(float)
        sd = float(np.std(v, ddof=1)) if len(v) > 1 else float("nan")
        mean = float(v.mean())
        at = None
        if target is not None:
            at = float(np.mean(v >= target)) if higher_is_better else float(np.mean(v <= target))
        rows.append({"period": period, "n": len(v), "mean": mean, "sd": sd,
                     "cv": sd / mean if mean else float("nan"),
                     "iqr": float(np.quantile(v, 0.75) - np.quantile(v, 0.25)), "share_at_target": at})
    periods = pd.DataFrame(rows)
    t = period_number(periods["period"]).to_numpy(float)
    ok = periods["sd"].notna().to_numpy()
    sd_slope = float(np.polyfit(t[ok], periods["sd"].to_numpy()[ok], 1)[0]) if ok.sum() >= 2 else float("nan")
    share_slope = None
    if target is not None and len(periods) >= 2:
        share_slope = float(np.polyfit(t, periods["share_at_target"].to_numpy(float), 1)[0])
    return WearOut(indicator, target, periods, sd_slope, share_slope)


@dataclass(frozen=True)
class Decoupling:
    """Per unit: trend (units per month) of the easy and the hard indicator and their difference, with
    n periods; ``cross_section``: r between the two across units (with CI, p, n)."""

    easy: str
    hard: str
    trends: pd.DataFrame
    cross_section: dict | None

    def summary(self) -> pd.DataFrame:
        return self.trends

    def to_dict(self) -> dict:
        return to_jsonable({"easy": self.easy, "hard": self.hard, "trends": self.trends,
                            "cross_section": self.cross_section})


def trend_slope(periods: pd.Series, values: pd.Series) -> dict:
    """OLS slope of values on month number, with its standard error and n (scipy.stats.linregress)."""
    t = period_number(periods).to_numpy(float)
    v = values.to_numpy(float)
    ok = ~np.isnan(v)
    if ok.sum() < 3:
        return {"slope": float("nan"), "se": float("nan"), "n": int(ok.sum())}
    fit = stats.linregress(t[ok], v[ok])
    return {"slope": float(fit.slope), "se": float(fit.stderr), "n": int(ok.sum())}


def decoupling(panel: pd.DataFrame | None, easy: str, hard: str, cross_section: pd.DataFrame | None = None,
               confidence: float = 0.95) -> Decoupling:
    """Difference of trend slopes (easy - hard, per unit; a difference of two OLS slopes with the SE
    sqrt(se_e² + se_h²), treating the two series as independent) and the cross-sectional Pearson r."""
    rows = []
    if panel is not None:
        wide = panel[panel["indicator"].isin([easy, hard])].pivot_table(
            index=["unit", "period"], columns="indicator", values="value", aggfunc="first").reset_index()
        for unit, g in wide.groupby("unit", sort=True):
            if easy not in g or hard not in g:
                continue
            g = g.sort_values("period")
            e, h = trend_slope(g["period"], g[easy]), trend_slope(g["period"], g[hard])
            se = float(np.hypot(e["se"], h["se"]))
            diff = e["slope"] - h["slope"]
            rows.append({"unit": unit, "slope_easy": e["slope"], "slope_hard": h["slope"], "difference": diff,
                         "se_difference": se, "z": diff / se if se > 0 else float("nan"),
                         "p": float(2 * stats.norm.sf(abs(diff / se))) if se > 0 else float("nan"),
                         "n_periods": min(e["n"], h["n"])})
    cs = None
    if cross_section is not None and easy in cross_section and hard in cross_section:
        cs = pearson_ci(cross_section[easy], cross_section[hard], confidence)
    return Decoupling(easy, hard, pd.DataFrame(rows), cs)
