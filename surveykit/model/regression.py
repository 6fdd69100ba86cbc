"""Hierarchical (blockwise) linear regression with SPSS-style change statistics and diagnostics.

The model of Schick (2014, Table 29): an index is regressed on blocks of predictors entered one step
at a time; categorical predictors are dummy coded against a chosen reference category; cases with a
missing value on the outcome or on *any* predictor of *any* step are deleted listwise, so every step
is fitted on the same N and the change statistics compare nested models.

Numerics
--------
Every step is fitted from one Householder QR decomposition of the final step's design matrix, after
centring and scaling each predictor to unit length (the intercept is then recovered from the means).
Because steps are nested and the columns are ordered block by block, step ``j`` uses the leading
``k_j`` columns of the same ``Q`` and ``R``. Centring removes the huge intercept-collinearity of data
such as NIST Longley (a YEAR column next to a constant), which is where normal-equation solvers lose
their digits: this module reproduces NIST's certified Longley values to ~12 significant digits.

Formulas (k predictors in the step, n cases, p = k + 1 parameters)
------------------------------------------------------------------
R² = 1 - SSE/SST;  adjusted R² = 1 - (1 - R²)(n - 1)/(n - k - 1);  SE of estimate s = √(SSE/(n - k - 1))
ΔR²_j = R²_j - R²_{j-1};  F change = (ΔR²_j / df1) / ((1 - R²_j) / df2),  df1 = k_j - k_{j-1},  df2 = n - k_j - 1
model F = (R² / k) / ((1 - R²) / (n - k - 1));  β_j = b_j · sd(x_j) / sd(y)  (SPSS's standardised coefficient)
VIF_j = 1 / (1 - R²_j·others) = diag((X_sᵀX_s)⁻¹) for the centred, unit-length predictors;  tolerance = 1/VIF
Durbin-Watson = Σ(e_i - e_{i-1})² / Σe_i²  (cases in data order);  ZRESID_i = e_i / s
leverage h_i = 1/n + ‖Q_i‖²;  Cook's D_i = e_i² h_i / (p s² (1 - h_i)²)
DFBETA_i = (XᵀX)⁻¹ x_i e_i / (1 - h_i)  (SPSS's unstandardised change in b when case i is deleted)
SDBETA_ij = DFBETA_ij / (s_(i) √[(XᵀX)⁻¹]_jj),  s_(i)² = (SSE - e_i²/(1 - h_i)) / (n - p - 1)

References
----------
Cohen, J., Cohen, P., West, S. G. & Aiken, L. S. (2003). *Applied multiple regression/correlation
analysis for the behavioral sciences* (3rd ed.), ch. 5 (hierarchical entry, F change) and ch. 10
(diagnostics). Belsley, Kuh & Welsch (1980), *Regression diagnostics* (DFBETA, DFBETAS).
IBM SPSS Statistics Algorithms, "REGRESSION" (ZRESID, DFBETA, SDBETA, Cook's distance).
Schick, M. (2014), master's thesis, NTNU, section 5 and Table 29.

Example
-------
>>> res = hierarchical_regression(                                      # doctest: +SKIP
...     df, "malekortet",
...     blocks=[["kjonn"], ["utdanning"], ["rolle"], ["kompetanse", "verdier"]],
...     categorical=["kjonn", "utdanning", "rolle"],
...     references={"kjonn": "mann", "utdanning": "master", "rolle": "radgiver/annet"})
>>> res.steps[["step", "r2", "delta_r2", "f_change", "p_change"]]      # doctest: +SKIP
>>> print(res.summary())                                               # doctest: +SKIP
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd
from scipy import linalg

from surveykit.stats.distributions import f_sf, t_ppf, t_two_sided
from surveykit.errors import AnalysisError, Problem
from surveykit.jsonsafe import to_jsonable

__all__ = [
    "INTERCEPT",
    "CorrelationScreen",
    "MissingInfo",
    "RegressionDiagnostics",
    "RegressionResult",
    "dummy_code",
    "hierarchical_regression",
    "predictor_correlations",
]

INTERCEPT = "(Intercept)"

# A predictor is "perfectly collinear" when the part of it not explained by the predictors entered before
# it is shorter than this fraction of its (unit) length: 1 - R²(x_j | earlier) < 1e-14, i.e. VIF > 1e14.
# Exact dependencies (a full set of dummies, a sum score next to its parts) land near 1e-15; real data with a
# VIF anywhere near 1e14 carry no information about the separate coefficients anyway.
_COLLINEAR_TOL = 1e-7


# --------------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------------


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [to_jsonable(row) for row in frame.to_dict(orient="records")]


def _category_text(value: Hashable) -> str:
    """Stable text for a category code: 2.0 -> '2', 'kvinne' -> 'kvinne'."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _observed_categories(series: pd.Series) -> list[Hashable]:
    """Categories that occur in ``series``: declared order for pandas categoricals, else sorted."""
    present = series.dropna()
    if isinstance(series.dtype, pd.CategoricalDtype):
        seen = set(present.unique())
        return [c for c in series.cat.categories if c in seen]
    uniques = list(pd.unique(present))
    try:
        return sorted(uniques)
    except TypeError:  # mixed types: keep order of appearance
        return uniques


