"""Exploratory factor analysis: correlation matrix, factorability, eigenvalues, parallel analysis, EFA.

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

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from surveykit.stats.distributions import chi2_sf
from surveykit.errors import AnalysisError, Problem
from surveykit.jsonsafe import to_jsonable as _to_jsonable
from surveykit.stats.moments import PairwiseSums, column_ranges, complete_rows, pairwise_sums

MISSING_OPTIONS = ("pairwise", "listwise")
EXTRACTIONS = ("paf", "minres", "ml", "pca")
ROTATIONS = ("oblimin", "quartimin", "promax", "varimax", "quartimax", "none")
OBLIQUE = ("oblimin", "quartimin", "promax")
# psych's bounds for the uniquenesses in minres and ML (fa(): lower = 0.005, upper = 1 for correlations)
_PSI_LOWER = 0.005
_SINGULAR_EIGENVALUE = 1e-10


# --------------------------------------------------------------------------------------------------
# JSON helpers (shared with reliability.py)
# --------------------------------------------------------------------------------------------------
def to_jsonable(value: Any) -> Any:
    """JSON-safe plain Python; DataFrames (loadings and other matrices) as ``{index, columns, data}``."""
    return _to_jsonable(value, frames="split")


# --------------------------------------------------------------------------------------------------
# Input validation and correlations
# --------------------------------------------------------------------------------------------------
def item_columns(df: pd.DataFrame, *, min_items: int, what: str) -> tuple[list[str], list[np.ndarray]]:
    """The item names and columns (1-D numeric arrays, NaN = missing) of ``df``, without copying them.

    Raises AnalysisError unless ``df`` is a DataFrame with at least ``min_items`` numeric columns.
    """
    if not isinstance(df, pd.DataFrame):
        raise AnalysisError(f"{what} needs a DataFrame of item columns, got {type(df).__name__}")
    if df.shape[1] < min_items:
        raise AnalysisError(
            f"{what} needs at least {min_items} items, got {df.shape[1]}",
            [Problem(f"items given: {', '.join(map(str, df.columns)) or 'none'}")],
        )
    problems = []
    for col, dtype in df.dtypes.items():
        if not (pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)):
            problems.append(Problem(f"item is not numeric (dtype {dtype})", column=str(col)))
    if problems:
        raise AnalysisError(f"{what}: items must be numeric", problems)
    columns = [df.iloc[:, j].to_numpy() for j in range(df.shape[1])]
    columns = [c if c.dtype.kind in "iuf" else c.astype("float64") for c in columns]
    return [str(c) for c in df.columns], columns


def check_usable(names: list[str], sums: PairwiseSums | tuple, what: str) -> None:
    """Raise AnalysisError naming every item without any answer or without variance (exact).

    ``sums`` is a :class:`PairwiseSums` or the ``(n_valid, lo, hi)`` of :func:`column_ranges`.
    """
    n_valid, lo, hi = (sums.n_valid, sums.lo, sums.hi) if isinstance(sums, PairwiseSums) else sums
    with np.errstate(invalid="ignore"):
        constant = ~(np.asarray(hi) > np.asarray(lo))
    problems = []
    for name, count in zip(names, n_valid):
        if count == 0:
            problems.append(Problem("item has no valid answers (all missing)", column=name))
    for name, count, flat in zip(names, n_valid, constant):
        if count > 0 and flat:
            problems.append(Problem("item has zero variance (every respondent gave the same answer)", column=name))
    if problems:
        raise AnalysisError(f"{what} cannot be computed: unusable items", problems)


def item_sums(df: pd.DataFrame, missing: str, *, min_items: int, what: str,
              deletion_note: str = " (listwise deletion)") -> tuple[list[str], PairwiseSums]:
    """Checked pairwise sums of the items of ``df``: over every row (``'pairwise'``) or over the rows that
    answered every item (``'listwise'``). Items must have answers and variance, also after deletion.
    ``deletion_note`` ends the message when fewer than 3 respondents answered every item."""
    names, columns = item_columns(df, min_items=min_items, what=what)
    if missing != "listwise":
        sums = pairwise_sums(columns)
        check_usable(names, sums, what)
        return names, sums
    check_usable(names, column_ranges(columns), what)
    keep = complete_rows(columns)
    if keep.sum() < 3:
        raise AnalysisError(f"{what}: only {int(keep.sum())} respondents answered every item{deletion_note}")
    sums = pairwise_sums(columns, rows=None if keep.all() else keep)
    check_usable(names, sums, f"{what} (listwise)")
    return names, sums


def _check_missing(missing: str) -> None:
    if missing not in MISSING_OPTIONS:
        raise AnalysisError(f"missing must be one of {MISSING_OPTIONS}, got {missing!r}")


def correlation_matrix(df: pd.DataFrame, missing: str = "pairwise") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pearson correlation matrix of the items and the N behind each correlation.

    ``missing='pairwise'`` uses, for each pair of items, every respondent who answered both
    (R ``cor(use="pairwise.complete.obs")``); ``'listwise'`` keeps only respondents who answered all
    items (SPSS default). Returns ``(R, N)``: two items x items DataFrames.

    Raises AnalysisError for a pair of items with fewer than 3 joint answers or without variance
    among them (the correlation would be undefined).

    Example
    -------
    >>> R, N = correlation_matrix(df, missing="listwise")   # doctest: +SKIP
    """
    _check_missing(missing)
    names, sums = item_sums(df, missing, min_items=2, what="Correlation matrix")
    n_values, r_values = sums.n, sums.corr()
    n = pd.DataFrame(n_values.astype(int), index=names, columns=names)
    bad = ~np.isfinite(r_values) | (n_values < 3)
    if bad.any():
        rows, cols = np.nonzero(np.triu(bad, 1))
        problems = [
            Problem(f"with {names[j]!r}: {n.iat[i, j]} joint answers, correlation undefined", column=names[i])
            for i, j in zip(rows, cols)
        ]
        raise AnalysisError("Correlation matrix: some pairs of items cannot be correlated", problems[:20])
    np.fill_diagonal(r_values, 1.0)
    return pd.DataFrame(r_values, index=names, columns=names), n


