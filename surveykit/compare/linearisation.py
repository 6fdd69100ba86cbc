"""The survey design of weighted estimates and the linearisation variance under it, as R's ``survey``.

The design is a single-stage sample with weights and, optionally, clusters (``svydesign(ids = ~1`` or
``~cluster, weights = ~w)``), possibly calibrated by :func:`surveykit.measure.weights.post_stratify` or
:func:`~surveykit.measure.weights.rake`. Every estimate theta of :mod:`surveykit.compare.weighted` is a
solution of a weighted estimating equation; its variance is the with-replacement variance of the cluster
totals of the influence values z_i (Binder 1983; Lumley 2010, 2.3, 7.2):

    V(theta) = J / (J - 1) sum_j (z_j - zbar)(z_j - zbar)',  z_j = sum_{i in cluster j} z_i,

J the number of clusters (respondents when unclustered). For calibrated weights the z_i are first
replaced by their residuals from the post-strata / raking margins, as ``survey::svyrecvar`` does
(:func:`design_vcov`), so the SEs are those R reports after ``postStratify`` / ``rake`` (including
``trimWeights`` + ``rake`` rounds). With one post-stratification and no clusters, the common case, the
same V follows from a few sums per post-stratum without forming the residuals (_vcov_poststratified).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from surveykit.errors import AnalysisError, Problem
from surveykit.measure.weights import CalibrationStep, WeightingResult, weight_array

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


def domain_weights(design: SurveyDesign, valid: np.ndarray) -> np.ndarray:
    """The weights of an estimate: every row of the design, weight 0 where a value is missing.

    survey subsets a design by giving the dropped rows zero weight (calibrated designs) or by dropping
    them while keeping the design's number of PSUs (uncalibrated), which gives the same variance: the
    estimate is a domain estimate and J counts all clusters of the design.
    """
    return np.where(valid, design.weights, 0.0)


def design_vcov(design: SurveyDesign, z: np.ndarray) -> np.ndarray:
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
    sizes: its respondents, present: sizes > 0. r_cell, g_cell: r and g of each post-stratum when they
    are the same for all its respondents (equal weights before post-stratifying), else None; simple:
    they are, and the design's weights are g (then means take _mean_parts_poststratified).
    """

    codes: np.ndarray
    k: int
    r: np.ndarray
    g: np.ndarray
    D: np.ndarray
    G1: np.ndarray
    G2: np.ndarray
    sizes: np.ndarray
    present: np.ndarray
    r_cell: np.ndarray | None
    g_cell: np.ndarray | None
    simple: bool


def _per_cell_constant(values: np.ndarray, codes: np.ndarray, k: int) -> np.ndarray | None:
    """The value of each cell if every row of the cell has exactly the same one, else None."""
    cell = np.zeros(k)
    cell[codes] = values  # any row's value; the check below holds only if all rows of a cell agree
    return cell if np.array_equal(cell[codes], values) else None


def _strata_sums(design: SurveyDesign) -> _StrataSums:
    # two threads starting on a new design may both make it: the same values, one kept
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
        sizes = np.bincount(codes, minlength=k)
        cached = _StrataSums(codes, k, r, g, np.bincount(codes, d, k), np.bincount(codes, g, k),
                             np.bincount(codes, g * g, k), sizes, sizes > 0, r_cell if g_cell is not None else None,
                             g_cell, g_cell is not None and np.array_equal(design.weights, g))
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


def weighted_mean_parts(design: SurveyDesign, y: np.ndarray, valid: np.ndarray) -> tuple[float, float, float, float]:
    """Of the respondents with a value (``valid``): W = sum w, the weighted mean ybar_w = sum w y / W, its
    variance V and sum w (y - ybar_w)^2. V is design_vcov of the influence values z_i = w_i (y_i - ybar_w) / W
    (0 where y is missing); with one post-stratification of equal weights and no clusters, from sums per
    post-stratum (_mean_parts_poststratified).
    """
    if design.clusters is None and _single_poststratification(design) and _strata_sums(design).simple:
        parts = _mean_parts_poststratified(_strata_sums(design), y, valid)
        if parts is not None:
            return parts
    w = domain_weights(design, valid)
    total = float(w.sum())
    dev = np.where(valid, y, 0.0)
    mean = float(w @ dev) / total
    dev -= mean  # y - ybar_w (rows without a value weigh 0 in everything below)
    wdev = w * dev  # = z W: the variance of z is that of wdev over W^2
    return total, mean, float(design_vcov(design, wdev)[0, 0]) / total ** 2, float(wdev @ dev)


def _mean_parts_poststratified(s: _StrataSums, y: np.ndarray, valid: np.ndarray) -> tuple | None:
    """weighted_mean_parts when every respondent of post-stratum c has the weight g_c (an equally weighted
    sample post-stratified: Lumley 2010, 7.2), from each post-stratum's n_c respondents and, of those with a
    value, T0_c (how many), T1_c = sum y and T2_c = sum y^2:

        W = sum_c g_c T0_c,   ybar_w = sum_c g_c T1_c / W,
        S1_c = T1_c - ybar_w T0_c,   S2_c = T2_c - 2 ybar_w T1_c + ybar_w^2 T0_c   (sums of y - ybar_w and its square)

    The post-stratification residual of z is z minus its post-stratum's mean (rows without a value
    counted with z = 0), so V = n / (n - 1) sum_c g_c^2 (S2_c - S1_c^2 / n_c) / W^2, and
    sum w (y - ybar_w)^2 = sum_c g_c S2_c. The expansion loses digits when the within-post-stratum sums are
    tiny beside sum_c g_c^2 T2_c (y almost constant within post-strata, or far from 0 beside its spread):
    then None, and the caller computes from the rows.
    """
    y0 = np.where(valid, y, 0.0)
    t0 = s.sizes - np.bincount(s.codes[np.flatnonzero(~valid)], minlength=s.k)  # few missing: a short gather
    t1 = np.bincount(s.codes, weights=y0, minlength=s.k)
    t2 = np.bincount(s.codes, weights=y0 * y0, minlength=s.k)
    g = s.g_cell
    total = float(g @ t0)
    mean = float(g @ t1) / total
    s1 = t1 - mean * t0
    s2 = t2 - mean * (2.0 * t1 - mean * t0)
    within = np.where(s.present, s2 - s1 * s1 / np.maximum(s.sizes, 1), 0.0)
    within_sum = float((g * g) @ within)
    if not within_sum >= 1e-5 * float((g * g) @ t2):
        return None
    n = s.codes.size
    return total, mean, n / (n - 1.0) * within_sum / total ** 2, float(g @ s2)


def valid_clusters(design: SurveyDesign, valid: np.ndarray) -> int:
    return int(np.count_nonzero(valid)) if design.clusters is None else int(np.unique(design.clusters[valid]).size)
