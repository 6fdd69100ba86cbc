"""Confirmatory factor analysis by maximum likelihood, reproducing lavaan's ``cfa()`` defaults.

Conventions (lavaan 0.6 ``cfa(model, data)``): ML with the normal likelihood (covariances with divisor N,
chi^2 = 2 N F_ML), marker-variable identification (first loading of each factor fixed to 1) unless
``std_lv=True`` (factor variances fixed to 1), correlated factors, listwise deletion, standard errors from
the expected information matrix, standardised estimates "std.all" with delta-method standard errors, fit
indices as ``fitMeasures()`` ("srmr" = Bentler's SRMR), modification indices as ``modindices()``.
``estimator="MLM"`` adds lavaan's robust ML: sandwich standard errors and the Satorra-Bentler (1994)
scaled chi-square with scaled and robust CFI/TLI/RMSEA (Brosseau-Liard & Savalei 2012, 2014).

Fit indices (N = total sample size, G = number of groups, b = baseline independence model)
-----------------------------------------------------------------------------------------
* CFI = 1 - max(chi2 - df, 0) / max(chi2_b - df_b, chi2 - df, 0)   (Bentler 1990)
* TLI = (chi2_b/df_b - chi2/df) / (chi2_b/df_b - 1)                 (Tucker & Lewis 1973)
* RMSEA = sqrt(G) sqrt(max(chi2 - df, 0) / (N df)); 90 % CI by inverting the noncentral chi-square in its
  noncentrality; p-close = P(chi2_df(ncp = N df 0.05^2 / G) >= chi2)   (Steiger 1990; Browne & Cudeck 1993)
* SRMR = sqrt(mean of squared standardised residuals (s_ij - sigma_ij)/sqrt(s_ii s_jj) over the lower
  triangle with diagonal, and (ybar_i - mu_i)/sqrt(s_ii) with a mean structure), averaged over groups
  weighted by n_g   (Bentler 1995)
* AIC = -2 logL + 2 q, BIC = -2 logL + q ln N (q free parameters; the saturated means are not counted
  when there is no mean structure, as lavaan).
* Composite reliability (Raykov 1997; Fornell & Larcker 1981) per factor from the standardised solution:
  CR = (sum l)^2 / ((sum l)^2 + sum (1 - l^2)); AVE = mean l^2 (items loading on one factor, no residual
  covariances: equal to semTools ``compRelSEM(fit, obs.var=FALSE)`` and ``AVE(fit)``).

Example
-------
>>> res = cfa(hs, {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"],
...                "speed": ["x7", "x8", "x9"]})                                   # doctest: +SKIP
>>> round(res.cfi, 3), round(res.rmsea, 3)                                        # doctest: +SKIP
(0.931, 0.092)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from surveykit.errors import AnalysisError
from surveykit.jsonsafe import to_jsonable
from surveykit.measure.cfa_model import (
    RawFit,
    estimates_table,
    fit_measures,
    fit_model,
    modification_indices,
    satorra_bentler,
)

ESTIMATORS = ("ML", "MLM")
MISSING_OPTIONS = ("listwise",)


# --------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CFAResult:
    """Confirmatory factor analysis (lavaan ``cfa()`` output as tidy values).

    Fields: n (listwise complete cases), n_dropped (rows dropped by listwise deletion), fit indices
    (chi2, df, p, cfi, tli, rmsea with rmsea_ci_lower/upper (90 %) and rmsea_p_close (H0: RMSEA <= .05),
    srmr, aic, bic, loglik, n_parameters, baseline_chi2/df), ``estimates`` (every parameter:
    lhs/op/rhs in lavaan's notation, est, se, z, p, std_all and its se_std, z_std, p_std),
    ``modification_indices`` (MI >= mi_threshold, with EPC and standardised EPC), ``reliability``
    (composite reliability and AVE per factor), ``warnings`` (non-convergence, Heywood cases).
    With ``estimator="MLM"`` the standard errors are robust (sandwich) and ``robust`` holds the
    Satorra-Bentler scaling factor, chi2_scaled, p_scaled and the scaled and robust CFI/TLI/RMSEA (see
    :func:`surveykit.measure.cfa_model.satorra_bentler`); the unscaled statistics stay in the main fields.
    """

    factors: dict
    items: tuple[str, ...]
    n: int
    n_dropped: int
    estimator: str
    missing: str
    std_lv: bool
    chi2: float
    df: int
    p: float
    cfi: float
    tli: float
    rmsea: float
    rmsea_ci_lower: float
    rmsea_ci_upper: float
    rmsea_p_close: float
    srmr: float
    aic: float
    bic: float
    loglik: float
    n_parameters: int
    baseline_chi2: float
    baseline_df: int
    estimates: pd.DataFrame
    modification_indices: pd.DataFrame
    mi_threshold: float
    reliability: pd.DataFrame
    iterations: int
    converged: bool
    warnings: tuple[str, ...] = field(default=())
    robust: dict | None = None

    def loadings(self) -> pd.DataFrame:
        """Factor loadings: factor, item, est, se, z, p, std_all, se_std, z_std, p_std."""
        t = self.estimates[self.estimates.op == "=~"]
        return t.drop(columns=["op"]).rename(columns={"lhs": "factor", "rhs": "item"}).reset_index(drop=True)

    def factor_correlations(self) -> pd.DataFrame:
        """Factor covariances (est) and correlations (std_all) with their SE."""
        fa = set(self.factors)
        t = self.estimates[(self.estimates.op == "~~") & self.estimates.lhs.isin(fa)
                           & (self.estimates.lhs != self.estimates.rhs)]
        return t.drop(columns=["op"]).reset_index(drop=True)

    def residual_variances(self) -> pd.DataFrame:
        t = self.estimates[(self.estimates.op == "~~") & self.estimates.lhs.isin(set(self.items))
                           & (self.estimates.lhs == self.estimates.rhs)]
        return t.drop(columns=["op", "rhs"]).rename(columns={"lhs": "item"}).reset_index(drop=True)

    def fit_table(self) -> pd.DataFrame:
        keys = ["n", "chi2", "df", "p", "cfi", "tli", "rmsea", "rmsea_ci_lower", "rmsea_ci_upper",
                "rmsea_p_close", "srmr", "aic", "bic", "loglik", "n_parameters"]
        return pd.DataFrame({"measure": keys, "value": [float(getattr(self, k)) for k in keys]})

    def to_dict(self) -> dict:
        return to_jsonable({k: getattr(self, k) for k in self.__dataclass_fields__})

    def summary(self) -> str:
        lines = [
            f"Confirmatory factor analysis ({self.estimator}, {self.missing} deletion): n = {self.n}"
            + (f" ({self.n_dropped} incomplete rows dropped)" if self.n_dropped else ""),
            f"  chi2({self.df}) = {self.chi2:.3f}, p = {self.p:.4g}; CFI = {self.cfi:.3f}, TLI = {self.tli:.3f}",
            (f"  RMSEA = {self.rmsea:.3f} [90% CI {self.rmsea_ci_lower:.3f}, {self.rmsea_ci_upper:.3f}],"
             f" p-close = {self.rmsea_p_close:.3f}; SRMR = {self.srmr:.3f}; AIC = {self.aic:.1f}, BIC = {self.bic:.1f}"),
        ]
        if self.robust:
            r = self.robust
            lines.append(
                f"  Satorra-Bentler: scaling factor {r['scaling_factor']:.3f}, scaled chi2({self.df}) = "
                f"{r['chi2_scaled']:.3f}, p = {r['p_scaled']:.4g}; robust CFI = {r['cfi_robust']:.3f}, "
                f"TLI = {r['tli_robust']:.3f}, RMSEA = {r['rmsea_robust']:.3f} "
                f"[{r['rmsea_ci_lower_robust']:.3f}, {r['rmsea_ci_upper_robust']:.3f}]; robust standard errors")
        lines += [f"  WARNING: {w}" for w in self.warnings]
        lines.append("  Loadings:")
        lines.append(self.loadings()[["factor", "item", "est", "se", "std_all", "se_std"]]
                     .to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        if len(self.factors) > 1:
            lines.append("  Factor correlations:")
            lines.append(self.factor_correlations()[["lhs", "rhs", "std_all", "se_std"]]
                         .to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        lines.append("  Composite reliability and AVE:")
        lines.append(self.reliability.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        if len(self.modification_indices):
            lines.append(f"  Modification indices >= {self.mi_threshold:g}:")
            lines.append(self.modification_indices.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        return "\n".join(lines)


def composite_reliability(std_loadings: dict[str, list[float]],
                          raw: dict[str, tuple[list[float], float, list[float]]] | None = None) -> pd.DataFrame:
    """Per factor: ``cr`` = (sum l)^2 / ((sum l)^2 + sum(1 - l^2)) and ``ave`` = mean(l^2) from the
    standardised loadings l (Fornell & Larcker 1981), and, when ``raw`` gives (loadings, factor variance,
    residual variances), ``omega`` = (sum lambda)^2 phi / ((sum lambda)^2 phi + sum theta) for the raw
    item sum (Raykov 1997; semTools ``compRelSEM(obs.var=FALSE)``).

    Example: ``composite_reliability({"F": [.7, .8, .6]})`` gives cr = 4.41 / 5.92 = 0.745.
    """
    rows = []
    for f, ls in std_loadings.items():
        ls = np.asarray(ls, dtype=float)
        s2 = ls.sum() ** 2
        row = {"factor": f, "n_items": len(ls), "cr": s2 / (s2 + np.sum(1 - ls**2)), "ave": float(np.mean(ls**2))}
        if raw is not None:
            lam, phi, th = raw[f]
            true = np.sum(lam) ** 2 * phi
            row["omega"] = true / (true + np.sum(th))
        rows.append(row)
    return pd.DataFrame(rows)


def warnings_for(fit: RawFit, est: pd.DataFrame) -> list[str]:
    out = []
    if not fit.converged:
        out.append(f"the ML iterations did not converge ({fit.iterations} iterations)")
    var = est[(est.op == "~~") & (est.lhs == est.rhs)]
    neg = var[var.est < 0]
    if len(neg):
        out.append("Heywood case: negative variance estimate for " + ", ".join(neg.lhs.astype(str))
                   + " (the solution is improper)")
    cor = est[(est.op == "~~") & (est.lhs != est.rhs) & est.lhs.isin(fit.model.factors)]
    if (cor.std_all.abs() > 1).any():
        out.append("a factor correlation exceeds 1 in absolute value (the solution is improper)")
    return out


def cfa(data: pd.DataFrame, factors: dict[str, list[str]], *, estimator: str = "ML",
        missing: str = "listwise", std_lv: bool = False, mi_threshold: float = 3.84) -> CFAResult:
    """Confirmatory factor analysis by maximum likelihood (lavaan ``cfa(model, data)`` defaults).

    Parameters
    ----------
    data : DataFrame with the items (numeric; NaN = missing).
    factors : mapping factor name -> list of its items (an item may be listed under several factors).
    estimator : 'ML', or 'MLM' (ML estimates with robust standard errors and the Satorra-Bentler scaled
        chi-square, lavaan's ``estimator="MLM"``; complete data only). Ordinal (WLSMV) is not implemented.
    missing : 'listwise' (rows missing any item are dropped and counted in ``n_dropped``).
    std_lv : identify factors by fixing their variances to 1 instead of the first loading to 1.
    mi_threshold : report modification indices at or above this (3.84 = chi2(1) at .05).

    Formula: minimises F_ML = ln|Sigma| + tr(S Sigma^-1) - ln|S| - p, Sigma = Lambda Phi Lambda' + Theta;
    chi2 = N F_ML (S with divisor N). See the module docstring for the fit indices.

    Reference: Joreskog (1969); Rosseel (2012) lavaan, J. Stat. Softw. 48(2); Brown (2015), *Confirmatory
    Factor Analysis for Applied Research* (2nd ed.).

    Example
    -------
    >>> res = cfa(df, {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"]})   # doctest: +SKIP
    >>> print(res.summary())                                                          # doctest: +SKIP
    """
    if estimator not in ESTIMATORS:
        raise AnalysisError(f"CFA: estimator {estimator!r} is not implemented; choose one of {ESTIMATORS}")
    if missing not in MISSING_OPTIONS:
        raise AnalysisError(f"CFA: missing={missing!r} is not implemented; choose one of {MISSING_OPTIONS}")
    fit = fit_model(data, factors, std_lv=std_lv, robust=estimator == "MLM")
    measures = fit_measures(fit)
    robust = satorra_bentler(fit, measures) if estimator == "MLM" else None
    est = estimates_table(fit).drop(columns="free")
    load = est[est.op == "=~"]
    var = est[(est.op == "~~") & (est.lhs == est.rhs)].set_index("lhs")["est"]
    rel = composite_reliability(
        {f: load.loc[load.lhs == f, "std_all"].tolist() for f in factors},
        {f: (load.loc[load.lhs == f, "est"].tolist(), var[f], var[list(factors[f])].tolist()) for f in factors})
    return CFAResult(
        factors={f: list(v) for f, v in factors.items()}, items=tuple(fit.model.items), n=fit.fitter.n_total,
        n_dropped=fit.n_dropped, estimator=estimator, missing=missing, std_lv=std_lv,
        chi2=float(measures["chi2"]), df=int(measures["df"]), p=float(measures["p"]), cfi=float(measures["cfi"]),
        tli=float(measures["tli"]), rmsea=float(measures["rmsea"]),
        rmsea_ci_lower=float(measures["rmsea_ci_lower"]), rmsea_ci_upper=float(measures["rmsea_ci_upper"]),
        rmsea_p_close=float(measures["rmsea_p_close"]), srmr=float(measures["srmr"]), aic=float(measures["aic"]),
        bic=float(measures["bic"]), loglik=float(measures["loglik"]), n_parameters=int(measures["n_parameters"]),
        baseline_chi2=float(measures["baseline_chi2"]), baseline_df=int(measures["baseline_df"]),
        estimates=est.drop(columns="group"), modification_indices=modification_indices(fit, mi_threshold),
        mi_threshold=mi_threshold, reliability=rel, iterations=fit.iterations, converged=fit.converged,
        warnings=tuple(warnings_for(fit, est)), robust=robust,
    )