# --------------------------------------------------------------------------------------------------
# dummy coding
# --------------------------------------------------------------------------------------------------


def dummy_code(
    series: pd.Series,
    reference: Hashable,
    labels: Mapping[Hashable, str] | None = None,
    prefix: str | None = None,
) -> pd.DataFrame:
    """Treatment (dummy) coding of a categorical variable against a reference category.

    One 0/1 column per category that occurs in ``series``, except ``reference``; a row with a missing
    value is NaN in every column (it is not silently coded as the reference).

    Parameters
    ----------
    series : pandas Series of category codes or labels.
    reference : the category every dummy is contrasted with (coded 0 on all columns). Must occur.
    labels : optional mapping code -> label used in the column names (e.g. ``{2: "kvinne"}``).
    prefix : variable name used in the column names; defaults to ``series.name``.

    Returns
    -------
    DataFrame of float 0.0/1.0/NaN, same index as ``series``, columns named ``"<prefix>[<label>]"`` in
    category order (declared order for a pandas Categorical, otherwise sorted).

    Example
    -------
    >>> dummy_code(pd.Series(["m", "k", None, "k"], name="kjonn"), reference="m").columns.tolist()
    ['kjonn[k]']
    """
    names = dummy_names(series, reference, labels, prefix)
    coded = np.empty((len(series), len(names)), order="F")
    for j, column in enumerate(_indicators(series, list(names.values()))):
        coded[:, j] = column
    coded[series.isna().to_numpy(), :] = np.nan
    return pd.DataFrame(coded, index=series.index, columns=list(names))


def dummy_names(
    series: pd.Series,
    reference: Hashable,
    labels: Mapping[Hashable, str] | None = None,
    prefix: str | None = None,
    categories: list[Hashable] | None = None,
) -> dict[str, Hashable]:
    """``{dummy column name: category}`` of :func:`dummy_code`, checked; ``categories`` when known."""
    name = str(prefix if prefix is not None else (series.name if series.name is not None else "x"))
    labels = dict(labels or {})
    categories = _observed_categories(series) if categories is None else categories
    if reference not in categories:
        shown = tuple(_category_text(c) for c in categories[:20])
        raise AnalysisError(
            f"Reference category {reference!r} does not occur in {name!r}",
            [Problem("choose one of the observed categories", column=name, values=shown)],
        )
    others = [c for c in categories if c != reference]
    if not others:
        raise AnalysisError(
            f"{name!r} has only its reference category {reference!r}: nothing to contrast",
            [Problem("a categorical predictor needs at least two observed categories", column=name)],
        )
    columns = [f"{name}[{labels.get(c, _category_text(c))}]" for c in others]
    if len(set(columns)) != len(columns):
        raise AnalysisError(
            f"Dummy columns of {name!r} would share a name",
            [Problem("give each category a distinct label", column=name, values=tuple(columns))],
        )
    return dict(zip(columns, others))


def _indicators(series: pd.Series, categories: Sequence[Hashable]):
    """One boolean array per category: which rows hold it (a vectorised comparison per category)."""
    if _is_numeric(series) and all(isinstance(c, (int, float, np.integer, np.floating)) for c in categories):
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        return (values == float(c) for c in categories)
    values = series.to_numpy(dtype=object)
    return (values == c for c in categories)


# --------------------------------------------------------------------------------------------------
# result objects
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MissingInfo:
    """How incomplete cases were handled: listwise over the outcome and all predictors of all steps."""

    method: str
    n_total: int
    n_used: int
    n_excluded: int
    by_variable: dict[str, int]  # missing values per variable (a case may be missing on several)

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(
            {
                "method": self.method,
                "n_total": self.n_total,
                "n_used": self.n_used,
                "n_excluded": self.n_excluded,
                "by_variable": self.by_variable,
            }
        )


