"""Codes for grouping variables and for columns with few distinct values: the counting fast path.

Survey columns are mostly small integers stored as float with NaN for missing: answers 1-6,
group codes 1-5, ages 23-72; index scores (means of a few items) take a few dozen values.
:class:`ValueCodes` holds such a column as codes 0..V-1 into its sorted values, with code V for
missing: :func:`small_int_codes` makes them for integers in a few vectorised passes (no sort or
hash), :func:`few_value_codes` for any column with at most ``MAX_VALUES`` distinct values (one
``pd.factorize``). One ``np.bincount`` of the codes then gives the value counts; combined with
group codes, one count of ``group * (V + 1) + value code`` gives the whole group x value table.

Statistics computed from value counts are exact where per-row sums are exact (integer sums below
2**53) and otherwise at least as accurate (a handful of products instead of a million additions),
and they cost one pass instead of several. Columns holding anything else (continuous values,
infinities) get ``None`` and take the general per-row path.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from surveykit.stats.codes import MAX_RANGE, ValueCodes, count_codes
from surveykit.stats.codes import code_dtype as _code_dtype

MAX_VALUES = 1024  # most distinct values for the few-values path (tables are (groups + 1) x (values + 1))
SAMPLE = 8192  # rows looked at before paying for a full pass that may not pay off
EXACT_INT = 2.0**53  # integers below this are exact in float64


def as_key(value):
    """A group code as a plain Python scalar; integral floats become ints (1.0 -> 1).

    Numeric group columns holding NaN are float in pandas, but the codes are integers; results are
    keyed by the code the user wrote in the questionnaire.
    """
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _sample(col: np.ndarray) -> np.ndarray:
    """Up to SAMPLE evenly spaced valid values: a cheap look before a full pass."""
    sample = col[:: max(1, len(col) // SAMPLE)]
    return sample[~np.isnan(sample)]


def small_int_codes(col: np.ndarray, max_range: int = MAX_RANGE) -> ValueCodes | None:
    """:class:`ValueCodes` of a column of small integers, or None when it is something else.

    Applies when every non-NaN value is an integer, the values span at most ``max_range`` and
    their magnitude is below 2**53; ``values`` is then the whole range lo..hi (values that do
    not occur get a zero count). A few vectorised passes, no sort or hash.
    """
    col = np.asarray(col, dtype=np.float64)
    if col.ndim != 1 or not len(col):
        return None
    sample = _sample(col)
    if not np.array_equal(sample, np.floor(sample)):
        return None  # fractions: not worth the full passes
    with np.errstate(invalid="ignore"):
        lo, hi = np.fmin.reduce(col), np.fmax.reduce(col)  # NaN-ignoring; NaN when all missing
    if not (np.isfinite(lo) and np.isfinite(hi)) or max(-lo, hi) >= EXACT_INT or hi - lo > max_range:
        return None
    if lo != np.floor(lo):
        return None
    n_values = int(hi - lo) + 1
    shifted = col - lo  # exact: both are integers below 2**53
    missing = np.isnan(shifted)
    n_missing = int(np.count_nonzero(missing))
    if n_missing:
        np.copyto(shifted, n_values, where=missing)
    codes = shifted.astype(_code_dtype(n_values + 1))
    if not np.array_equal(codes, shifted):  # a fractional value somewhere
        return None
    return ValueCodes(codes=codes, values=lo + np.arange(n_values, dtype=np.float64), n_missing=n_missing)


def few_value_codes(col: np.ndarray, max_values: int = MAX_VALUES) -> ValueCodes | None:
    """:class:`ValueCodes` of any column with at most ``max_values`` distinct values, else None.

    For columns such as index scores (means of a few Likert items take a few dozen values).
    One hash pass (``pd.factorize``); a sample is looked at first so that continuous data do not
    pay for it.
    """
    col = np.asarray(col, dtype=np.float64)
    if col.ndim != 1 or not len(col) or len(np.unique(_sample(col))) > max_values:
        return None
    codes, uniques = pd.factorize(col, sort=True, use_na_sentinel=True)
    n_values = len(uniques)
    if n_values > max_values or not n_values or not np.isfinite(uniques).all():
        return None
    missing = codes < 0
    n_missing = int(np.count_nonzero(missing))
    if n_missing:
        codes = np.where(missing, n_values, codes)
    values = np.asarray(uniques, dtype=np.float64)
    return ValueCodes(codes=codes.astype(_code_dtype(n_values + 1)), values=values, n_missing=n_missing)


def _numeric(series: pd.Series) -> bool:
    dtype = series.dtype
    return (pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
            and not isinstance(dtype, pd.CategoricalDtype) and not pd.api.types.is_complex_dtype(dtype))


def group_codes(series: pd.Series, counted: ValueCodes | None = None) -> tuple[np.ndarray, list, np.ndarray]:
    """Codes 0..k-1 of a grouping variable (k = missing), its sorted keys and the group sizes.

    Codes are compact (uint8 for up to 254 groups): cast to ``np.intp`` before arithmetic.

    Returns ``(codes, keys, counts)``: ``counts`` has k + 1 entries, the last one the number of
    rows with a missing group. Categoricals keep their category order; numeric and string codes
    are sorted. Categories without any respondent do not become groups. Integer-valued numeric
    columns (the usual float codes with NaN) take the counting path (``counted``: their small-integer
    :class:`ValueCodes` when known already); anything else goes through ``pd.factorize``, with
    identical keys and codes.
    """
    dtype = series.dtype
    if counted is not None or _numeric(series):
        sic = counted if counted is not None else small_int_codes(series.to_numpy(dtype=np.float64, na_value=np.nan))
        if sic is not None:
            counts = sic.counts()
            present = counts[:-1] > 0
            k = int(present.sum())
            codes = sic.codes
            if k < sic.n_values:  # values of the range nobody has are not groups: renumber
                renumber = np.full(sic.n_values + 1, k, dtype=_code_dtype(k + 1))
                renumber[:-1][present] = np.arange(k)
                codes = renumber[codes]
                counts = np.append(counts[:-1][present], counts[-1])
            keys = [as_key(v) for v in sic.values[present]]
            return codes, keys, counts
    if isinstance(dtype, pd.CategoricalDtype):
        series = series.cat.remove_unused_categories()
    codes, uniques = pd.factorize(series, sort=True, use_na_sentinel=True)
    keys = [as_key(u) for u in (uniques.tolist() if hasattr(uniques, "tolist") else list(uniques))]
    k = len(keys)
    codes = np.where(codes < 0, k, codes).astype(_code_dtype(k + 1))
    return codes, keys, count_codes(codes, k + 1)
