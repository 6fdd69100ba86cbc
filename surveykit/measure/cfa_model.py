"""CFA models: lavaan's parameter table, listwise moments, ML fit, fit measures, estimates and modification
indices. The computations behind :func:`surveykit.measure.cfa.cfa` and
:func:`surveykit.measure.invariance.measurement_invariance` (formulas in those modules' docstrings and in
:mod:`surveykit.measure.mlsem`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from surveykit.stats.distributions import chi2_sf
from surveykit.errors import AnalysisError, Problem
from surveykit.measure.mlsem import (
    LOG_2PI,
    Entry,
    Fitter,
    GroupMoments,
    Model,
    jacobian,
    moments,
    normal_weight,
    vech_index,
)


# --------------------------------------------------------------------------------------------------
# Model building and fitting (shared with invariance.py)
# --------------------------------------------------------------------------------------------------
def check_factors(data: pd.DataFrame, factors: dict[str, list[str]], extra: tuple[str, ...] = ()) -> list[str]:
    """Validate the factor mapping against the data; return the items in order of first appearance."""
    if not isinstance(factors, dict) or not factors:
        raise AnalysisError("CFA: 'factors' must be a non-empty mapping from factor name to its items")
    items: list[str] = []
    problems = []
    for name, its in factors.items():
        if isinstance(its, str) or not hasattr(its, "__iter__"):
            problems.append(Problem(f"factor {name!r}: the items must be a list, got {its!r}"))
            continue
        its = list(its)
        if len(set(its)) < len(its):
            problems.append(Problem(f"factor {name!r} lists an item twice", values=tuple(map(str, its))))
        if len(its) < 2:
            problems.append(Problem(f"factor {name!r} has {len(its)} item(s); at least 2 are needed"))
        for it in its:
            if it not in data.columns:
                problems.append(Problem("item not in the data", column=str(it)))
            elif it not in items:
                items.append(it)
    for col in extra:
        if col not in data.columns:
            problems.append(Problem("grouping variable not in the data", column=str(col)))
    if problems:
        raise AnalysisError("CFA: the factor specification does not fit the data", problems)
    bad = [c for c in items if not pd.api.types.is_numeric_dtype(data[c])]
    if bad:
        raise AnalysisError("CFA: items must be numeric", [Problem("not numeric", column=c) for c in bad])
    return items


def build_model(items: list[str], factors: dict[str, list[str]], n_groups: int = 1, *, std_lv: bool = False,
                meanstructure: bool = False, equal: tuple[str, ...] = ()) -> Model:
    """Entries of lavaan's CFA parameter table; ``equal`` may hold 'loadings' and 'intercepts'
    (lavaan's ``group.equal``). With equal intercepts the latent means are free in groups 2..G."""
    names = list(factors)
    entries: list[Entry] = []
    shared: dict[tuple, int] = {}
    counter = [0]

    def add(group, matrix, row, col, value=None, share_key=None):
        if value is not None:
            entries.append(Entry(group, matrix, row, col, -1, value))
            return
        if share_key is not None and share_key in shared:
            idx = shared[share_key]
        else:
            idx = counter[0]
            counter[0] += 1
            if share_key is not None:
                shared[share_key] = idx
        entries.append(Entry(group, matrix, row, col, idx, 0.0))

    for g in range(n_groups):
        for j, f in enumerate(names):
            for k, it in enumerate(factors[f]):
                fixed = 1.0 if (k == 0 and not std_lv) else None
                add(g, "lambda", items.index(it), j, fixed,
                    ("lambda", items.index(it), j) if "loadings" in equal else None)
        for j in range(len(names)):
            for k in range(j + 1):
                add(g, "phi", j, k, 1.0 if (std_lv and j == k) else None)
        for i in range(len(items)):
            add(g, "theta", i, i)
        if meanstructure:
            for i in range(len(items)):
                add(g, "nu", i, 0, None, ("nu", i) if "intercepts" in equal else None)
            for j in range(len(names)):
                add(g, "alpha", j, 0, None if (g > 0 and "intercepts" in equal) else 0.0)
    return Model(items, names, n_groups, meanstructure, entries, counter[0])


def starting_values(model: Model, data: list[GroupMoments], std_lv: bool) -> np.ndarray:
    """Per factor, first principal component of its items (rescaled to the marker); residual variances
    half the observed variances (lavaan's 'simple' start); factor covariances from the items' covariances
    (below); intercepts = means."""
    theta = np.full(model.n_free, np.nan)
    for g, d in enumerate(data):
        sd = np.sqrt(np.diag(d.cov))
        lam_start: dict[tuple[int, int], float] = {}
        phi_start: dict[int, float] = {}
        for j in range(len(model.factors)):
            rows = [e.row for e in model.entries if e.group == g and e.matrix == "lambda" and e.col == j]
            r = d.cov[np.ix_(rows, rows)] / np.outer(sd[rows], sd[rows])
            vals, vecs = np.linalg.eigh(r)
            load = vecs[:, -1] * math.sqrt(max(vals[-1], 1e-6))
            if load[0] < 0:
                load = -load
            raw = load * sd[rows]
            if std_lv:
                phi_start[j] = 1.0
                lam_start.update({(i, j): v for i, v in zip(rows, raw)})
            else:
                phi_start[j] = raw[0] ** 2
                lam_start.update({(i, j): v / raw[0] for i, v in zip(rows, raw)})
        # factor covariances from the items' covariances, cov(y_i, y_l) = lambda_i lambda_l phi_jk, averaged
        # over the item pairs and kept inside a correlation of .9: a start of 0 leaves a two-item factor's
        # second loading unidentified there (singular information at the first scoring step)
        rows_of = {j: [e.row for e in model.entries if e.group == g and e.matrix == "lambda" and e.col == j]
                   for j in range(len(model.factors))}
        for j in range(len(model.factors)):
            for k in range(j):
                ratios = [d.cov[i, m] / (lam_start[(i, j)] * lam_start[(m, k)])
                          for i in rows_of[j] for m in rows_of[k] if i != m]
                bound = 0.9 * math.sqrt(phi_start[j] * phi_start[k])
                phi_start[(j, k)] = float(np.clip(np.mean(ratios), -bound, bound)) if ratios else 0.0
        for e in model.entries:
            if e.group != g or e.free < 0 or not np.isnan(theta[e.free]):
                continue
            if e.matrix == "lambda":
                theta[e.free] = lam_start[(e.row, e.col)]
            elif e.matrix == "phi":
                theta[e.free] = (phi_start[e.row] if e.row == e.col
                                 else phi_start.get((max(e.row, e.col), min(e.row, e.col)), 0.0))
            elif e.matrix == "theta":
                theta[e.free] = 0.5 * d.cov[e.row, e.row]
            elif e.matrix == "nu":
                theta[e.free] = d.mean[e.row]
            else:
                theta[e.free] = 0.0
    return theta


@dataclass
class RawFit:
    """What the fitting step produces; turned into result tables by the callers."""

    model: Model
    data: list[GroupMoments]
    fitter: Fitter
    theta: np.ndarray
    vcov: np.ndarray
    iterations: int
    converged: bool
    group_labels: list[str]
    n_dropped: int


def listwise(data: pd.DataFrame, columns: list[str]) -> tuple[pd.DataFrame, int]:
    complete = data[columns].notna().all(axis=1)
    return data.loc[complete], int((~complete).sum())


def fit_model(data: pd.DataFrame, factors: dict[str, list[str]], *, group: str | None = None,
              std_lv: bool = False, meanstructure: bool = False, equal: tuple[str, ...] = (),
              robust: bool = False) -> RawFit:
    """Listwise deletion (items and grouping variable), moments per group (groups in order of first
    appearance, as lavaan), ML fit, expected-information covariance matrix of the estimates."""
    items = check_factors(data, factors, (group,) if group else ())
    used, dropped = listwise(data, items + ([group] if group else []))
    labels = list(pd.unique(used[group])) if group else ["all"]
    if group and len(labels) < 2:
        raise AnalysisError(f"Invariance: the grouping variable {group!r} has fewer than 2 groups")
    parts = [used.loc[used[group] == lab, items] for lab in labels] if group else [used[items]]
    data_g = [moments(part.to_numpy(dtype=float), fourth=robust) for part in parts]
    small = [f"{lab}: n = {m.n}" for lab, m in zip(labels, data_g) if m.n <= len(items)]
    if small:
        raise AnalysisError(f"CFA: fewer complete cases than items ({len(items)})",
                            [Problem(s) for s in small])
    model = build_model(items, factors, len(labels), std_lv=std_lv, meanstructure=meanstructure, equal=equal)
    n_moments = len(labels) * (len(items) * (len(items) + 1) // 2 + (len(items) if meanstructure else 0))
    if model.n_free > n_moments:
        raise AnalysisError(f"CFA: the model has more parameters ({model.n_free}) than moments ({n_moments})")
    fitter = Fitter(model, data_g)
    theta, its, ok = fitter.fit(starting_values(model, data_g, std_lv))
    info = fitter.information(theta)
    vcov = np.linalg.inv(info) / fitter.n_total
    if robust:
        # sandwich A^-1 B A^-1 / N with A the expected information and B = sum_g w_g Delta_g' H_g Gamma_g H_g Delta_g
        b = np.zeros_like(info)
        for g, d in enumerate(data_g):
            delta = jacobian(model, theta, g)
            hd = normal_weight(model.implied(theta, g)[0], meanstructure) @ delta
            b += fitter.weights[g] * hd.T @ _gamma(d, meanstructure) @ hd
        a_inv = np.linalg.inv(info)
        vcov = a_inv @ b @ a_inv / fitter.n_total
    return RawFit(model, data_g, fitter, theta, vcov, its, ok, [str(x) for x in labels], dropped)


# --------------------------------------------------------------------------------------------------
# Fit measures
# --------------------------------------------------------------------------------------------------
def rmsea_ci(chi2: float, df: int, n: int, n_groups: int = 1, level: float = 0.90) -> tuple[float, float]:
    """CI for RMSEA: noncentrality lambda with P(chi2_df(lambda) <= chi2) = (1 +- level)/2, mapped by
    sqrt(G) sqrt(lambda / (N df)) (Browne & Cudeck 1993; lavaan's ``rmsea.ci.lower/upper``).
    With df = 0 (a just-identified model) both limits are 0, as lavaan reports."""
    if df <= 0:
        return 0.0, 0.0

    def bound(prob: float) -> float:
        # scipy.special's (non)central chi-square CDFs: the run need not import scipy.stats (0.5 s)
        f = lambda lam: special.chndtr(chi2, df, lam) - prob if lam > 0 else special.chdtr(df, chi2) - prob
        if f(0.0) < 0:  # even the central distribution puts chi2 below this quantile
            return 0.0
        lo, hi = 0.0, max(chi2, 1.0)
        while f(hi) > 0:
            lo, hi = hi, hi * 2
        while hi - lo > 1e-12 * max(1.0, hi):  # the CDF falls as lambda grows: bisection
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if f(mid) > 0 else (lo, mid)
        return (lo + hi) / 2

    scale = math.sqrt(n_groups) / math.sqrt(n * df)
    return (math.sqrt(bound((1 + level) / 2)) * scale, math.sqrt(bound((1 - level) / 2)) * scale)


def fit_measures(fit: RawFit) -> dict[str, float]:
    model, theta, data = fit.model, fit.theta, fit.data
    n = fit.fitter.n_total
    g_count = len(data)
    p = len(model.items)
    f = fit.fitter.objective(theta)
    chi2 = max(2.0 * n * f, 0.0)  # a just-identified model fits exactly; no -1e-13 from rounding
    df = g_count * (p * (p + 1) // 2 + (p if model.meanstructure else 0)) - model.n_free
    chi2_b = sum(d.n * (np.log(np.diag(d.cov)).sum() - ld) for d, ld in zip(data, fit.fitter.logdet_s))
    df_b = g_count * p * (p - 1) // 2
    loglik = 0.0
    srmr_weighted = 0.0
    rows, cols = vech_index(p)
    for g, d in enumerate(data):
        sigma, mu, _ = model.implied(theta, g)
        sinv = np.linalg.inv(sigma)
        r = d.mean - mu if model.meanstructure else np.zeros(p)
        loglik += -0.5 * d.n * (p * LOG_2PI + np.linalg.slogdet(sigma)[1] + np.sum(d.cov * sinv) + r @ sinv @ r)
        sd = np.sqrt(np.diag(d.cov))
        resid = ((d.cov - sigma) / np.outer(sd, sd))[rows, cols]
        sq, count = float(np.sum(resid**2)), len(rows)
        if model.meanstructure:
            sq += float(np.sum((r / sd) ** 2))
            count += p
        srmr_weighted += d.n * math.sqrt(sq / count)
    excess = max(chi2 - df, 0.0)
    lo, hi = rmsea_ci(chi2, df, n, g_count)
    q = model.n_free
    return {
        "chi2": chi2, "df": df, "p": chi2_sf(chi2, df) if df > 0 else math.nan,
        "cfi": 1.0 - excess / max(chi2_b - df_b, chi2 - df, 0.0) if max(chi2_b - df_b, chi2 - df) > 0 else 1.0,
        # df = 0: lavaan's conventions TLI = 1 and RMSEA = 0 (the model reproduces S exactly)
        "tli": ((chi2_b / df_b) - (chi2 / df)) / ((chi2_b / df_b) - 1.0) if df > 0 else 1.0,
        "rmsea": math.sqrt(g_count) * math.sqrt(excess / (n * df)) if df > 0 else 0.0,
        "rmsea_ci_lower": lo, "rmsea_ci_upper": hi,
        "rmsea_p_close": float(1 - special.chndtr(chi2, df, n * df * 0.05**2 / g_count)) if df > 0 else math.nan,
        "srmr": srmr_weighted / n,
        "aic": -2.0 * loglik + 2.0 * q, "bic": -2.0 * loglik + q * math.log(n),
        "loglik": loglik, "n_parameters": q, "baseline_chi2": chi2_b, "baseline_df": df_b,
    }


def _gamma(d: GroupMoments, meanstructure: bool) -> np.ndarray:
    if d.gamma is None:
        raise AnalysisError("internal: robust ML needs the fourth-moment matrix (fit_model(robust=True))")
    k = len(d.cov) * (len(d.cov) + 1) // 2
    return d.gamma if meanstructure else d.gamma[:k, :k]


def _scaling_factor(weights: list[np.ndarray], deltas: list[np.ndarray], gammas: list[np.ndarray],
                    group_w: list[float], df: float) -> float:
    """c = tr(U Gamma) / df, U = W - W Delta (Delta' W Delta)^-1 Delta' W with the groups stacked:
    W = blockdiag(w_g H_g), Gamma = blockdiag(Gamma_g / w_g), w_g = n_g / N (Satorra & Bentler 1994)."""
    wd = [w * h @ dl for w, h, dl in zip(group_w, weights, deltas)]
    info = sum(dl.T @ x for dl, x in zip(deltas, wd))
    inv_wd = [np.linalg.solve(info, x.T) for x in wd]
    trace = 0.0
    for g, (w, h, gam) in enumerate(zip(group_w, weights, gammas)):
        # diagonal block g of U; the off-diagonal blocks meet zero blocks of Gamma
        u_gg = w * h - wd[g] @ inv_wd[g]
        trace += float(np.sum(u_gg * gam.T)) / w
    return trace / df


def satorra_bentler(fit: RawFit, measures: dict[str, float]) -> dict[str, float]:
    """Robust ML (lavaan ``estimator="MLM"``): Satorra-Bentler scaled chi-square and the fit indices from it.

    chi2_scaled = chi2 / c; the baseline model (free variances, and means with a mean structure) gets its
    own c_b. "scaled" indices put the scaled statistics into the usual formulas (lavaan's ``cfi.scaled``
    etc.; for the RMSEA lavaan refers chi2 to c df degrees of freedom); "robust" indices are those of
    Brosseau-Liard, Savalei & Li (2012) and Brosseau-Liard & Savalei (2014): RMSEA_robust =
    sqrt(c) RMSEA_scaled (its CI: sqrt(c) times the CI of chi2_scaled on df), CFI_robust =
    1 - max(chi2 - c df, 0) / max(chi2_b - c_b df_b, chi2 - c df, 0), TLI_robust =
    1 - ((chi2 - c df)/df) / ((chi2_b - c_b df_b)/df_b). Multiple groups: blocks weighted by n_g / N.
    """
    model, theta, data = fit.model, fit.theta, fit.data
    ms = model.meanstructure
    n, df, df_b = fit.fitter.n_total, int(measures["df"]), int(measures["baseline_df"])
    chi2, chi2_b = measures["chi2"], measures["baseline_chi2"]
    groups = range(len(data))
    gammas = [_gamma(d, ms) for d in data]
    w = fit.fitter.weights
    c = _scaling_factor([normal_weight(model.implied(theta, g)[0], ms) for g in groups],
                        [jacobian(model, theta, g) for g in groups], gammas, w, df)
    p = len(model.items)
    rows, cols = vech_index(p)
    delta_b = ((rows[:, None] == np.arange(p)[None, :]) & (rows == cols)[:, None]).astype(float)
    if ms:  # the baseline's free means
        delta_b = np.block([[delta_b, np.zeros((len(rows), p))], [np.zeros((p, p)), np.eye(p)]])
    g_count = len(data)
    # each group's baseline parameters are its own: group g's Jacobian fills only its block of columns
    width = delta_b.shape[1]
    deltas_b = []
    for g in groups:
        block = np.zeros((delta_b.shape[0], width * g_count))
        block[:, g * width:(g + 1) * width] = delta_b
        deltas_b.append(block)
    c_b = _scaling_factor([normal_weight(np.diag(np.diag(d.cov)), ms) for d in data], deltas_b, gammas, w, df_b)
    chi2_s, chi2_bs = chi2 / c, chi2_b / c_b
    # lavaan's "scaled" RMSEA CI and p-close refer the unscaled chi2 to tr(U Gamma) = c df degrees of
    # freedom; the "robust" CI refers the scaled chi2 to df and multiplies by sqrt(c)
    lo, hi = rmsea_ci(chi2, c * df, n, g_count)
    rlo, rhi = rmsea_ci(chi2_s, df, n, g_count)
    rmsea_s = math.sqrt(g_count) * math.sqrt(max(chi2_s - df, 0.0) / (n * df))
    return {
        "scaling_factor": c, "chi2_scaled": chi2_s, "p_scaled": chi2_sf(chi2_s, df),
        "baseline_scaling_factor": c_b, "baseline_chi2_scaled": chi2_bs,
        "cfi_scaled": 1.0 - max(chi2_s - df, 0.0) / max(chi2_bs - df_b, chi2_s - df, 1e-300),
        "tli_scaled": (chi2_bs / df_b - chi2_s / df) / (chi2_bs / df_b - 1.0),
        "rmsea_scaled": rmsea_s, "rmsea_ci_lower_scaled": lo, "rmsea_ci_upper_scaled": hi,
        "rmsea_p_close_scaled": float(1 - special.chndtr(chi2, c * df, n * c * df * 0.05**2 / g_count)),
        "cfi_robust": 1.0 - max(chi2 - c * df, 0.0) / max(chi2_b - c_b * df_b, chi2 - c * df, 1e-300),
        "tli_robust": 1.0 - ((chi2 - c * df) / df) / ((chi2_b - c_b * df_b) / df_b),
        "rmsea_robust": math.sqrt(c) * rmsea_s,
        "rmsea_ci_lower_robust": math.sqrt(c) * rlo, "rmsea_ci_upper_robust": math.sqrt(c) * rhi,
    }


# --------------------------------------------------------------------------------------------------
# Parameter tables
# --------------------------------------------------------------------------------------------------
def _label(model: Model, e: Entry) -> tuple[str, str, str]:
    it, fa = model.items, model.factors
    if e.matrix == "lambda":
        return fa[e.col], "=~", it[e.row]
    if e.matrix == "phi":
        return fa[e.col], "~~", fa[e.row]
    if e.matrix == "theta":
        return it[e.col], "~~", it[e.row]
    return (it[e.row] if e.matrix == "nu" else fa[e.row]), "~1", ""


def _standardised(model: Model, theta: np.ndarray) -> np.ndarray:
    """std.all value of every entry: loadings x sd(factor)/sd(item), correlations, residual variances
    / item variance, intercepts / sd(item), latent means / sd(factor)."""
    out = np.empty(len(model.entries))
    cache = {}
    for k, e in enumerate(model.entries):
        if e.group not in cache:
            sigma, _, mats = model.implied(theta, e.group)
            cache[e.group] = (np.sqrt(np.diag(sigma)), np.sqrt(np.abs(np.diag(mats["phi"]))), mats)
        sd_y, sd_f, mats = cache[e.group]
        v = mats[e.matrix][e.row] if e.matrix in ("nu", "alpha") else mats[e.matrix][e.row, e.col]
        if e.matrix == "lambda":
            out[k] = v * sd_f[e.col] / sd_y[e.row]
        elif e.matrix == "phi":
            out[k] = v / (sd_f[e.row] * sd_f[e.col])
        elif e.matrix == "theta":
            out[k] = v / (sd_y[e.row] * sd_y[e.col])
        else:
            out[k] = v / (sd_y[e.row] if e.matrix == "nu" else sd_f[e.row])
    return out


def estimates_table(fit: RawFit) -> pd.DataFrame:
    """One row per model entry: group, lhs, op, rhs, est, se, z, p, std_all, se_std, z_std, p_std."""
    model, theta = fit.model, fit.theta
    std = _standardised(model, theta)
    # delta method for the standardised values (lavaan's standardizedSolution se), central differences
    jac = np.zeros((len(std), model.n_free))
    for k in range(model.n_free):
        h = 1e-6 * max(1.0, abs(theta[k]))
        up, down = theta.copy(), theta.copy()
        up[k] += h
        down[k] -= h
        jac[:, k] = (_standardised(model, up) - _standardised(model, down)) / (2 * h)
    se_std = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", jac, fit.vcov, jac), 0.0))
    se_std[se_std < 1e-8] = 0.0  # standardised values fixed by construction (factor variances = 1)
    se_all = np.sqrt(np.maximum(np.diag(fit.vcov), 0.0))
    rows = []
    for k, e in enumerate(model.entries):
        lhs, op, rhs = _label(model, e)
        mats = model.matrices(theta, e.group)
        est = mats[e.matrix][e.row] if e.matrix in ("nu", "alpha") else mats[e.matrix][e.row, e.col]
        se = se_all[e.free] if e.free >= 0 else 0.0
        z = est / se if se > 0 else math.nan
        zs = std[k] / se_std[k] if se_std[k] > 0 else math.nan
        rows.append({"group": fit.group_labels[e.group], "lhs": lhs, "op": op, "rhs": rhs, "free": e.free >= 0,
                     "est": est, "se": se, "z": z, "p": 2 * special.ndtr(-abs(z)) if se > 0 else math.nan,
                     "std_all": std[k], "se_std": se_std[k], "z_std": zs,
                     "p_std": 2 * special.ndtr(-abs(zs)) if np.isfinite(zs) else math.nan})
    return pd.DataFrame(rows)


def modification_indices(fit: RawFit, threshold: float = 3.84) -> pd.DataFrame:
    """Score tests for every cross-loading and residual covariance fixed at zero (single group).

    MI = N g^2 / V, EPC = -g / V, with g = dF/dtheta_c and V = I_cc - I_cf I_ff^-1 I_fc (expected
    information); sepc_all scales the EPC as lavaan's ``sepc.all`` (loadings by sd(factor)/sd(item),
    residual covariances by the residual standard deviations). Rows with MI >= ``threshold``, sorted."""
    model, theta = fit.model, fit.theta
    p, m = len(model.items), len(model.factors)
    present = {(e.matrix, e.row, e.col) for e in model.entries}
    cands = []
    nf = model.n_free
    for j in range(m):
        for i in range(p):
            if ("lambda", i, j) not in present:
                cands.append(Entry(0, "lambda", i, j, nf + len(cands), 0.0))
    for a in range(p):
        for b in range(a + 1, p):
            cands.append(Entry(0, "theta", b, a, nf + len(cands), 0.0))
    if not cands:
        return pd.DataFrame(columns=["lhs", "op", "rhs", "mi", "epc", "sepc_all"])
    ext = Model(model.items, model.factors, model.n_groups, model.meanstructure, model.entries + cands,
                nf + len(cands))
    th = np.concatenate([theta, np.zeros(len(cands))])
    delta = jacobian(ext, th, 0)
    info = fit.fitter.unit_information(th, 0, delta)
    grad = delta.T @ fit.fitter.moment_gradient(theta, 0)
    i_ff, i_fc, i_cc = info[:nf, :nf], info[:nf, nf:], info[nf:, nf:]
    v = np.diag(i_cc) - np.einsum("ij,ij->j", i_fc, np.linalg.solve(i_ff, i_fc))
    g_c = grad[nf:]
    with np.errstate(divide="ignore", invalid="ignore"):
        mi = fit.fitter.n_total * g_c**2 / v
        epc = -g_c / v
    sigma, _, mats = model.implied(theta, 0)
    rows = []
    for c, e in enumerate(cands):
        if not np.isfinite(mi[c]) or v[c] < 1e-10 or mi[c] < threshold:
            continue
        lhs, op, rhs = _label(model, e)
        if e.matrix == "lambda":
            lhs = model.factors[e.col]
            scale = math.sqrt(mats["phi"][e.col, e.col]) / math.sqrt(sigma[e.row, e.row])
        else:
            scale = 1.0 / math.sqrt(abs(mats["theta"][e.row, e.row] * mats["theta"][e.col, e.col]))
        rows.append({"lhs": lhs, "op": op, "rhs": rhs, "mi": mi[c], "epc": epc[c], "sepc_all": epc[c] * scale})
    out = pd.DataFrame(rows, columns=["lhs", "op", "rhs", "mi", "epc", "sepc_all"])
    return out.sort_values("mi", ascending=False, kind="stable").reset_index(drop=True)
