"""Omega hierarchical and omega total from a Schmid-Leiman bifactor solution (psych ``omega`` conventions).

Procedure (psych ``omega(x, nfactors=3, fm="minres", rotate="oblimin")``, ``schmid``, ``omegah``):

1. R = the item correlations (pairwise, as psych's ``cor(use="pairwise")``; with ``ordinal=True`` the
   polychoric correlations, as psych ``omega(poly=TRUE)``); k factors extracted by minres
   and varimax-rotated (psych's ``fa(rotate="varimax")``); then rotated obliquely by unnormalised direct
   oblimin (``GPArotation::oblimin``): pattern F (p x k), factor correlations Phi.
2. The general factor's loadings on the k factors, g_f, are the one-factor minres loadings of Phi
   (k >= 3); with k = 2 they are sqrt(|phi_12|) for both (psych's ``option="equal"``).
3. Schmid-Leiman: item loadings on the general factor g_i = (F g_f)_i, on group factor j
   F_ij sqrt(1 - g_fj^2); communalities h2_i are those of the k-factor solution, u2_i = 1 - h2_i.
4. Items with a negative general loading are reversed (psych ``flip=TRUE``), R becomes K R K.

Then, with V_t = 1' R 1 (the variance of the sum of the standardised, flipped items):

    omega_h = (sum_i g_i)^2 / V_t,   omega_total = (V_t - sum_i u2_i) / V_t,
    omega_limit = (sum_i g_i)^2 / (V_t - sum_i u2_i),   ECV = sum g^2 / (sum g^2 + sum of group loadings^2).

The confidence intervals are percentile bootstrap intervals (rows resampled with replacement, the whole
procedure repeated, seeded). psych's ``omega(n.iter=)`` instead reports a normal interval on Fisher-z
scale; the percentile interval needs no normality assumption and respects the [0, 1] bounds.

References: Schmid, J., & Leiman, J. M. (1957). Psychometrika 22, 53-61. McDonald, R. P. (1999). Test
theory: A unified treatment. Zinbarg, R. E., Revelle, W., Yovel, I., & Li, W. (2005). Psychometrika 70,
123-133. Revelle, W., & Zinbarg, R. E. (2009). Psychometrika 74, 145-154.

Example
-------
>>> res = omega(saq, n_factors=3, n_boot=1000, seed=1)     # doctest: +SKIP
>>> round(res.omega_h, 2), round(res.omega_total, 2)        # doctest: +SKIP
(0.7, 0.91)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from surveykit.errors import AnalysisError
from surveykit.jsonsafe import to_jsonable
from surveykit.measure.correlations import correlation_matrix
from surveykit.measure.efa import efa
from surveykit.measure.polychoric import polychoric_matrix
from surveykit.measure.rotation import rotate


@dataclass(frozen=True)
class OmegaResult:
    """omega_h, omega_total, omega_limit (omega_h / omega_total), alpha (on the flipped items), ecv,
    n, n_factors, flipped (items reversed because their general loading was negative), ``schmid_leiman``
    (per item: g, F1*..Fk*, h2, u2, p2 = g^2/h2), phi (oblique factor correlations), g_factor (general
    loadings of the k factors), ``ci`` (bootstrap percentile limits per statistic; empty if n_boot = 0)."""

    items: tuple[str, ...]
    n: int
    missing: str
    ordinal: bool
    n_factors: int
    omega_h: float
    omega_total: float
    omega_limit: float
    alpha: float
    ecv: float
    flipped: tuple[str, ...]
    schmid_leiman: pd.DataFrame
    phi: pd.DataFrame
    g_factor: tuple[float, ...]
    ci_level: float
    n_boot: int
    seed: int | None
    ci: dict
    warnings: tuple[str, ...]

    def to_dict(self) -> dict:
        return to_jsonable({k: getattr(self, k) for k in self.__dataclass_fields__}, frames="split")

    def table(self) -> pd.DataFrame:
        rows = []
        for stat in ("omega_h", "omega_total", "omega_limit", "alpha", "ecv"):
            lo, hi = self.ci.get(stat, (math.nan, math.nan))
            rows.append({"statistic": stat, "estimate": getattr(self, stat), "ci_lower": lo, "ci_upper": hi})
        return pd.DataFrame(rows)

    def summary(self) -> str:
        lines = [(f"Omega (Schmid-Leiman, {self.n_factors} group factors, minres + oblimin"
                  + (", polychoric correlations" if self.ordinal else "")
                  + f"), {len(self.items)} items, n = {self.n} ({self.missing})")]
        if self.flipped:
            lines.append("  reversed (negative general loading): " + ", ".join(self.flipped))
        ci = f"{self.ci_level:.0%} bootstrap CI, {self.n_boot} resamples, seed {self.seed}"
        lines.append(self.table().to_string(index=False, float_format=lambda v: f"{v:.3f}")
                     + (f"\n  ({ci})" if self.n_boot else ""))
        lines += [f"  WARNING: {w}" for w in self.warnings]
        return "\n".join(lines)


def _general_loadings(phi: np.ndarray) -> np.ndarray:
    k = phi.shape[0]
    if k == 2:
        g = math.sqrt(abs(phi[0, 1]))
        return np.array([g, math.copysign(g, phi[0, 1])])
    names = [f"F{j + 1}" for j in range(k)]
    phi_df = pd.DataFrame(phi, index=names, columns=names)
    n_df = pd.DataFrame(np.full((k, k), 1000), index=names, columns=names)  # n is not used by minres
    res = efa(pd.DataFrame(columns=names), n_factors=1, extraction="minres", rotation="none",
              correlation=(phi_df, n_df))
    g = res.loadings.to_numpy()[:, 0]
    return g if g.sum() >= 0 else -g


def _omega_core(r_df: pd.DataFrame, n_mat: pd.DataFrame, k: int) -> dict:
    first = efa(pd.DataFrame(columns=r_df.columns), n_factors=k, extraction="minres", rotation="varimax",
                correlation=(r_df, n_mat))
    orth = first.loadings.to_numpy()
    obl = rotate(orth, "oblimin", normalize=False)
    pattern, phi = obl.pattern, obl.phi
    g_f = _general_loadings(phi)
    g = pattern @ g_f
    group = pattern * np.sqrt(np.clip(1 - g_f**2, 0.0, None))
    h2 = (orth**2).sum(axis=1)
    u2 = 1 - h2
    key = np.where(g < 0, -1.0, 1.0)
    r = r_df.to_numpy() * np.outer(key, key)
    g, group = g * key, group * key[:, None]
    vt = r.sum()
    p = r.shape[0]
    gsq = g.sum() ** 2
    return {
        "omega_h": gsq / vt, "omega_total": (vt - u2.sum()) / vt, "omega_limit": gsq / (vt - u2.sum()),
        "alpha": (vt - np.trace(r)) / vt * p / (p - 1),
        "ecv": (g**2).sum() / ((g**2).sum() + (group**2).sum()),
        "g": g, "group": group, "h2": h2, "u2": u2, "key": key, "phi": phi, "g_f": g_f,
        "converged": first.converged and obl.converged,
    }


def _correlations(data: pd.DataFrame, missing: str, ordinal: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    if not ordinal:
        return correlation_matrix(data, missing)
    if missing == "listwise":
        data = data.dropna()
    pc = polychoric_matrix(data)
    return pc.rho, pc.n


def omega(data: pd.DataFrame, n_factors: int = 3, *, missing: str = "pairwise", ordinal: bool = False,
          n_boot: int = 0, ci: float = 0.95, seed: int | None = 0) -> OmegaResult:
    """Omega hierarchical, omega total (and omega limit, alpha, ECV) from the Schmid-Leiman solution.

    Parameters
    ----------
    data : DataFrame of numeric items (NaN = missing). n_factors : group factors (>= 2; psych default 3).
    missing : 'pairwise' (psych) or 'listwise' correlations.
    ordinal : use polychoric correlations (psych ``omega(poly=TRUE)``; see
        :func:`surveykit.measure.polychoric.polychoric_matrix`): the reliability of the latent continuous
        responses rather than of the observed item scores.
    n_boot : bootstrap resamples for the percentile CIs (0 = none; 1000 or more for reporting).
    ci : confidence level. seed : random seed of the bootstrap (reproducible intervals).

    Formula and reference: see the module docstring (Zinbarg et al. 2005; psych ``omega``).
    Example: ``omega(df[items], n_factors=3, n_boot=1000, seed=1).table()``.
    """
    if not isinstance(n_factors, (int, np.integer)) or n_factors < 2:
        raise AnalysisError(f"Omega: n_factors must be an integer >= 2 (omega_h is not meaningful with one "
                            f"factor; use reliability.omega_total), got {n_factors!r}")
    if not 0 < ci < 1:
        raise AnalysisError(f"Omega: ci must be between 0 and 1, got {ci!r}")
    r_df, n_mat = _correlations(data, missing, ordinal)
    items = [str(c) for c in r_df.columns]
    if len(items) < 2 * n_factors + 1:
        raise AnalysisError(f"Omega: {len(items)} items are too few for {n_factors} group factors "
                            f"(need at least {2 * n_factors + 1})")
    core = _omega_core(r_df, n_mat, n_factors)
    warnings = [] if core["converged"] else ["the factor extraction or rotation did not converge"]
    if np.any(core["g_f"] >= 1):
        warnings.append("a general-factor loading of a group factor is >= 1 (Heywood case in Phi)")
    limits: dict = {}
    if n_boot:
        rng = np.random.default_rng(seed)
        values = data.to_numpy(dtype=float)
        stats_ = ("omega_h", "omega_total", "omega_limit", "alpha", "ecv")
        draws = {s: [] for s in stats_}
        failed = 0
        for _ in range(n_boot):
            sample = pd.DataFrame(values[rng.integers(0, len(values), len(values))], columns=data.columns)
            try:
                b = _omega_core(*_correlations(sample, missing, ordinal), n_factors)
            except AnalysisError:
                failed += 1
                continue
            for s in stats_:
                draws[s].append(b[s])
        tail = (1 - ci) / 2 * 100
        limits = {s: tuple(float(x) for x in np.percentile(v, [tail, 100 - tail])) for s, v in draws.items() if v}
        if failed:
            warnings.append(f"{failed} of {n_boot} bootstrap resamples could not be analysed and were skipped")
    names = [f"F{j + 1}*" for j in range(n_factors)]
    sl = pd.DataFrame(core["group"], index=items, columns=names)
    sl.insert(0, "g", core["g"])
    sl["h2"], sl["u2"], sl["p2"] = core["h2"], core["u2"], core["g"] ** 2 / core["h2"]
    fac = [f"F{j + 1}" for j in range(n_factors)]
    return OmegaResult(
        items=tuple(items), n=int(n_mat.to_numpy().min()), missing=missing, ordinal=ordinal,
        n_factors=int(n_factors),
        omega_h=float(core["omega_h"]), omega_total=float(core["omega_total"]),
        omega_limit=float(core["omega_limit"]), alpha=float(core["alpha"]), ecv=float(core["ecv"]),
        flipped=tuple(it for it, k in zip(items, core["key"]) if k < 0), schmid_leiman=sl,
        phi=pd.DataFrame(core["phi"], index=fac, columns=fac), g_factor=tuple(float(x) for x in core["g_f"]),
        ci_level=ci, n_boot=int(n_boot), seed=seed, ci=limits, warnings=tuple(warnings),
    )