@dataclass(frozen=True)
class RegressionDiagnostics:
    """Assumption and influence checks of the final step.

    ``dfbeta_max`` is SPSS's DFBETA (unstandardised change in b when a case is deleted, in the units of
    b); ``sdbeta_max`` is SPSS's SDBETA (= statsmodels' ``dfbetas``, Belsley-Kuh-Welsch DFBETAS), the
    version the usual "|DFBeta| < 1" rule of thumb (Field; Schick 2014) refers to.
    """

    step: int
    n: int
    vif: dict[str, float]
    tolerance: dict[str, float]
    durbin_watson: float
    max_cooks_d: float
    n_cooks_d_above_1: int
    case_max_cooks_d: Hashable
    max_leverage: float
    pct_zresid_beyond_2: float
    pct_zresid_beyond_2_5: float
    n_zresid_beyond_3: int
    cases_zresid_beyond_3: tuple[Hashable, ...]
    dfbeta_max: dict[str, float]
    sdbeta_max: dict[str, float]
    n_sdbeta_above_1: int
    n_leverage_one: int  # cases with leverage 1 (alone in a dummy category): deletion statistics undefined
    cases: pd.DataFrame = field(repr=False)  # per case: fitted, residual, zresid, sresid, leverage, cooks_d
    # (DFBETA, SDBETA) of every case, computed when asked for: n x p each
    influence: Callable[[], tuple[np.ndarray, np.ndarray]] = field(repr=False, compare=False)

    @property
    def dfbeta(self) -> pd.DataFrame:
        """Per case x term: the unstandardised change in each coefficient when the case is deleted."""
        return pd.DataFrame(self.influence()[0], index=self.cases.index, columns=[INTERCEPT, *self.vif])

    @property
    def sdbeta(self) -> pd.DataFrame:
        """Per case x term: DFBETA standardised (SPSS SDBETA, statsmodels dfbetas)."""
        return pd.DataFrame(self.influence()[1], index=self.cases.index, columns=[INTERCEPT, *self.vif])

    def to_dict(self) -> dict[str, Any]:
        """Summary diagnostics (the per-case frames are left out to keep the JSON small)."""
        return to_jsonable(
            {
                "step": self.step,
                "n": self.n,
                "vif": self.vif,
                "tolerance": self.tolerance,
                "durbin_watson": self.durbin_watson,
                "max_cooks_d": self.max_cooks_d,
                "n_cooks_d_above_1": self.n_cooks_d_above_1,
                "case_max_cooks_d": self.case_max_cooks_d,
                "max_leverage": self.max_leverage,
                "pct_zresid_beyond_2": self.pct_zresid_beyond_2,
                "pct_zresid_beyond_2_5": self.pct_zresid_beyond_2_5,
                "n_zresid_beyond_3": self.n_zresid_beyond_3,
                "cases_zresid_beyond_3": list(self.cases_zresid_beyond_3),
                "dfbeta_max": self.dfbeta_max,
                "sdbeta_max": self.sdbeta_max,
                "n_sdbeta_above_1": self.n_sdbeta_above_1,
                "n_leverage_one": self.n_leverage_one,
            }
        )


