"""(c) Stability and ranking uncertainty: how much of an indicator's variation lies between units rather
than from month to month within them, which units fall outside funnel control limits, and which ranks each
unit's result is compatible with.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from surveykit.errors import AnalysisError
from surveykit.jsonsafe import to_jsonable


@dataclass(frozen=True)
class VarianceDecomposition:
    """One-way random-effects decomposition of a panel indicator: units as groups, periods as replicates."""

    indicator: str
    n_units: int
    n_obs: int
    n0: float
    ms_between: float
    ms_within: float
    f: float
    p: float
    var_between: float
    var_within: float
    icc: float
    ss_share_between: float

    def summary(self) -> str:
        return (f"{self.indicator}: {self.n_units} units, {self.n_obs} unit-months; between-unit variance "
                f"{self.var_between:.3f}, within-unit {self.var_within:.3f}, ICC = {self.icc:.3f}, "
                f"F = {self.f:.2f}, p = {self.p:.3g}")

    def to_dict(self) -> dict:
        return to_jsonable(self)


def variance_decomposition(panel: pd.DataFrame, indicator: str) -> VarianceDecomposition:
    """Between- versus within-unit variance of ``indicator`` over the periods of a long panel.

    MS_B = Σ n_j (ȳ_j - ȳ)² / (J - 1), MS_W = Σ Σ (y_ij - ȳ_j)² / (N - J); with the unbalanced group size
    n0 = (N - Σ n_j² / N) / (J - 1): σ²_B = max(0, (MS_B - MS_W) / n0), σ²_W = MS_W and
    ICC = σ²_B / (σ²_B + σ²_W) (ICC(1) of Shrout & Fleiss 1979; Snijders & Bosker 2012, ch. 3).
    """
    d = panel.loc[panel["indicator"] == indicator, ["unit", "value"]].dropna()
    groups = d.groupby("unit")["value"]
    n_j, mean_j = groups.size(), groups.mean()
    J, N = len(n_j), int(n_j.sum())
    if J < 2 or N - J < 1:
        raise AnalysisError(f"variance decomposition of {indicator!r}: needs at least 2 units and more "
                            f"observations than units (got {J} units, {N} observations)")
    grand = d["value"].mean()
    ss_b = float((n_j * (mean_j - grand) ** 2).sum())
    ss_w = float(((d["value"] - d["unit"].map(mean_j)) ** 2).sum())
    ms_b, ms_w = ss_b / (J - 1), ss_w / (N - J)
    n0 = (N - float((n_j ** 2).sum()) / N) / (J - 1)
    var_b = max(0.0, (ms_b - ms_w) / n0)
    f = ms_b / ms_w if ms_w > 0 else float("inf")
    return VarianceDecomposition(indicator, J, N, n0, ms_b, ms_w, f, float(stats.f.sf(f, J - 1, N - J)), var_b,
                                 ms_w, var_b / (var_b + ms_w) if var_b + ms_w > 0 else float("nan"),
                                 ss_b / (ss_b + ss_w) if ss_b + ss_w > 0 else float("nan"))


@dataclass(frozen=True)
class Funnel:
    """Per unit: share, denominator, the limits at its denominator and whether it is outside them;
    ``curve``: the limits over a grid of denominators (for drawing)."""

    indicator: str
    centre: float
    centre_basis: str
    units: pd.DataFrame
    curve: pd.DataFrame

    def summary(self) -> pd.DataFrame:
        return self.units

    def to_dict(self) -> dict:
        return to_jsonable({"indicator": self.indicator, "centre": self.centre, "centre_basis": self.centre_basis,
                            "units": self.units, "curve": self.curve})


Z95, Z998 = stats.norm.ppf(0.975), stats.norm.ppf(0.999)


def funnel_limits(p0: float, n) -> dict:
    """Normal-approximation control limits of a proportion around p0 at denominator n (Spiegelhalter 2005):
    p0 ± z sqrt(p0 (1 - p0) / n), z = 1.960 (95 %) and 3.090 (99.8 %), clipped to [0, 1]."""
    n = np.asarray(n, float)
    se = np.sqrt(p0 * (1 - p0) / n)
    return {"lo95": np.clip(p0 - Z95 * se, 0, 1), "hi95": np.clip(p0 + Z95 * se, 0, 1),
            "lo998": np.clip(p0 - Z998 * se, 0, 1), "hi998": np.clip(p0 + Z998 * se, 0, 1)}


def funnel(shares: pd.Series, denominators: pd.Series, indicator: str = "", target: float | None = None) -> Funnel:
    """Funnel plot data for unit proportions (``shares`` in 0..1, ``denominators`` > 0, same index).

    The centre is ``target`` when given, else the pooled proportion Σ x / Σ n with x = share · n.
    """
    d = pd.DataFrame({"share": shares.astype(float), "n": denominators.astype(float)}).dropna()
    if d.empty:
        raise AnalysisError(f"funnel of {indicator!r}: no unit has both a share and a denominator")
    if ((d["share"] < 0) | (d["share"] > 1)).any():
        raise AnalysisError(f"funnel of {indicator!r}: shares must lie between 0 and 1")
    if target is not None:
        p0, basis = float(target), "target"
    else:
        p0, basis = float((d["share"] * d["n"]).sum() / d["n"].sum()), "pooled share"
    lim = funnel_limits(p0, d["n"])
    units = d.assign(**lim)
    units["outside95"] = (units["share"] < units["lo95"]) | (units["share"] > units["hi95"])
    units["outside998"] = (units["share"] < units["lo998"]) | (units["share"] > units["hi998"])
    grid = np.unique(np.round(np.geomspace(max(1.0, d["n"].min() / 2), d["n"].max() * 1.5, 60), 3))
    curve = pd.DataFrame({"n": grid, **funnel_limits(p0, grid)})
    units.index.name = "unit"
    return Funnel(indicator, p0, basis, units, curve)


@dataclass(frozen=True)
class RankIntervals:
    """Per unit: point rank (1 = best) and the interval of ranks compatible with the Clopper-Pearson CIs."""

    indicator: str
    confidence: float
    units: pd.DataFrame

    def summary(self) -> pd.DataFrame:
        return self.units

    def to_dict(self) -> dict:
        return to_jsonable({"indicator": self.indicator, "confidence": self.confidence, "units": self.units})


def rank_intervals(successes: pd.Series, denominators: pd.Series, indicator: str = "", higher_is_better: bool = True,
                   confidence: float = 0.95) -> RankIntervals:
    """Rank intervals from exact (Clopper-Pearson 1934) binomial confidence intervals.

    A unit's best possible rank is 1 + the number of units whose interval lies wholly above (better than)
    its own; its worst is J minus the number whose interval lies wholly below it (the interval-overlap rank
    bounds used for league tables, Goldstein & Spiegelhalter 1996). ``successes`` are counts (rounded).
    """
    d = pd.DataFrame({"x": successes.astype(float).round(), "n": denominators.astype(float)}).dropna()
    alpha = 1 - confidence
    x, n = d["x"].to_numpy(), d["n"].to_numpy()
    lo = np.where(x > 0, stats.beta.ppf(alpha / 2, x, n - x + 1), 0.0)
    hi = np.where(x < n, stats.beta.ppf(1 - alpha / 2, x + 1, n - x), 1.0)
    p = x / n
    sign = 1 if higher_is_better else -1
    score, s_lo, s_hi = sign * p, np.where(sign > 0, lo, -hi), np.where(sign > 0, hi, -lo)
    J = len(d)
    better = (s_lo[None, :] > s_hi[:, None]).sum(axis=1)   # units surely better than unit i
    worse = (s_hi[None, :] < s_lo[:, None]).sum(axis=1)    # units surely worse than unit i
    rank = stats.rankdata(-score, method="min")
    units = pd.DataFrame({"share": p, "n": n, "ci_low": lo, "ci_high": hi, "rank": rank.astype(int),
                          "rank_best": 1 + better, "rank_worst": J - worse}, index=d.index)
    units.index.name = "unit"
    return RankIntervals(indicator, confidence, units.sort_values("rank"))
