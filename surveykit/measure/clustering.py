"""Clustering of respondents (employees in offices): ICC(1), ICC(2), design effects, random-intercept models.

ICC(1) and ICC(2) come from the one-way ANOVA of a score by cluster (Bliese 2000):

    ICC(1) = (MSB - MSW) / (MSB + (k - 1) MSW),   ICC(2) = (MSB - MSW) / MSB,

MSB and MSW the between- and within-cluster mean squares. ICC(1) is the share of a respondent's
score variance that lies between clusters; ICC(2) the reliability of the cluster means. For unbalanced
clusters k is, by default, the mean cluster size N / J (``k='mean'``, what ``multilevel::ICC1`` uses);
``k='adjusted'`` gives k0 = (N - sum n_j^2 / N) / (J - 1) (Snedecor & Cochran 1989; the expected-
mean-square k of the unbalanced one-way random-effects ANOVA), slightly smaller. The design effect of
cluster sampling is 1 + (mbar - 1) ICC(1), mbar = N / J (Kish 1965, 5.4).

Every score column is handled at once: cluster sums by ``np.bincount`` over (cluster, column) pairs, so
no Python loop over clusters. Missing values are dropped per score (its N and J are reported).

:func:`random_intercept` fits y_ij = x_ij' beta + u_j + e_ij by REML with statsmodels' MixedLM and
reports the fixed effects with the SEs lme4 reports, the two variance components and the ICC from them.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from surveykit.errors import AnalysisError, Problem
from surveykit.jsonsafe import to_jsonable
from surveykit.stats.design_matrix import treatment_design
from surveykit.stats.distributions import f_sf


@dataclass(frozen=True)
class ICCResult:
    """Result of :func:`icc`: one row per score.

    Columns: score, n, n_clusters, mean_cluster_size (N / J), k (the k used in ICC(1)), df_between,
    df_within, msb, msw, f, p (of the ANOVA F test), icc1, icc2, design_effect, effective_n (n / deff).
    """

    table: pd.DataFrame
    cluster: str
    k_method: str
    notes: tuple[str, ...] = ()

    def summary(self) -> pd.DataFrame:
        return self.table

    def to_dict(self) -> dict:
        return to_jsonable({"cluster": self.cluster, "k_method": self.k_method, "table": self.table,
                            "notes": list(self.notes)})


def icc(data: pd.DataFrame, scores, cluster: str, k: str = "mean") -> ICCResult:
    """ICC(1), ICC(2) and the design effect of each score by ``cluster``, from one-way ANOVA mean squares.

    MSB = sum_j n_j (ybar_j - ybar)^2 / (J - 1), MSW = sum_j sum_i (y_ij - ybar_j)^2 / (N - J);
    ICC(1) = (MSB - MSW) / (MSB + (k - 1) MSW) with k = N / J (``k='mean'``, Bliese 2000 and
    multilevel::ICC1) or k0 = (N - sum n_j^2 / N) / (J - 1) (``k='adjusted'``); ICC(2) = (MSB - MSW) / MSB;
    design effect = 1 + (N / J - 1) ICC(1). ICC(1) can be negative when clusters differ less than chance.

    Reference: Bliese PD (2000) Within-group agreement, non-independence, and reliability. In Klein &
    Kozlowski (eds), Multilevel theory, research, and methods in organizations, 349-381.

    Example
    -------
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 5.0, 6.0, 7.0], "office": list("aaabbb")})
    >>> round(float(icc(df, "y", "office").table.loc[0, "icc1"]), 4)
    0.8846
    """
    scores = [scores] if isinstance(scores, str) else list(scores)
    if k not in ("mean", "adjusted"):
        raise AnalysisError("Unknown k for ICC(1)", [Problem("use 'mean' or 'adjusted'", values=(str(k),))])
    missing = [c for c in scores + [cluster] if c not in data.columns]
    if missing:
        raise AnalysisError("Variable not in the data", [Problem("not found", column=c) for c in missing])
    codes, _ = pd.factorize(data[cluster])  # -1 for a missing cluster id: those rows are left out
    n_groups = int(codes.max()) + 1
    where = np.where(codes >= 0, codes, n_groups)  # a missing cluster id counts in a last bin, dropped
    p = len(scores)
    n_j = np.empty((p, n_groups))
    sum_j = np.empty((p, n_groups))
    ssw = np.empty(p)
    for s, score in enumerate(scores):  # per score: bincounts over the respondents, no n x p copies
        y = pd.to_numeric(data[score], errors="coerce").to_numpy(dtype="float64")
        ok = ~np.isnan(y)
        n_j[s] = np.bincount(where, weights=ok, minlength=n_groups + 1)[:n_groups]
        sum_j[s] = np.bincount(where, weights=np.where(ok, y, 0.0), minlength=n_groups + 1)[:n_groups]
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_ext = np.append(np.where(n_j[s] > 0, sum_j[s] / n_j[s], 0.0), 0.0)
        resid = np.where(ok & (codes >= 0), y - mean_ext[where], 0.0)
        ssw[s] = float(np.dot(resid, resid))
    n = n_j.sum(axis=1)
    n_clusters = (n_j > 0).sum(axis=1).astype("float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_j = np.where(n_j > 0, sum_j / n_j, 0.0)
        grand = sum_j.sum(axis=1) / n
        ssb = np.sum(n_j * (mean_j - grand[:, None]) ** 2, axis=1)
        df_b, df_w = n_clusters - 1, n - n_clusters
        msb, msw = ssb / df_b, ssw / df_w
        mbar = n / n_clusters
        k_used = mbar if k == "mean" else (n - np.sum(n_j ** 2, axis=1) / n) / df_b
        icc1 = (msb - msw) / (msb + (k_used - 1) * msw)
        icc2 = (msb - msw) / msb
        deff = 1 + (mbar - 1) * icc1
        effective_n = n / deff
        f = msb / msw
    table = pd.DataFrame({"score": scores, "n": n.astype(int), "n_clusters": n_clusters.astype(int),
                          "mean_cluster_size": mbar, "k": k_used, "df_between": df_b.astype(int),
                          "df_within": df_w.astype(int), "msb": msb, "msw": msw, "f": f,
                          "p": f_sf(f, df_b, df_w), "icc1": icc1, "icc2": icc2, "design_effect": deff,
                          "effective_n": effective_n})
    notes = []
    few = table.loc[table["n_clusters"] < 2, "score"].tolist()
    if few:
        raise AnalysisError("ICC needs at least two clusters with data",
                            [Problem("fewer than two clusters", column=s) for s in few])
    single = table.loc[table["df_within"] < 1, "score"].tolist()
    if single:
        raise AnalysisError("ICC needs a cluster with more than one respondent",
                            [Problem("every cluster has one respondent", column=s) for s in single])
    neg = table.loc[table["icc1"] < 0, "score"].tolist()
    if neg:
        notes.append("ICC(1) below zero (clusters differ less than chance) for: " + ", ".join(neg))
    return ICCResult(table, cluster, k, tuple(notes))


@dataclass(frozen=True)
class RandomInterceptResult:
    """Result of :func:`random_intercept`.

    ``fixed``: term, estimate, se, t (SE from (X' V^-1 X)^-1 at the REML estimates, as lme4's vcov).
    ``cluster_variance`` tau^2 and ``residual_variance`` sigma^2 (REML); ``icc`` = tau^2 / (tau^2 + sigma^2).
    """

    outcome: str
    cluster: str
    fixed: pd.DataFrame
    cluster_variance: float
    residual_variance: float
    icc: float
    reml_loglik: float
    n: int
    n_clusters: int
    converged: bool
    notes: tuple[str, ...] = ()

    def summary(self) -> pd.DataFrame:
        return self.fixed

    def to_dict(self) -> dict:
        return to_jsonable(self.__dict__)


def random_intercept(data: pd.DataFrame, outcome: str, cluster: str, predictors: list[str] | None = None,
                     categorical: list[str] | tuple[str, ...] = ()) -> RandomInterceptResult:
    """Random-intercept linear model y_ij = x_ij' beta + u_j + e_ij, u_j ~ N(0, tau^2), e_ij ~ N(0, sigma^2).

    Fitted by REML with ``statsmodels.regression.mixed_linear_model.MixedLM`` (BFGS, gradient tolerance
    1e-8); rows with a missing value in the outcome, a predictor or the cluster are left out (N reported).
    The fixed effects' SEs are sqrt(diag((X' V^-1 X)^-1)), V_j = sigma^2 I + tau^2 11', what
    ``lme4::lmer``'s ``vcov`` gives (statsmodels' own ``bse_fe`` inverts the full observed information
    and differs slightly).
    ICC = tau^2 / (tau^2 + sigma^2) (conditional on the predictors when there are any). Non-numeric
    predictors (and those in ``categorical``) enter as 0/1 columns against their first category, named
    as R does (a comparison of groups: ``predictors=["gender"]``).

    Reference: Bates D, Maechler M, Bolker B, Walker S (2015) J Stat Softw 67(1); Raudenbush SW,
    Bryk AS (2002) Hierarchical linear models, ch. 4.

    Example
    -------
    >>> rng = np.random.default_rng(1)
    >>> office = np.repeat(np.arange(20), 10)
    >>> y = rng.normal(size=20)[office] + rng.normal(size=200)
    >>> res = random_intercept(pd.DataFrame({"y": y, "office": office}), "y", "office")
    >>> 0.2 < res.icc < 0.8
    True
    """
    from statsmodels.regression.mixed_linear_model import MixedLM

    predictors = list(predictors or [])
    missing = [c for c in [outcome, cluster] + predictors if c not in data.columns]
    if missing:
        raise AnalysisError("Variable not in the data", [Problem("not found", column=c) for c in missing])
    frame = data[[outcome, cluster] + predictors].dropna()
    if not pd.api.types.is_numeric_dtype(frame[outcome]):
        raise AnalysisError("A random-intercept model needs a numeric outcome",
                            [Problem("not numeric", column=outcome)])
    y = frame[outcome].to_numpy(dtype="float64")
    x, names = treatment_design(frame, predictors, categorical)
    codes, _ = pd.factorize(frame[cluster])
    n_clusters = int(codes.max()) + 1 if len(codes) else 0
    if n_clusters < 2 or len(frame) <= n_clusters:
        raise AnalysisError("A random-intercept model needs at least two clusters and more respondents than clusters",
                            [Problem(f"{len(frame)} respondents in {n_clusters} clusters", column=cluster)])
    model = MixedLM(y, x, groups=codes)
    notes = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = model.fit(reml=True, method=["bfgs", "lbfgs"], gtol=1e-8)
    for w in caught:
        notes.append(f"statsmodels: {w.message}")
    tau2 = float(fit.cov_re.iloc[0, 0] if hasattr(fit.cov_re, "iloc") else fit.cov_re[0, 0])
    sigma2 = float(fit.scale)
    beta = np.asarray(fit.fe_params, dtype="float64")
    # X' V^-1 X with V_j^-1 = (I - tau2 / (sigma2 + n_j tau2) 11') / sigma2, by cluster sums
    n_j = np.bincount(codes, minlength=n_clusters).astype("float64")
    s_j = np.zeros((n_clusters, x.shape[1]))
    np.add.at(s_j, codes, x)
    shrink = tau2 / (sigma2 + n_j * tau2)
    info = (x.T @ x - (s_j * shrink[:, None]).T @ s_j) / sigma2
    se = np.sqrt(np.diag(np.linalg.inv(info)))
    fixed = pd.DataFrame({"term": names, "estimate": beta, "se": se, "t": beta / se})
    if tau2 <= 1e-12 * sigma2:
        notes.append("the cluster variance is estimated at zero (boundary): no detectable clustering")
    return RandomInterceptResult(outcome, cluster, fixed, tau2, sigma2, tau2 / (tau2 + sigma2), float(fit.llf),
                                 len(frame), n_clusters, bool(fit.converged), tuple(notes))
