"""Key-driver analysis: how much of an outcome's explained variance each predictor accounts for.

Two decompositions of R^2 that, unlike beta or r, share it out sensibly among correlated predictors:

* **Relative weights** (Johnson 2000): regress the outcome on the orthogonal variables Z closest to the
  predictors X (least squares), then share each Z's contribution back to X by the squared
  correlations between X and Z. The weights sum to R^2.
* **Dominance analysis** (Budescu 1993; Azen & Budescu 2003): R^2 of every one of the 2^p subsets of
  predictors. *General dominance* of X_j (= its Shapley value, = LMG) is the mean over subset sizes k of
  the mean increase in R^2 when X_j is added to a subset of size k; *conditional dominance* keeps the
  per-size means; X_i *completely dominates* X_j when it adds more than X_j to every subset holding
  neither. The general dominance weights sum to R^2.

Both are computed from the correlation matrix of the listwise-complete cases. Bootstrap percentile CIs
resample respondents (seeded). A resample enters as its counts (how often each respondent was drawn),
not as gathered rows: the counts of a batch of resamples times the N x (q + q(q+1)/2) matrix of the
centred variables and their pairwise products gives the sums and cross products, hence the correlation
matrices, of the whole batch in one matrix product (:func:`bootstrap_statistics`); the batch is then
decomposed together. The draws are the same as gathering rows would use (``rng.integers``, one
resample after another), so the intervals are too, up to rounding. Two stages share the two cores
(:func:`surveykit.stats.parallel.pipelined`): the next batch is drawn, and half of it counted, while
the other half of this one is counted and the product formed. Counts are held as uint8 (float64 again
in the rare case of a row drawn more than 255 times).

References
----------
Johnson, J. W. (2000). A heuristic method for estimating the relative weight of predictor variables in
multiple regression. *Multivariate Behavioral Research*, 35(1), 1-19.
LeBreton, J. M., & Tonidandel, S. (2008). Multivariate relative importance: extending relative weight
analysis to multivariate criterion spaces. *Journal of Applied Psychology*, 93(2), 329-345.
Budescu, D. V. (1993). Dominance analysis. *Psychological Bulletin*, 114(3), 542-551.
Azen, R., & Budescu, D. V. (2003). The dominance analysis approach for comparing predictors in multiple
regression. *Psychological Methods*, 8(2), 129-148.
Tonidandel, S., LeBreton, J. M., & Johnson, J. W. (2009). Determining the statistical significance of
relative weights. *Psychological Methods*, 14(4), 387-399 (bootstrap CIs for relative weights).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from surveykit.errors import AnalysisError, Problem
from surveykit.jsonsafe import to_jsonable
from surveykit.stats.parallel import pipelined

MAX_DOMINANCE_PREDICTORS = 15  # 2^15 = 32,768 subset regressions; beyond that use relative weights
_BATCH_CELLS = 24_000_000      # resample counts (resamples x rows) per bootstrap batch; two batches held
_MAX_BATCH = 64                # resamples per bootstrap batch at most
_COUNT_DTYPE = np.uint8        # counts stored compactly (a row drawn > 255 times: again as float64)
_SLICE = 8_192                 # rows per slice of the counts x terms product (widened counts stay in cache)


# ------------------------------------------------------------------------------ relative weights
def relative_weights(r_xx: np.ndarray, r_xy: np.ndarray) -> np.ndarray:
    """Johnson's (2000) relative weights from the predictors' correlations (p x p) and with the outcome (p).

    R_xx = V diag(e) V';  Lambda = V diag(sqrt(e)) V'  (correlations of X with the orthogonal Z);
    beta_Z = Lambda^-1 r_xy;  epsilon_j = sum_k Lambda_jk^2 beta_Z,k^2.   sum_j epsilon_j = R^2.
    Accepts a batch: r_xx of shape (..., p, p) and r_xy (..., p).

    Example
    -------
    >>> relative_weights(np.array([[1, .5], [.5, 1]]), np.array([.4, .3]))  # doctest: +SKIP
    """
    r_xx = np.asarray(r_xx, dtype="float64")
    r_xy = np.asarray(r_xy, dtype="float64")
    evals, evecs = np.linalg.eigh(r_xx)
    evals = np.clip(evals, 0.0, None)
    lam = (evecs * np.sqrt(evals)[..., None, :]) @ np.swapaxes(evecs, -1, -2)
    beta_z = np.linalg.solve(lam, r_xy[..., None])[..., 0]
    return np.einsum("...jk,...k->...j", lam**2, beta_z**2)


# ---------------------------------------------------------------------------- dominance analysis
def subset_r2(r_xx: np.ndarray, r_xy: np.ndarray) -> np.ndarray:
    """R^2 of the regression on every subset of predictors, indexed by bit mask (bit j = predictor j).

    R^2(S) = r_S' R_SS^-1 r_S. Subsets of one size are solved as one batch. Accepts a batch of
    correlation matrices (..., p, p); returns (..., 2^p) with R^2(empty set) = 0.
    """
    r_xx = np.asarray(r_xx, dtype="float64")
    r_xy = np.asarray(r_xy, dtype="float64")
    p = r_xy.shape[-1]
    batch = r_xy.shape[:-1]
    out = np.zeros(batch + (1 << p,))
    for k in range(1, p + 1):
        idx = np.array(list(combinations(range(p), k)), dtype=np.intp)  # (m, k)
        masks = (1 << idx).sum(axis=1)
        sub = r_xx[..., idx[:, :, None], idx[:, None, :]]                  # (..., m, k, k)
        rs = r_xy[..., idx]                                                # (..., m, k)
        sol = np.linalg.solve(sub, rs[..., None])[..., 0]
        out[..., masks] = (rs * sol).sum(axis=-1)
    return out


def _popcount(masks: np.ndarray) -> np.ndarray:
    count = np.zeros_like(masks)
    m = masks.copy()
    while m.any():
        count += m & 1
        m >>= 1
    return count


def dominance(r2_by_subset: np.ndarray, p: int):
    """Conditional (p x p: predictor x subset size 0..p-1) and general dominance (p) from subset R^2.

    C_j(k) = mean over subsets S, |S| = k, j not in S, of R^2(S + j) - R^2(S);  general = mean_k C_j(k).
    Works on a batch (..., 2^p).
    """
    masks = np.arange(1 << p)
    size = _popcount(masks)
    cond = np.empty(r2_by_subset.shape[:-1] + (p, p))
    for j in range(p):
        without = masks[(masks >> j) & 1 == 0]
        gain = r2_by_subset[..., without | (1 << j)] - r2_by_subset[..., without]
        sizes = size[without]
        for k in range(p):
            cond[..., j, k] = gain[..., sizes == k].mean(axis=-1)
    return cond, cond.mean(axis=-1)


def complete_dominance(r2_by_subset: np.ndarray, p: int) -> np.ndarray:
    """D[i, j] True when X_i completely dominates X_j: R^2(S + i) > R^2(S + j) for every S without i, j."""
    masks = np.arange(1 << p)
    out = np.zeros((p, p), dtype=bool)
    for i in range(p):
        for j in range(p):
            if i == j:
                continue
            s = masks[((masks >> i) & 1 == 0) & ((masks >> j) & 1 == 0)]
            out[i, j] = bool(np.all(r2_by_subset[s | (1 << i)] > r2_by_subset[s | (1 << j)]))
    return out


# --------------------------------------------------------------------------------- the analysis
@dataclass(frozen=True)
class DriverResult:
    """Result of :func:`key_drivers`.

    ``table`` (one row per predictor): r (zero-order), beta (standardised), raw_weight and
    rescaled_weight (% of R^2) by Johnson's relative weights, general_dominance and its % of R^2, with
    bootstrap percentile CIs (``*_ci_low``/``*_ci_high``) and the rank by relative weight.
    ``conditional`` (predictor x subset size) and ``complete`` (row completely dominates column) are
    None when dominance analysis was not run.
    """

    outcome: str
    predictors: tuple[str, ...]
    n: int
    n_excluded: int
    r2: float
    table: pd.DataFrame
    conditional: pd.DataFrame | None
    complete: pd.DataFrame | None
    n_boot: int
    seed: int | None
    ci_level: float

    def summary(self) -> str:
        lines = [(f"Key drivers of {self.outcome}: N = {self.n} ({self.n_excluded} excluded listwise), "
                 f"R² = {self.r2:.3f}; {self.n_boot} bootstrap resamples (seed {self.seed}), "
                 f"{100 * self.ci_level:.0f}% percentile CIs")]
        for name, row in self.table.iterrows():
            gd = "" if np.isnan(row["general_dominance"]) else f", GD {row['general_dominance']:.3f}"
            lines.append(f"  {name}: r = {row['r']:.3f}, β = {row['beta']:.3f}, RW = {row['raw_weight']:.3f} "
                         f"({row['rescaled_weight']:.1f}% [{row['rescaled_ci_low']:.1f}, "
                         f"{row['rescaled_ci_high']:.1f}]){gd}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return to_jsonable(self)


def _check(data: pd.DataFrame, outcome: str, predictors: Sequence[str]) -> np.ndarray:
    cols = [outcome, *predictors]
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise AnalysisError("key-driver analysis: variables not in the data",
                            [Problem("not a column of the data", column=c) for c in missing])
    if len(set(cols)) != len(cols):
        raise AnalysisError("key-driver analysis: a variable is named twice",
                            [Problem("named twice (outcome and predictors must differ)", column=c)
                             for c in sorted({c for c in cols if cols.count(c) > 1})])
    if len(predictors) < 2:
        raise AnalysisError("key-driver analysis needs at least 2 predictors",
                            [Problem(f"{len(predictors)} predictor(s) given", column=outcome)])
    try:
        return data[cols].to_numpy(dtype="float64")
    except (TypeError, ValueError):
        raise AnalysisError("key-driver analysis: variables must be numeric",
                            [Problem("not numeric", column=c) for c in cols
                             if not pd.api.types.is_numeric_dtype(data[c])]) from None


def _correlations(x: np.ndarray) -> np.ndarray:
    """Correlation matrices of a batch of samples (..., n, q) -> (..., q, q)."""
    centred = x - x.mean(axis=-2, keepdims=True)
    cov = np.einsum("...ni,...nj->...ij", centred, centred)
    sd = np.sqrt(np.einsum("...ii->...i", cov))
    return cov / sd[..., :, None] / sd[..., None, :]


def key_drivers(data: pd.DataFrame, outcome: str, predictors: Sequence[str], *, n_boot: int = 1000,
                seed: int | None = 20121201, ci_level: float = 0.95, dominance_analysis: bool | None = None,
                resamples: np.ndarray | None = None, cancel=None) -> DriverResult:
    """Relative importance of ``predictors`` for ``outcome``: r, beta, relative weights, dominance.

    Cases with any missing value are excluded (listwise, as in regression) and counted. Bootstrap CIs
    are percentile intervals (numpy 'linear' = R ``quantile(type = 7)``) over ``n_boot`` resamples
    drawn with ``numpy.random.default_rng(seed)``; ``resamples`` (n_boot x N row positions within the
    complete cases) replaces the drawing, for a comparison with another program. Dominance analysis
    runs by default for up to :data:`MAX_DOMINANCE_PREDICTORS` predictors (its bootstrap for up to 10);
    asking for it with more predictors is an error. ``cancel`` (a ``threading.Event``): when it is set,
    the bootstrap stops at its next batch with :class:`Cancelled` (a run stopped by an error elsewhere).

    Example
    -------
    >>> key_drivers(df, "engagement", ["goals", "feedback", "room_to_act"]).table   # doctest: +SKIP
    """
    predictors = tuple(predictors)
    p = len(predictors)
    values = _check(data, outcome, predictors)
    if dominance_analysis is None:
        dominance_analysis = p <= MAX_DOMINANCE_PREDICTORS
    elif dominance_analysis and p > MAX_DOMINANCE_PREDICTORS:
        raise AnalysisError(
            f"dominance analysis of {p} predictors needs 2^{p} regressions; at most "
            f"{MAX_DOMINANCE_PREDICTORS} predictors (use relative weights alone, dominance_analysis=False)",
            [Problem(f"{p} predictors", column=outcome)])
    complete = ~np.isnan(values).any(axis=1)
    x = values[complete]
    n = len(x)
    if n < p + 2:
        raise AnalysisError("key-driver analysis: too few complete cases",
                            [Problem(f"{n} complete cases for {p} predictors (need at least {p + 2})",
                                     column=outcome, n_rows=n)])
    sd = x.std(axis=0)
    if np.any(sd == 0):
        raise AnalysisError("key-driver analysis: a variable does not vary among the complete cases",
                            [Problem(f"constant value {x[0, j]:g}", column=c)
                             for j, c in enumerate((outcome,) + predictors) if sd[j] == 0])
    corr = _correlations(x)
    r_xx, r_xy = corr[1:, 1:], corr[1:, 0]
    if np.linalg.matrix_rank(r_xx, tol=1e-10) < p:
        raise AnalysisError("key-driver analysis: predictors are perfectly collinear",
                            [Problem("the predictors' correlation matrix is singular", column=c)
                             for c in predictors])
    beta = np.linalg.solve(r_xx, r_xy)
    r2 = float(r_xy @ beta)
    raw = relative_weights(r_xx, r_xy)
    table = pd.DataFrame({"r": r_xy, "beta": beta, "raw_weight": raw, "rescaled_weight": 100 * raw / r2},
                         index=pd.Index(predictors, name="predictor"))
    cond_frame = complete_frame = None
    gd = np.full(p, np.nan)
    if dominance_analysis:
        subsets = subset_r2(r_xx, r_xy)
        cond, gd = dominance(subsets, p)
        cond_frame = pd.DataFrame(cond, index=table.index, columns=pd.Index(range(p), name="subset_size"))
        complete_frame = pd.DataFrame(complete_dominance(subsets, p), index=table.index,
                                      columns=pd.Index(predictors, name="dominated"))
    table["general_dominance"] = gd
    table["general_dominance_pct"] = 100 * gd / r2

    boot_rw, boot_gd = bootstrap_statistics(x, n_boot, seed, resamples, dominance_analysis and p <= 10, cancel)
    q = [(1 - ci_level) / 2, 1 - (1 - ci_level) / 2]
    for name, draws in (("raw", boot_rw), ("gd", boot_gd)):
        if draws is None:
            lo = hi = np.full(p, np.nan)
            lo_pct = hi_pct = lo
        else:
            weights, r2s = draws
            lo, hi = np.quantile(weights, q, axis=0)
            lo_pct, hi_pct = np.quantile(100 * weights / r2s[:, None], q, axis=0)
        prefix = "raw" if name == "raw" else "general_dominance"
        table[f"{prefix}_ci_low"], table[f"{prefix}_ci_high"] = lo, hi
        pct = "rescaled" if name == "raw" else "general_dominance_pct"
        table[f"{pct}_ci_low"], table[f"{pct}_ci_high"] = lo_pct, hi_pct
    table["rank"] = table["raw_weight"].rank(ascending=False, method="min").astype(int)
    n_used = n_boot if resamples is None else len(resamples)
    return DriverResult(outcome, predictors, n, int((~complete).sum()), r2, table, cond_frame,
                        complete_frame, n_used, seed if resamples is None else None, ci_level)


class Cancelled(Exception):
    """The bootstrap was asked to stop (``cancel`` set) before it finished."""


def bootstrap_statistics(x: np.ndarray, n_boot: int, seed=None, resamples=None, with_dominance: bool = True,
                         cancel=None):
    """Relative weights (and general dominance) of every resample: (B x p weights, B R^2) pairs.

    ``x`` holds the complete cases (N x q, outcome first). Resample b is ``rng.integers(0, N, size=N)``
    with ``rng = numpy.random.default_rng(seed)`` (b-th call, in order), or row b of ``resamples``.

    Each resample enters as its counts w (how often each row was drawn): with xc the rows centred on the
    full-sample means, its sums are w @ xc and its cross products w @ (xc_i xc_j), so the counts of a
    batch of resamples (b x N) times the N x (q + q(q+1)/2) matrix of xc and products gives all its
    correlation matrices in one matrix product, without gathering rows. Same numbers as correlating the
    gathered rows, up to rounding (summation order).
    """
    n, q = x.shape
    if resamples is None:
        if n_boot <= 0:
            return None, None
    else:
        resamples = np.asarray(resamples, dtype=np.intp)
        if resamples.ndim != 2 or resamples.shape[1] != n or resamples.min() < 0 or resamples.max() >= n:
            raise AnalysisError("bootstrap: the given resamples must be a B x N array of row positions 0..N-1",
                                [Problem(f"shape {resamples.shape}, N = {n} complete cases")])
    upper_i, upper_j = np.triu_indices(q)
    # one row per column of the product: centred variables, their products (i <= j), and ones (the
    # resample's size, to check the counts); variables as rows so that each product is a contiguous pass
    centred = np.ascontiguousarray((x - x.mean(axis=0)).T)
    terms = np.empty((q + len(upper_i) + 1, n))
    terms[:q] = centred
    for k, (i, j) in enumerate(zip(upper_i, upper_j)):
        np.multiply(centred[i], centred[j], out=terms[q + k])
    terms[-1] = 1.0
    del centred
    # a variable constant within a resample: gathered rows give a variance of exactly 0, these sums
    # leave rounding (~1e-16 of the full sample's); below this it counts as 0 (the error below)
    no_variance = 1e-12 * terms[q + np.flatnonzero(upper_i == upper_j)].sum(axis=1)
    try:
        for storage in (_COUNT_DTYPE, np.float64):
            try:
                return _counted_statistics(terms, n, q, n_boot, seed, resamples, with_dominance, no_variance,
                                           storage, cancel)
            except _CountOverflow:  # a row drawn more often than the compact type holds: once more, wide
                continue
    except np.linalg.LinAlgError:
        raise AnalysisError("bootstrap: a resample has a singular correlation matrix (too few cases "
                            "or a near-constant variable); use more cases or fewer predictors") from None
    raise AssertionError("float64 counts cannot overflow")  # pragma: no cover


class _CountOverflow(Exception):
    """A count exceeded the compact storage type (the resample's counts no longer sum to N)."""


def _counted_statistics(terms, n, q, n_boot, seed, resamples, with_dominance, no_variance, storage,
                        cancel=None):
    p = q - 1
    upper_i, upper_j = np.triu_indices(q)
    rng = np.random.default_rng(seed) if resamples is None else None
    total = n_boot if resamples is None else len(resamples)
    # at most _MAX_BATCH: enough for an efficient product, and a few thousand rows still give several
    # batches for the two stages to overlap
    per_batch = min(total, _MAX_BATCH, max(1, _BATCH_CELLS // n))
    # the first half of each batch is counted where it is drawn, the rest on the second thread with the
    # matrix product, which balances the two stages (drawing is serial: one random stream)
    here = (per_batch + 1) // 2
    buffers = [np.empty((per_batch, n), dtype=storage) for _ in range(2 if total > per_batch else 1)]

    def drawn(row):
        # one call per resample draws the same numbers as one call per batch: PCG64 hands out 32-bit
        # draws from its own state, not from a buffer of the call
        return rng.integers(0, n, size=n) if resamples is None else resamples[row]

    def counted_batches():
        """Each batch: its counts (first half filled) and the draws of the rest; drawn here, in order,
        so the resamples do not depend on the threads. Two buffers alternate (pipelined keeps at most two
        batches alive)."""
        for number, start in enumerate(range(0, total, per_batch)):
            if cancel is not None and cancel.is_set():
                raise Cancelled("key-driver bootstrap stopped")
            counts = buffers[number % len(buffers)][:min(per_batch, total - start)]
            for row in range(min(here, len(counts))):
                counts[row] = np.bincount(drawn(start + row), minlength=n)
            yield counts, [drawn(start + row) for row in range(here, len(counts))]

    def batch_statistics(batch):
        counts, rest = batch
        for row, rows in enumerate(rest, start=here):
            counts[row] = np.bincount(rows, minlength=n)
        rest.clear()  # the draws are counted: their memory goes before the product
        # the product in slices of the rows, each slice of counts widened to float64 in a small buffer
        sums = np.zeros((len(counts), len(terms)))
        wide = np.empty((len(counts), min(n, _SLICE)))
        for lo in range(0, n, _SLICE):
            hi = min(n, lo + _SLICE)
            wide[:, :hi - lo] = counts[:, lo:hi]
            sums += wide[:, :hi - lo] @ terms[:, lo:hi].T
        if np.any(sums[:, -1] != n):
            raise _CountOverflow
        s1 = sums[:, :q]
        cross = np.empty((len(counts), q, q))
        cross[:, upper_i, upper_j] = sums[:, q:-1]
        cross[:, upper_j, upper_i] = sums[:, q:-1]
        cov = cross - s1[:, :, None] * s1[:, None, :] / n   # every resample has N rows: sum of w = N
        var = np.einsum("...ii->...i", cov)
        sd = np.sqrt(np.where(var > no_variance, var, np.nan))
        corr = cov / sd[..., :, None] / sd[..., None, :]
        r_xx, r_xy = corr[:, 1:, 1:], corr[:, 1:, 0]
        return (relative_weights(r_xx, r_xy),
                np.einsum("bi,bi->b", r_xy, np.linalg.solve(r_xx, r_xy[..., None])[..., 0]),
                dominance(subset_r2(r_xx, r_xy), p)[1] if with_dominance else None)

    # large batches: the next is drawn (and half counted) while this one is multiplied out
    batches = pipelined(batch_statistics, counted_batches(), per_batch * n)  # (cells of a batch)
    rw = np.concatenate([b[0] for b in batches])
    if np.isnan(rw).any():
        raise AnalysisError("bootstrap: a resample has a variable without variance (too few cases)")
    r2 = np.concatenate([b[1] for b in batches])
    return (rw, r2), ((np.concatenate([b[2] for b in batches]), r2) if with_dominance else None)


# ---------------------------------------------------------------------------- priority matrix
def priority_quadrants(importance, favourable_pct, *, importance_cut: float | None = None,
                       favourable_cut: float | None = None, names: Sequence[str] | None = None) -> pd.DataFrame:
    """Place each driver in the priority matrix: importance against favourable %.

    ============== =================== ==================
    quadrant       importance          favourable %
    ============== =================== ==================
    strengths      >= importance_cut   >= favourable_cut
    priorities     >= importance_cut   <  favourable_cut
    maintain       <  importance_cut   >= favourable_cut
    monitor        <  importance_cut   <  favourable_cut
    ============== =================== ==================

    Cut-offs default to the medians of the drivers shown (so roughly half are "important"); the values
    used are returned in columns ``importance_cut`` and ``favourable_cut``. A driver exactly at a cut
    counts as high.
    """
    imp = pd.Series(importance, dtype="float64") if not isinstance(importance, pd.Series) else importance.astype("float64")
    fav = pd.Series(favourable_pct, dtype="float64", index=imp.index) if not isinstance(favourable_pct, pd.Series) \
        else favourable_pct.astype("float64").reindex(imp.index)
    if names is not None:
        imp.index = fav.index = pd.Index(names)
    bad = imp.index[imp.isna() | fav.isna()]
    if len(bad):
        raise AnalysisError("priority matrix: a driver has no importance or no favourable %",
                            [Problem("missing value", column=str(b)) for b in bad])
    icut = float(imp.median()) if importance_cut is None else float(importance_cut)
    fcut = float(fav.median()) if favourable_cut is None else float(favourable_cut)
    high_i, high_f = imp >= icut, fav >= fcut
    quadrant = np.select([high_i & high_f, high_i & ~high_f, ~high_i & high_f],
                         ["strengths", "priorities", "maintain"], "monitor")
    return pd.DataFrame({"importance": imp, "favourable_pct": fav, "quadrant": quadrant,
                         "importance_cut": icut, "favourable_cut": fcut})
