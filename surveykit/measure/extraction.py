"""Factor extraction: principal axis (PAF), minres (ULS), maximum likelihood and principal components."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from surveykit.measure.correlations import smc

EXTRACTIONS = ("paf", "minres", "ml", "pca")
# psych's bounds for the uniquenesses in minres and ML (fa(): lower = 0.005, upper = 1 for correlations)
PSI_LOWER = 0.005


# --------------------------------------------------------------------------------------------------
# Extraction
# --------------------------------------------------------------------------------------------------
@dataclass
class Extraction:
    loadings: np.ndarray
    iterations: int
    converged: bool
    at_bound: np.ndarray  # items whose uniqueness sits on the lower bound (minres/ML)


def _top_eigen(mat: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    values, vectors = np.linalg.eigh(mat)
    order = np.argsort(values)[::-1][:k]
    return values[order], vectors[:, order]


def _loadings_from(mat: np.ndarray, k: int) -> np.ndarray:
    values, vectors = _top_eigen(mat, k)
    return vectors * np.sqrt(np.maximum(values, 0.0))


def extract_pca(r: np.ndarray, k: int) -> Extraction:
    return Extraction(_loadings_from(r, k), 0, True, np.zeros(len(r), bool))


def extract_paf(r: np.ndarray, k: int, max_iter: int, tol: float) -> Extraction:
    """Iterated principal axis factoring from SMC starting communalities.

    Each step puts the current communalities on the diagonal of R, takes the first k eigenpairs and
    recomputes communalities as the row sums of squared loadings. Stops when no communality changes by
    ``tol`` or more (SPSS's criterion; SPSS default tol 0.001 and 25 iterations).
    """
    h2 = smc(r)
    reduced = r.copy()
    for iteration in range(1, max_iter + 1):
        np.fill_diagonal(reduced, h2)
        loadings = _loadings_from(reduced, k)
        new_h2 = (loadings**2).sum(axis=1)
        change = np.max(np.abs(new_h2 - h2))
        h2 = new_h2
        if change < tol:
            # one more eigen-decomposition so the loadings belong to the final communalities
            np.fill_diagonal(reduced, h2)
            return Extraction(_loadings_from(reduced, k), iteration, True, np.zeros(len(r), bool))
    return Extraction(loadings, max_iter, False, np.zeros(len(r), bool))


def _uls_objective(psi: np.ndarray, r: np.ndarray, k: int) -> tuple[float, np.ndarray]:
    """ULS/minres discrepancy 0.5*||R - Psi - LL'||^2 with L from the top k eigenpairs of R - Psi.

    By the envelope theorem its gradient is diag(LL' + Psi - R) (psych's ``FAgr.minres``).
    """
    loadings = _loadings_from(r - np.diag(psi), k)
    resid = r - np.diag(psi) - loadings @ loadings.T
    return 0.5 * float((resid**2).sum()), -np.diag(resid).copy()


def _ml_objective(psi: np.ndarray, r: np.ndarray, k: int) -> tuple[float, np.ndarray]:
    """Concentrated ML discrepancy as ``factanal``/psych ``FAfn`` and its gradient ``FAgr``."""
    sc = 1.0 / np.sqrt(psi)
    values, vectors = np.linalg.eigh(r * np.outer(sc, sc))
    order = np.argsort(values)[::-1]
    values, vectors = values[order], vectors[:, order]
    rest = values[k:]
    f = -(np.sum(np.log(rest) - rest) - k + len(r))
    load = np.sqrt(psi)[:, None] * vectors[:, :k] * np.sqrt(np.maximum(values[:k] - 1.0, 0.0))
    grad = (np.sum(load**2, axis=1) + psi - np.diag(r)) / psi**2
    return float(f), grad


def _ml_loadings(psi: np.ndarray, r: np.ndarray, k: int) -> np.ndarray:
    sc = 1.0 / np.sqrt(psi)
    values, vectors = _top_eigen(r * np.outer(sc, sc), k)
    return np.sqrt(psi)[:, None] * vectors * np.sqrt(np.maximum(values - 1.0, 0.0))


def extract_optim(r: np.ndarray, k: int, method: str, max_iter: int, tol: float) -> Extraction:
    """minres or ML: minimise over uniquenesses in [0.005, 1] with L-BFGS-B, starting from 1 - SMC."""
    start = np.clip(1.0 - smc(r), PSI_LOWER, 1.0)
    fun = _uls_objective if method == "minres" else _ml_objective
    from scipy import (
        optimize,  # imported when a minres/ML fit needs it (it takes a while)
    )

    res = optimize.minimize(
        fun,
        start,
        args=(r, k),
        jac=True,
        method="L-BFGS-B",
        bounds=[(PSI_LOWER, 1.0)] * len(r),
        options={"maxiter": max_iter, "ftol": tol * 1e-6, "gtol": tol, "maxcor": 20},
    )
    psi = res.x
    loadings = _loadings_from(r - np.diag(psi), k) if method == "minres" else _ml_loadings(psi, r, k)
    return Extraction(loadings, int(res.nit), bool(res.success), psi <= PSI_LOWER * (1 + 1e-6))


