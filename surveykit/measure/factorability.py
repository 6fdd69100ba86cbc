"""Factorability of a correlation matrix: determinant, KMO and per-item MSA, Bartlett's test of sphericity."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from surveykit.errors import AnalysisError, Problem
from surveykit.measure.correlations import (
    as_matrix,
    correlation_matrix,
    effective_n,
    require_nonsingular,
    to_jsonable,
)
from surveykit.stats.distributions import chi2_sf


# --------------------------------------------------------------------------------------------------
# Factorability: determinant, KMO, Bartlett
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Factorability:
    """Is the correlation matrix suitable for factor analysis? (SPSS "KMO and Bartlett's Test")."""

    items: tuple[str, ...]
    n: int
    missing: str
    determinant: float
    kmo: float
    msa: pd.Series  # KMO per item (measure of sampling adequacy), the diagonal of SPSS's anti-image matrix
    bartlett_chi2: float
    bartlett_df: int
    bartlett_p: float
    n_pairwise_min: int
    n_pairwise_max: int

    def to_dict(self) -> dict:
        return to_jsonable({k: getattr(self, k) for k in self.__dataclass_fields__})

    def summary(self) -> str:
        return "\n".join(
            [
                f"Factorability of {len(self.items)} items (n = {self.n}, missing = {self.missing})",
                f"  Determinant of R: {self.determinant:.6g}",
                f"  Kaiser-Meyer-Olkin: {self.kmo:.4f}",
                f"  Bartlett's test: chi2({self.bartlett_df}) = {self.bartlett_chi2:.3f}, p = {self.bartlett_p:.3g}",
                f"  Lowest item MSA: {self.msa.min():.4f} ({self.msa.idxmin()})",
            ]
        )


def kmo(r: pd.DataFrame | np.ndarray) -> tuple[float, np.ndarray]:
    """Kaiser-Meyer-Olkin measure of sampling adequacy, overall and per item.

    .. math:: KMO_j = \\frac{\\sum_{i\\ne j} r_{ij}^2}{\\sum_{i\\ne j} r_{ij}^2 + \\sum_{i\\ne j} p_{ij}^2},
              \\qquad p_{ij} = -\\frac{(R^{-1})_{ij}}{\\sqrt{(R^{-1})_{ii}(R^{-1})_{jj}}}

    (partial correlations from the inverse correlation matrix); the overall KMO sums over all i != j.
    Kaiser (1974), "An index of factorial simplicity", Psychometrika 39.
    """
    mat, _ = as_matrix(r)
    inv = np.linalg.inv(mat)
    d = np.sqrt(np.diag(inv))
    partial = -inv / np.outer(d, d)
    off = ~np.eye(len(mat), dtype=bool)
    r2 = np.where(off, mat**2, 0.0)
    p2 = np.where(off, partial**2, 0.0)
    per_item = r2.sum(axis=0) / (r2.sum(axis=0) + p2.sum(axis=0))
    overall = r2.sum() / (r2.sum() + p2.sum())
    return float(overall), per_item


def bartlett_sphericity(r: pd.DataFrame | np.ndarray, n: int) -> tuple[float, int, float]:
    """Bartlett's test that the population correlation matrix is an identity matrix.

    .. math:: \\chi^2 = -\\left(n - 1 - \\frac{2p + 5}{6}\\right) \\ln |R|, \\qquad df = p(p-1)/2

    Bartlett (1951), "The effect of standardization on a chi square approximation in factor analysis".
    Returns ``(chi2, df, p)``.
    """
    mat, _ = as_matrix(r)
    p = mat.shape[0]
    sign, logdet = np.linalg.slogdet(mat)
    if sign <= 0:
        raise AnalysisError("Bartlett's test: the correlation matrix is singular or not positive definite")
    chi2 = -(n - 1 - (2 * p + 5) / 6) * logdet
    dof = p * (p - 1) // 2
    return float(chi2), int(dof), float(chi2_sf(chi2, dof))


def factorability(df: pd.DataFrame, missing: str = "pairwise",
                  correlation: tuple[pd.DataFrame, pd.DataFrame] | None = None) -> Factorability:
    """Determinant of R, KMO (overall and per item) and Bartlett's test of sphericity.

    N for Bartlett's test: the listwise N, or with ``missing='pairwise'`` the smallest pairwise N.
    ``correlation`` is ``correlation_matrix(df, missing)`` when the caller has it already.

    Example (Field's SAQ, no missing data)
    --------------------------------------
    >>> f = factorability(saq)                           # doctest: +SKIP
    >>> round(f.kmo, 3), round(f.bartlett_chi2, 3)       # doctest: +SKIP
    (0.93, 19334.492)
    """
    r, n_mat = correlation if correlation is not None else correlation_matrix(df, missing)
    items = [str(c) for c in r.columns]
    if len(items) < 3:
        raise AnalysisError("Factorability needs at least 3 items", [Problem(f"items: {', '.join(items)}")])
    mat = r.to_numpy()
    require_nonsingular(mat, items, "KMO and Bartlett's test")
    n = effective_n(n_mat)
    overall, per_item = kmo(mat)
    chi2, dof, p = bartlett_sphericity(mat, n)
    return Factorability(
        items=tuple(items),
        n=n,
        missing=missing,
        determinant=float(np.linalg.det(mat)),
        kmo=overall,
        msa=pd.Series(per_item, index=items, name="msa"),
        bartlett_chi2=chi2,
        bartlett_df=dof,
        bartlett_p=p,
        n_pairwise_min=int(n_mat.to_numpy().min()),
        n_pairwise_max=int(n_mat.to_numpy().max()),
    )


