"""Grouping machinery shared by every comparison: keys, labels, suppression and group moments.

The central object is :class:`GroupMoments`: for ONE grouping variable and MANY outcomes it holds,
per (group, outcome), the valid N, the mean, the sum of squared deviations from the group mean, and
the same two moments of the absolute deviations (what Levene's test needs). It is computed by
vectorised passes over the rows (``np.bincount`` over integer group codes, see
:func:`group_moments`): a table of 20 outcomes x 10 grouping variables over a million respondents
takes about a second. Every test
statistic (t, F, Welch, Levene, post hoc) is then computed from these sufficient statistics, which
is why the single-test functions and :func:`~surveykit.compare.breakdown` give identical numbers.

Numerical stability (why the passes look the way they do): NIST StRD SmLs07-09 put a constant
1e12 in front of deviations of 0.1. A one-pass ``sum(y**2) - n*mean**2`` loses every digit there,
and even differences of group means near 1e12 are quantised to the float spacing (1.2e-4). So:

1. every outcome is shifted by the mean of its own valid values. By Sterbenz's lemma ``y - shift``
   is exact when both are within a factor two, so an offset like NIST's is removed without
   rounding, and what is left has a spread comparable to its size;
2. the two-pass algorithm on the shifted data: group means, then ``SS = sum((y - mean)**2)``
   from the deviations.

All between-group quantities use the shifted means, which carry full relative precision.

Small-integer outcomes (Likert answers, ages) are first counted by value per group (one
``np.bincount``, see :mod:`surveykit.compare.codes`); the same shifted two-pass formulas are then
evaluated on the group x value table, each cell weighted by its exact count.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from surveykit.errors import AnalysisError, Problem
from surveykit.jsonsafe import to_jsonable  # noqa: F401  (re-exported for the compare modules)

from .codes import ValueCodes, _numeric, as_key, count_codes, few_value_codes, group_codes, small_int_codes

MISSING_METHOD = "pairwise"


# ----------------------------------------------------------------------------------------------
# boundary validation, keys and labels
# ----------------------------------------------------------------------------------------------


def check_columns(df: pd.DataFrame, columns: Sequence[str], *, numeric: bool = False) -> None:
    """Raise AnalysisError when a column is absent (or, with ``numeric``, not numeric)."""
    if not isinstance(df, pd.DataFrame):
        raise AnalysisError("expected a pandas DataFrame", [Problem(f"got {type(df).__name__}")])
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise AnalysisError(
            "column(s) not found in the data", [Problem("no such column", column=str(c)) for c in missing]
        )
    if numeric:
        bad = [c for c in columns if not (pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]))]
        if bad:
            raise AnalysisError(
                "outcome column(s) must be numeric",
                [Problem(f"dtype is {df[c].dtype}", column=str(c)) for c in bad],
            )


def labels_for(labels: Mapping | None, variable: str) -> dict:
    """The ``{code: label}`` mapping that applies to ``variable``.

    ``labels`` may be flat (``{1: "Women", 2: "Men"}``) or per variable
    (``{"gender": {1: "Women", 2: "Men"}, "unit": {...}}``). Codes are normalised with
    :func:`as_key` so ``{1.0: ...}`` and ``{1: ...}`` both work.
    """
    if not labels:
        return {}
    if variable in labels and isinstance(labels[variable], Mapping):
        chosen = labels[variable]
    elif any(isinstance(v, Mapping) for v in labels.values()):
        return {}  # per-variable mapping that says nothing about this variable
    else:
        chosen = labels
    return {as_key(k): str(v) for k, v in chosen.items()}


def label_of(key: Any, mapping: Mapping) -> str:
    """Label for a group code, falling back to the code itself."""
    return mapping.get(key, str(key))


# ----------------------------------------------------------------------------------------------
# sufficient statistics per group
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupMoments:
    """Sufficient statistics of several outcomes within the groups of one grouping variable.

    Arrays are shaped (n_groups, n_outcomes). ``mean_shifted`` is the group mean minus ``shift``
    (per outcome) and is what between-group formulas use; ``mean`` is for display.
    """

    group_var: str
    outcomes: tuple[str, ...]
    keys: tuple
    n: np.ndarray
    mean: np.ndarray
    mean_shifted: np.ndarray
    shift: np.ndarray
    ss: np.ndarray
    absdev_mean: np.ndarray
    absdev_ss: np.ndarray
    n_rows: int
    n_missing_group: int
    n_missing_outcome: np.ndarray  # rows with a valid group but a missing outcome, per outcome

    def column(self, outcome: str) -> int:
        return self.outcomes.index(outcome)


@dataclass(frozen=True)
class PreparedOutcome:
    """One outcome column made ready for :func:`group_moments` (see :func:`prepare_outcome`).

    ``shift`` is the mean of the column's valid values. An outcome with few distinct values
    (answers 1-6, ages, index scores) carries its value codes ``counted`` and is summarised
    through a group x value table; any other carries the shifted values ``ys`` (0 where
    missing) and, when values are missing, the validity mask ``ok``.
    """

    name: str
    shift: float
    n_valid: int
    counted: ValueCodes | None = None
    ys: np.ndarray | None = None
    ok: np.ndarray | None = None


def value_codes(col: np.ndarray) -> tuple[ValueCodes | None, bool]:
    """The column's :class:`ValueCodes` (small integers first, else few distinct values) and whether
    they are small integers; ``(None, False)`` for a column with many distinct values."""
    counted = small_int_codes(col)
    if counted is not None:
        return counted, True
    return few_value_codes(col), False


def prepare_outcome(name: str, col: np.ndarray, *, value_counts: bool = True,
                    counted: ValueCodes | None = None) -> PreparedOutcome:
    """Shift one outcome column by the mean of its own valid values (see the module doc).

    The shift depends on this column alone, so it is the same number whichever other outcomes
    are analysed alongside. ``value_counts=False`` forces the per-row path for every column;
    ``counted`` passes the column's :func:`value_codes` when they are known.
    """
    col = np.asarray(col, dtype=np.float64)
    if value_counts and counted is None:
        counted, _ = value_codes(col)
    if counted is not None and counted.n_missing < len(col):
        n_valid = len(col) - counted.n_missing
        # exact counts times exact values, summed without rounding (fsum), one division: for
        # integers (sum below 2**53) the same number as np.mean of the valid values
        shift = math.fsum(counted.counts()[:-1] * counted.values) / n_valid
        return PreparedOutcome(name=name, shift=shift, n_valid=n_valid, counted=counted)
    ok = ~np.isnan(col)
    n_valid = int(np.count_nonzero(ok))
    holes = n_valid < len(col)
    shift = float(np.mean(col[ok] if holes else col)) if n_valid else 0.0
    # Sterbenz: col - shift is exact when both lie within a factor two (offset-dominated data)
    ys = col - shift
    if holes:
        ys[~ok] = 0.0
    return PreparedOutcome(name=name, shift=shift, n_valid=n_valid, ys=ys, ok=ok if holes else None)


class FrameCache:
    """Per-column work shared by the comparisons of ONE data frame: group codes, prepared outcomes.

    :func:`breakdown`, :func:`group_moments` and :func:`crosstab` accept ``cache=``; a pipeline
    that runs many comparison plans on the same frame creates one ``FrameCache(df)`` and passes
    it to every call, so each grouping variable is coded and each outcome prepared once instead
    of once per plan. Without it, each call makes its own. The frame must not be modified while
    its cache is in use (a changed column would not be seen). Memory: about one byte per row per
    cached small-integer column (compact codes), nine per other outcome.
    """

    def __init__(self, df: pd.DataFrame, *, value_counts: bool = True, value_codes: Mapping | None = None):
        self.df = df
        self.value_counts = value_counts
        self._groups: dict = {}
        self._outcomes: dict = {}
        # small-integer value codes known already (e.g. made while recoding): {column: ValueCodes}
        self._values: dict = {name: (codes, True) for name, codes in (value_codes or {}).items() if name in df}

    def reuse(self, other: FrameCache, columns) -> None:
        """Take over what ``other`` (a cache of another frame) computed for ``columns``: the caller
        vouches that these columns are the same in both frames."""
        for name in columns:
            for mine, theirs in ((self._groups, other._groups), (self._outcomes, other._outcomes),
                                 (self._values, other._values)):
                if name in theirs:
                    mine[name] = theirs[name]

    def value_codes(self, name: str) -> tuple[ValueCodes | None, bool]:
        """:func:`value_codes` of numeric column ``name`` (computed once)."""
        if name not in self._values:
            check_columns(self.df, [name], numeric=True)
            self._values[name] = value_codes(self.df[name].to_numpy(dtype=np.float64, na_value=np.nan))
        return self._values[name]

    def check(self, df: pd.DataFrame) -> None:
        if df is not self.df:
            raise ValueError("this FrameCache was made for another DataFrame")

    def group_codes(self, name: str) -> tuple[np.ndarray, list, np.ndarray]:
        """:func:`~surveykit.compare.codes.group_codes` of column ``name`` (computed once)."""
        if name not in self._groups:
            check_columns(self.df, [name])
            series = self.df[name]
            counted = None
            if name in self._values or _numeric(series):
                counted, small = self.value_codes(name)
                counted = counted if small else None
            self._groups[name] = group_codes(series, counted)
        return self._groups[name]

    def outcome(self, name: str) -> PreparedOutcome:
        """:func:`prepare_outcome` of column ``name`` (validated as numeric, computed once)."""
        if name not in self._outcomes:
            check_columns(self.df, [name], numeric=True)
            col = self.df[name].to_numpy(dtype=np.float64, na_value=np.nan)
            counted = self.value_codes(name)[0] if self.value_counts else None
            self._outcomes[name] = prepare_outcome(name, col, value_counts=self.value_counts, counted=counted)
        return self._outcomes[name]


def group_moments(
    df: pd.DataFrame,
    outcomes: Sequence[str],
    group_var: str,
    *,
    cache: FrameCache | None = None,
    value_counts: bool = True,
) -> GroupMoments:
    """Compute :class:`GroupMoments` for ``outcomes`` by ``group_var``, vectorised over the rows.

    Missing data are handled pairwise: for each outcome the rows where both the outcome and the
    group are valid are used. ``cache`` (a :class:`FrameCache` of ``df``) lets a caller reuse
    the group codes and prepared outcomes across calls; ``value_counts=False`` (without a
    cache) forces the per-row path for every outcome.

    The group variable becomes codes 0..k-1 with k for a missing group
    (:func:`~surveykit.compare.codes.group_codes`); rows whose outcome is missing are moved to
    code k as well, so every per-group sum is one ``np.bincount`` and the last bin is dropped.
    Each outcome is computed on its own, in row order, so a one-outcome call gives bitwise the
    same numbers as a many-outcome call.

    * Outcomes with few distinct values (answers 1-6, ages, index scores; see
      :mod:`surveykit.compare.codes`): one ``np.bincount`` of ``group * (V + 1) + value code``
      gives the group x value table, and the two-pass formulas below are evaluated on the table
      (value - group mean per cell, weighted by the cell's exact count).
    * Other outcomes, per row: group sums -> means; deviations d = y - mean (gathered by code);
      SS = sum d^2; sum |d| for Levene. After the shift, a naively summed mean is accurate to
      ~sqrt(n) eps of the spread, and the SS of deviations from it is off only to second order.
    """
    outcomes = tuple(outcomes)
    if cache is None:
        cache = FrameCache(df, value_counts=value_counts)
    cache.check(df)
    check_columns(df, [*outcomes, group_var])
    prepared = [cache.outcome(name) for name in outcomes]
    codes, keys, group_n = cache.group_codes(group_var)
    k, p = len(keys), len(outcomes)
    n = np.zeros((k, p), dtype=np.int64)
    mean_shifted, ss, absdev_mean, absdev_ss = (np.empty((k, p)) for _ in range(4))
    spread: dict[int, np.ndarray] = {}  # codes * table width, shared by outcomes on the same scale
    for j, out in enumerate(prepared):
        if out.counted is not None:
            width = out.counted.n_values + 1
            if width not in spread:
                # group * width + value code: in uint8 when all (k + 1) x width cells fit
                small = (k + 1) * width <= 256 and codes.dtype == np.uint8
                spread[width] = codes * np.uint8(width) if small else codes.astype(np.intp) * width
            cols = _moments_by_value(spread[width], k, out.counted, out.shift)
        else:
            cols = _moments_by_row(codes, k, group_n, out.ys, out.ok)
        n[:, j], mean_shifted[:, j], ss[:, j], absdev_mean[:, j], absdev_ss[:, j] = cols
    empty = n == 0
    for arr in (mean_shifted, ss, absdev_mean, absdev_ss):
        arr[empty] = np.nan
    shift = np.array([o.shift for o in prepared], dtype=np.float64)
    n_valid_group = len(df) - int(group_n[k])
    return GroupMoments(
        group_var=group_var,
        outcomes=outcomes,
        keys=tuple(keys),
        n=n,
        mean=mean_shifted + shift,
        mean_shifted=mean_shifted,
        shift=shift,
        ss=ss,
        absdev_mean=absdev_mean,
        absdev_ss=absdev_ss,
        n_rows=len(df),
        n_missing_group=int(group_n[k]),
        # rows with a valid group but a missing outcome, per outcome
        n_missing_outcome=(n_valid_group - n.sum(axis=0)).astype(np.int64),
    )


def _moments_by_row(codes: np.ndarray, k: int, group_n: np.ndarray, ys: np.ndarray, ok: np.ndarray | None):
    """n, shifted mean, SS, mean |d| and SS of |d| per group from the rows of one outcome."""
    if ok is None:
        cj, n = codes, group_n[:k].astype(np.float64)
    else:
        cj = np.where(ok, codes, k)  # a missing outcome leaves the row out, like a missing group
        n = np.bincount(cj, minlength=k + 1)[:k].astype(np.float64)

    def group_sum(w: np.ndarray) -> np.ndarray:
        return np.bincount(cj, weights=w, minlength=k + 1)[:k]

    def per_row(values: np.ndarray) -> np.ndarray:  # each row's group value (0 outside the groups)
        ext = np.zeros(k + 1)
        ext[:k] = np.nan_to_num(values, nan=0.0)
        return ext[cj]

    with np.errstate(invalid="ignore", divide="ignore"):
        mean = group_sum(ys) / n
        d = ys - per_row(mean)
        # two-pass SS from deviations (the shift made the group means accurate, see module doc)
        ss = group_sum(d * d)
        # Levene (center = mean): mean absolute deviation, and the SS of the absolute deviations.
        # sum(z^2) = sum(d^2) = ss, so SS_z = ss - n zbar^2; where that cancels badly (|d| nearly
        # constant in a group) it is recomputed from deviations.
        z = np.abs(d, out=d)
        absdev_mean = group_sum(z) / n
        absdev_ss = ss - n * absdev_mean**2
        if ((absdev_ss < 1e-6 * ss) & (ss > 0)).any():
            e = z - per_row(absdev_mean)
            absdev_ss = group_sum(e * e)
    return n, mean, ss, absdev_mean, np.maximum(absdev_ss, 0.0)


def _moments_by_value(spread_codes: np.ndarray, k: int, counted: ValueCodes, shift: float):
    """The same five statistics from the group x value table of an outcome with few values."""
    width = counted.n_values + 1
    table = count_codes(spread_codes + counted.codes, (k + 1) * width).reshape(k + 1, width)
    count = table[:k, :-1].astype(np.float64)  # valid group and valid value
    n = count.sum(axis=1)
    dv = counted.values - shift  # each value minus the shift: exact for offset data (Sterbenz)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (count * dv).sum(axis=1) / n
        dev = dv[None, :] - mean[:, None]  # value - group mean, per (group, value) cell
        ss = (count * dev**2).sum(axis=1)
        adev = np.abs(dev)
        absdev_mean = (count * adev).sum(axis=1) / n
        absdev_ss = (count * (adev - absdev_mean[:, None]) ** 2).sum(axis=1)
    return n, mean, ss, absdev_mean, absdev_ss


@dataclass(frozen=True)
class GroupSelection:
    """The groups of one outcome that enter a test, after confidentiality suppression."""

    keys: tuple
    n: np.ndarray
    mean: np.ndarray
    mean_shifted: np.ndarray
    ss: np.ndarray
    absdev_mean: np.ndarray
    absdev_ss: np.ndarray
    suppressed: list[dict]
    missing: dict

    @property
    def var(self) -> np.ndarray:
        """Unbiased group variances (ddof=1)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.ss / (self.n - 1)

    @property
    def n_total(self) -> int:
        return int(self.n.sum())


def check_min_group_size(min_group_size) -> None:
    """The confidentiality threshold must be a positive integer."""
    if isinstance(min_group_size, bool) or not isinstance(min_group_size, (int, np.integer)) or min_group_size < 1:
        raise AnalysisError("min_group_size must be a positive integer", [Problem(f"got {min_group_size!r}")])


def select_groups(m: GroupMoments, outcome: str, min_group_size: int) -> GroupSelection:
    """Keep the groups with at least ``min_group_size`` valid respondents on ``outcome``.

    Smaller groups (including groups with no valid answer on this outcome) are listed in
    ``suppressed`` as ``{variable, group, n}``: left out for confidentiality, never silently.
    """
    check_min_group_size(min_group_size)
    j = m.column(outcome)
    n = m.n[:, j]
    keep = n >= min_group_size
    suppressed = [
        {"variable": m.group_var, "group": key, "n": int(nn)} for key, nn, kp in zip(m.keys, n, keep) if not kp
    ]
    n_used = int(n[keep].sum())
    missing = {
        "method": MISSING_METHOD,
        "n_rows": m.n_rows,
        "n_used": n_used,
        "n_missing_group": m.n_missing_group,
        "n_missing_outcome": int(m.n_missing_outcome[j]),
        "n_suppressed": int(n[~keep].sum()),
    }
    return GroupSelection(
        keys=tuple(k for k, kp in zip(m.keys, keep) if kp),
        n=n[keep],
        mean=m.mean[keep, j],
        mean_shifted=m.mean_shifted[keep, j],
        ss=m.ss[keep, j],
        absdev_mean=m.absdev_mean[keep, j],
        absdev_ss=m.absdev_ss[keep, j],
        suppressed=suppressed,
        missing=missing,
    )


def group_table(sel: GroupSelection, labels: Mapping) -> pd.DataFrame:
    """Tidy per-group statistics: index = group code; label, n, mean, sd, se."""
    var = sel.var
    sd = np.sqrt(var)
    out = pd.DataFrame(
        {
            "label": [label_of(k, labels) for k in sel.keys],
            "n": sel.n.astype(np.int64),
            "mean": sel.mean,
            "sd": sd,
            "se": sd / np.sqrt(sel.n),
        },
        index=pd.Index(list(sel.keys), name="group", dtype=object),
    )
    return out


# ----------------------------------------------------------------------------------------------
# Levene's test from moments (shared by t-test and ANOVA)
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeveneResult:
    """Levene's test of equal variances, center = mean (as SPSS): F(df1, df2), p."""

    statistic: float
    df1: int
    df2: int
    p: float

    def to_dict(self) -> dict:
        return to_jsonable(self)


def levene_from_selection(sel: GroupSelection) -> LeveneResult | None:
    """One-way ANOVA on |y - group mean|; None when the absolute deviations have no variance."""
    from scipy import special

    k, n_total = len(sel.n), sel.n_total
    if k < 2 or n_total - k < 1:
        return None
    n = sel.n.astype(np.float64)
    grand = math.fsum(n * sel.absdev_mean) / n_total
    between = math.fsum(n * (sel.absdev_mean - grand) ** 2)
    within = math.fsum(sel.absdev_ss)
    if within <= 0.0:
        return None
    df1, df2 = k - 1, n_total - k
    f = (between / df1) / (within / df2)
    return LeveneResult(statistic=float(f), df1=df1, df2=df2, p=float(special.fdtrc(df1, df2, f)))
