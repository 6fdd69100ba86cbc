"""Measurement invariance across groups: configural, metric and scalar multi-group CFA (lavaan conventions).

Models (lavaan ``cfa(model, data, group=, group.equal=)``; mean structure in all three, marker-variable
identification, listwise deletion over the items and the grouping variable; groups in order of first
appearance, the first being the reference group):

* configural: the same pattern of loadings in every group, all parameters free per group (latent means 0);
* metric (weak): loadings equal across groups (``group.equal="loadings"``);
* scalar (strong): loadings and item intercepts equal; latent means fixed at 0 in the first group and
  free in the others (``group.equal=c("loadings","intercepts")``).

Each model is compared with the previous one by the likelihood-ratio test
:math:`\\Delta\\chi^2 = \\chi^2_{restricted} - \\chi^2_{free}` on :math:`\\Delta df` degrees of freedom
(lavaan ``lavTestLRT``), and by the change in the approximate fit indices. The conventional decision
(Chen 2007) is that invariance at a level holds when CFI does not fall by more than .010 *and* RMSEA does
not rise by more than .015 (total N > 300; with N <= 300 Chen's stricter .005 and .010 are used). Chen's
SRMR criteria (.030 metric, .010 scalar; .025 / .005 for N <= 300) are reported beside the decision. A
level above a failed level is reported as not supported.

References: Meredith, W. (1993). Psychometrika 58, 525-543. Chen, F. F. (2007). Sensitivity of goodness of
fit indexes to lack of measurement invariance. Structural Equation Modeling 14, 464-504. Cheung, G. W., &
Rensvold, R. B. (2002). Structural Equation Modeling 9, 233-255.

Example
-------
>>> res = measurement_invariance(hs, factors, group="school")      # doctest: +SKIP
>>> res.table[["model", "chi2", "df", "cfi", "delta_cfi", "holds"]]  # doctest: +SKIP
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from surveykit.stats.distributions import chi2_sf
from surveykit.errors import AnalysisError
from surveykit.jsonsafe import to_jsonable
from surveykit.measure.cfa_model import (
    estimates_table,
    fit_measures,
    fit_model,
    satorra_bentler,
)

LEVELS = ("configural", "metric", "scalar")
_EQUAL = {"configural": (), "metric": ("loadings",), "scalar": ("loadings", "intercepts")}


@dataclass(frozen=True)
class ChenCriteria:
    """Cut-offs for the change in fit from the less to the more restricted model (Chen 2007)."""

    delta_cfi: float  # the CFI may fall by at most this much
    delta_rmsea: float  # the RMSEA may rise by at most this much
    delta_srmr_metric: float
    delta_srmr_scalar: float
    n_rule: str

    def describe(self) -> str:
        return (f"Chen (2007), {self.n_rule}: invariance holds when CFI falls by no more than "
                f"{self.delta_cfi:.3f} and RMSEA rises by no more than {self.delta_rmsea:.3f} relative to the "
                f"previous model (SRMR rise reported against {self.delta_srmr_metric:.3f} for metric and "
                f"{self.delta_srmr_scalar:.3f} for scalar invariance)")


def chen_criteria(n: int) -> ChenCriteria:
    """Chen's (2007) recommendations for total N > 300 and for N <= 300 (unequal or small groups)."""
    if n > 300:
        return ChenCriteria(0.010, 0.015, 0.030, 0.010, f"N = {n} > 300")
    return ChenCriteria(0.005, 0.010, 0.025, 0.005, f"N = {n} <= 300")


