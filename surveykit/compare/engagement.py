"""Employee Net Promoter Score (eNPS) and the engagement index (share favourable on every item).

Both are counts per group, computed for all groups at once (``np.bincount`` on group codes, or the
sparse roll-up of a :class:`surveykit.data.units.UnitTree` so that every unit counts its subunits).

References
----------
Reichheld, F. F. (2003). The one number you need to grow. *Harvard Business Review*, 81(12), 46-54.
Rocks, B. (2016). Interval estimation for the 'Net Promoter Score'. *The American Statistician*,
70(4), 365-372 (the adjusted-Wald interval performs best of the simple intervals).
Lewis, J. R., & Sauro, J. (2021). Confidence intervals for Net Promoter Scores. MeasuringU (the
adjusted-Wald recipe used here: 3/4 added to promoters and to detractors, 3 to n).
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference. *JASA*, 22.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from surveykit.errors import AnalysisError, Problem
from surveykit.jsonsafe import to_jsonable
from surveykit.stats.proportions import wilson_interval

PROMOTERS = (9, 10)
DETRACTORS = (0, 1, 2, 3, 4, 5, 6)


def _group_counts(indicators: np.ndarray, groups, tree, unit_codes):
    """Column sums of ``indicators`` (rows x k, 0/1) per group: (keys, levels or None, counts k x groups)."""
    if tree is not None:
        idx = tree.locate(unit_codes)
        own = np.column_stack([np.bincount(idx, weights=indicators[:, j], minlength=tree.n_units)
                               for j in range(indicators.shape[1])])
        return list(tree.codes), tree.level, tree.rollup(own)
    if groups is None:
        return ["all"], None, indicators.sum(axis=0, keepdims=True)
    codes, keys = pd.factorize(pd.Series(groups), sort=True, use_na_sentinel=True)
    keep = codes >= 0  # respondents without a group count in no group (but in "all" of a separate call)
    counts = np.column_stack([np.bincount(codes[keep], weights=indicators[keep, j], minlength=len(keys))
                              for j in range(indicators.shape[1])])
    return list(keys), None, counts


def enps_from_counts(promoters, passives, detractors, alpha: float = 0.05) -> pd.DataFrame:
    """eNPS and two CIs from category counts (arrays broadcast; results on the -100..100 scale).

    eNPS = 100 (P - D)/n. Wald: Var = (p_P + p_D - (p_P - p_D)^2)/n (difference of two multinomial
    proportions), eNPS +- z 100 sqrt(Var). Adjusted Wald (Rocks 2016): the same with P + 3/4,
    D + 3/4, n + 3, centred on the adjusted score; both clipped to [-100, 100].
    """
    pr, pa, de = (np.asarray(a, dtype="float64") for a in np.broadcast_arrays(promoters, passives, detractors))
    n = pr + pa + de
    z = float(-special.ndtri(alpha / 2.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        p, d = pr / n, de / n
        score = p - d
        se = np.sqrt((p + d - score**2) / n)
        na = n + 3.0
        pa_, da_ = (pr + 0.75) / na, (de + 0.75) / na
        adj = pa_ - da_
        se_adj = np.sqrt((pa_ + da_ - adj**2) / na)
    ok = n > 0
    def clip(x):
        return np.where(ok, 100 * np.clip(x, -1.0, 1.0), np.nan)
    return pd.DataFrame({
        "n": n.astype(np.int64), "promoters": pr.astype(np.int64), "passives": pa.astype(np.int64),
        "detractors": de.astype(np.int64),
        "pct_promoters": np.where(ok, 100 * p, np.nan), "pct_detractors": np.where(ok, 100 * d, np.nan),
        "enps": np.where(ok, 100 * score, np.nan), "se": np.where(ok, 100 * se, np.nan),
        "wald_low": clip(score - z * se), "wald_high": clip(score + z * se),
        "adjusted_low": clip(adj - z * se_adj), "adjusted_high": clip(adj + z * se_adj),
    })


@dataclass(frozen=True)
class ENPSResult:
    """Result of :func:`enps`: ``table`` with one row per group (n, counts, %, eNPS, SE, Wald and
    adjusted-Wald CIs); ``n_missing`` answers not counted; ``ci_level``."""

    variable: str
    table: pd.DataFrame
    n_missing: int
    ci_level: float

    def summary(self) -> str:
        lines = [f"eNPS of {self.variable} ({self.n_missing} without a valid 0-10 answer)"]
        for key, r in self.table.iterrows():
            lines.append(f"  {key}: n = {r['n']}, eNPS = {r['enps']:.1f} "
                         f"[{r['adjusted_low']:.1f}, {r['adjusted_high']:.1f}] (adjusted Wald)")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return to_jsonable(self)


def enps(scores, *, groups=None, tree=None, unit_codes=None, variable: str = "enps",
         alpha: float = 0.05) -> ENPSResult:
    """Employee Net Promoter Score of a 0-10 item: % promoters (9-10) minus % detractors (0-6).

    By group (``groups``: one key per respondent), by every unit of a ``tree`` (``unit_codes``), or for
    everyone. Missing answers (NaN) are not counted; a value outside 0..10 or not whole is an error.

    Example
    -------
    >>> enps(df["recommend_workplace"], groups=df["area"]).table[["n", "enps"]]   # doctest: +SKIP
    """
    x = np.asarray(pd.to_numeric(pd.Series(scores), errors="coerce"), dtype="float64")
    raw = pd.Series(scores)
    bad = (~np.isnan(x) & ((x < 0) | (x > 10) | (x != np.round(x)))) | (np.isnan(x) & raw.notna().to_numpy()
                                                                         & (raw.astype(str).str.strip() != ""))
    if bad.any():
        rows = np.flatnonzero(bad)
        raise AnalysisError(f"eNPS: {variable} must be a whole number from 0 to 10",
                            [Problem("not a whole number 0-10", column=variable,
                                     rows=tuple(int(r) + 2 for r in rows[:10]), n_rows=len(rows),
                                     values=tuple(sorted({str(v) for v in raw.iloc[rows[:50]]})))])
    valid = ~np.isnan(x)
    ind = np.column_stack([valid & (x >= 9), valid & (x >= 7) & (x <= 8), valid & (x <= 6)]).astype("float64")
    keys, levels, counts = _group_counts(ind, groups, tree, unit_codes)
    table = enps_from_counts(counts[:, 0], counts[:, 1], counts[:, 2], alpha)
    table.index = pd.Index(keys, name="group")
    if levels is not None:
        table.insert(0, "level", levels)
    return ENPSResult(variable, table, int((~valid).sum()), 1 - alpha)


@dataclass(frozen=True)
class EngagementResult:
    """Result of :func:`engagement_index`: ``table`` per group with n (respondents answering every
    item), engaged (favourable on every item), pct and its Wilson CI; ``n_incomplete`` overall."""

    index: str
    items: tuple[str, ...]
    favourable: tuple
    table: pd.DataFrame
    n_incomplete: int
    ci_level: float

    def summary(self) -> str:
        lines = [(f"Engagement index {self.index}: favourable ({', '.join(map(str, self.favourable))}) on all of "
                 f"{', '.join(self.items)}; {self.n_incomplete} respondents without an answer to every item")]
        for key, r in self.table.iterrows():
            lines.append(f"  {key}: n = {r['n']}, {r['pct']:.1f}% [{r['ci_low']:.1f}, {r['ci_high']:.1f}]")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return to_jsonable(self)


def engagement_index(data: pd.DataFrame, items: Sequence[str], favourable: Sequence, *, groups=None,
                     tree=None, unit_codes=None, index: str = "engagement",
                     alpha: float = 0.05) -> EngagementResult:
    """Share of respondents favourable on every item of an index, with a Wilson (1927) CI, by group.

    engaged_i = 1 if x_ij in ``favourable`` for all items j; pct = 100 sum(engaged) / n, over respondents
    who answered every item (the others are counted in ``n_incomplete``, never silently dropped).
    CI: Wilson score interval of engaged / n.

    Example
    -------
    >>> engagement_index(df, ["q1", "q2", "q3"], favourable=[4, 5], groups=df["unit"]).table  # doctest: +SKIP
    """
    items = tuple(items)
    missing = [c for c in items if c not in data.columns]
    if missing or not items:
        raise AnalysisError("engagement index: items not in the data",
                            [Problem("not a column of the data", column=c) for c in missing] or
                            [Problem("no items given", column=index)])
    x = data[list(items)].to_numpy(dtype="float64")
    complete = ~np.isnan(x).any(axis=1)
    engaged = complete & np.isin(x, np.asarray(list(favourable), dtype="float64")).all(axis=1)
    ind = np.column_stack([complete, engaged]).astype("float64")
    keys, levels, counts = _group_counts(ind, groups, tree, unit_codes)
    n, k = counts[:, 0], counts[:, 1]
    lo, hi = wilson_interval(k, n, 1.0 - alpha)
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(n > 0, 100 * k / n, np.nan)
    table = pd.DataFrame({"n": n.astype(np.int64), "engaged": k.astype(np.int64), "pct": pct,
                          "ci_low": 100 * lo, "ci_high": 100 * hi}, index=pd.Index(keys, name="group"))
    if levels is not None:
        table.insert(0, "level", levels)
    return EngagementResult(index, items, tuple(favourable), table, int((~complete).sum()), 1 - alpha)
