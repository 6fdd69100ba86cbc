"""Pairwise Pearson / Spearman correlation matrix with p-values and pairwise N."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from surveykit.stats.distributions import t_two_sided
from surveykit.errors import AnalysisError, Problem
from surveykit.stats.moments import complete_rows, pairwise_sums

from .groups import check_columns, check_min_group_size, to_jsonable


def stars(p):
    """Significance stars: '***' p < .001, '**' p < .01, '*' p < .05, '' otherwise.

    Accepts a float, an array or a DataFrame (returned as the same shape, of strings). A missing
    p (NaN/None) gives ''.
    """
    if isinstance(p, pd.DataFrame):
        return p.apply(lambda col: col.map(_star_one)).astype(object)
    if isinstance(p, pd.Series):
        return p.map(_star_one).astype(object)
    if np.ndim(p) == 0:
        return _star_one(p)
    return np.vectorize(_star_one, otypes=[object])(np.asarray(p, dtype=float))


def _star_one(p) -> str:
    if p is None or not np.isfinite(p):
        return ""
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""


@dataclass(frozen=True)
class CorrelationResult:
    """Result of :func:`correlation_matrix`: square DataFrames r, p (two-tailed) and n.

    Pairs with fewer than ``min_group_size`` complete cases have r = p = NaN and are listed in
    ``suppressed`` as ``{variable, group, n}`` where ``group`` is the partner variable.
    """

    method: str
    r: pd.DataFrame
    p: pd.DataFrame
    n: pd.DataFrame
    suppressed: list[dict] = field(default_factory=list)
    missing: dict = field(default_factory=dict)

    @property
    def r_squared(self) -> pd.DataFrame:
        return self.r**2

    def stars(self) -> pd.DataFrame:
        """Significance stars for every cell (the diagonal gets '')."""
        return stars(self.p)

    def to_dict(self) -> dict:
        return to_jsonable(
            {
                "method": self.method,
                "variables": list(self.r.columns),
                "r": self.r.to_numpy(),
                "p": self.p.to_numpy(),
                "n": self.n.to_numpy(),
                "suppressed": self.suppressed,
                "missing": self.missing,
            }
        )

    def summary(self) -> str:
        return f"{self.method.title()} correlations (pairwise N {int(self.n.values.min())}-{int(self.n.values.max())})\n" + self.r.to_string()


def correlation_matrix(
    df: pd.DataFrame,
    variables: Sequence[str],
    method: str = "pearson",
    *,
    min_group_size: int = 5,
) -> CorrelationResult:
    """Correlation matrix of ``variables`` with two-tailed p-values and pairwise N.

    r is computed on the pairwise-complete cases of each pair (SPSS "exclude cases pairwise"),
    by masked matrix algebra for all pairs at once. Spearman's rho is Pearson's r on average
    ranks; where a pair's complete cases differ from the columns' own valid cases, that pair is
    re-ranked on its complete cases. p from :math:`t=r\\sqrt{(n-2)/(1-r^2)}` with n - 2 df (as
    SPSS for both methods).

    A variable with zero variance raises AnalysisError (its r is undefined).

    Example
    -------
    >>> res = correlation_matrix(df, ["q1", "q2", "q3"], method="spearman")
    >>> res.r, res.p, res.n, res.stars()
    """
    if method not in ("pearson", "spearman"):
        raise AnalysisError(f"unknown correlation method {method!r}", [Problem("use 'pearson' or 'spearman'")])
    check_min_group_size(min_group_size)
    variables = list(variables)
    if len(variables) < 2:
        raise AnalysisError("a correlation matrix needs at least two variables", [Problem(f"got {variables}")])
    check_columns(df, variables, numeric=True)
    columns = [df[v].to_numpy(dtype=np.float64, na_value=np.nan) for v in variables]
    sums = pairwise_sums(columns)  # pairwise-complete sums of all pairs in one chunked pass
    flat = [v for v, constant in zip(variables, sums.constant()) if constant]
    if flat:
        raise AnalysisError(
            "correlation undefined for variables without variance", [Problem("zero variance", column=v) for v in flat]
        )
    n = sums.n.astype(np.int64)
    n_own = sums.n_valid
    if method == "pearson":
        r = sums.corr()
    else:
        ranks = [pd.Series(c).rank(method="average").to_numpy() for c in columns]
        r = pairwise_sums(ranks).corr()
        p_ = len(variables)
        for i in range(p_):
            for j in range(i + 1, p_):
                if n[i, j] == n_own[i] and n[i, j] == n_own[j]:
                    continue  # same cases: global ranks are the pair's ranks
                both = ~np.isnan(columns[i]) & ~np.isnan(columns[j])
                if both.sum() < 3:
                    r[i, j] = r[j, i] = np.nan
                    continue
                pair = [pd.Series(columns[c][both]).rank(method="average").to_numpy() for c in (i, j)]
                r[i, j] = r[j, i] = pairwise_sums(pair).corr()[0, 1]
    dfree = n - 2
    with np.errstate(invalid="ignore", divide="ignore"):
        t = r * np.sqrt(dfree / (1.0 - r**2))
        p = t_two_sided(t, dfree)
    p = np.where(np.abs(r) >= 1.0, 0.0, p)
    np.fill_diagonal(p, np.nan)
    suppressed = []
    small = n < max(min_group_size, 3)
    np.fill_diagonal(small, False)
    for i, j in zip(*np.nonzero(np.triu(small, 1))):
        suppressed.append({"variable": variables[i], "group": variables[j], "n": int(n[i, j])})
    r = np.where(small, np.nan, r)
    p = np.where(small, np.nan, p)
    frame = lambda a: pd.DataFrame(a, index=variables, columns=variables)  # noqa: E731
    missing = {
        "method": "pairwise",
        "n_rows": len(df),
        "n_missing": {v: int(len(df) - c) for v, c in zip(variables, n_own)},
        "n_complete_all": int(complete_rows(columns).sum()),
    }
    return CorrelationResult(method=method, r=frame(r), p=frame(p), n=frame(n), suppressed=suppressed, missing=missing)