def _effective_n(n_matrix: pd.DataFrame) -> int:
    """N used for tests on a correlation matrix: the smallest pairwise N (= listwise N if listwise)."""
    return int(n_matrix.to_numpy().min())


def _as_matrix(r: pd.DataFrame | np.ndarray) -> tuple[np.ndarray, list[str]]:
    if isinstance(r, pd.DataFrame):
        return r.to_numpy(dtype=float), [str(c) for c in r.columns]
    arr = np.asarray(r, dtype=float)
    return arr, [f"V{i + 1}" for i in range(arr.shape[0])]


def _require_nonsingular(r: np.ndarray, items: list[str], what: str) -> None:
    eig = np.linalg.eigvalsh(r)
    if eig.min() < _SINGULAR_EIGENVALUE:
        # the eigenvector of the smallest eigenvalue shows which items are (nearly) linearly dependent
        vec = np.linalg.eigh(r)[1][:, 0]
        involved = [items[i] for i in np.argsort(-np.abs(vec)) if abs(vec[i]) > 0.1]
        raise AnalysisError(
            f"{what}: the correlation matrix is singular (smallest eigenvalue {eig.min():.3g}); "
            "some items are exact linear combinations of others",
            [Problem("items involved in the linear dependency: " + ", ".join(involved[:10]))],
        )


def smc(r: np.ndarray) -> np.ndarray:
    """Squared multiple correlation of each item with all others: 1 - 1/diag(R^-1)."""
    return 1.0 - 1.0 / np.diag(np.linalg.inv(r))


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
    mat, _ = _as_matrix(r)
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
    mat, _ = _as_matrix(r)
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
    _require_nonsingular(mat, items, "KMO and Bartlett's test")
    n = _effective_n(n_mat)
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


