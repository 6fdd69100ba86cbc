"""Factor rotation: varimax, quartimax, direct oblimin/quartimin (gradient projection) and promax."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from surveykit.errors import AnalysisError

ROTATIONS = ("oblimin", "quartimin", "promax", "varimax", "quartimax", "none")
OBLIQUE = ("oblimin", "quartimin", "promax")


# --------------------------------------------------------------------------------------------------
# Rotation
# --------------------------------------------------------------------------------------------------
def _vgq_oblimin(loadings: np.ndarray, gamma: float = 0.0) -> tuple[float, np.ndarray]:
    """Direct oblimin criterion (gamma = 0: quartimin) and its gradient, as GPArotation ``vgQ.oblimin``."""
    k = loadings.shape[1]
    x = loadings**2 @ (1.0 - np.eye(k))
    if gamma != 0:
        p = loadings.shape[0]
        x = (np.eye(p) - gamma / p) @ x
    return float(np.sum(loadings**2 * x)) / 4.0, loadings * x


def _vgq_varimax(loadings: np.ndarray) -> tuple[float, np.ndarray]:
    ql = loadings**2 - (loadings**2).mean(axis=0)
    return -float(np.sum(ql**2)) / 4.0, -loadings * ql


def _vgq_quartimax(loadings: np.ndarray) -> tuple[float, np.ndarray]:
    return -float(np.sum(loadings**4)) / 4.0, -(loadings**3)


def _gpa_orthogonal(a: np.ndarray, vgq, max_iter: int, tol: float) -> tuple[np.ndarray, int, bool]:
    """Gradient projection rotation, orthogonal (GPArotation ``GPForth``). Returns (T, iterations, converged)."""
    t = np.eye(a.shape[1])
    f, gq = vgq(a @ t)
    g = a.T @ gq
    step = 1.0
    for iteration in range(max_iter + 1):
        m = t.T @ g
        gp = g - t @ ((m + m.T) / 2)
        s = np.linalg.norm(gp)
        if s < tol:
            return t, iteration, True
        step *= 2
        for _ in range(11):
            u, _, vt = np.linalg.svd(t - step * gp)
            t_new = u @ vt
            f_new, gq_new = vgq(a @ t_new)
            if f_new < f - 0.5 * s**2 * step:
                break
            step /= 2
        t, f, g = t_new, f_new, a.T @ gq_new
    return t, max_iter, False


def _gpa_oblique(a: np.ndarray, vgq, max_iter: int, tol: float) -> tuple[np.ndarray, int, bool]:
    """Gradient projection rotation, oblique (GPArotation ``GPFoblq``). Pattern = A (T')^-1, Phi = T'T."""
    t = np.eye(a.shape[1])
    pattern = a @ np.linalg.inv(t).T
    f, gq = vgq(pattern)
    g = -(pattern.T @ gq @ np.linalg.inv(t)).T
    step = 1.0
    for iteration in range(max_iter + 1):
        gp = g - t * np.sum(t * g, axis=0)
        s = np.linalg.norm(gp)
        if s < tol:
            return t, iteration, True
        step *= 2
        for _ in range(11):
            x = t - step * gp
            t_new = x / np.sqrt(np.sum(x**2, axis=0))
            pattern = a @ np.linalg.inv(t_new).T
            f_new, gq_new = vgq(pattern)
            if f_new < f - 0.5 * s**2 * step:
                break
            step /= 2
        t, f = t_new, f_new
        g = -(pattern.T @ gq_new @ np.linalg.inv(t)).T
    return t, max_iter, False


@dataclass(frozen=True)
class Rotation:
    """A rotated solution: pattern matrix, factor correlations (identity if orthogonal), rotation matrix.

    ``pattern = unrotated @ rotmat`` and ``phi = inv(rotmat) @ inv(rotmat).T``.
    """

    pattern: np.ndarray
    phi: np.ndarray
    rotmat: np.ndarray
    iterations: int
    converged: bool


def _varimax(a: np.ndarray, max_iter: int, tol: float) -> tuple[np.ndarray, int, bool]:
    """Kaiser's varimax by the SVD algorithm of R ``stats::varimax`` (on already normalised rows).

    Stops when the criterion's singular-value sum improves by less than a factor (1 + tol); R's
    default tol is 1e-5. Returns (T, iterations, converged) with rotated = a @ T.
    """
    p, k = a.shape
    t = np.eye(k)
    d = 0.0
    for iteration in range(1, max_iter + 1):
        z = a @ t
        b = a.T @ (z**3 - z * (z**2).sum(axis=0) / p)
        u, sv, vt = np.linalg.svd(b)
        t = u @ vt
        d_past, d = d, sv.sum()
        if d < d_past * (1 + tol):
            return t, iteration, True
    return t, max_iter, False


def rotate(
    loadings: np.ndarray,
    method: str = "oblimin",
    normalize: bool = True,
    gamma: float = 0.0,
    kappa: float = 4.0,
    max_iter: int = 1000,
    tol: float = 1e-5,
) -> Rotation:
    """Rotate a loading matrix (items x factors).

    * ``'varimax'``: the SVD algorithm of R ``stats::varimax`` (criterion: relative improvement < tol).
    * ``'quartimax'``: orthogonal gradient projection (GPArotation ``GPForth``).
    * ``'oblimin'`` (direct oblimin; ``gamma`` is SPSS's delta, 0 by default = quartimin) and
      ``'quartimin'``: oblique gradient projection from the identity start (GPArotation ``GPFoblq``;
      converged when the projected gradient norm < tol).
    * ``'promax'``: varimax, then the target ``X * |X|^(kappa-1)`` fitted by least squares, columns
      rescaled (R ``stats::promax``). With ``normalize=True`` the whole procedure runs on Kaiser-normalised
      rows, as psych ``fa(rotate="promax")`` (its ``kaiser(..., rotate="Promax")``) and SPSS.

    ``normalize``: Kaiser row normalisation before rotating, undone afterwards (SPSS default; R's varimax
    default). ``tol`` = 1e-5 is R's / GPArotation's default, so results reproduce R's digit for digit.
    With one factor nothing is rotated.
    """
    a = np.asarray(loadings, dtype=float)
    k = a.shape[1]
    if method not in ROTATIONS:
        raise AnalysisError(f"unknown rotation {method!r}; choose one of {ROTATIONS}")
    if method == "none" or k < 2:
        return Rotation(a.copy(), np.eye(k), np.eye(k), 0, True)
    weights = np.sqrt((a**2).sum(axis=1)) if normalize else np.ones(a.shape[0])
    if np.any(weights <= 0):
        raise AnalysisError("Rotation: an item has zero loadings on every factor (cannot normalise)")
    an = a / weights[:, None]
    if method in ("varimax", "quartimax"):
        if method == "varimax":
            t, its, ok = _varimax(an, max_iter, tol)
        else:
            t, its, ok = _gpa_orthogonal(an, _vgq_quartimax, max_iter, tol)
        return Rotation((an @ t) * weights[:, None], np.eye(k), t, its, ok)
    if method in ("oblimin", "quartimin"):
        g = gamma if method == "oblimin" else 0.0
        t, its, ok = _gpa_oblique(an, lambda lam: _vgq_oblimin(lam, g), max_iter, tol)
        rotmat = np.linalg.inv(t).T
        return Rotation((an @ rotmat) * weights[:, None], t.T @ t, rotmat, its, ok)
    # promax
    t_var, its, ok = _varimax(an, max_iter, tol)
    xv = an @ t_var
    target = xv * np.abs(xv) ** (kappa - 1)
    u = np.linalg.lstsq(xv, target, rcond=None)[0]
    u = u * np.sqrt(np.diag(np.linalg.inv(u.T @ u)))
    rotmat = t_var @ u
    inv_rot = np.linalg.inv(rotmat)
    return Rotation((xv @ u) * weights[:, None], inv_rot @ inv_rot.T, rotmat, its, ok)


