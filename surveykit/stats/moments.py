"""Pairwise-complete sums of many columns, in one chunked pass over the respondents.

Covariance and correlation matrices (pairwise or listwise), Cronbach's alpha, item means and SDs and the
factor analyses' correlation matrix all follow from, for every pair of columns i, j over the rows where
both are present: the number of rows, the sums of x_i and x_i², and the sum of x_i x_j. These are
computed chunk by chunk (:data:`CHUNK` rows at a time, matrix products within a chunk), so that a million
respondents never need a respondents x items copy of the data: the working memory is a few MB whatever
the number of respondents.

Precision: each column is shifted by the mean of its first chunk's valid values before summing (the
two-pass idea without the second pass): the one-pass formula ``sum(xy) - sum(x) sum(y) / n`` then
cancels only ``((mean - shift) / sd)**2`` of its digits, which is nothing for survey data and exact when
all rows fit in one chunk. An offset such as NIST's 1e12 is removed exactly (Sterbenz's lemma).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

CHUNK = 32_768  # rows per chunk: k columns x 32,768 rows x 8 bytes stays in cache-friendly sizes


@dataclass(frozen=True)
class PairwiseSums:
    """Sums over the rows where both columns of a pair are present (arrays are k x k).

    ``s[i, j]`` is the sum of ``x_i - shift_i`` over the rows where i and j are present, ``ss[i, j]`` the
    same for its square, ``sxy[i, j]`` the sum of the product of both shifted columns and ``n[i, j]`` the
    number of those rows. ``lo``/``hi`` are each column's smallest and largest value (NaN when it has
    none); ``n_rows`` is the number of rows looked at.
    """

    n: np.ndarray
    s: np.ndarray
    ss: np.ndarray
    sxy: np.ndarray
    shift: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    n_rows: int

    @property
    def n_valid(self) -> np.ndarray:
        """Present values per column."""
        return np.diag(self.n).copy()

    def means(self) -> np.ndarray:
        """Mean of each column over its own present values (NaN when it has none)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.shift + np.diag(self.s) / np.diag(self.n)

    def variances(self, ddof: int = 1) -> np.ndarray:
        """Variance of each column over its own present values."""
        n, s = np.diag(self.n), np.diag(self.s)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.maximum(np.diag(self.ss) - s * s / n, 0.0) / (n - ddof)

    def constant(self) -> np.ndarray:
        """Columns whose present values are all equal (exact), or that have none."""
        with np.errstate(invalid="ignore"):
            return ~(self.hi > self.lo)

    def cov(self) -> np.ndarray:
        """Pairwise-complete covariances (each pair's own means; pandas ``cov``, R ``use='pairwise'``)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return (self.sxy - self.s * self.s.T / self.n) / (self.n - 1)

    def corr(self) -> np.ndarray:
        """Pairwise-complete Pearson correlations (each pair's own means and SDs), clipped to [-1, 1]."""
        with np.errstate(invalid="ignore", divide="ignore"):
            cross = self.sxy - self.s * self.s.T / self.n
            own = np.maximum(self.ss - self.s * self.s / self.n, 0.0)  # x_i's sum of squares over the pair's rows
            r = cross / np.sqrt(own * own.T)
        r = np.clip(r, -1.0, 1.0)
        np.fill_diagonal(r, np.where(np.diag(self.n) > 1, 1.0, np.nan))
        return r


def pairwise_sums(columns: Sequence[np.ndarray], rows: np.ndarray | None = None) -> PairwiseSums:
    """:class:`PairwiseSums` of ``columns`` (1-D numeric arrays of one length; NaN = missing).

    ``rows`` (boolean) keeps only those rows, e.g. the complete cases for listwise deletion.

    Example
    -------
    >>> a = np.array([1.0, 2, 3, np.nan]); b = np.array([2.0, 4, 7, 1])
    >>> sums = pairwise_sums([a, b])
    >>> sums.n.tolist(), round(float(sums.corr()[0, 1]), 6)
    ([[3.0, 3.0], [3.0, 4.0]], 0.993399)
    """
    k = len(columns)
    n_total = len(columns[0]) if k else 0
    shift = np.array([_first_mean(c, rows) for c in columns], dtype="float64")
    lo = np.full(k, np.nan)
    hi = np.full(k, np.nan)
    # one buffer per call, reused by every chunk: [x - shift (0 where missing) | its square | missing (0/1)]
    buffer = np.empty((min(CHUNK, max(n_total, 1)), 3 * k), order="F")
    gap_rows = np.empty_like(buffer)
    n = np.zeros((k, k))
    s = np.zeros((k, k))
    ss = np.zeros((k, k))
    sxy = np.zeros((k, k))
    used = 0
    for start in range(0, n_total, CHUNK):
        stop = min(start + CHUNK, n_total)
        keep = None if rows is None else rows[start:stop]
        m = stop - start if keep is None else int(np.count_nonzero(keep))
        if not m:
            continue
        used += m
        x, square, absent = buffer[:m, :k], buffer[:m, k:2 * k], buffer[:m, 2 * k:]
        for j, column in enumerate(columns):
            x[:, j] = column[start:stop] if keep is None else column[start:stop][keep]
        with np.errstate(invalid="ignore"):
            lo = np.fmin(lo, np.fmin.reduce(x, axis=0))
            hi = np.fmax(hi, np.fmax.reduce(x, axis=0))
        x -= shift
        missing = np.isnan(x)
        np.copyto(x, 0.0, where=missing)
        np.multiply(x, x, out=square)
        sxy += x.T @ x  # zero-filled: products over the rows where both are present
        # Column totals count for every pair; the rows where the partner j is missing are taken off
        # again. Those lie among the rows with any gap (few in survey data): one small product over them.
        gaps = np.count_nonzero(missing, axis=0)
        n += m - gaps[:, None] - gaps[None, :]
        s += x.sum(axis=0)[:, None]
        ss += square.sum(axis=0)[:, None]
        with_gaps = np.flatnonzero(missing.any(axis=1))
        if len(with_gaps):
            np.copyto(absent, missing, casting="unsafe")
            if 3 * len(with_gaps) < m:  # few: gather them first, column by column (a row gather from a
                part = gap_rows[: len(with_gaps)]  # column-major block would be slow)
                for j in range(3 * k):
                    np.take(buffer[:m, j], with_gaps, out=part[:, j])
            else:  # many: the product over every row costs less than gathering them
                part = buffer[:m]
            gram = part.T @ part[:, 2 * k:]  # [x | x^2 | absent]' absent
            s -= gram[:k]  # sum of x_i over rows where j is missing
            ss -= gram[k:2 * k]
            n += gram[2 * k:]  # rows where both are missing were taken off twice
    return PairwiseSums(n=n, s=s, ss=ss, sxy=sxy, shift=shift, lo=lo, hi=hi, n_rows=used)


def _first_mean(column: np.ndarray, rows: np.ndarray | None) -> float:
    """Mean of the first chunk's valid values (rows kept), or of the whole column when that has none."""
    for part, keep in ((column[:CHUNK], None if rows is None else rows[:CHUNK]), (column, rows)):
        values = np.asarray(part, dtype="float64")
        if keep is not None:
            values = values[keep]
        values = values[~np.isnan(values)]
        if len(values):
            return float(values.mean())
    return 0.0


def column_ranges(columns: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Present values, smallest and largest value of each column (NaN when it has none): what the
    checks for empty and constant items need, without the pairwise sums."""
    n_valid = np.array([len(c) - (np.count_nonzero(np.isnan(c)) if c.dtype.kind == "f" else 0) for c in columns])
    with np.errstate(invalid="ignore"):
        lo = np.array([np.fmin.reduce(c) if len(c) else np.nan for c in columns], dtype="float64")
        hi = np.array([np.fmax.reduce(c) if len(c) else np.nan for c in columns], dtype="float64")
    return n_valid, lo, hi


def complete_rows(columns: Sequence[np.ndarray]) -> np.ndarray:
    """Rows where every column is present (listwise deletion), one column at a time."""
    keep = np.ones(len(columns[0]), dtype=bool)
    for column in columns:
        if column.dtype.kind == "f":
            keep &= ~np.isnan(column)
    return keep
