"""Adjusted p-values for a family of tests: Holm, Bonferroni, Hochberg, Hommel, Benjamini-Hochberg/-Yekutieli.

The same definitions as R's ``p.adjust`` (and ``statsmodels.stats.multitest.multipletests``). A missing
p-value (NaN: a test that could not be run) stays NaN and is not counted in the family size, as in
``p.adjust``'s default ``n = sum(!is.na(p))``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from surveykit.errors import AnalysisError, Problem

#: Accepted method names -> canonical name. R's spellings are accepted too.
METHODS = {
    "holm": "holm",
    "bonferroni": "bonferroni",
    "hochberg": "hochberg",
    "simes-hochberg": "hochberg",
    "hommel": "hommel",
    "fdr_bh": "fdr_bh",
    "bh": "fdr_bh",
    "fdr": "fdr_bh",
    "benjamini-hochberg": "fdr_bh",
    "fdr_by": "fdr_by",
    "by": "fdr_by",
    "benjamini-yekutieli": "fdr_by",
    "none": "none",
}

#: What each method controls, for method texts.
CONTROLS = {
    "holm": "family-wise error rate",
    "bonferroni": "family-wise error rate",
    "hochberg": "family-wise error rate (independent or positively dependent tests)",
    "hommel": "family-wise error rate (independent or positively dependent tests)",
    "fdr_bh": "false discovery rate (independent or positively dependent tests)",
    "fdr_by": "false discovery rate (any dependence)",
    "none": "nothing (unadjusted)",
}


def canonical_method(method: str) -> str:
    """The canonical name of an adjustment method; AnalysisError naming the accepted ones if unknown."""
    key = str(method).strip().lower()
    if key not in METHODS:
        raise AnalysisError(
            f"Unknown multiple-testing adjustment {method!r}",
            [Problem("use one of: holm, bonferroni, hochberg, hommel, fdr_bh (BH), fdr_by (BY), none",
                     values=(str(method),))])
    return METHODS[key]


def adjust_pvalues(p, method: str = "holm") -> np.ndarray:
    """Adjusted p-values of one family of tests, aligned with the input; NaN stays NaN.

    With the m non-missing p-values sorted, p_(1) <= ... <= p_(m):

    - Bonferroni: min(1, m p_i).
    - Holm (1979): p~_(i) = max_{j<=i} min(1, (m - j + 1) p_(j)).
    - Hochberg (1988): p~_(i) = min_{j>=i} min(1, (m - j + 1) p_(j)).
    - Hommel (1988): closed Simes tests (R's algorithm, via statsmodels).
    - Benjamini & Hochberg (1995), ``fdr_bh``: p~_(i) = min_{j>=i} min(1, m p_(j) / j).
    - Benjamini & Yekutieli (2001), ``fdr_by``: as BH times c(m) = sum_{k=1..m} 1/k.

    References: Holm S (1979) Scand J Stat 6:65-70; Hochberg Y (1988) Biometrika 75:800-802;
    Hommel G (1988) Biometrika 75:383-386; Benjamini Y, Hochberg Y (1995) JRSS B 57:289-300;
    Benjamini Y, Yekutieli D (2001) Ann Stat 29:1165-1188.

    Example
    -------
    >>> adjust_pvalues([0.01, 0.04, float("nan"), 0.03], "holm").round(2).tolist()
    [0.03, 0.06, nan, 0.06]
    """
    method = canonical_method(method)
    values = np.asarray(p, dtype="float64").ravel()
    bad = ~np.isnan(values) & ((values < 0) | (values > 1))
    if bad.any():
        raise AnalysisError("p-values must lie between 0 and 1",
                            [Problem("p-value out of range", rows=tuple(np.flatnonzero(bad)[:5].tolist()),
                                     n_rows=int(bad.sum()), values=tuple(str(v) for v in values[bad][:5]))])
    out = np.full(values.shape, np.nan)
    valid = ~np.isnan(values)
    m = int(valid.sum())
    if m == 0:
        return out
    pv = values[valid]
    if method == "none":
        adjusted = pv.copy()
    elif method == "bonferroni":
        adjusted = np.minimum(1.0, m * pv)
    elif method == "hommel":
        from statsmodels.stats.multitest import multipletests

        adjusted = multipletests(pv, method="hommel")[1]
    else:
        # stable sort so tied p-values keep their order, as R's order()
        order = np.argsort(pv, kind="stable")
        sorted_p = pv[order]
        rank = np.arange(1, m + 1, dtype="float64")
        if method == "holm":
            adj_sorted = np.minimum(1.0, np.maximum.accumulate((m - rank + 1) * sorted_p))
        elif method == "hochberg":
            adj_sorted = np.minimum(1.0, np.minimum.accumulate(((m - rank + 1) * sorted_p)[::-1])[::-1])
        else:  # fdr_bh / fdr_by
            factor = np.sum(1.0 / rank) if method == "fdr_by" else 1.0
            adj_sorted = np.minimum(1.0, np.minimum.accumulate((factor * m / rank * sorted_p)[::-1])[::-1])
        adjusted = np.empty(m)
        adjusted[order] = adj_sorted
    out[valid] = adjusted
    return out


@dataclass(frozen=True)
class AdjustedFamily:
    """Result of :func:`adjust_family`: the tests with ``p_adj`` beside ``p``, and how the family was formed."""

    tests: pd.DataFrame  # the input rows, plus p_adj, adjust_method, family, family_size
    method: str
    family_by: tuple[str, ...]
    families: pd.DataFrame  # one row per family: family, family_size, n_missing_p

    def summary(self) -> pd.DataFrame:
        return self.tests

    def to_dict(self) -> dict:
        from surveykit.jsonsafe import to_jsonable

        return to_jsonable({"method": self.method, "controls": CONTROLS[self.method],
                            "family_by": list(self.family_by), "families": self.families,
                            "tests": self.tests})


def adjust_family(tests: pd.DataFrame, method: str = "holm", p: str = "p",
                  by: str | list[str] | None = None, family: str | None = None) -> AdjustedFamily:
    """Adjust the p-values in column ``p`` of a tidy table of tests, one family per group of ``by``.

    Adds ``p_adj``, ``adjust_method``, ``family`` (the family's label: ``family`` if given, else the
    values of ``by`` joined by " / ", else "all") and ``family_size`` (the number of non-missing p-values
    in the family, the m of :func:`adjust_pvalues`). Rows keep their order; NaN p stays NaN.

    Example
    -------
    >>> t = pd.DataFrame({"outcome": ["a", "b", "c"], "p": [0.01, 0.04, 0.03]})
    >>> adjust_family(t, "holm").tests["p_adj"].round(2).tolist()
    [0.03, 0.06, 0.06]
    """
    method = canonical_method(method)
    if p not in tests.columns:
        raise AnalysisError("No p-value column in the table of tests",
                            [Problem("column not found", column=p, values=tuple(map(str, tests.columns[:10])))])
    by_cols = [by] if isinstance(by, str) else list(by or [])
    missing = [c for c in by_cols if c not in tests.columns]
    if missing:
        raise AnalysisError("Family column not in the table of tests",
                            [Problem("column not found", column=c) for c in missing])
    out = tests.copy()
    pvals = out[p].to_numpy(dtype="float64")
    if by_cols:
        labels = out[by_cols].astype(str).agg(" / ".join, axis=1).to_numpy()
    else:
        labels = np.full(len(out), family or "all", dtype=object)
    if family is not None and by_cols:
        labels = np.array([f"{family}: {lab}" for lab in labels], dtype=object)
    codes, uniques = pd.factorize(labels)
    adjusted = np.full(len(out), np.nan)
    sizes = np.zeros(len(out), dtype=int)
    fam_rows = []
    for k, lab in enumerate(uniques):  # one call per family, not per test
        idx = np.flatnonzero(codes == k)
        adjusted[idx] = adjust_pvalues(pvals[idx], method)
        size = int(np.sum(~np.isnan(pvals[idx])))
        sizes[idx] = size
        fam_rows.append({"family": lab, "family_size": size, "n_missing_p": int(len(idx) - size)})
    out["p_adj"] = adjusted
    out["adjust_method"] = method
    out["family"] = labels
    out["family_size"] = sizes
    return AdjustedFamily(tests=out, method=method, family_by=tuple(by_cols),
                          families=pd.DataFrame(fam_rows))
