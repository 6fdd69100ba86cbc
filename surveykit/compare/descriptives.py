"""Item / index descriptives as in SPSS FREQUENCIES + DESCRIPTIVES, with scale distributions."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from surveykit.errors import AnalysisError, Problem

from .codes import ValueCodes, as_key
from .groups import FrameCache, check_columns, check_min_group_size, value_codes


@dataclass(frozen=True)
class _ColumnStats:
    """Descriptives of one column, and a counter of how often a value occurs."""

    n: int
    n_missing: int
    mean: float
    median: float
    sd: float
    variance: float
    min: float
    max: float
    modes: tuple
    count: Callable[[float], int]


def _distribution(counted: ValueCodes) -> dict:
    """n, median, modes, minimum, maximum and a value counter, read off a column's value counts.

    The same numbers pandas gives from the rows: the median is the middle value or the mean of
    the two middle values, the modes are the values counted most often.
    """
    counts = counted.counts()
    n_missing = int(counts[-1])
    counts = counts[:-1]
    values = counted.values
    n = int(counts.sum())
    below = np.cumsum(counts)  # below[i] = number of valid values <= values[i]
    lower, upper = values[np.searchsorted(below, [(n - 1) // 2, n // 2], side="right")]
    seen = np.flatnonzero(counts)

    def count(v: float) -> int:
        i = int(np.searchsorted(values, v))
        return int(counts[i]) if i < len(values) and values[i] == v else 0

    return {
        "n": n,
        "n_missing": n_missing,
        "median": (lower + upper) / 2.0,
        "min": float(values[seen[0]]),
        "max": float(values[seen[-1]]),
        "modes": tuple(as_key(v) for v in values[counts == counts.max()]),
        "count": count,
        "counts": counts,
    }


def _stats_from_counts(ints: ValueCodes) -> _ColumnStats:
    """Descriptives of a small-integer column from its value counts (one ``np.bincount``).

    Identical to the per-row path: the mean's sum of integers is exact (as pandas' pairwise sum
    of the same integers is, below 2**53), the variance is the same two-pass sum
    ``sum(count * (value - mean)**2)``, and median, modes, minimum and maximum are read off the
    counts.
    """
    dist = _distribution(ints)
    counts, values, n = dist.pop("counts"), ints.values, dist["n"]
    mean = math.fsum(counts * values) / n
    variance = float((counts * (values - mean) ** 2).sum()) / (n - 1) if n > 1 else np.nan
    return _ColumnStats(mean=mean, sd=math.sqrt(variance) if n > 1 else np.nan, variance=variance, **dist)


def _stats_from_rows(col: np.ndarray, counted: ValueCodes | None) -> _ColumnStats:
    """Descriptives of any numeric column: mean and variance by pandas' reductions (NaN skipped).

    Median, modes, minimum and maximum come from the value counts when the column has few
    distinct values (``counted``), else from pandas too.
    """
    s = pd.Series(col, copy=False)
    variance = s.var(ddof=1)
    moments = {"mean": s.mean(), "variance": variance, "sd": math.sqrt(variance) if variance >= 0 else np.nan}
    if counted is not None:
        dist = _distribution(counted)
        dist.pop("counts")
        return _ColumnStats(**moments, **dist)
    n = int(s.count())
    freq = s.value_counts(dropna=True)
    return _ColumnStats(
        **moments,
        n=n,
        n_missing=len(col) - n,
        median=s.median(),
        min=s.min(),
        max=s.max(),
        modes=tuple(sorted(as_key(v) for v in freq.index[freq == freq.max()])) if n else (),
        count=lambda v: int(np.count_nonzero(col == v)),
    )


def describe(
    df: pd.DataFrame,
    variables: Sequence[str],
    scale_values: Sequence[float] | None = None,
    favourable: Sequence[float] | None = None,
    *,
    min_group_size: int = 5,
    value_counts: bool = True,
    cache: FrameCache | None = None,
) -> pd.DataFrame:
    """Descriptive statistics per variable (one row each).

    A variable whose valid values are all integers on a small range (answers 1-6, ages) is
    described from its value counts, one ``np.bincount`` (see :mod:`surveykit.compare.codes`);
    any other numeric variable by pandas' reductions (with median, modes and scale shares from
    value counts when it has few distinct values, e.g. index scores). Both give the same
    numbers (the counting path sums the same integers exactly); ``value_counts=False`` forces
    pandas' reductions for every variable.

    Columns: ``n`` (valid), ``n_missing``, ``mean``, ``median``, ``mode`` (the smallest mode, as
    SPSS prints it), ``modes`` (tuple of all modes), ``n_modes``, ``sd`` and ``variance``
    (ddof = 1), ``min``, ``max``, ``se`` = sd / sqrt(n).

    With ``scale_values`` (e.g. ``[1, 2, 3, 4, 5, 6]``) also ``pct_<value>`` for each value
    (percent of valid answers), ``n_out_of_scale`` (valid answers not on the scale; then the
    percentages do not add up to 100), ``pct_top3`` and ``pct_top2`` (share answering one of the
    three / two highest scale values), and ``pct_favourable``: the share answering one of the
    ``favourable`` values (default: the top two).

    Confidentiality: a variable with fewer than ``min_group_size`` valid answers gets
    ``suppressed = True`` and no statistics (NaN); its n is still shown.

    ``cache``: a :class:`~surveykit.compare.FrameCache` of ``df``, whose value codes the group
    comparisons then reuse.

    Example
    -------
    >>> describe(df, ["q1", "q2"], scale_values=range(1, 7))
    """
    check_min_group_size(min_group_size)
    variables = list(variables)
    check_columns(df, variables, numeric=True)
    if cache is not None:
        cache.check(df)
    stats = []
    for name in variables:
        col = df[name].to_numpy(dtype=np.float64, na_value=np.nan)
        if not value_counts:
            stats.append(_stats_from_rows(col, None))
            continue
        counted, small = cache.value_codes(name) if cache is not None else value_codes(col)
        stats.append(_stats_from_counts(counted) if small else _stats_from_rows(col, counted))
    n = np.array([st.n for st in stats], dtype=np.int64)
    modes = [st.modes for st in stats]
    column = lambda field: [getattr(st, field) for st in stats]  # noqa: E731
    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame(
            {
                "n": n,
                "n_missing": np.array(column("n_missing"), dtype=np.int64),
                "mean": np.array(column("mean"), dtype=np.float64),
                "median": np.array(column("median"), dtype=np.float64),
                "sd": np.array(column("sd"), dtype=np.float64),
                "variance": np.array(column("variance"), dtype=np.float64),
                "min": np.array(column("min"), dtype=np.float64),
                "max": np.array(column("max"), dtype=np.float64),
            },
            index=pd.Index(variables, name="variable"),
        )
        out["se"] = out["sd"] / np.sqrt(out["n"])
    out.insert(4, "mode", [m[0] if m else np.nan for m in modes])
    out.insert(5, "modes", pd.Series(modes, index=out.index, dtype=object))
    out.insert(6, "n_modes", [len(m) for m in modes])
    if scale_values is not None:
        scale = sorted(float(v) for v in scale_values)
        if len(scale) < 2:
            raise AnalysisError("scale_values needs at least two values", [Problem(f"got {list(scale_values)}")])
        with np.errstate(invalid="ignore", divide="ignore"):
            on_scale = np.zeros(len(variables), dtype=np.int64)
            pct = {}
            for v in scale:
                count = np.array([st.count(v) for st in stats], dtype=np.int64)
                on_scale += count
                pct[v] = 100.0 * count / n
            for v in scale:
                out[f"pct_{as_key(v)}"] = pct[v]
            out["n_out_of_scale"] = n - on_scale
            out["pct_top3"] = sum(pct[v] for v in scale[-3:])
            out["pct_top2"] = sum(pct[v] for v in scale[-2:])
            fav = scale[-2:] if favourable is None else [float(v) for v in favourable]
            unknown = [v for v in fav if v not in scale]
            if unknown:
                raise AnalysisError("favourable values must be scale values", [Problem(f"not on the scale: {unknown}")])
            out["pct_favourable"] = sum(pct[v] for v in fav)
    small = out["n"] < min_group_size
    out["suppressed"] = small
    stat_cols = [c for c in out.columns if c not in ("n", "n_missing", "suppressed")]
    if small.any():
        for c in stat_cols:
            if c == "modes":
                out.loc[small, c] = pd.Series([()] * int(small.sum()), index=out.index[small], dtype=object)
            else:
                out.loc[small, c] = np.nan
    out.attrs["missing"] = {"method": "pairwise", "n_rows": len(df)}
    out.attrs["suppressed"] = [{"variable": v, "group": None, "n": int(k)} for v, k in zip(variables, n) if k < min_group_size]
    return out
