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
