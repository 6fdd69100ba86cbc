"""Result objects of the hierarchical regression: steps, coefficients, missing data, diagnostics."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd

from surveykit.jsonsafe import to_jsonable
from surveykit.model.dummy_coding import INTERCEPT, category_text, records

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
            refs = ", ".join(f"{v} = {category_text(r)}" for v, r in self.references.items())
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
        steps = records(self.steps)
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
            "coefficients": records(self.coefficients),
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
        return {"threshold": float(self.threshold), "missing": self.missing, "pairs": records(self.pairs)}


