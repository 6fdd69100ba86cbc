"""(f) Measured versus audited: does the scorecard's share match what an audit of the cases finds?

The audit scores each sampled case 0 (not met), 1 (neutral) or 2 (met) on rubric criteria. A criterion's
strict share counts only 2s, the lenient share 1s and 2s (the Oslo study, Figs 3 and 16). The gap is
audit share minus scorecard share, with Newcombe's hybrid-score interval. A gap is flagged as possible
over-registration only where the unit is at or near its target: a unit far below target has no reason to
register strategically (the study's own reasoning about NAV Nordstrand).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from surveykit.errors import AnalysisError
from surveykit.jsonsafe import to_jsonable
from surveykit.stats.proportions import newcombe_difference


def newcombe_gap(x1: float, n1: float, x2: float, n2: float | None, confidence: float = 0.95) -> dict:
    """p1 - p2 with Newcombe's hybrid score CI (:func:`surveykit.stats.proportions.newcombe_difference`);
    ``n2 = None``: p2 = x2 is a known share (a population figure)."""
    d, lo, hi = newcombe_difference(x1, n1, x2, n2, confidence)
    return {"difference": float(d), "ci_low": float(lo), "ci_high": float(hi)}


def cohen_kappa(a, b) -> dict:
    """Cohen's (1960) unweighted kappa of two coders' codes on the same cases (pairs with both codes):
    κ = (p_o - p_e) / (1 - p_e), p_o = share of agreement, p_e = Σ_k p_a(k) p_b(k)."""
    d = pd.DataFrame({"a": a, "b": b}).dropna()
    n = len(d)
    if n == 0:
        raise AnalysisError("Cohen's kappa needs cases coded by both coders")
    cats = sorted(set(d["a"]) | set(d["b"]))
    po = float((d["a"] == d["b"]).mean())
    pe = float(sum((d["a"] == k).mean() * (d["b"] == k).mean() for k in cats))
    kappa = (po - pe) / (1 - pe) if pe < 1 else float("nan")
    return {"kappa": kappa, "agreement": po, "expected": pe, "n": n}


@dataclass(frozen=True)
class AuditSummary:
    """``scores``: per unit × criterion the n, counts of 0/1/2, mean score, strict and lenient shares;
    ``correlations``: per unit the r of the reference criterion with each other criterion (n cases);
    ``kappa``: per criterion Cohen's kappa over the double-coded cases."""

    scores: pd.DataFrame
    correlations: pd.DataFrame
    kappa: pd.DataFrame

    def summary(self) -> pd.DataFrame:
        return self.scores

    def to_dict(self) -> dict:
        scores = {}
        for row in self.scores.to_dict(orient="records"):
            scores.setdefault(row["unit"], {})[row["criterion"]] = row
        corr = {}
        for row in self.correlations.to_dict(orient="records"):
            corr.setdefault(row["unit"], {})[row["criterion"]] = row
        return to_jsonable({"scores": scores, "correlations": corr,
                            "kappa": {r["criterion"]: r for r in self.kappa.to_dict(orient="records")}})


def audit_summary(audit: pd.DataFrame, criteria: list[str], reference: str | None = None) -> AuditSummary:
    """Rubric score distributions, means and shares per unit; within-unit correlations between criteria;
    kappa for the cases a second coder scored (columns ``<criterion>:2``)."""
    rows, corr = [], []
    for unit, g in audit.groupby("unit", sort=False):
        for c in criteria:
            s = g[c].dropna()
            n = len(s)
            counts = {f"n{k}": int((s == k).sum()) for k in (0, 1, 2)}
            rows.append({"unit": unit, "criterion": c, "n": n, **counts,
                         "mean": float(s.mean()) if n else float("nan"),
                         "strict": counts["n2"] / n if n else float("nan"),
                         "lenient": (counts["n1"] + counts["n2"]) / n if n else float("nan")})
        if reference is not None:
            for c in criteria:
                if c == reference:
                    continue
                pair = g[[reference, c]].dropna()
                ok = len(pair) >= 3 and pair[reference].std() > 0 and pair[c].std() > 0
                corr.append({"unit": unit, "criterion": c, "reference": reference,
                             "r": float(np.corrcoef(pair[reference], pair[c])[0, 1]) if ok else float("nan"),
                             "n": len(pair)})
    kappas = []
    for c in criteria:
        if c + ":2" in audit:
            kappas.append({"criterion": c, **cohen_kappa(audit[c], audit[c + ":2"])})
    return AuditSummary(pd.DataFrame(rows), pd.DataFrame(corr, columns=["unit", "criterion", "reference", "r", "n"]),
                        pd.DataFrame(kappas, columns=["criterion", "kappa", "agreement", "expected", "n"]))


@dataclass(frozen=True)
class MeasuredVsAudited:
    """Per unit (one criterion and its scorecard indicator): scorecard share, audit strict and lenient
    shares, their gaps (audit - scorecard) with Newcombe CIs, whether the unit is at or near target, and the
    over-registration flag."""

    criterion: str
    indicator: str
    target: float | None
    near: float
    units: pd.DataFrame

    def summary(self) -> pd.DataFrame:
        return self.units

    def to_dict(self) -> dict:
        return to_jsonable({"criterion": self.criterion, "indicator": self.indicator, "target": self.target,
                            "near": self.near, "units": {r["unit"]: r for r in self.units.to_dict(orient="records")}})


def measured_vs_audited(scorecard_pct: pd.Series, audit: pd.DataFrame, criterion: str, indicator: str = "",
                        target_pct: float | None = None, near_pct: float = 5.0,
                        scorecard_n: pd.Series | None = None, confidence: float = 0.95) -> MeasuredVsAudited:
    """Compare each unit's scorecard share (in %, ``scorecard_pct`` indexed by unit) with its audit shares.

    Without ``scorecard_n`` the scorecard share is treated as a population figure known without error.
    Flag 'possible over-registration' where the strict gap's upper limit is below 0 and the scorecard share
    is at most ``near_pct`` points below the target (higher is better).
    """
    rows = []
    for unit, g in audit.groupby("unit", sort=False):
        if unit not in scorecard_pct.index or pd.isna(scorecard_pct.get(unit)):
            continue
        s = g[criterion].dropna()
        n = len(s)
        if n == 0:
            continue
        ps = float(scorecard_pct[unit]) / 100
        ns = None if scorecard_n is None or pd.isna(scorecard_n.get(unit)) else float(scorecard_n[unit])
        xs = ps if ns is None else ps * ns
        row = {"unit": unit, "scorecard": ps, "scorecard_n": ns, "n_audited": n}
        for kind, x in (("strict", int((s == 2).sum())), ("lenient", int((s >= 1).sum()))):
            gap = newcombe_gap(x, n, xs, ns, confidence)
            row.update({kind: x / n, f"gap_{kind}": gap["difference"], f"gap_{kind}_low": gap["ci_low"],
                        f"gap_{kind}_high": gap["ci_high"]})
        at_or_near = target_pct is not None and ps * 100 >= target_pct - near_pct
        row["at_or_near_target"] = bool(at_or_near)
        row["over_registration"] = bool(at_or_near and row["gap_strict_high"] < 0)
        rows.append(row)
    return MeasuredVsAudited(criterion, indicator, target_pct, near_pct, pd.DataFrame(rows))