@dataclass(frozen=True)
class RegressionResult:
    """Hierarchical regression: one row per step in ``steps``, tidy ``coefficients`` for every step.

    ``steps`` columns: step, k (predictor columns), r, r2, adj_r2, delta_r2, f_change, df1, df2, p_change,
    f, df_model, df_resid, p, se_estimate, n.
    ``coefficients`` columns: step, term, b, se, beta, t, p, ci_low, ci_high (intercept: beta is NaN).
    """

    outcome: str
    n: int
    steps: pd.DataFrame
    coefficients: pd.DataFrame
    diagnostics: RegressionDiagnostics
    missing: MissingInfo
    blocks: tuple[tuple[str, ...], ...]  # design terms added at each step (dummy columns named by dummy_code)
    variables: tuple[tuple[str, ...], ...]  # source variables added at each step
    references: dict[str, Hashable]  # reference category used for each categorical predictor
    confidence: float = 0.95

    def step_coefficients(self, step: int | None = None) -> pd.DataFrame:
        """Coefficients of one step (default: the final step)."""
        step = int(self.steps["step"].iloc[-1]) if step is None else step
        return self.coefficients[self.coefficients["step"] == step].reset_index(drop=True)

    def summary(self) -> str:
        lines = [
            f"Hierarchical linear regression of {self.outcome}",
            f"N = {self.n} ({self.missing.method} deletion; {self.missing.n_excluded} of "
            f"{self.missing.n_total} cases excluded)",
        ]
        if self.references:
            refs = ", ".join(f"{v} = {_category_text(r)}" for v, r in self.references.items())
            lines.append(f"Reference categories: {refs}")
        lines += ["", "Step  k      R²     adj R²   ΔR²      F change  df1  df2  p change   SE est", "-" * 78]
        for row in self.steps.itertuples(index=False):
            lines.append(
                f"{row.step:>4} {row.k:>2} {row.r2:9.4f} {row.adj_r2:9.4f} {row.delta_r2:8.4f} "
                f"{row.f_change:10.3f} {row.df1:>4} {row.df2:>4} {row.p_change:9.4f} {row.se_estimate:9.4g}"
            )
        for j, added in enumerate(self.blocks, start=1):
            lines.append(f"  step {j} adds: {', '.join(added)}")
        final = self.step_coefficients()
        lines += ["", f"Coefficients, step {int(self.steps['step'].iloc[-1])}", "-" * 78]
        lines.append(f"{'term':<30} {'b':>12} {'SE':>11} {'beta':>7} {'t':>8} {'p':>7}")
        for row in final.itertuples(index=False):
            beta = "" if pd.isna(row.beta) else f"{row.beta:7.3f}"
            lines.append(f"{row.term:<30.30} {row.b:>12.6g} {row.se:>11.6g} {beta:>7} {row.t:8.3f} {row.p:7.4f}")
        d = self.diagnostics
        vifs = list(d.vif.values())
        lines += [
            "",
            "Diagnostics (final step)",
            f"  VIF {min(vifs):.3f} - {max(vifs):.3f}; tolerance {min(d.tolerance.values()):.3f} - "
            f"{max(d.tolerance.values()):.3f}",
            f"  Durbin-Watson {d.durbin_watson:.3f}",
            f"  Cook's distance max {d.max_cooks_d:.3f} ({d.n_cooks_d_above_1} cases > 1)",
            f"  standardised residuals: {d.pct_zresid_beyond_2:.2f}% beyond ±2, {d.pct_zresid_beyond_2_5:.2f}% "
            f"beyond ±2.5, {d.n_zresid_beyond_3} beyond ±3",
            f"  max |SDBETA| {np.nanmax(list(d.sdbeta_max.values())):.3f} ({d.n_sdbeta_above_1} cases with an "
            f"|SDBETA| > 1; SDBETA = standardised DFBETA)",
        ]
        if d.n_leverage_one:
            lines.append(f"  {d.n_leverage_one} case(s) with leverage 1 (alone in a category): no deletion statistics")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        steps = _records(self.steps)
        for rec, added, variables in zip(steps, self.blocks, self.variables):
            rec["added_terms"] = list(added)
            rec["added_variables"] = list(variables)
        return {
            "outcome": self.outcome,
            "n": int(self.n),
            "confidence": float(self.confidence),
            "missing": self.missing.to_dict(),
            "references": to_jsonable(self.references),
            "steps": steps,
            "coefficients": _records(self.coefficients),
            "diagnostics": self.diagnostics.to_dict(),
        }


@dataclass(frozen=True)
class CorrelationScreen:
    """Pairwise correlations among candidate predictors, with pairs |r| > threshold flagged.

    ``pairs`` columns: x, y, r, n, p, flagged; one row per pair, sorted by |r| descending.
    """

    threshold: float
    pairs: pd.DataFrame
    missing: str = "pairwise"

    @property
    def flagged(self) -> pd.DataFrame:
        return self.pairs[self.pairs["flagged"]].reset_index(drop=True)

    def summary(self) -> str:
        flagged = self.flagged
        lines = [f"Predictor correlation screen: {len(flagged)} pair(s) with |r| > {self.threshold}"]
        for row in flagged.itertuples(index=False):
            lines.append(f"  {row.x} ~ {row.y}: r = {row.r:.3f} (n = {row.n})")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {"threshold": float(self.threshold), "missing": self.missing, "pairs": _records(self.pairs)}


# --------------------------------------------------------------------------------------------------
# correlation screen
# --------------------------------------------------------------------------------------------------


def predictor_correlations(
    df: pd.DataFrame, predictors: Sequence[str], threshold: float = 0.7
) -> CorrelationScreen:
    """Pearson correlations between candidate predictors, flagging pairs with ``|r| > threshold``.

    A pre-fit multicollinearity screen (Schick 2014 states a |r| > .7 rule, yet dropped «Leders fokus» at
    r = .669 with the outcome, Table 28 - lower ``threshold`` to reproduce such a judgement). Include the
    outcome in ``predictors`` to screen it as well. Missing values are deleted pairwise; every pair carries its own n.
    p is the two-sided test of r = 0 (t = r √((n-2)/(1-r²)), df = n - 2).

    Example
    -------
    >>> predictor_correlations(df, ["kompetanse", "tid", "verdier"]).flagged   # doctest: +SKIP
    """
    predictors = list(predictors)
    _check_columns(df, predictors)
    non_numeric = [c for c in predictors if not _is_numeric(df[c])]
    if non_numeric:
        raise AnalysisError(
            "Correlation screen needs numeric predictors",
            [Problem("dummy code categorical variables first (dummy_code)", column=c) for c in non_numeric],
        )
    if len(predictors) < 2:
        raise AnalysisError("Correlation screen needs at least two predictors", [])
    data = pd.DataFrame({c: _as_float(df[c]) for c in predictors})
    r = data.corr(method="pearson").to_numpy()  # pairwise complete observations
    present = data.notna().to_numpy(dtype=float)
    n = present.T @ present  # pairwise n for all pairs in one product
    iu, ju = np.triu_indices(len(predictors), k=1)
    r_pairs, n_pairs = r[iu, ju], n[iu, ju]
    with np.errstate(divide="ignore", invalid="ignore"):
        t = r_pairs * np.sqrt((n_pairs - 2) / (1 - r_pairs**2))
        p = t_two_sided(t, n_pairs - 2)
    p = np.where(np.abs(r_pairs) >= 1, 0.0, p)
    pairs = pd.DataFrame(
        {
            "x": [predictors[i] for i in iu],
            "y": [predictors[j] for j in ju],
            "r": r_pairs,
            "n": n_pairs.astype(int),
            "p": p,
            "flagged": np.abs(r_pairs) > threshold,
        }
    )
    order = np.argsort(-np.abs(r_pairs), kind="stable")
    return CorrelationScreen(threshold=float(threshold), pairs=pairs.iloc[order].reset_index(drop=True))


