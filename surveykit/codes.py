"""Fast membership tests for answer codes.

Survey codes are a handful of small numbers, and the same test runs over every respondent for every
column. ``pandas.Series.isin`` builds a hash table each call (~20 ms per million rows); comparing with
each code in turn costs ~1 ms per code per million rows, so for short code lists it is the faster way.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

_FEW = 16


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