# --------------------------------------------------------------------------------------------------
# Eigenvalues and parallel analysis
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EigenAnalysis:
    """Initial eigenvalues of R (SPSS "Total Variance Explained", left block)."""

    table: pd.DataFrame  # columns: eigenvalue, pct_variance, cumulative_pct; index 1..p (component number)
    n_kaiser: int  # number of eigenvalues > 1 (Kaiser's criterion)

    @property
    def eigenvalues(self) -> np.ndarray:
        return self.table["eigenvalue"].to_numpy()

    def to_dict(self) -> dict:
        return to_jsonable({"table": self.table, "n_kaiser": self.n_kaiser})

    def summary(self) -> str:
        lines = ["Initial eigenvalues", "  #  eigenvalue  % variance  cumulative %"]
        for i, row in self.table.iterrows():
            lines.append(f"{i:3d}  {row.eigenvalue:10.4f}  {row.pct_variance:10.2f}  {row.cumulative_pct:12.2f}")
        lines.append(f"Eigenvalues > 1 (Kaiser): {self.n_kaiser}")
        return "\n".join(lines)


def eigen_analysis(r: pd.DataFrame | np.ndarray) -> EigenAnalysis:
    """Eigenvalues of the correlation matrix, % of variance (eigenvalue / p * 100), cumulative %.

    The Kaiser count is the number of eigenvalues greater than 1 (Kaiser 1960).
    """
    mat, _ = _as_matrix(r)
    values = np.sort(np.linalg.eigvalsh(mat))[::-1]
    pct = values / mat.shape[0] * 100.0
    table = pd.DataFrame(
        {"eigenvalue": values, "pct_variance": pct, "cumulative_pct": np.cumsum(pct)},
        index=pd.RangeIndex(1, len(values) + 1, name="factor"),
    )
    return EigenAnalysis(table=table, n_kaiser=int((values > 1.0).sum()))


@dataclass(frozen=True)
class ParallelAnalysis:
    """Horn's parallel analysis: observed eigenvalues vs eigenvalues of random normal data."""

    table: pd.DataFrame  # index factor 1..p; observed/mean/percentile for PCA and for FA (SMC-reduced R)
    n_factors_pca: int
    n_factors_fa: int
    n: int
    n_iter: int
    seed: int | None
    percentile: float
    missing: str

    def to_dict(self) -> dict:
        return to_jsonable({k: getattr(self, k) for k in self.__dataclass_fields__})

    def summary(self) -> str:
        return (
            f"Parallel analysis ({self.n_iter} random data sets of {self.n} x {len(self.table)}, "
            f"{self.percentile:g}th percentile, seed {self.seed}): "
            f"{self.n_factors_pca} components (PCA eigenvalues), {self.n_factors_fa} factors (FA eigenvalues)"
        )


def _leading_count(observed: np.ndarray, threshold: np.ndarray) -> int:
    """Number of leading eigenvalues above the random threshold (stop at the first one that is not)."""
    below = np.nonzero(~(observed > threshold))[0]
    return int(below[0]) if below.size else len(observed)


def _reduced_eigenvalues(r: np.ndarray) -> np.ndarray:
    """Eigenvalues of R with SMCs on the diagonal (psych fa.parallel's "fa" eigenvalues), batched."""
    inv = np.linalg.inv(r)
    reduced = r.copy()
    idx = np.arange(r.shape[-1])
    reduced[..., idx, idx] = 1.0 - 1.0 / inv[..., idx, idx]
    return np.linalg.eigvalsh(reduced)[..., ::-1]


# Above this many simulated numbers (n x p x n_iter) parallel analysis draws the random correlation
# matrices from their exact sampling distribution instead of simulating raw data (see
# _random_correlations_wishart); below it, raw data are simulated as psych's fa.parallel does.
_PARALLEL_RAW_LIMIT = 5_000_000