# --------------------------------------------------------------------------------------------------
# hierarchical regression
# --------------------------------------------------------------------------------------------------


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series.dtype) and not isinstance(series.dtype, pd.CategoricalDtype)


def _as_float(series: pd.Series) -> np.ndarray:
    return series.to_numpy(dtype=float, na_value=np.nan)


def _check_columns(df: pd.DataFrame, columns: Sequence[str]) -> None:
    unknown = [c for c in columns if c not in df.columns]
    if unknown:
        raise AnalysisError(
            "Variables not found in the data",
            [Problem("no such column", column=str(c)) for c in unknown],
        )


def _validate_request(
    df: pd.DataFrame, outcome: str, blocks: Sequence[Sequence[str]], categorical: set[str]
) -> list[list[str]]:
    if isinstance(blocks, str) or not blocks:
        raise AnalysisError("blocks must be a non-empty list of lists of predictor names", [])
    blocks = [[b] if isinstance(b, str) else list(b) for b in blocks]
    problems = [Problem(f"step {j} has no predictors") for j, b in enumerate(blocks, 1) if not b]
    seen: dict[str, int] = {}
    for j, block in enumerate(blocks, 1):
        for var in block:
            if var == outcome:
                problems.append(Problem(f"the outcome is also a predictor in step {j}", column=var))
            elif var in seen:
                problems.append(Problem(f"entered in step {seen[var]} and again in step {j}", column=var))
            else:
                seen[var] = j
    if problems:
        raise AnalysisError("Invalid blocks for hierarchical regression", problems)
    _check_columns(df, [outcome, *seen])
    unknown_cat = [c for c in categorical if c not in seen]
    if unknown_cat:
        raise AnalysisError(
            "Categorical variables that are not predictors in any block",
            [Problem("listed as categorical but not in blocks", column=c) for c in unknown_cat],
        )
    if not _is_numeric(df[outcome]):
        raise AnalysisError("The outcome must be numeric", [Problem(f"dtype {df[outcome].dtype}", column=outcome)])
    text = [v for v in seen if v not in categorical and not _is_numeric(df[v])]
    if text:
        raise AnalysisError(
            "Non-numeric predictors must be declared categorical (with a reference category)",
            [Problem(f"dtype {df[v].dtype}", column=v) for v in text],
        )
    return blocks


def _collinearity_problems(xs: np.ndarray, r_diag: np.ndarray, terms: list[str]) -> list[Problem]:
    """Name each column that is (numerically) a linear combination of the columns entered before it."""
    dependent = np.flatnonzero(np.abs(r_diag) < _COLLINEAR_TOL)
    problems = []
    dependent_set = set(dependent.tolist())
    independent = [j for j in range(len(terms)) if j not in dependent_set]
    for j in dependent:
        earlier = [i for i in independent if i < j]
        if earlier:
            coef, *_ = np.linalg.lstsq(xs[:, earlier], xs[:, j], rcond=None)
            involved = [terms[i] for i, c in zip(earlier, coef) if abs(c) > 1e-6]
        else:
            involved = []
        what = f"a linear combination of {', '.join(involved)}" if involved else "collinear with earlier predictors"
        problems.append(Problem(f"is {what} (and the intercept)", column=terms[j]))
    return problems


