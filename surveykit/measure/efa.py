"""Exploratory factor analysis (EFA): the result object and `efa()`; the conventions below hold for every
factor module of `surveykit.measure` (correlations, factorability, parallel_analysis, extraction, rotation).

Everything here works on a DataFrame of numeric item columns (NaN = missing answer) and returns plain
result objects; nothing is rounded or formatted (except the plain-text ``summary()`` methods).

Conventions, and which reference program each one follows
---------------------------------------------------------
* Missing data: ``missing='pairwise'`` (each correlation from all respondents who answered both items,
  as R ``cor(use="pairwise")`` and psych) or ``'listwise'`` (only respondents who answered every item,
  SPSS's default). The N behind every correlation is reported.
* The N used for Bartlett's test and parallel analysis is the listwise N, or with pairwise deletion the
  *smallest* pairwise N (the conservative choice; psych's ``cortest.bartlett`` takes whatever n it is
  given, SPSS uses listwise N by default). With no missing data all choices agree.
* Extraction: ``'paf'`` (iterated principal axis from SMCs, SPSS's "Principal axis factoring"
  convergence rule: stop when no communality changes by ``tol`` or more), ``'minres'`` (unweighted least
  squares as psych ``fa(fm="minres")``), ``'ml'`` (maximum likelihood as ``factanal`` / psych
  ``fa(fm="ml")``), ``'pca'`` (principal-component loadings, SPSS "Principal components").
  minres and ML bound uniquenesses to [0.005, 1] as psych does.
* Rotation: varimax by R ``stats::varimax``'s SVD algorithm; direct oblimin / quartimin and quartimax by
  gradient projection (Jennrich 2002; Bernaards & Jennrich 2005: the GPArotation algorithms, identity
  start); promax as R's ``promax`` (varimax, then power ``kappa`` = 4). The default convergence
  criterion (``rotation_tol=1e-5``) is R's, so R's rotations are reproduced digit for digit.
  ``normalize=True`` (the default) applies Kaiser row normalisation before rotating and undoes it after,
  as SPSS does for every rotation, R's ``stats::varimax`` by default and psych ``fa(rotate="promax")``.
  psych's ``fa(rotate="oblimin")`` calls ``GPArotation::oblimin`` *without* normalisation: pass
  ``normalize=False`` to reproduce psych's oblimin (with normalisation it is GPArotation's
  ``oblimin(normalize=TRUE)``, SPSS's convention).
* Each factor is sign-standardised so that its largest absolute loading is positive, and factors are
  ordered by decreasing sum of squared loadings (psych's order: ``diag(Phi L'L)`` for oblique solutions),
  consistently for pattern, structure and factor correlations.

References
----------
Field, A. (2013). *Discovering Statistics Using IBM SPSS Statistics* (4th ed.), ch. 17.
Horn, J. L. (1965). A rationale and test for the number of factors in factor analysis. Psychometrika 30.
Jennrich, R. I. (2002). A simple general method for oblique rotation. Psychometrika 67, 7-19.
Bernaards, C. A., & Jennrich, R. I. (2005). Gradient projection algorithms and software for arbitrary
rotation criteria in factor analysis. Educational and Psychological Measurement 65, 676-696.
Revelle, W. psych: Procedures for Psychological, Psychometric, and Personality Research (``fa``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from surveykit.errors import AnalysisError, Problem
from surveykit.measure.correlations import (
    correlation_matrix,
    effective_n,
    require_nonsingular,
    smc,
    to_jsonable,
)
from surveykit.measure.extraction import (
    EXTRACTIONS,
    extract_optim,
    extract_paf,
    extract_pca,
)
from surveykit.measure.parallel_analysis import (
    EigenAnalysis,
    ParallelAnalysis,
    eigen_analysis,
    parallel_analysis,
)
from surveykit.measure.rotation import OBLIQUE, ROTATIONS, rotate


# --------------------------------------------------------------------------------------------------
# EFA
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EFAResult:
    """Exploratory factor analysis result (SPSS FACTOR / psych ``fa`` output, as tidy DataFrames).

    Fields
    ------
    loadings : pattern matrix, items x factors (F1..Fk). For orthogonal rotations it is also the structure.
    structure : structure matrix (item-factor correlations) = pattern @ phi.
    phi : factor correlation matrix (identity for orthogonal rotations / none).
    unrotated : loadings before rotation (SPSS "Factor Matrix").
    communalities : DataFrame with 'initial' (SMC; 1 for PCA) and 'extraction' (row sums of squared
        unrotated loadings, unchanged by rotation).
    uniquenesses : 1 - extraction communality.
    eigenvalues : EigenAnalysis of R (initial eigenvalues, % variance, Kaiser count).
    variance : per factor: 'ss_extraction', 'pct_extraction', 'cum_pct_extraction' (unrotated
        solution, SPSS "Extraction Sums of Squared Loadings"), 'ss_rotation' (psych's "SS loadings":
        colSums(pattern^2) if orthogonal, diag(phi pattern'pattern) if oblique), 'pct_rotation' and
        'cum_pct_rotation' (orthogonal only; NaN for oblique because the factors overlap) and
        'ss_structure' (colSums(structure^2), SPSS's "Rotation Sums of Squared Loadings" for oblique).
    """

    items: tuple[str, ...]
    n: int
    missing: str
    n_pairwise_min: int
    n_pairwise_max: int
    n_factors: int
    n_factors_rule: str
    extraction: str
    rotation: str
    normalize: bool
    loadings: pd.DataFrame
    structure: pd.DataFrame
    phi: pd.DataFrame
    unrotated: pd.DataFrame
    communalities: pd.DataFrame
    uniquenesses: pd.Series
    eigenvalues: EigenAnalysis
    variance: pd.DataFrame
    iterations: int
    converged: bool
    rotation_iterations: int
    rotation_converged: bool
    warnings: tuple[str, ...]
    correlation: pd.DataFrame = field(repr=False)
    parallel: ParallelAnalysis | None = None

    @property
    def pattern(self) -> pd.DataFrame:
        return self.loadings

    @property
    def oblique(self) -> bool:
        return self.rotation in OBLIQUE and self.n_factors > 1

    def sorted_loadings(self, cutoff: float = 0.1, matrix: str = "pattern") -> pd.DataFrame:
        """Loadings with items grouped by the factor they load highest on (in absolute value), sorted by
        decreasing loading within each factor, and loadings below ``cutoff`` in absolute value set to NaN
        (SPSS "Sorted by size" + "Suppress small coefficients"; the layout of Schick's Tables 2 and 3).
        A 'primary' column names each item's highest-loading factor and 'communality' is appended.
        """
        mat = {"pattern": self.loadings, "structure": self.structure, "unrotated": self.unrotated}[matrix]
        primary = mat.abs().idxmax(axis=1)
        position = primary.map({c: i for i, c in enumerate(mat.columns)})
        top = mat.abs().max(axis=1)
        order = pd.DataFrame({"pos": position, "top": -top}).sort_values(["pos", "top"], kind="stable").index
        out = mat.loc[order].where(mat.loc[order].abs() >= cutoff)
        out["primary"] = primary.loc[order]
        out["communality"] = self.communalities.loc[order, "extraction"]
        return out

    def scree(self) -> pd.DataFrame:
        """Scree-plot data: factor number, eigenvalue, and the parallel-analysis line if it was run."""
        out = self.eigenvalues.table[["eigenvalue"]].copy()
        if self.parallel is not None:
            out["parallel_pct_pca"] = self.parallel.table["random_pct_pca"]
            out["parallel_mean_pca"] = self.parallel.table["random_mean_pca"]
        return out.reset_index()

    def to_dict(self) -> dict:
        return to_jsonable({k: getattr(self, k) for k in self.__dataclass_fields__})

    def summary(self, cutoff: float = 0.3) -> str:
        lines = [
            f"Exploratory factor analysis: {self.extraction} extraction, {self.rotation} rotation"
            + (" (Kaiser normalisation)" if self.normalize and self.rotation != "none" else ""),
            f"  {len(self.items)} items, n = {self.n} ({self.missing} deletion), "
            f"{self.n_factors} factors ({self.n_factors_rule})",
            f"  extraction: {self.iterations} iterations, converged = {self.converged}",
        ]
        lines += [f"  WARNING: {w}" for w in self.warnings]
        table = self.sorted_loadings(cutoff)
        lines.append("  Loadings (pattern), |loading| < %.2f suppressed:" % cutoff)
        lines.append(table.drop(columns="primary").to_string(float_format=lambda v: f"{v:.3f}", na_rep=""))
        if self.oblique:
            lines.append("  Factor correlations:")
            lines.append(self.phi.to_string(float_format=lambda v: f"{v:.3f}"))
        return "\n".join(lines)


def _choose_n_factors(n_factors, r: np.ndarray, df, missing, seed,
                      correlation=None, parallel: ParallelAnalysis | None = None) -> tuple[int, str, ParallelAnalysis | None]:
    eig = eigen_analysis(r)
    if n_factors is None or n_factors == "kaiser":
        return eig.n_kaiser, "Kaiser: eigenvalues > 1", None
    if n_factors == "parallel":
        pa = parallel if parallel is not None else parallel_analysis(df, seed=seed, missing=missing,
                                                                     correlation=correlation)
        return pa.n_factors_pca, f"parallel analysis ({pa.percentile:g}th percentile, PCA eigenvalues)", pa
    if isinstance(n_factors, (int, np.integer)) and not isinstance(n_factors, bool):
        return int(n_factors), "fixed by the user", None
    raise AnalysisError(f"n_factors must be an integer, None, 'kaiser' or 'parallel', got {n_factors!r}")


def _check_n_factors(k: int, p: int, extraction: str) -> None:
    if k < 1:
        raise AnalysisError(f"EFA: the number of factors must be at least 1 (got {k})")
    if extraction == "ml":
        dof = ((p - k) ** 2 - (p + k)) / 2
        if dof < 0:
            raise AnalysisError(
                f"EFA: {k} factors are too many for maximum likelihood with {p} items",
                [Problem(f"degrees of freedom ((p-k)^2 - (p+k))/2 = {dof:g} < 0")],
            )
    elif k > p - 1:
        raise AnalysisError(f"EFA: {k} factors are too many for {p} items (at most {p - 1})")


def _standardise(pattern: np.ndarray, phi: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Flip each factor so its largest |loading| is positive, then order by psych's SS loadings.

    Returns (pattern, phi, signs applied to the reordered factors).
    """
    k = pattern.shape[1]
    idx = np.argmax(np.abs(pattern), axis=0)
    signs = np.sign(pattern[idx, np.arange(k)])
    signs[signs == 0] = 1.0
    pattern = pattern * signs
    phi = phi * np.outer(signs, signs)
    ss = np.diag(phi @ pattern.T @ pattern)
    order = np.argsort(-ss, kind="stable")
    return pattern[:, order], phi[np.ix_(order, order)], signs[order]


def efa(
    df: pd.DataFrame,
    n_factors: int | str | None = None,
    extraction: str = "paf",
    rotation: str = "oblimin",
    missing: str = "pairwise",
    normalize: bool = True,
    max_iter: int = 1000,
    tol: float | None = None,
    rotation_tol: float = 1e-5,
    seed: int | None = 0,
    gamma: float = 0.0,
    kappa: float = 4.0,
    correlation: tuple[pd.DataFrame, pd.DataFrame] | None = None,
    parallel: ParallelAnalysis | None = None,
) -> EFAResult:
    """Exploratory factor analysis with extraction and rotation implemented in numpy/scipy.

    Parameters
    ----------
    df : DataFrame of numeric item columns (NaN = missing).
    n_factors : int, ``None``/``'kaiser'`` (eigenvalues > 1, SPSS default) or ``'parallel'`` (Horn's
        parallel analysis on PCA eigenvalues, ``seed`` for reproducibility).
    extraction : ``'paf'`` | ``'minres'`` | ``'ml'`` | ``'pca'`` (see module docstring).
    rotation : ``'oblimin'`` | ``'quartimin'`` | ``'promax'`` | ``'varimax'`` | ``'quartimax'`` | ``'none'``.
    normalize : Kaiser normalisation for the rotation (SPSS default True; psych's oblimin uses False).
    max_iter : iteration limit for extraction (PAF iterations, L-BFGS-B iterations) and rotation.
    tol : convergence criterion. PAF: largest change of a communality between iterations (default 0.001,
        SPSS's; SPSS also stops after 25 iterations, here ``max_iter``); minres/ML: projected-gradient
        tolerance of L-BFGS-B (default 1e-8).
    rotation_tol : rotation convergence criterion (see :func:`rotate`); 1e-5 = R's default.
    gamma : oblimin's delta (0 = quartimin, SPSS default). kappa : promax power (4, SPSS and R default).
    correlation : ``correlation_matrix(df, missing)`` when the caller has it already.
    parallel : a :func:`parallel_analysis` of ``df`` already run (its ``n_iter``, ``percentile`` and seed
        decide ``n_factors='parallel'``); by default one is run with 100 data sets, the 95th percentile, ``seed``.

    Formulas
    --------
    PAF iterates :math:`h^{(t+1)} = \\mathrm{diag}(L_t L_t')`, :math:`L_t` = first k eigenvectors of
    :math:`R - I + \\mathrm{diag}(h^{(t)})` scaled by the root eigenvalues; minres minimises
    :math:`\\tfrac12\\lVert R - \\Psi - LL' \\rVert^2`; ML minimises
    :math:`\\ln|\\Sigma| + \\mathrm{tr}(\\Sigma^{-1}R) - \\ln|R| - p`, :math:`\\Sigma = LL' + \\Psi`.

    Warnings (in ``result.warnings``): Heywood cases (a communality >= 1, or a uniqueness on minres/ML's
    lower bound 0.005) and non-convergence of extraction or rotation.

    Example
    -------
    >>> res = efa(saq, n_factors=4, extraction="paf", rotation="oblimin")   # doctest: +SKIP
    >>> res.sorted_loadings(cutoff=0.3)                                       # doctest: +SKIP
    """
    if extraction not in EXTRACTIONS:
        raise AnalysisError(f"unknown extraction {extraction!r}; choose one of {EXTRACTIONS}")
    if rotation not in ROTATIONS:
        raise AnalysisError(f"unknown rotation {rotation!r}; choose one of {ROTATIONS}")
    r_df, n_mat = correlation if correlation is not None else correlation_matrix(df, missing)
    items = [str(c) for c in r_df.columns]
    p = len(items)
    if p < 3:
        raise AnalysisError("EFA needs at least 3 items", [Problem(f"items: {', '.join(items)}")])
    r = r_df.to_numpy()
    if extraction != "pca":
        require_nonsingular(r, items, f"EFA ({extraction} extraction)")
    k, rule, pa = _choose_n_factors(n_factors, r, df, missing, seed, (r_df, n_mat), parallel)
    _check_n_factors(k, p, extraction)
    if tol is None:
        tol = 1e-3 if extraction == "paf" else 1e-8

    if extraction == "pca":
        ext = extract_pca(r, k)
        initial = np.ones(p)
    elif extraction == "paf":
        ext = extract_paf(r, k, max_iter, tol)
        initial = smc(r)
    else:
        ext = extract_optim(r, k, extraction, max_iter, tol)
        initial = smc(r)

    unrotated = ext.loadings
    rot = rotate(
        unrotated, rotation, normalize=normalize, gamma=gamma, kappa=kappa, max_iter=max_iter, tol=rotation_tol
    )
    pattern, phi, _ = _standardise(rot.pattern, rot.phi)
    # the unrotated solution is only sign-standardised (its order is the eigenvalue order)
    unrot_signs = np.sign(unrotated[np.argmax(np.abs(unrotated), axis=0), np.arange(k)])
    unrotated = unrotated * np.where(unrot_signs == 0, 1.0, unrot_signs)
    structure = pattern @ phi
    h2 = (unrotated**2).sum(axis=1)

    warnings = []
    heywood = [items[i] for i in np.nonzero((h2 >= 1.0 - 1e-9) | ext.at_bound)[0]]
    if heywood:
        warnings.append(
            "Heywood case: communality >= 1 (or uniqueness at the lower bound 0.005) for "
            + ", ".join(heywood)
            + "; the solution is improper, interpret with caution (too many factors or too few cases?)"
        )
    if not ext.converged:
        warnings.append(f"{extraction} extraction did not converge in {max_iter} iterations (tol {tol:g})")
    if not rot.converged:
        warnings.append(f"{rotation} rotation did not converge in {max_iter} iterations")

    names = [f"F{j + 1}" for j in range(k)]
    oblique = rotation in OBLIQUE and k > 1
    ss_extraction = (unrotated**2).sum(axis=0)
    ss_rotation = np.diag(phi @ pattern.T @ pattern)
    variance = pd.DataFrame(
        {
            "ss_extraction": ss_extraction,
            "pct_extraction": ss_extraction / p * 100,
            "cum_pct_extraction": np.cumsum(ss_extraction) / p * 100,
            "ss_rotation": ss_rotation,
            "pct_rotation": np.nan if oblique else ss_rotation / p * 100,
            "cum_pct_rotation": np.nan if oblique else np.cumsum(ss_rotation) / p * 100,
            "ss_structure": (structure**2).sum(axis=0),
        },
        index=pd.Index(names, name="factor"),
    )
    frame = lambda m: pd.DataFrame(m, index=items, columns=names)  # noqa: E731
    return EFAResult(
        items=tuple(items),
        n=effective_n(n_mat),
        missing=missing,
        n_pairwise_min=int(n_mat.to_numpy().min()),
        n_pairwise_max=int(n_mat.to_numpy().max()),
        n_factors=k,
        n_factors_rule=rule,
        extraction=extraction,
        rotation=rotation,
        normalize=normalize,
        loadings=frame(pattern),
        structure=frame(structure),
        phi=pd.DataFrame(phi, index=names, columns=names),
        unrotated=frame(unrotated),
        communalities=pd.DataFrame({"initial": initial, "extraction": h2}, index=items),
        uniquenesses=pd.Series(1.0 - h2, index=items, name="uniqueness"),
        eigenvalues=eigen_analysis(r),
        variance=variance,
        iterations=ext.iterations,
        converged=ext.converged,
        rotation_iterations=rot.iterations,
        rotation_converged=rot.converged,
        warnings=tuple(warnings),
        correlation=r_df,
        parallel=pa,
    )