def _random_correlations_raw(rng: np.random.Generator, n: int, p: int, n_iter: int):
    """Correlation matrices of ``n_iter`` simulated n x p standard normal data sets, in batches."""
    batch = max(1, int(4_000_000 // (n * p)))  # about 4 million numbers per batch bounds memory
    done = 0
    while done < n_iter:
        b = min(batch, n_iter - done)
        x = rng.standard_normal((b, n, p))
        x -= x.mean(axis=1, keepdims=True)
        x /= np.sqrt((x**2).sum(axis=1, keepdims=True))
        yield np.einsum("bni,bnj->bij", x, x)
        done += b


def _random_correlations_wishart(rng: np.random.Generator, n: int, p: int, n_iter: int):
    """The same random correlation matrices without simulating n x p data (cost independent of n).

    The centred cross-product matrix of n independent N(0, I_p) rows is Wishart(n - 1, I_p); by
    Bartlett's decomposition it equals T T' with T lower triangular, T_ii^2 ~ chi-square(n - 1 - i)
    (i = 0..p-1) and T_ij ~ N(0, 1) below the diagonal, all independent (Anderson 2003, Theorem 7.2.1).
    Scaling T T' to unit diagonal gives a correlation matrix with exactly the distribution of the one
    computed from simulated data, for O(p^3) instead of O(n p^2) work per draw.
    """
    t = np.tril(rng.standard_normal((n_iter, p, p)), -1)
    idx = np.arange(p)
    t[:, idx, idx] = np.sqrt(rng.chisquare(n - 1 - idx, size=(n_iter, p)))
    s = t @ np.swapaxes(t, 1, 2)
    d = 1.0 / np.sqrt(s[:, idx, idx])
    yield s * d[:, :, None] * d[:, None, :]


def parallel_analysis(
    df: pd.DataFrame,
    n_iter: int = 100,
    seed: int | None = 0,
    percentile: float = 95,
    missing: str = "pairwise",
    correlation: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> ParallelAnalysis:
    """Horn's (1965) parallel analysis, seeded and reproducible.

    Draws ``n_iter`` data sets of independent standard normal variables with the same n x p as the data
    (n = listwise N, or the smallest pairwise N), and compares the observed eigenvalues with the mean
    and the ``percentile`` of the random eigenvalues: for principal components (eigenvalues of R) and for
    common factors (eigenvalues of R with SMCs on the diagonal, as psych ``fa.parallel``). The suggested
    number is the count of leading observed eigenvalues above the random percentile.

    Large samples (n x p x n_iter above 5 million numbers) draw the random correlation matrices directly
    from their sampling distribution (Bartlett's decomposition of the Wishart matrix) instead of
    simulating the data: the same distribution, in time independent of n.

    Example
    -------
    >>> pa = parallel_analysis(saq, n_iter=100, seed=1)   # doctest: +SKIP
    >>> pa.n_factors_pca                                  # doctest: +SKIP
    """
    if n_iter < 1:
        raise AnalysisError(f"parallel analysis needs n_iter >= 1, got {n_iter}")
    if not 0 < percentile < 100:
        raise AnalysisError(f"percentile must be between 0 and 100, got {percentile}")
    r, n_mat = correlation if correlation is not None else correlation_matrix(df, missing)
    mat = r.to_numpy()
    p = mat.shape[0]
    if p < 3:
        raise AnalysisError("Parallel analysis needs at least 3 items")
    _require_nonsingular(mat, list(r.columns), "Parallel analysis")
    n = _effective_n(n_mat)
    rng = np.random.default_rng(seed)
    if n * p * n_iter <= _PARALLEL_RAW_LIMIT:
        sims = _random_correlations_raw(rng, n, p, n_iter)
    else:
        sims = _random_correlations_wishart(rng, n, p, n_iter)
    sims = list(sims)
    pca_sim = np.concatenate([np.linalg.eigvalsh(sim_r)[:, ::-1] for sim_r in sims])
    fa_sim = np.concatenate([_reduced_eigenvalues(sim_r) for sim_r in sims])
    obs_pca = np.sort(np.linalg.eigvalsh(mat))[::-1]
    obs_fa = _reduced_eigenvalues(mat)
    table = pd.DataFrame(
        {
            "observed_pca": obs_pca,
            "random_mean_pca": pca_sim.mean(axis=0),
            "random_pct_pca": np.percentile(pca_sim, percentile, axis=0),
            "observed_fa": obs_fa,
            "random_mean_fa": fa_sim.mean(axis=0),
            "random_pct_fa": np.percentile(fa_sim, percentile, axis=0),
        },
        index=pd.RangeIndex(1, p + 1, name="factor"),
    )
    return ParallelAnalysis(
        table=table,
        n_factors_pca=_leading_count(obs_pca, table["random_pct_pca"].to_numpy()),
        n_factors_fa=_leading_count(obs_fa, table["random_pct_fa"].to_numpy()),
        n=n,
        n_iter=n_iter,
        seed=seed,
        percentile=percentile,
        missing=missing,
    )


# --------------------------------------------------------------------------------------------------
# Extraction
# --------------------------------------------------------------------------------------------------
@dataclass
class _Extraction:
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


def _extract_pca(r: np.ndarray, k: int) -> _Extraction:
    return _Extraction(_loadings_from(r, k), 0, True, np.zeros(len(r), bool))


def _extract_paf(r: np.ndarray, k: int, max_iter: int, tol: float) -> _Extraction:
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
            return _Extraction(_loadings_from(reduced, k), iteration, True, np.zeros(len(r), bool))
    return _Extraction(loadings, max_iter, False, np.zeros(len(r), bool))


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


def _extract_optim(r: np.ndarray, k: int, method: str, max_iter: int, tol: float) -> _Extraction:
    """minres or ML: minimise over uniquenesses in [0.005, 1] with L-BFGS-B, starting from 1 - SMC."""
    start = np.clip(1.0 - smc(r), _PSI_LOWER, 1.0)
    fun = _uls_objective if method == "minres" else _ml_objective
    from scipy import optimize  # imported when a minres/ML fit needs it (it takes a while)

    res = optimize.minimize(
        fun,
        start,
        args=(r, k),
        jac=True,
        method="L-BFGS-B",
        bounds=[(_PSI_LOWER, 1.0)] * len(r),
        options={"maxiter": max_iter, "ftol": tol * 1e-6, "gtol": tol, "maxcor": 20},
    )
    psi = res.x
    loadings = _loadings_from(r - np.diag(psi), k) if method == "minres" else _ml_loadings(psi, r, k)
    return _Extraction(loadings, int(res.nit), bool(res.success), psi <= _PSI_LOWER * (1 + 1e-6))


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
                      correlation=None) -> tuple[int, str, ParallelAnalysis | None]:
    eig = eigen_analysis(r)
    if n_factors is None or n_factors == "kaiser":
        return eig.n_kaiser, "Kaiser: eigenvalues > 1", None
    if n_factors == "parallel":
        pa = parallel_analysis(df, seed=seed, missing=missing, correlation=correlation)
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
        _require_nonsingular(r, items, f"EFA ({extraction} extraction)")
    k, rule, pa = _choose_n_factors(n_factors, r, df, missing, seed, (r_df, n_mat))
    _check_n_factors(k, p, extraction)
    if tol is None:
        tol = 1e-3 if extraction == "paf" else 1e-8

    if extraction == "pca":
        ext = _extract_pca(r, k)
        initial = np.ones(p)
    elif extraction == "paf":
        ext = _extract_paf(r, k, max_iter, tol)
        initial = smc(r)
    else:
        ext = _extract_optim(r, k, extraction, max_iter, tol)
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
        n=_effective_n(n_mat),
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