def hierarchical_regression(
    df: pd.DataFrame,
    outcome: str,
    blocks: Sequence[Sequence[str]],
    categorical: Sequence[str] | None = None,
    references: Mapping[str, Hashable] | None = None,
    labels: Mapping[str, Mapping[Hashable, str]] | None = None,
    confidence: float = 0.95,
) -> RegressionResult:
    """Hierarchical (blockwise-entry) OLS regression with change statistics and final-step diagnostics.

    Parameters
    ----------
    df : data, one row per respondent.
    outcome : name of the numeric outcome (dependent variable).
    blocks : list of lists of predictor names; step j contains blocks 1..j.
    categorical : predictors to dummy code (see :func:`dummy_code`); others are entered as they are.
    references : reference category per categorical predictor. Without one, the first category (lowest
        code, or first declared level of a pandas Categorical) is used and recorded in ``result.references``.
    labels : optional ``{variable: {code: label}}`` used to name dummy columns ``variable[label]``.
    confidence : level of the confidence intervals of the coefficients.

    Missing data: listwise deletion over the outcome and all predictors of all steps (every step has the
    same N; counts in ``result.missing``). Dummy coding is done on the retained cases.

    Raises
    ------
    AnalysisError : unknown columns, constant outcome or predictor, unknown reference category, perfectly
        collinear predictors, or fewer cases than the final step needs (n - k - 1 < 1).

    See the module docstring for formulas and references.
    """
    categorical_set = set(categorical or [])
    references = dict(references or {})
    labels = dict(labels or {})
    blocks = _validate_request(df, outcome, blocks, categorical_set)
    variables = [v for block in blocks for v in block]

    # --- listwise deletion over everything the final step uses (column by column, no frame copies)
    names = [outcome, *variables]
    absent = {c: df[c].isna().to_numpy() for c in dict.fromkeys(names)}
    complete = np.ones(len(df), dtype=bool)
    for mask in absent.values():
        complete &= ~mask
    missing = MissingInfo(
        method="listwise",
        n_total=int(len(df)),
        n_used=int(complete.sum()),
        n_excluded=int((~complete).sum()),
        by_variable={c: int(np.count_nonzero(absent[c])) for c in names},
    )
    del absent
    n = int(complete.sum())
    index = df.index[complete]
    rows = None if complete.all() else complete
    kept = {c: (df[c] if rows is None else df[c][rows]) for c in dict.fromkeys(names)}

    # --- design terms, block by block (dummy columns named by dummy_code's rule)
    fillers: dict[str, Any] = {}
    step_terms: list[tuple[str, ...]] = []
    used_refs: dict[str, Hashable] = {}
    for block in blocks:
        added = []
        for var in block:
            if var in categorical_set:
                ref = references.get(var)
                cats = _observed_categories(kept[var])
                if ref is None:
                    if not cats:
                        raise AnalysisError(
                            "No complete cases left for a categorical predictor",
                            [Problem("every case is missing the outcome or some predictor", column=var)],
                        )
                    ref = cats[0]
                dummies = dummy_names(kept[var], ref, labels=labels.get(var), prefix=var, categories=cats)
                used_refs[var] = ref
                for name, category in dummies.items():
                    fillers[name] = (var, category)
                    added.append(name)
            else:
                fillers[var] = (var, None)
                added.append(var)
        step_terms.append(tuple(added))
    terms = list(fillers)
    if len(set(terms)) != len(terms) or sum(len(t) for t in step_terms) != len(terms):
        raise AnalysisError("Two design columns share a name; rename a variable or a dummy label", [])
    k_final = len(terms)
    if n - k_final - 1 < 1:
        raise AnalysisError(
            f"Too few complete cases: {n} cases for {k_final} predictors plus an intercept",
            [Problem(f"the final step needs at least {k_final + 2} complete cases", n_rows=n)],
        )

    def design() -> np.ndarray:
        """The final step's design (n x k, column-major, as LAPACK wants it), built in place."""
        x = np.empty((n, k_final), order="F")
        for j, t in enumerate(terms):
            var, category = fillers[t]
            x[:, j] = _as_float(kept[var]) if category is None else next(iter(_indicators(kept[var], [category])))
        return x

    y = _as_float(kept[outcome])
    x = design()
    x_mean, y_mean = x.mean(axis=0), y.mean()
    x -= x_mean
    yc = y - y_mean
    x_norm = np.sqrt(np.einsum("ij,ij->j", x, x))
    constant = [t for t, s in zip(terms, x_norm) if not s > 0]
    if constant:
        raise AnalysisError(
            "Constant predictor(s) in the complete cases: no variance to estimate an effect from",
            [Problem(f"takes a single value in all {n} complete cases", column=t) for t in constant],
        )
    sst = float(yc @ yc)
    if not sst > 0:
        raise AnalysisError(
            "The outcome is constant in the complete cases",
            [Problem(f"takes a single value in all {n} complete cases", column=outcome)],
        )

    # --- one QR of the centred, unit-length final design serves every (nested) step
    x /= x_norm
    q, r = linalg.qr(x, mode="economic", overwrite_a=True, check_finite=False)
    del x
    if np.any(np.abs(np.diag(r)) < _COLLINEAR_TOL):
        xs = (design() - x_mean) / x_norm  # the QR overwrote the design: build it again to name the culprits
        raise AnalysisError("Perfectly collinear predictors: their separate effects cannot be estimated",
                            _collinearity_problems(xs, np.diag(r), terms))
    qty = q.T @ yc
    sd_y = math.sqrt(sst / (n - 1))
    sd_x = x_norm / math.sqrt(n - 1)
    level = float(confidence)

    step_rows, coef_frames = [], []
    r2_previous, k_previous = 0.0, 0
    resid = yc
    for j, added in enumerate(step_terms, start=1):
        k = k_previous + len(added)
        df_resid = n - k - 1
        # residuals computed directly, not as SST - SSR: each step takes off the new columns' part
        resid = resid - q[:, k_previous:k] @ qty[k_previous:k]
        sse = float(resid @ resid)
        r2 = 1.0 - sse / sst
        mse = sse / df_resid
        df1 = k - k_previous
        delta = r2 - r2_previous
        f_change = (delta / df1) / ((1.0 - r2) / df_resid)
        f_model = (r2 / k) / ((1.0 - r2) / df_resid)
        step_rows.append(
            {
                "step": j,
                "k": k,
                "r": math.sqrt(max(r2, 0.0)),
                "r2": r2,
                "adj_r2": 1.0 - (1.0 - r2) * (n - 1) / df_resid,
                "delta_r2": delta,
                "f_change": f_change,
                "df1": df1,
                "df2": df_resid,
                "p_change": float(f_sf(f_change, df1, df_resid)),
                "f": f_model,
                "df_model": k,
                "df_resid": df_resid,
                "p": float(f_sf(f_model, k, df_resid)),
                "se_estimate": math.sqrt(mse),
                "n": n,
            }
        )

        # coefficients: scaled slopes from R, then back to raw units; intercept from the means
        r_k = r[:k, :k]
        r_inv = linalg.solve_triangular(r_k, np.eye(k), lower=False)
        slopes = linalg.solve_triangular(r_k, qty[:k], lower=False) / x_norm[:k]
        inv_xtx_c = (r_inv @ r_inv.T) / np.outer(x_norm[:k], x_norm[:k])  # (Xc'Xc)^-1
        intercept = y_mean - x_mean[:k] @ slopes
        var_slopes = mse * np.diag(inv_xtx_c)
        var_intercept = mse * (1.0 / n + x_mean[:k] @ inv_xtx_c @ x_mean[:k])
        b = np.concatenate([[intercept], slopes])
        se = np.sqrt(np.concatenate([[var_intercept], var_slopes]))
        t = b / se
        crit = t_ppf(0.5 + level / 2, df_resid)
        coef_frames.append(
            pd.DataFrame(
                {
                    "step": j,
                    "term": [INTERCEPT, *terms[:k]],
                    "b": b,
                    "se": se,
                    "beta": np.concatenate([[np.nan], slopes * sd_x[:k] / sd_y]),
                    "t": t,
                    "p": t_two_sided(t, df_resid),
                    "ci_low": b - crit * se,
                    "ci_high": b + crit * se,
                }
            )
        )
        r2_previous, k_previous = r2, k

    diagnostics = _final_step_diagnostics(
        q=q, r=r, x_norm=x_norm, x_mean=x_mean, resid=resid, fitted=y - resid, terms=terms,
        index=index, step=len(step_terms),
    )  # fmt: skip
    return RegressionResult(
        outcome=outcome,
        n=n,
        steps=pd.DataFrame(step_rows),
        coefficients=pd.concat(coef_frames, ignore_index=True),
        diagnostics=diagnostics,
        missing=missing,
        blocks=tuple(step_terms),
        variables=tuple(tuple(b) for b in blocks),
        references=used_refs,
        confidence=level,
    )


