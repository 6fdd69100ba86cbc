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
from typing import Any

import numpy as np
import pandas as pd
from scipy import linalg

from surveykit.errors import AnalysisError, Problem
from surveykit.model.dummy_coding import (
    INTERCEPT,
    dummy_code,
    dummy_names,
    indicators,
    is_numeric,
    observed_categories,
)
from surveykit.model.regression_diagnostics import final_step_diagnostics
from surveykit.model.regression_results import (
    CorrelationScreen,
    MissingInfo,
    RegressionDiagnostics,
    RegressionResult,
)
from surveykit.stats.distributions import f_sf, t_ppf, t_two_sided

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

# A predictor is "perfectly collinear" when the part of it not explained by the predictors entered before
# it is shorter than this fraction of its (unit) length: 1 - R²(x_j | earlier) < 1e-14, i.e. VIF > 1e14.
# Exact dependencies (a full set of dummies, a sum score next to its parts) land near 1e-15; real data with a
# VIF anywhere near 1e14 carry no information about the separate coefficients anyway.
COLLINEAR_TOL = 1e-7


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
    non_numeric = [c for c in predictors if not is_numeric(df[c])]
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
    if not is_numeric(df[outcome]):
        raise AnalysisError("The outcome must be numeric", [Problem(f"dtype {df[outcome].dtype}", column=outcome)])
    text = [v for v in seen if v not in categorical and not is_numeric(df[v])]
    if text:
        raise AnalysisError(
            "Non-numeric predictors must be declared categorical (with a reference category)",
            [Problem(f"dtype {df[v].dtype}", column=v) for v in text],
        )
    return blocks


def _collinearity_problems(xs: np.ndarray, r_diag: np.ndarray, terms: list[str]) -> list[Problem]:
    """Name each column that is (numerically) a linear combination of the columns entered before it."""
    dependent = np.flatnonzero(np.abs(r_diag) < COLLINEAR_TOL)
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
                cats = observed_categories(kept[var])
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
            x[:, j] = _as_float(kept[var]) if category is None else next(iter(indicators(kept[var], [category])))
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
    if np.any(np.abs(np.diag(r)) < COLLINEAR_TOL):
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

    diagnostics = final_step_diagnostics(
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


