"""Item correlations for the measurement stage: item columns, pairwise or listwise sums, the correlation matrix and its checks."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from surveykit.errors import AnalysisError, Problem
from surveykit.jsonsafe import to_jsonable as _to_jsonable
from surveykit.stats.moments import (
    PairwiseSums,
    column_ranges,
    complete_rows,
    pairwise_sums,
)

MISSING_OPTIONS = ("pairwise", "listwise")
_SINGULAR_EIGENVALUE = 1e-10


# --------------------------------------------------------------------------------------------------
# JSON helpers (shared by the measurement results)
# --------------------------------------------------------------------------------------------------
def to_jsonable(value: Any) -> Any:
    """JSON-safe plain Python; DataFrames (loadings and other matrices) as ``{index, columns, data}``."""
    return _to_jsonable(value, frames="split")


# --------------------------------------------------------------------------------------------------
# Input validation and correlations
# --------------------------------------------------------------------------------------------------
def item_columns(df: pd.DataFrame, *, min_items: int, what: str) -> tuple[list[str], list[np.ndarray]]:
    """The item names and columns (1-D numeric arrays, NaN = missing) of ``df``, without copying them.

    Raises AnalysisError unless ``df`` is a DataFrame with at least ``min_items`` numeric columns.
    """
    if not isinstance(df, pd.DataFrame):
        raise AnalysisError(f"{what} needs a DataFrame of item columns, got {type(df).__name__}")
    if df.shape[1] < min_items:
        raise AnalysisError(
            f"{what} needs at least {min_items} items, got {df.shape[1]}",
            [Problem(f"items given: {', '.join(map(str, df.columns)) or 'none'}")],
        )
    problems = []
    for col, dtype in df.dtypes.items():
        if not (pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)):
            problems.append(Problem(f"item is not numeric (dtype {dtype})", column=str(col)))
    if problems:
        raise AnalysisError(f"{what}: items must be numeric", problems)
    columns = [df.iloc[:, j].to_numpy() for j in range(df.shape[1])]
    columns = [c if c.dtype.kind in "iuf" else c.astype("float64") for c in columns]
    return [str(c) for c in df.columns], columns


def check_usable(names: list[str], sums: PairwiseSums | tuple, what: str) -> None:
    """Raise AnalysisError naming every item without any answer or without variance (exact).

    ``sums`` is a :class:`PairwiseSums` or the ``(n_valid, lo, hi)`` of :func:`column_ranges`.
    """
    n_valid, lo, hi = (sums.n_valid, sums.lo, sums.hi) if isinstance(sums, PairwiseSums) else sums
    with np.errstate(invalid="ignore"):
        constant = ~(np.asarray(hi) > np.asarray(lo))
    problems = []
    for name, count in zip(names, n_valid):
        if count == 0:
            problems.append(Problem("item has no valid answers (all missing)", column=name))
    for name, count, flat in zip(names, n_valid, constant):
        if count > 0 and flat:
            problems.append(Problem("item has zero variance (every respondent gave the same answer)", column=name))
    if problems:
        raise AnalysisError(f"{what} cannot be computed: unusable items", problems)


def item_sums(df: pd.DataFrame, missing: str, *, min_items: int, what: str,
              deletion_note: str = " (listwise deletion)") -> tuple[list[str], PairwiseSums]:
    """Checked pairwise sums of the items of ``df``: over every row (``'pairwise'``) or over the rows that
    answered every item (``'listwise'``). Items must have answers and variance, also after deletion.
    ``deletion_note`` ends the message when fewer than 3 respondents answered every item."""
    names, columns = item_columns(df, min_items=min_items, what=what)
    if missing != "listwise":
        sums = pairwise_sums(columns)
        check_usable(names, sums, what)
        return names, sums
    check_usable(names, column_ranges(columns), what)
    keep = complete_rows(columns)
    if keep.sum() < 3:
        raise AnalysisError(f"{what}: only {int(keep.sum())} respondents answered every item{deletion_note}")
    sums = pairwise_sums(columns, rows=None if keep.all() else keep)
    check_usable(names, sums, f"{what} (listwise)")
    return names, sums


def _check_missing(missing: str) -> None:
    if missing not in MISSING_OPTIONS:
        raise AnalysisError(f"missing must be one of {MISSING_OPTIONS}, got {missing!r}")


def correlation_matrix(df: pd.DataFrame, missing: str = "pairwise") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pearson correlation matrix of the items and the N behind each correlation.

    ``missing='pairwise'`` uses, for each pair of items, every respondent who answered both
    (R ``cor(use="pairwise.complete.obs")``); ``'listwise'`` keeps only respondents who answered all
    items (SPSS default). Returns ``(R, N)``: two items x items DataFrames.

    Raises AnalysisError for a pair of items with fewer than 3 joint answers or without variance
    among them (the correlation would be undefined).

    Example
    -------
    >>> R, N = correlation_matrix(df, missing="listwise")   # doctest: +SKIP
    """
    _check_missing(missing)
    names, sums = item_sums(df, missing, min_items=2, what="Correlation matrix")
    n_values, r_values = sums.n, sums.corr()
    n = pd.DataFrame(n_values.astype(int), index=names, columns=names)
    bad = ~np.isfinite(r_values) | (n_values < 3)
    if bad.any():
        rows, cols = np.nonzero(np.triu(bad, 1))
        problems = [
            Problem(f"with {names[j]!r}: {n.iat[i, j]} joint answers, correlation undefined", column=names[i])
            for i, j in zip(rows, cols)
        ]
        raise AnalysisError("Correlation matrix: some pairs of items cannot be correlated", problems[:20])
    np.fill_diagonal(r_values, 1.0)
    return pd.DataFrame(r_values, index=names, columns=names), n


def effective_n(n_matrix: pd.DataFrame) -> int:
    """N used for tests on a correlation matrix: the smallest pairwise N (= listwise N if listwise)."""
    return int(n_matrix.to_numpy().min())


def as_matrix(r: pd.DataFrame | np.ndarray) -> tuple[np.ndarray, list[str]]:
    if isinstance(r, pd.DataFrame):
        return r.to_numpy(dtype=float), [str(c) for c in r.columns]
    arr = np.asarray(r, dtype=float)
    return arr, [f"V{i + 1}" for i in range(arr.shape[0])]


def require_nonsingular(r: np.ndarray, items: list[str], what: str) -> None:
    eig = np.linalg.eigvalsh(r)
    if eig.min() < _SINGULAR_EIGENVALUE:
        # the eigenvector of the smallest eigenvalue shows which items are (nearly) linearly dependent
        vec = np.linalg.eigh(r)[1][:, 0]
        involved = [items[i] for i in np.argsort(-np.abs(vec)) if abs(vec[i]) > 0.1]
        raise AnalysisError(
            f"{what}: the correlation matrix is singular (smallest eigenvalue {eig.min():.3g}); "
            "some items are exact linear combinations of others",
            [Problem("items involved in the linear dependency: " + ", ".join(involved[:10]))],
        )


def smc(r: np.ndarray) -> np.ndarray:
    """Squared multiple correlation of each item with all others: 1 - 1/diag(R^-1)."""
    return 1.0 - 1.0 / np.diag(np.linalg.inv(r))

