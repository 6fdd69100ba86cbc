"""Influence and residual diagnostics of the final step (Cook's D, leverage, DFBETA/SDBETA), computed in chunks of cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import linalg

from surveykit.model.dummy_coding import INTERCEPT
from surveykit.model.regression_results import RegressionDiagnostics

CASE_CHUNK = 65_536  # cases per chunk of the influence statistics


def _nanmax_abs(values: np.ndarray) -> np.ndarray:
    finite = np.where(np.isfinite(values), np.abs(values), -np.inf)
    out = finite.max(axis=0)
    return np.where(np.isfinite(out), out, np.nan)


def final_step_diagnostics(
    *,
    q: np.ndarray,
    r: np.ndarray,
    x_norm: np.ndarray,
    x_mean: np.ndarray,
    resid: np.ndarray,
    fitted: np.ndarray,
    terms: list[str],
    index: pd.Index,
    step: int,
) -> RegressionDiagnostics:
    """VIF, Durbin-Watson, residual and influence statistics, all from the QR of the final design."""
    n, k = q.shape
    p = k + 1
    sse = float(resid @ resid)
    s2 = sse / (n - p)
    s = math.sqrt(s2)

    # VIF: diagonal of the inverse correlation matrix = row sums of squares of R^-1 (unit-length columns)
    r_inv = linalg.solve_triangular(r, np.eye(k), lower=False)
    vif = (r_inv**2).sum(axis=1)

    # leverage: hat diagonal of [1, X] = 1/n + row sums of Q² (the centred columns are orthogonal to 1)
    h = 1.0 / n + np.einsum("ij,ij->i", q, q)
    # A case alone in its dummy category has h = 1: deleting it makes its coefficient inestimable, so its
    # deletion statistics are undefined (NaN) and are left out of the maxima below (counted in n_leverage_one).
    leverage_one = h > 1.0 - 1e-10
    one_minus_h = np.where(leverage_one, np.nan, 1.0 - h)
    zresid = resid / s
    sresid = resid / (s * np.sqrt(one_minus_h))  # SPSS SRESID (internally studentised)
    cooks = resid**2 * h / (p * s2 * one_minus_h**2)
    dw = float((np.diff(resid) ** 2).sum() / sse)

    # DFBETA = (X'X)^-1 x_i e_i / (1 - h_i). In the centred parameterisation (Xc'Xc)^-1 xc_i =
    # D^-1 R^-1 Q_i'; the intercept's change follows from a = ybar - xbar'b. Computed in chunks of
    # cases for the maxima (an n x p matrix of each would be most of the run's memory); the full
    # matrices are made only when asked for (RegressionDiagnostics.dfbeta / .sdbeta).
    scale = resid / one_minus_h
    inv_xtx_c = (r_inv @ r_inv.T) / np.outer(x_norm, x_norm)
    inv_diag = np.concatenate([[1.0 / n + x_mean @ inv_xtx_c @ x_mean], np.diag(inv_xtx_c)])
    with np.errstate(invalid="ignore"):  # n - p - 1 = 0 leaves no deleted-case variance
        s_deleted = np.sqrt((sse - resid**2 / one_minus_h) / (n - p - 1)) if n - p > 1 else np.full(n, np.nan)
    sd_scale = 1.0 / np.sqrt(inv_diag)

    def influence(start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """DFBETA and SDBETA (cases start..stop-1 x terms, intercept first)."""
        g_slopes = (r_inv @ q[start:stop].T) / x_norm[:, None]  # k x m: (Xc'Xc)^-1 xc_i
        g_intercept = 1.0 / n - x_mean @ g_slopes
        dfbeta = np.vstack([g_intercept, g_slopes]).T * scale[start:stop, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            sdbeta = dfbeta / s_deleted[start:stop, None] * sd_scale[None, :]
        return dfbeta, sdbeta

    dfbeta_max = np.full(p, np.nan)
    sdbeta_max = np.full(p, np.nan)
    n_sdbeta_above_1 = 0
    for start in range(0, n, CASE_CHUNK):
        dfbeta, sdbeta = influence(start, min(start + CASE_CHUNK, n))
        dfbeta_max = np.fmax(dfbeta_max, _nanmax_abs(dfbeta))
        sdbeta_max = np.fmax(sdbeta_max, _nanmax_abs(sdbeta))
        with np.errstate(invalid="ignore"):
            n_sdbeta_above_1 += int((np.abs(sdbeta) > 1).any(axis=1).sum())

    all_terms = [INTERCEPT, *terms]
    i_max = int(np.nanargmax(cooks)) if np.isfinite(cooks).any() else 0
    beyond3 = np.abs(zresid) > 3
    return RegressionDiagnostics(
        step=step,
        n=n,
        vif=dict(zip(terms, vif.tolist())),
        tolerance=dict(zip(terms, (1.0 / vif).tolist())),
        durbin_watson=dw,
        max_cooks_d=float(np.nanmax(cooks)) if np.isfinite(cooks).any() else float("nan"),
        n_cooks_d_above_1=int((cooks > 1).sum()),
        case_max_cooks_d=index[i_max],
        max_leverage=float(h.max()),
        pct_zresid_beyond_2=float(100.0 * (np.abs(zresid) > 2).mean()),
        pct_zresid_beyond_2_5=float(100.0 * (np.abs(zresid) > 2.5).mean()),
        n_zresid_beyond_3=int(beyond3.sum()),
        cases_zresid_beyond_3=tuple(index[beyond3]),
        dfbeta_max=dict(zip(all_terms, dfbeta_max.tolist())),
        sdbeta_max=dict(zip(all_terms, sdbeta_max.tolist())),
        n_sdbeta_above_1=n_sdbeta_above_1,
        n_leverage_one=int(leverage_one.sum()),
        cases=pd.DataFrame(
            {"fitted": fitted, "residual": resid, "zresid": zresid, "sresid": sresid, "leverage": h, "cooks_d": cooks},
            index=index,
        ),
        influence=lambda: influence(0, n),
    )
