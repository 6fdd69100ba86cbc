"""Fast membership tests for answer codes.

Survey codes are a handful of small numbers, and the same test runs over every respondent for every
column. ``pandas.Series.isin`` builds a hash table each call (~20 ms per million rows); comparing with
each code in turn costs ~1 ms per code per million rows, so for short code lists it is the faster way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

_FEW = 16
MAX_RANGE = 1024  # widest hi - lo of the small-integer value codes


def in_codes(values, codes: Iterable[float]) -> np.ndarray:
    """Boolean array: which of ``values`` (array or Series; NaN never matches) equal one of ``codes``."""
    x = values.to_numpy(dtype="float64", na_value=np.nan) if isinstance(values, pd.Series) else \
        np.asarray(values, dtype="float64")
    codes = [float(c) for c in codes]
    if len(codes) > _FEW:
        return np.isin(x, codes)
    hit = np.zeros(x.shape, dtype=bool)
    for code in codes:
        hit |= x == code
    return hit


def code_counts(values) -> dict[float, int]:
    """{code: number of respondents} over the non-missing ``values``, codes in ascending order.

    Small non-negative-offset integer codes (the usual case) are counted with one ``np.bincount``;
    anything else with ``np.unique``.
    """
    x = values.to_numpy() if isinstance(values, pd.Series) and values.dtype.kind in "iu" else values
    if isinstance(x, np.ndarray) and x.dtype.kind in "iu":  # integers as read: no NaN, no fractions
        if x.size == 0:
            return {}
        lo, hi = int(x.min()), int(x.max())
        if hi - lo < 10_000:
            counts = np.bincount(x if lo >= 0 and hi < 10_000 else x - lo)
            base = 0 if lo >= 0 and hi < 10_000 else lo
            return {float(base + i): int(counts[i]) for i in np.flatnonzero(counts)}
        codes, counts = np.unique(x, return_counts=True)
        return {float(c): int(n) for c, n in zip(codes, counts)}
    x = values.to_numpy(dtype="float64", na_value=np.nan) if isinstance(values, pd.Series) else \
        np.asarray(values, dtype="float64")
    x = x[~np.isnan(x)]
    if x.size == 0:
        return {}
    lo, hi = x.min(), x.max()
    if hi - lo < 10_000 and np.all(x == np.floor(x)):
        counts = np.bincount((x - lo).astype(np.int64))
        present = np.flatnonzero(counts)
        return {float(lo + i): int(counts[i]) for i in present}
    codes, counts = np.unique(x, return_counts=True)
    return {float(c): int(n) for c, n in zip(codes, counts)}



@dataclass(frozen=True)
class ValueCodes:
    """A numeric column as codes into its sorted distinct values.

    ``codes[i]`` is the index of row i's value in ``values`` (ascending, float64, exact) and
    ``len(values)`` for a missing value (NaN). Codes are the smallest unsigned integer type
    that holds them.
    """

    codes: np.ndarray
    values: np.ndarray
    n_missing: int

    @property
    def n_values(self) -> int:
        return len(self.values)

    def counts(self) -> np.ndarray:
        """Value counts, one per value; the last entry counts the missing values."""
        return count_codes(self.codes, self.n_values + 1)


def count_codes(codes: np.ndarray, n_bins: int) -> np.ndarray:
    """``np.bincount(codes, minlength=n_bins)``, faster for uint8 codes.

    ``np.bincount`` first converts its input to intp. For uint8 codes it is cheaper to read
    each pair of neighbouring codes as one uint16 and count the pairs (half as many, into a
    256 x 256 table): every code is the first or the second of one pair, so the table's two
    margins add up to the counts.
    """
    if codes.dtype != np.uint8 or n_bins > 256 or len(codes) < 2:
        return np.bincount(codes, minlength=n_bins)
    codes = np.ascontiguousarray(codes)
    half = len(codes) // 2
    pairs = np.bincount(codes[: 2 * half].view(np.uint16), minlength=65536).reshape(256, 256)
    counts = pairs.sum(axis=0) + pairs.sum(axis=1)
    if len(codes) % 2:
        counts[codes[-1]] += 1
    return counts[:n_bins]


def code_dtype(n_codes: int) -> type:
    """The smallest unsigned integer type that holds codes 0..n_codes-1."""
    return np.uint8 if n_codes <= 0xFF else np.uint16 if n_codes <= 0xFFFF else np.intp