@dataclass(frozen=True)
class InvarianceResult:
    """Configural / metric / scalar models with their fit, the comparisons and the decisions.

    ``table``: one row per model: model, chi2, df, p, cfi, tli, rmsea, rmsea_ci_lower, rmsea_ci_upper, srmr,
    aic, bic, n_parameters, delta_chi2, delta_df, p_delta (likelihood-ratio test against the previous model),
    delta_cfi, delta_rmsea, delta_srmr, holds (Chen's rule; None for configural), srmr_within (SRMR rise
    within Chen's SRMR cut-off). ``estimates``: per model, the parameter table with a group column
    (the scalar model's latent means, op '~1' on a factor, are the mean differences from the first group).
    """

    factors: dict
    group: str
    group_labels: tuple[str, ...]
    group_n: dict
    n: int
    n_dropped: int
    table: pd.DataFrame
    criteria: ChenCriteria
    criteria_text: str
    estimates: dict
    converged: bool
    estimator: str = "ML"

    @property
    def metric_holds(self) -> bool | None:
        return self._holds("metric")

    @property
    def scalar_holds(self) -> bool | None:
        """True when scalar (and metric) invariance hold: group means of the factors may be compared."""
        return self._holds("scalar")

    def _holds(self, level: str) -> bool | None:
        rows = self.table[self.table.model == level]
        return None if rows.empty else bool(rows.holds.iloc[0])

    def to_dict(self) -> dict:
        return to_jsonable({k: getattr(self, k) for k in self.__dataclass_fields__})

    def summary(self) -> str:
        lines = [f"Measurement invariance ({self.estimator}) across {self.group!r} ("
                 + ", ".join(f"{g}: n = {self.group_n[g]}" for g in self.group_labels) + f"; N = {self.n})"]
        cols = ["model", "chi2", "df", "cfi", "rmsea", "srmr", "delta_chi2", "delta_df", "p_delta",
                "delta_cfi", "delta_rmsea", "holds"]
        lines.append(self.table[cols].to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        lines.append("  " + self.criteria_text)
        return "\n".join(lines)


def measurement_invariance(data: pd.DataFrame, factors: dict[str, list[str]], group: str, *,
                           levels: tuple[str, ...] = LEVELS, std_lv: bool = False,
                           estimator: str = "ML") -> InvarianceResult:
    r"""Fit configural, metric and scalar multi-group CFA models and apply Chen's (2007) criteria.

    Parameters
    ----------
    data : DataFrame with the items and the grouping column.
    factors : mapping factor -> items (as :func:`surveykit.measure.cfa.cfa`).
    group : grouping column; rows missing it or any item are dropped (counted in ``n_dropped``).
    levels : a prefix of ('configural', 'metric', 'scalar').
    std_lv : identify by factor variances (fixed to 1 in every group) instead of marker loadings. With
        equal loadings this also equates the factor variances, so the default (markers) is lavaan's.
    estimator : 'ML', or 'MLM' (robust: the table gains chi2_scaled and scaling_factor; chi2, CFI, TLI
        and RMSEA columns hold the Satorra-Bentler scaled chi2 and the *robust* CFI/TLI/RMSEA, on which
        the differences and Chen's rule are then computed; the unscaled values are kept as
        chi2_ml, cfi_ml, tli_ml, rmsea_ml; Delta chi2 is the Satorra-Bentler (2001) scaled difference).

    Formula: ML: :math:`\Delta\chi^2 = \chi^2_{k} - \chi^2_{k-1}` on :math:`df_k - df_{k-1}` df;
    MLM: :math:`\Delta T = (T_k - T_{k-1}) / c_d`, :math:`c_d = (df_k c_k - df_{k-1} c_{k-1}) /
    (df_k - df_{k-1})` with T unscaled and c the scaling factors (Satorra & Bentler 2001);
    :math:`\Delta CFI = CFI_k - CFI_{k-1}`, :math:`\Delta RMSEA = RMSEA_k - RMSEA_{k-1}`.
    """
    levels = tuple(levels)
    if levels != LEVELS[: len(levels)] or not levels:
        raise AnalysisError(f"Invariance: levels must be a prefix of {LEVELS}, got {levels}")
    if estimator not in ("ML", "MLM"):
        raise AnalysisError(f"Invariance: estimator {estimator!r} is not implemented; choose 'ML' or 'MLM'")
    robust = estimator == "MLM"
    rows, estimates, converged = [], {}, True
    fits = {}
    for level in levels:
        fit = fit_model(data, factors, group=group, std_lv=std_lv, meanstructure=True, equal=_EQUAL[level],
                        robust=robust)
        fits[level] = fit
        converged &= fit.converged
        m = fit_measures(fit)
        row = {"model": level, **{k: m[k] for k in (
            "chi2", "df", "p", "cfi", "tli", "rmsea", "rmsea_ci_lower", "rmsea_ci_upper", "srmr", "aic", "bic",
            "n_parameters")}}
        if robust:
            sb = satorra_bentler(fit, m)
            row.update({"chi2_ml": m["chi2"], "cfi_ml": m["cfi"], "tli_ml": m["tli"], "rmsea_ml": m["rmsea"],
                        "scaling_factor": sb["scaling_factor"], "chi2": sb["chi2_scaled"], "p": sb["p_scaled"],
                        "cfi": sb["cfi_robust"], "tli": sb["tli_robust"], "rmsea": sb["rmsea_robust"],
                        "rmsea_ci_lower": sb["rmsea_ci_lower_robust"],
                        "rmsea_ci_upper": sb["rmsea_ci_upper_robust"]})
        rows.append(row)
        estimates[level] = estimates_table(fit).drop(columns="free")
    first = fits[levels[0]]
    n = first.fitter.n_total
    crit = chen_criteria(n)
    table = pd.DataFrame(rows)
    for col in ("delta_chi2", "delta_df", "p_delta", "delta_cfi", "delta_rmsea", "delta_srmr"):
        table[col] = math.nan
    table["holds"] = None
    table["srmr_within"] = None
    previous_holds = True
    for i in range(1, len(table)):
        cur, prev = table.iloc[i], table.iloc[i - 1]
        d_df = int(cur.df - prev.df)
        if robust:
            c_d = (cur.df * cur.scaling_factor - prev.df * prev.scaling_factor) / d_df
            d_chi2 = (cur.chi2_ml - prev.chi2_ml) / c_d
        else:
            d_chi2 = cur.chi2 - prev.chi2
        d_cfi, d_rmsea, d_srmr = cur.cfi - prev.cfi, cur.rmsea - prev.rmsea, cur.srmr - prev.srmr
        srmr_cut = crit.delta_srmr_metric if cur.model == "metric" else crit.delta_srmr_scalar
        # 1e-12: a change exactly at the cut-off (up to floating-point error) counts as within it
        holds = previous_holds and d_cfi >= -crit.delta_cfi - 1e-12 and d_rmsea <= crit.delta_rmsea + 1e-12
        table.loc[i, ["delta_chi2", "delta_df", "p_delta", "delta_cfi", "delta_rmsea", "delta_srmr"]] = [
            d_chi2, d_df, chi2_sf(max(d_chi2, 0.0), d_df) if d_df > 0 else math.nan, d_cfi, d_rmsea, d_srmr]
        table.at[i, "holds"] = bool(holds)
        table.at[i, "srmr_within"] = bool(d_srmr <= srmr_cut + 1e-12)
        previous_holds = holds
    text = crit.describe() + "; a level is not supported when the previous level failed"
    if robust:
        text += ("; robust ML (MLM): chi2 is the Satorra-Bentler scaled statistic, its differences the "
                 "Satorra-Bentler (2001) scaled difference test, CFI/TLI/RMSEA the robust indices "
                 "(Brosseau-Liard & Savalei 2012, 2014)")
    return InvarianceResult(
        factors={f: list(v) for f, v in factors.items()}, group=group, group_labels=tuple(first.group_labels),
        group_n={lab: d.n for lab, d in zip(first.group_labels, first.data)}, n=n, n_dropped=first.n_dropped,
        table=table, criteria=crit, criteria_text=text, estimates=estimates, converged=converged,
        estimator=estimator,
    )
