"""Design-based weighted estimates with linearisation standard errors, as R's ``survey`` package.

The design (weights, clusters, calibration) and the variance of an estimate from its influence values z_i
are in :mod:`surveykit.compare.linearisation`: V(theta) = J / (J - 1) sum_j (z_j - zbar)(z_j - zbar)' over
the cluster totals z_j (respondents when unclustered), the z_i first replaced by their residuals from the
post-strata / raking margins for calibrated weights (``survey::svyrecvar``; Binder 1983; Lumley 2010,
2.3, 7.2). Weights given as a plain column are sampling weights; no finite population correction.

Missing values: a row missing a variable an estimate uses does not contribute. As in ``survey``'s
``na.rm = TRUE`` the estimate is then a domain estimate: the missing rows get weight 0 but still count in
J and in the calibration.
Degrees of freedom: J - 1 for means (as ``degf``), J_valid - p for regression and t-tests (``svyglm``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

# SurveyDesign and survey_design are also imported from here, beside the estimates that take them
from surveykit.compare.linearisation import (SurveyDesign, design_vcov, domain_weights, survey_design,
                                             valid_clusters, weighted_mean_parts)
from surveykit.errors import AnalysisError, Problem
from surveykit.jsonsafe import to_jsonable
from surveykit.stats.design_matrix import treatment_design
from surveykit.stats.parallel import map_columns
from surveykit.stats.distributions import f_sf, t_ppf, t_two_sided


def _numeric(data: pd.DataFrame, column: str) -> np.ndarray:
    if column not in data.columns:
        raise AnalysisError("Variable not in the data", [Problem("not found", column=column)])
    values = data[column]
    if not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)):
        raise AnalysisError("A weighted mean or regression needs a numeric variable",
                            [Problem("not numeric", column=column,
                                     values=tuple(map(str, values.dropna().unique()[:5])))])
    return values.to_numpy(dtype="float64")


def _z(confidence: float, df: float | None) -> float:
    q = 0.5 + confidence / 2.0
    return float(special.ndtri(q)) if df is None else float(t_ppf(q, df))


@dataclass(frozen=True)
class WeightedEstimates:
    """Result of :func:`weighted_mean` / :func:`weighted_proportion`: one row per variable.

    Columns: variable, n (respondents with a value), sum_weights, estimate, se, df (design df),
    ci_low, ci_high, sd (weighted SD), deff (the estimate's design effect, Kish 1965: its variance over
    that of a simple random sample of the same size, ``svymean(..., deff = TRUE)``); ``ci`` says 'normal'
    (as ``confint(svymean(...))``) or 't' (df = design df).
    """

    table: pd.DataFrame
    statistic: str
    confidence: float
    ci: str
    n_clusters: int
    cluster_var: str | None
    calibrated: bool

    def summary(self) -> pd.DataFrame:
        return self.table

    def to_dict(self) -> dict:
        return to_jsonable(self.__dict__)


def weighted_mean(data: pd.DataFrame, variables, design: SurveyDesign, confidence: float = 0.95,
                  ci: str = "normal") -> WeightedEstimates:
    """Weighted mean ybar_w = sum w_i y_i / sum w_i with its linearisation SE (``survey::svymean``).

    Influence values z_i = w_i (y_i - ybar_w) / sum w; V as in the module docstring. CI: ybar_w +- q SE,
    q the normal quantile (``ci='normal'``, R's default) or Student's with the design df (``ci='t'``).
    SD: s^2 = sum w (y - ybar_w)^2 / sum w x n / (n - 1). deff = V / (s^2 (W - n) / (W n)), W = sum w,
    n the respondents with a value (NaN when the weights are not scaled to a population, W <= n).
    Reference: Lumley T (2010) Complex Surveys, Wiley, 2.3.

    Example
    -------
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "w": [1.0, 1.0, 2.0, 2.0]})
    >>> round(float(weighted_mean(df, "y", survey_design(df, "w")).table.loc[0, "estimate"]), 4)
    2.8333
    """
    variables = [variables] if isinstance(variables, str) else list(variables)
    return weighted_means({var: _numeric(data, var) for var in variables}, design, confidence, ci)


def weighted_means(columns: Mapping[str, np.ndarray], design: SurveyDesign, confidence: float = 0.95,
                   ci: str = "normal") -> WeightedEstimates:
    """:func:`weighted_mean` of numeric arrays (name -> one float per respondent of the design, NaN missing).

    For callers that hold the values as arrays (e.g. 0/1 indicators made on the fly): no data frame
    needs to be built around them.
    """
    def parts(item):
        var, y = item
        y = np.asarray(y, dtype="float64")
        valid = ~np.isnan(y)
        n_valid = int(np.count_nonzero(valid))
        if n_valid == 0:
            raise AnalysisError("No respondent has a value", [Problem("all missing", column=var)])
        return (n_valid, *weighted_mean_parts(design, y, valid))

    rows = []
    df = design.degf()
    q = _z(confidence, None if ci == "normal" else df)
    items = list(columns.items())
    # the variables on two threads (most of the per-row work releases the GIL); results in input order
    for (var, _), (n_valid, total, mean, variance, sum_sq) in zip(items, map_columns(parts, items, design.n)):
        se = float(np.sqrt(variance))
        # weighted variance with the respondents' n/(n-1), and the SRS-without-replacement variance of
        # a mean from n_valid of sum_weights (svymean's deff = TRUE); undefined if the weights sum below n
        sd2 = sum_sq / total * n_valid / (n_valid - 1) if n_valid > 1 else np.nan
        v_srs = sd2 * (total - n_valid) / (total * n_valid) if total > n_valid else np.nan
        rows.append({"variable": var, "n": n_valid, "sum_weights": float(total), "estimate": mean,
                     "se": se, "df": df, "ci_low": mean - q * se, "ci_high": mean + q * se,
                     "sd": float(np.sqrt(sd2)), "deff": variance / v_srs if v_srs > 0 else np.nan})
    return WeightedEstimates(pd.DataFrame(rows), "mean", confidence, ci, design.n_clusters, design.cluster_var,
                             design.calibrated)


def weighted_proportion(data: pd.DataFrame, variable: str, categories, design: SurveyDesign,
                        confidence: float = 0.95, ci: str = "normal") -> WeightedEstimates:
    """Weighted share of valid answers in ``categories`` (e.g. favourable %), with SE and Wald CI.

    The weighted mean of the indicator 1[y in categories] over respondents with a value, as
    ``svymean(~I(y %in% categories), design, na.rm = TRUE)``. Multiply by 100 for percent.

    Example
    -------
    >>> df = pd.DataFrame({"q": [1, 5, 6, None], "w": [1.0, 1.0, 2.0, 1.0]})
    >>> float(weighted_proportion(df, "q", [5, 6], survey_design(df, "w")).table.loc[0, "estimate"])
    0.75
    """
    if variable not in data.columns:
        raise AnalysisError("Variable not in the data", [Problem("not found", column=variable)])
    values = data[variable]
    indicator = values.isin(list(categories)).astype("float64").where(values.notna())
    frame = pd.DataFrame({variable: indicator.to_numpy()}, index=data.index)
    res = weighted_mean(frame, variable, design, confidence, ci)
    table = res.table.assign(categories=", ".join(map(str, categories)))
    return WeightedEstimates(table, "proportion", confidence, ci, res.n_clusters, res.cluster_var, res.calibrated)


@dataclass(frozen=True)
class WeightedRegression:
    """Result of :func:`weighted_regression`: coefficients with design-based SE, t, p (t with ``df``), CI."""

    outcome: str
    coefficients: pd.DataFrame  # term, estimate, se, t, p, ci_low, ci_high
    vcov: pd.DataFrame
    n: int
    df: int
    confidence: float

    def summary(self) -> pd.DataFrame:
        return self.coefficients

    def to_dict(self) -> dict:
        return to_jsonable({"outcome": self.outcome, "coefficients": self.coefficients, "n": self.n,
                            "df": self.df, "confidence": self.confidence})


def _wls(design: SurveyDesign, y: np.ndarray, x: np.ndarray, names: list[str], outcome: str,
         confidence: float) -> WeightedRegression:
    valid = ~np.isnan(y)
    for j in range(x.shape[1]):  # column by column: np.isnan(x).any(axis=1) is slow on a tall matrix
        valid &= ~np.isnan(x[:, j])
    w = domain_weights(design, valid)
    yy = np.where(valid, y, 0.0)
    xx = np.where(valid[:, None], x, 0.0)
    xw = xx * w[:, None]
    xtwx = xx.T @ xw
    if np.linalg.matrix_rank(xtwx) < xx.shape[1]:
        raise AnalysisError(f"Weighted regression of {outcome}: the predictors are collinear or constant",
                            [Problem("singular design matrix", values=tuple(names))])
    bread = np.linalg.inv(xtwx)
    beta = bread @ (xw.T @ yy)
    resid = yy - xx @ beta
    xw *= resid[:, None]  # rows x_i w_i e_i
    vcov = design_vcov(design, xw @ bread)
    df = valid_clusters(design, valid) - len(names)
    se = np.sqrt(np.diag(vcov))
    t = beta / se
    q = _z(confidence, df)
    coef = pd.DataFrame({"term": names, "estimate": beta, "se": se, "t": t, "p": t_two_sided(t, df),
                         "ci_low": beta - q * se, "ci_high": beta + q * se})
    return WeightedRegression(outcome, coef, pd.DataFrame(vcov, index=names, columns=names),
                              int(np.count_nonzero(valid)), int(df), confidence)


def weighted_regression(data: pd.DataFrame, outcome: str, predictors: list[str], design: SurveyDesign,
                        confidence: float = 0.95, categorical: list[str] | tuple[str, ...] = ()) -> WeightedRegression:
    """Weighted least squares with sandwich (linearisation) SEs: ``svyglm(y ~ x, design)`` (gaussian).

    beta = (X'WX)^-1 X'Wy; influence z_i = (X'WX)^-1 x_i w_i e_i; t-tests and CIs with
    df = clusters with complete data - number of coefficients. Non-numeric predictors (and those named
    in ``categorical``) enter as 0/1 columns against their first category, named as R does
    (:func:`surveykit.stats.design_matrix.treatment_design`).
    Reference: Binder DA (1983) Int Stat Rev 51:279-292; Lumley (2010) ch. 5.

    Example
    -------
    >>> df = pd.DataFrame({"y": [1.0, 3.0, 2.0, 5.0], "x": [0.0, 1.0, 1.0, 2.0]})
    >>> weighted_regression(df, "y", ["x"], survey_design(df)).coefficients["estimate"].round(3).tolist()
    [0.75, 2.0]
    """
    y = _numeric(data, outcome)
    x, names = treatment_design(data, list(predictors), categorical)
    return _wls(design, y, x, names, outcome, confidence)


@dataclass(frozen=True)
class WeightedTTest:
    """Result of :func:`weighted_ttest`: mean_diff = mean(first group) - mean(second group), groups sorted."""

    outcome: str
    group_var: str
    groups: tuple
    group_means: pd.DataFrame  # group, n, sum_weights, mean
    mean_diff: float
    se: float
    t: float
    df: int
    p: float
    ci_low: float
    ci_high: float
    n: int
    confidence: float

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame([{k: v for k, v in self.__dict__.items() if k != "group_means"}])

    def to_dict(self) -> dict:
        return to_jsonable(self.__dict__)


def weighted_ttest(data: pd.DataFrame, outcome: str, group: str, design: SurveyDesign,
                   groups: tuple | None = None, confidence: float = 0.95) -> WeightedTTest:
    """Design-based t-test of the difference in weighted means between two groups (``survey::svyttest``).

    The slope of ``svyglm(y ~ g)`` with g the indicator of the second group, i.e. the difference of the
    two groups' weighted means (computed as such), its sign flipped so that mean_diff = mean(first) -
    mean(second) as in :func:`surveykit.compare.ttest_ind` (R reports second - first). t = diff / SE
    on clusters-with-data - 2 df. ``groups`` picks two groups of a
    variable with more; rows in other groups are left out (as a domain when the design is calibrated).

    Example
    -------
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 5.0, 6.0, 7.0], "g": list("aaabbb")})
    >>> round(weighted_ttest(df, "y", "g", survey_design(df)).mean_diff, 3)
    -4.0
    """
    y = _numeric(data, outcome)
    if group not in data.columns:
        raise AnalysisError("Grouping variable not in the data", [Problem("not found", column=group)])
    g = data[group]
    levels = tuple(sorted(g.dropna().unique())) if groups is None else tuple(groups)
    if len(levels) != 2:
        raise AnalysisError(f"A t-test compares two groups; {group} has {len(levels)}",
                            [Problem("choose two groups", column=group, values=tuple(map(str, levels[:10])))])
    in_level = [(g == level).to_numpy(dtype=bool, na_value=False) for level in levels]
    valid = ~np.isnan(y)
    yy = np.where(valid, y, 0.0)
    # each group's weights, 0 outside the group and where y is missing (both groups are domains)
    w0, w1 = (np.where(valid & mask, design.weights, 0.0) for mask in in_level)
    s0, s1 = float(w0.sum()), float(w1.sum())
    if np.linalg.matrix_rank(np.array([[s0 + s1, s1], [s1, s1]])) < 2:  # X'WX of y ~ 1 + second
        raise AnalysisError(f"Weighted regression of {outcome}: the predictors are collinear or constant",
                            [Problem("singular design matrix", values=("(Intercept)", "second"))])
    mean0, mean1 = float(w0 @ yy) / s0, float(w1 @ yy) / s1
    # svyglm's slope is mean1 - mean0; its influence values (X'WX)^-1 x_i w_i e_i reduce to those of the
    # two domain means: z_i = w_i (y_i - mean of i's group) (1[i in second] / s1 - 1[i in first] / s0)
    z = (w1 / s1 - w0 / s0) * (yy - np.where(in_level[1], mean1, mean0))
    se = float(np.sqrt(design_vcov(design, z)[0, 0]))
    in_groups = valid & (in_level[0] | in_level[1])
    df = valid_clusters(design, in_groups) - 2
    diff = mean0 - mean1
    t = diff / se
    q = _z(confidence, df)
    means = pd.DataFrame([{"group": level, "n": int(np.count_nonzero(valid & mask)), "sum_weights": total,
                           "mean": mean} for level, mask, total, mean in zip(levels, in_level, (s0, s1), (mean0, mean1))])
    return WeightedTTest(outcome, group, levels, means, diff, se, t, int(df), float(t_two_sided(t, df)),
                         diff - q * se, diff + q * se, int(np.count_nonzero(in_groups)), confidence)


@dataclass(frozen=True)
class WeightedCrosstab:
    """Result of :func:`weighted_crosstab`: weighted counts and the Rao-Scott second-order F test."""

    row_var: str
    col_var: str
    counts: pd.DataFrame  # weighted counts, rows x columns
    proportions: pd.DataFrame  # cell proportions of the weighted total
    pearson_chi2: float  # Pearson X^2 of the table rescaled to the n respondents
    f: float
    df1: float
    df2: float
    p: float
    design_effect_mean: float  # mean generalised design effect, trace(Delta) / ((r-1)(c-1))
    n: int

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame([{k: v for k, v in self.__dict__.items() if not isinstance(v, pd.DataFrame)}])

    def to_dict(self) -> dict:
        return to_jsonable(self.__dict__, frames="split")


def weighted_crosstab(data: pd.DataFrame, row: str, col: str, design: SurveyDesign) -> WeightedCrosstab:
    """Weighted crosstab with the Rao-Scott second-order corrected test (``svychisq(~row + col)``, 'F').

    With p the weighted cell proportions (V their design covariance), C the interaction contrasts
    residualised on the main effects, D = diag(p):
    Delta = (C' D^-1 C / N)^-1 C' D^-1 V D^-1 C; F = X^2 / tr(Delta), X^2 Pearson's statistic of the
    weighted table scaled to N rows; F ~ F(d, d nu), d = tr(Delta)^2 / tr(Delta^2), nu = clusters - 1.
    N counts every row of the data (as survey does). Reference: Rao JNK, Scott AJ (1984) Ann Stat
    12:46-60; Lumley (2010) 6.2.

    Example
    -------
    >>> df = pd.DataFrame({"a": list("xxyyxy") * 5, "b": list("uvuvvu") * 5})
    >>> round(weighted_crosstab(df, "a", "b", survey_design(df)).pearson_chi2, 4)
    3.3333
    """
    for v in (row, col):
        if v not in data.columns:
            raise AnalysisError("Variable not in the data", [Problem("not found", column=v)])
    r_codes, r_levels = pd.factorize(data[row], sort=True)
    c_codes, c_levels = pd.factorize(data[col], sort=True)
    nr, nc = len(r_levels), len(c_levels)
    if nr < 2 or nc < 2:
        raise AnalysisError("A crosstab test needs at least two categories in each variable",
                            [Problem("too few categories", column=row if nr < 2 else col)])
    valid = (r_codes >= 0) & (c_codes >= 0)
    cell = np.where(valid, r_codes + nr * c_codes, -1)  # rows vary fastest, as R's interaction()
    onehot = np.zeros((design.n, nr * nc))
    onehot[np.flatnonzero(valid), cell[valid]] = 1.0
    w = domain_weights(design, valid)
    x = onehot
    total = w.sum()
    p = (w @ x) / total
    vcov = design_vcov(design, w[:, None] * (x - p) / total)
    n_all = design.n
    rr, cc = np.meshgrid(np.arange(nr), np.arange(nc), indexing="ij")
    rr, cc = rr.ravel(order="F"), cc.ravel(order="F")
    main = np.column_stack([np.ones(nr * nc)] + [(rr == i) * 1.0 for i in range(1, nr)]
                           + [(cc == j) * 1.0 for j in range(1, nc)])
    inter = np.column_stack([(rr == i) * (cc == j) * 1.0 for j in range(1, nc) for i in range(1, nr)])
    cmat = inter - main @ np.linalg.lstsq(main, inter, rcond=None)[0]
    inv_p = np.where(p == 0, 0.0, 1.0 / np.where(p == 0, 1.0, p))
    denom = cmat.T @ (inv_p[:, None] * cmat) / n_all
    numer = cmat.T @ (inv_p[:, None] * vcov * inv_p[None, :]) @ cmat
    delta = np.linalg.solve(denom, numer)
    trace = float(np.trace(delta))
    d0 = trace ** 2 / float(np.trace(delta @ delta))
    observed = (p * n_all).reshape(nc, nr).T
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / n_all
    with np.errstate(invalid="ignore", divide="ignore"):
        chi2 = float(np.nansum((observed - expected) ** 2 / expected))
    nu = design.degf()
    f = chi2 / trace
    counts = pd.DataFrame((p * total).reshape(nc, nr).T, index=r_levels, columns=c_levels)
    return WeightedCrosstab(row, col, counts, counts / total, chi2, f, d0, d0 * nu, float(f_sf(f, d0, d0 * nu)),
                            trace / ((nr - 1) * (nc - 1)), int(valid.sum()))