_CASE_CHUNK = 65_536  # cases per chunk of the influence statistics


def _nanmax_abs(values: np.ndarray) -> np.ndarray:
    finite = np.where(np.isfinite(values), np.abs(values), -np.inf)
    out = finite.max(axis=0)
    return np.where(np.isfinite(out), out, np.nan)


def _final_step_diagnostics(
    *,
    q: np.ndarray,
    r: np.ndarray,
    x_norm: np.ndarray,
    x_mean: np.ndarray,
    resid: np.ndarray,
    fitted: np.ndarray,
    terms: list[str],
    index: pd.Index,
    step: int,
) -> RegressionDiagnostics:
    """VIF, Durbin-Watson, residual and influence statistics, all from the QR of the final design."""
    n, k = q.shape
    p = k + 1
    sse = float(resid @ resid)
    s2 = sse / (n - p)
    s = math.sqrt(s2)

    # VIF: diagonal of the inverse correlation matrix = row sums of squares of R^-1 (unit-length columns)
    r_inv = linalg.solve_triangular(r, np.eye(k), lower=False)
    vif = (r_inv**2).sum(axis=1)

    # leverage: hat diagonal of [1, X] = 1/n + row sums of Q² (the centred columns are orthogonal to 1)
    h = 1.0 / n + np.einsum("ij,ij->i", q, q)
    # A case alone in its dummy category has h = 1: deleting it makes its coefficient inestimable, so its
    # deletion statistics are undefined (NaN) and are left out of the maxima below (counted in n_leverage_one).
    leverage_one = h > 1.0 - 1e-10
    one_minus_h = np.where(leverage_one, np.nan, 1.0 - h)
    zresid = resid / s
    sresid = resid / (s * np.sqrt(one_minus_h))  # SPSS SRESID (internally studentised)
    cooks = resid**2 * h / (p * s2 * one_minus_h**2)
    dw = float((np.diff(resid) ** 2).sum() / sse)

    # DFBETA = (X'X)^-1 x_i e_i / (1 - h_i). In the centred parameterisation (Xc'Xc)^-1 xc_i =
    # D^-1 R^-1 Q_i'; the intercept's change follows from a = ybar - xbar'b. Computed in chunks of
    # cases for the maxima (an n x p matrix of each would be most of the run's memory); the full
    # matrices are made only when asked for (RegressionDiagnostics.dfbeta / .sdbeta).
    scale = resid / one_minus_h
    inv_xtx_c = (r_inv @ r_inv.T) / np.outer(x_norm, x_norm)
    inv_diag = np.concatenate([[1.0 / n + x_mean @ inv_xtx_c @ x_mean], np.diag(inv_xtx_c)])
    with np.errstate(invalid="ignore"):  # n - p - 1 = 0 leaves no deleted-case variance
        s_deleted = np.sqrt((sse - resid**2 / one_minus_h) / (n - p - 1)) if n - p > 1 else np.full(n, np.nan)
    sd_scale = 1.0 / np.sqrt(inv_diag)

    def influence(start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """DFBETA and SDBETA (cases start..stop-1 x terms, intercept first)."""
        g_slopes = (r_inv @ q[start:stop].T) / x_norm[:, None]  # k x m: (Xc'Xc)^-1 xc_i
        g_intercept = 1.0 / n - x_mean @ g_slopes
        dfbeta = np.vstack([g_intercept, g_slopes]).T * scale[start:stop, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            sdbeta = dfbeta / s_deleted[start:stop, None] * sd_scale[None, :]
        return dfbeta, sdbeta

    dfbeta_max = np.full(p, np.nan)
    sdbeta_max = np.full(p, np.nan)
    n_sdbeta_above_1 = 0
    for start in range(0, n, _CASE_CHUNK):
        dfbeta, sdbeta = influence(start, min(start + _CASE_CHUNK, n))
        dfbeta_max = np.fmax(dfbeta_max, _nanmax_abs(dfbeta))
        sdbeta_max = np.fmax(sdbeta_max, _nanmax_abs(sdbeta))
        with np.errstate(invalid="ignore"):
            n_sdbeta_above_1 += int((np.abs(sdbeta) > 1).any(axis=1).sum())

    all_terms = [INTERCEPT, *terms]
    i_max = int(np.nanargmax(cooks)) if np.isfinite(cooks).any() else 0
    beyond3 = np.abs(zresid) > 3
    return RegressionDiagnostics(
        step=step,
        n=n,
        vif=dict(zip(terms, vif.tolist())),
        tolerance=dict(zip(terms, (1.0 / vif).tolist())),
        durbin_watson=dw,
        max_cooks_d=float(np.nanmax(cooks)) if np.isfinite(cooks).any() else float("nan"),
        n_cooks_d_above_1=int((cooks > 1).sum()),
        case_max_cooks_d=index[i_max],
        max_leverage=float(h.max()),
        pct_zresid_beyond_2=float(100.0 * (np.abs(zresid) > 2).mean()),
        pct_zresid_beyond_2_5=float(100.0 * (np.abs(zresid) > 2.5).mean()),
        n_zresid_beyond_3=int(beyond3.sum()),
        cases_zresid_beyond_3=tuple(index[beyond3]),
        dfbeta_max=dict(zip(all_terms, dfbeta_max.tolist())),
        sdbeta_max=dict(zip(all_terms, sdbeta_max.tolist())),
        n_sdbeta_above_1=n_sdbeta_above_1,
        n_leverage_one=int(leverage_one.sum()),
        cases=pd.DataFrame(
            {"fitted": fitted, "residual": resid, "zresid": zresid, "sresid": sresid, "leverage": h, "cooks_d": cooks},
            index=index,
        ),
        influence=lambda: influence(0, n),
    )
