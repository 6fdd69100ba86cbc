"""Design-based weighted estimates with linearisation standard errors, as R's ``survey`` package.

The design is a single-stage sample with weights and, optionally, clusters (``svydesign(ids = ~1`` or
``~cluster, weights = ~w)``), possibly calibrated by :func:`surveykit.measure.weights.post_stratify` or
:func:`~surveykit.measure.weights.rake`. Every estimate theta is a solution of a weighted estimating
equation; its variance is the with-replacement variance of the cluster totals of the influence values
z_i (Binder 1983; Lumley 2010, 2.3, 7.2):

    V(theta) = J / (J - 1) sum_j (z_j - zbar)(z_j - zbar)',  z_j = sum_{i in cluster j} z_i,

J the number of clusters (respondents when unclustered). For calibrated weights the z_i are first
replaced by their residuals from the post-strata / raking margins, as ``survey::svyrecvar`` does, so
the SEs are those R reports after ``postStratify`` / ``rake`` (including ``trimWeights`` + ``rake``
rounds). Weights given as a plain column are sampling weights; no finite population correction.

Missing values: a row missing a variable an estimate uses does not contribute. As in ``survey``'s
``na.rm = TRUE`` the estimate is then a domain estimate: the missing rows get weight 0 but still count in
J and in the calibration.
Degrees of freedom: J - 1 for means (as ``degf``), J_valid - p for regression and t-tests (``svyglm``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special

from surveykit.stats.distributions import f_sf, t_ppf, t_two_sided
from surveykit.errors import AnalysisError, Problem
from surveykit.jsonsafe import to_jsonable
from surveykit.measure.weights import CalibrationStep, WeightingResult, weight_array
from surveykit.stats.design_matrix import treatment_design

#: survey::svyrecvar iterates the raking projection a fixed ten times.
RAKING_VARIANCE_ITERATIONS = 10


@dataclass(frozen=True)
class SurveyDesign:
    """Weights, cluster codes (or None) and calibration steps; build it with :func:`survey_design`."""

    weights: np.ndarray
    clusters: np.ndarray | None = None
    cluster_var: str | None = None
    calibration: tuple[CalibrationStep, ...] = field(default=(), repr=False)
    #: sums of the design made once and reused by every estimate (see _strata_sums)
    cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def calibrated(self) -> bool:
        return bool(self.calibration)

    @property
    def n(self) -> int:
        return int(self.weights.size)

    @property
    def n_clusters(self) -> int:
        return self.n if self.clusters is None else int(np.unique(self.clusters).size)

    def degf(self) -> int:
        """Design degrees of freedom: clusters - 1 (R's ``degf``)."""
        return self.n_clusters - 1


def survey_design(data: pd.DataFrame, weights=None, cluster: str | None = None) -> SurveyDesign:
    """The design of a weighted (optionally clustered) sample.

    ``weights``: a column name, an array, a :class:`~surveykit.measure.weights.WeightingResult` (its
    calibration then enters the SEs), or None for equal weights. ``cluster``: a column whose values
    identify the primary sampling units (e.g. office), or None.

    Example
    -------
    >>> d = survey_design(pd.DataFrame({"w": [1.0, 2.0]}), "w")
    >>> d.n, d.degf()
    (2, 1)
    """
    calibration: tuple[CalibrationStep, ...] = ()
    if isinstance(weights, WeightingResult):
        calibration = weights.calibration
        weights = weights.weights.reindex(data.index).to_numpy(dtype="float64")  # aligned, then checked as any
    w = weight_array(data, weights)
    codes = None
    if cluster is not None:
        if cluster not in data.columns:
            raise AnalysisError("Cluster column not in the data", [Problem("not found", column=cluster)])
        if data[cluster].isna().any():
            na = data[cluster].isna().to_numpy()
            raise AnalysisError("Missing cluster identifiers",
                                [Problem("every respondent needs a cluster", column=cluster,
                                         rows=tuple(np.flatnonzero(na)[:5].tolist()), n_rows=int(na.sum()))])
        codes = pd.factorize(data[cluster])[0]
    return SurveyDesign(weights=w, clusters=codes, cluster_var=cluster, calibration=calibration)


def _group_sums(x: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Column sums of x within groups: (n_groups, columns). One bincount per column (np.add.at is ~50x slower)."""
    out = np.zeros((n_groups, x.shape[1]))
    for j in range(x.shape[1]):
        out[:, j] = np.bincount(codes, weights=x[:, j], minlength=n_groups)
    return out


def _calibration_residuals(x: np.ndarray, steps: tuple[CalibrationStep, ...]) -> np.ndarray:
    """Influence values net of the calibration (survey::svyrecvar's postStrata loop)."""
    for step in steps:
        if step.kind == "raking":
            for _ in range(RAKING_VARIANCE_ITERATIONS):
                for codes, psw in zip(step.codes, step.weights_after):
                    k = int(codes.max()) + 1
                    means = _group_sums(x / psw[:, None], codes, k) / np.bincount(codes, minlength=k)[:, None]
                    x = x - psw[:, None] * means[codes]
        else:
            codes, oldw, psw = step.codes[0], step.weights_before[0], step.weights_after[0].copy()
            psw[(psw == 0) & (oldw == 0)] = 1.0
            k = int(codes.max()) + 1
            with np.errstate(invalid="ignore", divide="ignore"):
                means = _group_sums(x * (oldw / psw)[:, None], codes, k) / np.bincount(codes, oldw, k)[:, None]
            x = x - means[codes] * psw[:, None]
    return x


def _domain_weights(design: SurveyDesign, valid: np.ndarray) -> np.ndarray:
    """The weights of an estimate: every row of the design, weight 0 where a value is missing.

    survey subsets a design by giving the dropped rows zero weight (calibrated designs) or by dropping
    them while keeping the design's number of PSUs (uncalibrated), which gives the same variance: the
    estimate is a domain estimate and J counts all clusters of the design.
    """
    return np.where(valid, design.weights, 0.0)


def _vcov(design: SurveyDesign, z: np.ndarray) -> np.ndarray:
    """J/(J-1) sum of outer products of centred cluster totals of z (one row per row of the design)."""
    z = np.asarray(z, dtype="float64").reshape(design.n, -1)
    if design.clusters is None:
        codes, j = None, design.n  # every respondent is its own cluster: its total is its z
    else:
        codes, _ = pd.factorize(design.clusters)
        j = int(codes.max()) + 1 if len(codes) else 0
    if j < 2:
        raise AnalysisError("Too few clusters for a design-based standard error",
                            [Problem(f"{j} cluster(s) with data; need at least 2")])
    if codes is None and _single_poststratification(design):
        fast = _vcov_poststratified(_strata_sums(design), z)
        if fast is not None:
            return fast
    if design.calibrated:
        z = _calibration_residuals(z, design.calibration)
    totals = z.copy() if codes is None else _group_sums(z, codes, j)
    totals -= totals.mean(axis=0)
    return j / (j - 1.0) * totals.T @ totals


# ------------------------------------------------------------------ one post-stratification, no clusters
# The common case (weights post-stratified to population counts, respondents sampled one by one) needs
# no n x p residuals: the variance follows from a few sums per post-stratum (_vcov_poststratified).

def _single_poststratification(design: SurveyDesign) -> bool:
    return len(design.calibration) == 1 and design.calibration[0].kind == "poststratify"


@dataclass(frozen=True)
class _StrataSums:
    """What the residual variance of a post-stratified design needs of the design alone (made once).

    Post-stratum c (codes), weights d before and g after post-stratifying (g set to 1 where both are 0,
    as survey::svyrecvar does), r = d / g. D, G1, G2: the sums of d, g and g^2 in each post-stratum;
    present: post-strata with respondents. r_cell, g_cell: r and g of each post-stratum when they are
    the same for all its respondents (equal weights before post-stratifying), else None.
    """

    codes: np.ndarray
    k: int
    r: np.ndarray
    g: np.ndarray
    D: np.ndarray
    G1: np.ndarray
    G2: np.ndarray
    present: np.ndarray
    r_cell: np.ndarray | None
    g_cell: np.ndarray | None


def _per_cell_constant(values: np.ndarray, codes: np.ndarray, k: int) -> np.ndarray | None:
    """The value of each cell if every row of the cell has exactly the same one, else None."""
    cell = np.zeros(k)
    cell[codes] = values  # any row's value; the check below holds only if all rows of a cell agree
    return cell if np.array_equal(cell[codes], values) else None


def _strata_sums(design: SurveyDesign) -> _StrataSums:
    cached = design.cache.get("strata_sums")
    if cached is None:
        step = design.calibration[0]
        codes, d, g = step.codes[0], step.weights_before[0], step.weights_after[0].copy()
        g[(g == 0) & (d == 0)] = 1.0
        k = int(codes.max()) + 1
        with np.errstate(invalid="ignore", divide="ignore"):
            r = d / g
        r_cell = _per_cell_constant(r, codes, k)
        g_cell = _per_cell_constant(g, codes, k) if r_cell is not None else None
        cached = _StrataSums(codes, k, r, g, np.bincount(codes, d, k), np.bincount(codes, g, k),
                             np.bincount(codes, g * g, k), np.bincount(codes, minlength=k) > 0,
                             r_cell if g_cell is not None else None, g_cell)
        design.cache["strata_sums"] = cached
    return cached


def _vcov_poststratified(s: _StrataSums, z: np.ndarray) -> np.ndarray | None:
    """J/(J-1) E'E of the centred post-stratification residuals E of z, from sums per post-stratum.

    survey's residual (svyrecvar's postStrata) is e_i = z_i - g_i a_c, a_c = sum_{j in c} r_j z_j / D_c:
    z minus its fitted value from the post-strata. Summing over respondents, with Q_c = sum_{i in c} g_i z_i,
        E'E = Z'Z - A'Q - Q'A + A' diag(G2) A,   1'E = 1'Z - G1'A,
    and V = n / (n - 1) (E'E - (1'E)'(1'E) / n): two sums per post-stratum and column instead of forming
    E (one sum when r and g are constant within post-strata). The subtraction loses digits when the
    residuals are tiny beside z (a variable almost constant within post-strata); then None, and the
    caller forms the residuals.
    """
    n, p = z.shape
    rz, q = np.empty((s.k, p)), np.empty((s.k, p))
    for j in range(p):
        if s.r_cell is not None:
            cell_sum = np.bincount(s.codes, weights=z[:, j], minlength=s.k)
            rz[:, j], q[:, j] = s.r_cell * cell_sum, s.g_cell * cell_sum
        else:
            rz[:, j] = np.bincount(s.codes, weights=s.r * z[:, j], minlength=s.k)
            q[:, j] = np.bincount(s.codes, weights=s.g * z[:, j], minlength=s.k)
    with np.errstate(invalid="ignore", divide="ignore"):
        a = np.where(s.present[:, None], rz / s.D[:, None], 0.0)  # empty post-strata take no part
    ztz = z.T @ z
    ete = ztz - a.T @ q - q.T @ a + (a * s.G2[:, None]).T @ a
    e_sum = z.sum(axis=0) - s.G1 @ a
    ete -= np.outer(e_sum, e_sum) / n
    if not np.all(np.diag(ete) >= 1e-5 * np.diag(ztz)):
        return None
    return n / (n - 1.0) * ete


def _valid_clusters(design: SurveyDesign, valid: np.ndarray) -> int:
    return int(np.count_nonzero(valid)) if design.clusters is None else int(np.unique(design.clusters[valid]).size)


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
    rows = []
    df = design.degf()
    q = _z(confidence, None if ci == "normal" else df)
    for var, y in columns.items():
        y = np.asarray(y, dtype="float64")
        valid = ~np.isnan(y)
        n_valid = int(np.count_nonzero(valid))
        if n_valid == 0:
            raise AnalysisError("No respondent has a value", [Problem("all missing", column=var)])
        w = _domain_weights(design, valid)
        total = w.sum()
        dev = np.where(valid, y, 0.0)
        mean = float(w @ dev / total)
        dev -= mean  # y - ybar_w (rows without a value weigh 0 in everything below)
        wdev = w * dev  # = z * sum w: the variance of z is that of wdev over (sum w)^2
        variance = float(_vcov(design, wdev)[0, 0]) / total ** 2
        se = float(np.sqrt(variance))
        # weighted variance with the respondents' n/(n-1), and the SRS-without-replacement variance of
        # a mean from n_valid of sum_weights (svymean's deff = TRUE); undefined if the weights sum below n
        sd2 = float(wdev @ dev) / total * n_valid / (n_valid - 1) if n_valid > 1 else np.nan
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
    w = _domain_weights(design, valid)
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
    vcov = _vcov(design, xw @ bread)
    df = _valid_clusters(design, valid) - len(names)
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
    se = float(np.sqrt(_vcov(design, z)[0, 0]))
    in_groups = valid & (in_level[0] | in_level[1])
    df = _valid_clusters(design, in_groups) - 2
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
    w = _domain_weights(design, valid)
    x = onehot
    total = w.sum()
    p = (w @ x) / total
    vcov = _vcov(design, w[:, None] * (x - p) / total)
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
