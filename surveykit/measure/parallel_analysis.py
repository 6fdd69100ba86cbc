"""How many factors: eigenvalues (Kaiser) and Horn's parallel analysis."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from surveykit.errors import AnalysisError
from surveykit.measure.correlations import (
    as_matrix,
    correlation_matrix,
    effective_n,
    require_nonsingular,
    to_jsonable,
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
    mat, _ = as_matrix(r)
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
    require_nonsingular(mat, list(r.columns), "Parallel analysis")
    n = effective_n(n_mat)
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


