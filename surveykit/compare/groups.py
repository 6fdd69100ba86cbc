"""Grouping machinery shared by every comparison: keys, labels, suppression and group moments.

The central object is :class:`GroupMoments`: for ONE grouping variable and MANY outcomes it holds,
per (group, outcome), the valid N, the mean, the sum of squared deviations from the group mean, and
the same two moments of the absolute deviations (what Levene's test needs). It is computed in one
vectorised pass over the rows (sparse group-indicator products, see :func:`group_moments`), so a table of
20 outcomes x 10 grouping variables over a million respondents costs a few seconds. Every test
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
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from typing import Any

import numpy as np
import pandas as pd

from surveykit.errors import AnalysisError, Problem

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


def as_key(value: Any) -> Any:
    """A group code as a plain Python scalar; integral floats become ints (1.0 -> 1).

    Numeric group columns holding NaN are float in pandas, but the codes are integers; results are
    keyed by the code the user wrote in the questionnaire.
    """
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


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


def factorize_groups(series: pd.Series) -> tuple[np.ndarray, list]:
    """Integer codes (-1 = missing) and the sorted group keys of a grouping variable.

    Categoricals keep their category order; numeric and string codes are sorted. Categories
    without any respondent do not become groups.
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.cat.remove_unused_categories()
    codes, uniques = pd.factorize(series, sort=True, use_na_sentinel=True)
    keys = [as_key(u) for u in (uniques.tolist() if hasattr(uniques, "tolist") else list(uniques))]
    return np.asarray(codes, dtype=np.int64), keys


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


def prepare_outcomes(df: pd.DataFrame, outcomes: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shifted outcome matrix (NaN -> 0), its validity mask (float) and the per-outcome shift.

    The shift of each outcome is the mean of its own valid values, computed on that column alone,
    so it is the same number whichever other outcomes are analysed alongside.
    """
    check_columns(df, outcomes, numeric=True)
    p = len(outcomes)
    ys = np.empty((len(df), p), dtype=np.float64)
    mask = np.empty((len(df), p), dtype=np.float64)
    shift = np.zeros(p)
    for j, name in enumerate(outcomes):
        col = np.ascontiguousarray(df[name].to_numpy(dtype=np.float64, na_value=np.nan))
        ok = ~np.isnan(col)
        if ok.any():
            shift[j] = np.mean(col[ok])
        # Sterbenz: col - shift is exact when both lie within a factor two (offset-dominated data)
        ys[:, j] = np.where(ok, col - shift[j], 0.0)
        mask[:, j] = ok
    return ys, mask, shift


def group_moments(
    df: pd.DataFrame,
    outcomes: Sequence[str],
    group_var: str,
    *,
    prepared: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> GroupMoments:
    """Compute :class:`GroupMoments` for ``outcomes`` by ``group_var`` in one vectorised pass.

    Missing data are handled pairwise: for each outcome the rows where both the outcome and the
    group are valid are used. ``prepared`` (from :func:`prepare_outcomes`) lets a caller reuse
    the shifted outcome matrix across several grouping variables.

    Group sums are products with a sparse k x N group indicator matrix G (``G @ Y`` sums the rows
    of each group for all outcomes at once; ``G.T @ M`` gives every row its group's value). Each
    (group, outcome) sum accumulates its rows in row order whatever the number of outcomes, so a
    one-outcome call gives the same numbers as a many-outcome call.

    Passes: group sums -> means; deviations d = y - mean (the one gather); SS = sum d^2;
    sum |d| for Levene. After the shift, a naively summed mean is accurate to ~sqrt(n) eps of
    the spread, and the SS of deviations from it is off only to second order.
    """
    from scipy import sparse

    outcomes = tuple(outcomes)
    check_columns(df, [group_var])
    ys, maskf, shift = prepared if prepared is not None else prepare_outcomes(df, outcomes)
    codes, keys = factorize_groups(df[group_var])
    valid_group = codes >= 0
    rows = np.flatnonzero(valid_group)
    k = len(keys)
    g = sparse.csr_matrix((np.ones(len(rows)), (codes[rows], rows)), shape=(k, len(df)))
    gt = g.T  # CSC view: G.T @ M gives every row its group's value
    p = len(outcomes)
    counts = np.bincount(codes[rows], minlength=k).astype(np.float64)
    n_f = np.repeat(counts[:, None], p, axis=1)
    holes = np.flatnonzero((maskf == 0).any(axis=0))  # outcomes with missing values
    if len(holes):
        n_f[:, holes] = g @ maskf[:, holes]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_shifted = (g @ ys) / n_f
        d = ys - gt @ np.nan_to_num(mean_shifted, nan=0.0)
        if len(holes):
            d[:, holes] *= maskf[:, holes]  # cells with a missing outcome contribute nothing
        # two-pass SS from deviations (the shift made the group means accurate, see module doc)
        ss = g @ (d * d)
        # Levene (center = mean): mean absolute deviation, and the SS of the absolute deviations.
        # sum(z^2) = sum(d^2) = ss, so SS_z = ss - n zbar^2; where that cancels badly (|d| nearly
        # constant in a group) it is recomputed from deviations below.
        z = np.abs(d, out=d)
        absdev_mean = (g @ z) / n_f
        absdev_ss = ss - n_f * absdev_mean**2
        unstable = np.flatnonzero(((absdev_ss < 1e-6 * ss) & (ss > 0)).any(axis=0))
        if len(unstable):
            e = z[:, unstable] - gt @ np.nan_to_num(absdev_mean[:, unstable], nan=0.0)
            if len(holes):
                e *= maskf[:, unstable]
            absdev_ss[:, unstable] = g @ (e * e)
        absdev_ss = np.maximum(absdev_ss, 0.0)
    n = n_f.astype(np.int64)
    empty = n == 0
    for arr in (mean_shifted, ss, absdev_mean, absdev_ss):
        arr[empty] = np.nan
    # rows with a valid group but a missing outcome, per outcome
    n_missing_outcome = (len(rows) - n_f.sum(axis=0)).astype(np.int64)
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
        n_missing_group=int((~valid_group).sum()),
        n_missing_outcome=n_missing_outcome,
    )


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


# ----------------------------------------------------------------------------------------------
# JSON-safe conversion
# ----------------------------------------------------------------------------------------------


def to_jsonable(obj: Any) -> Any:
    """Plain JSON-safe Python: NaN/inf -> None, numpy -> Python, DataFrame -> list of records."""
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, np.generic):
        return to_jsonable(obj.item())
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, int):
        return obj
    if isinstance(obj, pd.DataFrame):
        frame = obj.reset_index() if not isinstance(obj.index, pd.RangeIndex) else obj
        return [{str(k): to_jsonable(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
    if isinstance(obj, pd.Series):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, np.ndarray):
        return [to_jsonable(v) for v in obj.tolist()]
    if is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(getattr(obj, f.name)) for f in fields(obj)}
    if isinstance(obj, Mapping):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set)):
        return [to_jsonable(v) for v in obj]
    if obj is pd.NA or obj is pd.NaT:
        return None
    return str(obj)
