"""Polychoric correlations (two-step ML) and ordinal alpha.

An ordinal item X with categories 1..r is taken as a cut-up latent standard normal X*: X = i when
a_{i-1} < X* <= a_i. For a pair (X, Y) with latent correlation rho, the probability of cell (i, j) is

    pi_ij(rho) = Phi2(a_i, b_j; rho) - Phi2(a_{i-1}, b_j; rho) - Phi2(a_i, b_{j-1}; rho) + Phi2(a_{i-1}, b_{j-1}; rho)

Two-step estimation (Olsson 1979): the thresholds come from the marginal cumulative proportions,
a_i = Phi^-1(P(X <= i)), then rho maximises the multinomial log-likelihood sum n_ij ln pi_ij(rho).
Phi2 is the bivariate normal CDF by Genz's (2004) method (Drezner & Wesolowsky 1990 Gauss-Legendre
quadrature), vectorised over the cells: no loop over respondents, one contingency table per pair.

Conventions
-----------
* :func:`polychoric` (one pair) follows polycor ``polychor(x, y, ML=FALSE, std.err=TRUE)``: complete
  pairs, thresholds from the pair's own marginals; the SE is from the curvature of the log-likelihood in
  rho with the thresholds held fixed, as polycor's two-step SE.
* :func:`polychoric_matrix` follows psych ``polychoric(x)`` (``global=TRUE``): each item's thresholds from
  all its non-missing answers, each correlation from the pairwise-complete table. If the matrix is not
  positive definite it is smoothed as psych ``cor.smooth`` does (eigenvalues below 1e-12 set to 1e-10,
  rescaled to sum to p, back to a correlation matrix) and the result says so.

psych and polycor both find rho with R's ``optimize`` (tolerance ~1.2e-4); surveykit optimises to 1e-10,
so agreement is to about 4 decimals.

References: Olsson, U. (1979). Maximum likelihood estimation of the polychoric correlation coefficient.
Psychometrika 44, 443-460. Genz, A. (2004). Numerical computation of rectangular bivariate and trivariate
normal and t probabilities. Statistics and Computing 14, 251-260. Zumbo, B. D., Gadermann, A. M., &
Zeisser, C. (2007). Ordinal versions of coefficients alpha and theta for Likert rating scales. Journal of
Modern Applied Statistical Methods 6, 21-29.

Example
-------
>>> polychoric(df["q1"], df["q2"]).rho                       # doctest: +SKIP
>>> res = polychoric_matrix(df[items]); res.rho               # doctest: +SKIP
>>> ordinal_alpha(df[items]).alpha                            # doctest: +SKIP
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from surveykit.errors import AnalysisError, Problem
from surveykit.jsonsafe import to_jsonable

# Gauss-Legendre nodes and weights (half of each symmetric set) for 6, 12 and 20 points (Genz's BVNU)
_GL = {
    6: (np.array([0.9324695142031522, 0.6612093864662647, 0.2386191860831970]),
        np.array([0.1713244923791705, 0.3607615730481384, 0.4679139345726904])),
    12: (np.array([0.9815606342467191, 0.9041172563704750, 0.7699026741943050, 0.5873179542866171,
                   0.3678314989981802, 0.1252334085114692]),
         np.array([0.04717533638651177, 0.1069393259953183, 0.1600783285433464, 0.2031674267230659,
                   0.2334925365383547, 0.2491470458134029])),
    20: (np.array([0.9931285991850949, 0.9639719272779138, 0.9122344282513259, 0.8391169718222188,
                   0.7463319064601508, 0.6360536807265150, 0.5108670019508271, 0.3737060887154196,
                   0.2277858511416451, 0.07652652113349733]),
         np.array([0.01761400713915212, 0.04060142980038694, 0.06267204833410906, 0.08327674157670475,
                   0.1019301198172404, 0.1181945319615184, 0.1316886384491766, 0.1420961093183821,
                   0.1491729864726037, 0.1527533871307259])),
}
_BIG = 38.0  # |threshold| beyond which Phi is 0 or 1 in double precision


def bivariate_normal_cdf(h: np.ndarray, k: np.ndarray, rho: float) -> np.ndarray:
    """P(X <= h, Y <= k) for standard bivariate normal (X, Y) with correlation ``rho`` (vectorised over
    h and k; +-inf allowed). Genz's (2004) BVNU algorithm, accurate to about 1e-15."""
    h = np.clip(np.asarray(h, dtype=float), -_BIG, _BIG)
    k = np.clip(np.asarray(k, dtype=float), -_BIG, _BIG)
    h, k = np.broadcast_arrays(h, k)
    # BVNU computes the upper orthant P(X > dh, Y > dk); P(X <= h, Y <= k) = BVNU(-h, -k, rho)
    dh, dk = -h, -k
    r = float(rho)
    if r == 0:
        return stats.norm.cdf(h) * stats.norm.cdf(k)
    n = 6 if abs(r) < 0.3 else (12 if abs(r) < 0.75 else 20)
    x, w = _GL[n]
    x = np.concatenate([1 - x, 1 + x])
    w = np.concatenate([w, w])
    hk = dh * dk
    if abs(r) < 0.925:
        hs = (dh * dh + dk * dk) / 2
        asr = math.asin(r) / 2
        sn = np.sin(asr * x)  # nodes
        terms = np.exp((sn[None, :] * hk.reshape(-1, 1) - hs.reshape(-1, 1)) / (1 - sn**2)[None, :]) @ w
        bvn = terms.reshape(h.shape) * asr / (2 * math.pi) + stats.norm.cdf(-dh) * stats.norm.cdf(-dk)
        return np.clip(bvn, 0.0, 1.0)
    kk = dk if r > 0 else -dk
    hk = dh * kk
    bvn = np.zeros(h.shape)
    if abs(r) < 1:
        a_s = 1 - r * r
        a = math.sqrt(a_s)
        bs = (dh - kk) ** 2
        c = (4 - hk) / 8
        d = (12 - hk) / 80
        asr = -(bs / a_s + hk) / 2
        bvn = np.where(asr > -100, a * np.exp(asr) * (1 - c * (bs - a_s) * (1 - d * bs) / 3 + c * d * a_s**2), 0.0)
        b = np.sqrt(bs)
        sp = math.sqrt(2 * math.pi) * stats.norm.cdf(-b / a)
        with np.errstate(over="ignore", invalid="ignore"):  # the branch np.where discards (hk <= -100)
            bvn = np.where(hk > -100, bvn - np.exp(-hk / 2) * sp * b * (1 - c * bs * (1 - d * bs) / 3), bvn)
        a = a / 2
        for xi, wi in zip(x, w):
            xs = (a * xi) ** 2
            asr_i = -(bs / xs + hk) / 2
            rs = math.sqrt(1 - xs)
            sp_i = 1 + c * xs * (1 + 5 * d * xs)
            ep = np.exp(-(hk / 2) * xs / (1 + rs) ** 2) / rs
            bvn = bvn + np.where(asr_i > -100, a * wi * np.exp(asr_i) * (ep - sp_i), 0.0)
        bvn = -bvn / (2 * math.pi)
    if r > 0:
        bvn = bvn + stats.norm.cdf(-np.maximum(dh, kk))
    else:
        lower = np.where(dh < 0, stats.norm.cdf(kk) - stats.norm.cdf(dh), stats.norm.cdf(-dh) - stats.norm.cdf(-kk))
        bvn = np.where(dh >= kk, -bvn, lower - bvn)
    return np.clip(bvn, 0.0, 1.0)


def thresholds(counts: np.ndarray) -> np.ndarray:
    """Phi^-1 of the cumulative proportions (categories with no answers give repeated thresholds)."""
    cum = np.cumsum(counts)[:-1] / counts.sum()
    return stats.norm.ppf(cum)


def cell_probabilities(a: np.ndarray, b: np.ndarray, rho: float) -> np.ndarray:
    """pi_ij(rho) for thresholds a (rows) and b (columns), by differencing Phi2 on the threshold grid."""
    ea = np.concatenate([[-np.inf], a, [np.inf]])
    eb = np.concatenate([[-np.inf], b, [np.inf]])
    grid = bivariate_normal_cdf(ea[:, None], eb[None, :], rho)
    return np.diff(np.diff(grid, axis=0), axis=1)


def _neg_loglik(rho: float, table: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    p = cell_probabilities(a, b, rho)
    mask = table > 0
    return -float(np.sum(table[mask] * np.log(np.maximum(p[mask], 1e-300))))


def _max_rho(table: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    res = optimize.minimize_scalar(_neg_loglik, bounds=(-0.9999, 0.9999), args=(table, a, b),
                                   method="bounded", options={"xatol": 1e-10})
    return float(res.x)


def _table(x: np.ndarray, y: np.ndarray, cats_x: np.ndarray, cats_y: np.ndarray) -> np.ndarray:
    ix = np.searchsorted(cats_x, x)
    iy = np.searchsorted(cats_y, y)
    return _cross_counts(ix, iy, len(cats_x), len(cats_y))


def _cross_counts(ix: np.ndarray, iy: np.ndarray, nx: int, ny: int) -> np.ndarray:
    """Contingency table of two category-index arrays (one bincount: fast at millions of rows)."""
    return np.bincount(ix * ny + iy, minlength=nx * ny).reshape(nx, ny).astype(float)


@dataclass(frozen=True)
class PolychoricPair:
    """rho (two-step polychoric correlation), se (thresholds fixed), n (complete pairs), thresholds."""

    rho: float
    se: float
    n: int
    thresholds_x: tuple[float, ...]
    thresholds_y: tuple[float, ...]
    table: pd.DataFrame

    def to_dict(self) -> dict:
        return to_jsonable({k: getattr(self, k) for k in self.__dataclass_fields__})

    def summary(self) -> str:
        return f"Polychoric correlation (two-step ML): rho = {self.rho:.3f} (SE {self.se:.3f}), n = {self.n}"


def _categories(values: np.ndarray, name: str) -> np.ndarray:
    cats = np.unique(values)
    if len(cats) < 2:
        raise AnalysisError("Polychoric correlation: an item has fewer than 2 categories",
                            [Problem(f"{len(cats)} distinct value(s)", column=name)])
    if len(cats) > 20:
        raise AnalysisError("Polychoric correlation: more than 20 distinct values; is the item ordinal?",
                            [Problem(f"{len(cats)} distinct values", column=name)])
    return cats


def polychoric(x, y) -> PolychoricPair:
    """Two-step polychoric correlation of two ordinal variables (polycor ``polychor(x, y, ML=FALSE)``).

    Formula: thresholds a = Phi^-1(cumulative marginal proportions) of the complete pairs; rho maximises
    sum_ij n_ij ln pi_ij(rho) (see the module docstring); SE = (-d^2 lnL / drho^2)^-1/2.
    Reference: Olsson (1979). Example: ``polychoric(df.q1, df.q2).rho``.
    """
    xs, ys = pd.Series(x).reset_index(drop=True), pd.Series(y).reset_index(drop=True)
    if len(xs) != len(ys):
        raise AnalysisError("Polychoric correlation: x and y differ in length")
    ok = xs.notna() & ys.notna()
    xv, yv = xs[ok].to_numpy(dtype=float), ys[ok].to_numpy(dtype=float)
    cx, cy = _categories(xv, str(xs.name)), _categories(yv, str(ys.name))
    tab = _table(xv, yv, cx, cy)
    a, b = thresholds(tab.sum(axis=1)), thresholds(tab.sum(axis=0))
    rho = _max_rho(tab, a, b)
    h = 1e-4
    curv = (_neg_loglik(rho + h, tab, a, b) - 2 * _neg_loglik(rho, tab, a, b) + _neg_loglik(rho - h, tab, a, b)) / h**2
    se = 1 / math.sqrt(curv) if curv > 0 else math.nan
    return PolychoricPair(rho, se, int(ok.sum()), tuple(a), tuple(b),
                          pd.DataFrame(tab, index=cx, columns=cy))


def smooth_correlation(r: np.ndarray, eig_tol: float = 1e-12) -> tuple[np.ndarray, bool]:
    """psych ``cor.smooth``: eigenvalues < eig_tol -> 100 eig_tol, rescale to sum p, back to correlations."""
    vals, vecs = np.linalg.eigh(r)
    if vals.min() >= np.finfo(float).eps:
        return r, False
    vals = np.where(vals < eig_tol, 100 * eig_tol, vals)
    vals = vals * len(vals) / vals.sum()
    s = vecs @ np.diag(vals) @ vecs.T
    d = np.sqrt(np.diag(s))
    return s / np.outer(d, d), True


@dataclass(frozen=True)
class PolychoricMatrix:
    """rho (items x items), thresholds (items x cut-points, NaN-padded), n (pairwise complete counts),
    smoothed (True if the matrix was not positive definite and was smoothed), min_eigenvalue (before)."""

    rho: pd.DataFrame
    thresholds: pd.DataFrame
    n: pd.DataFrame
    smoothed: bool
    min_eigenvalue: float
    note: str

    def to_dict(self) -> dict:
        return to_jsonable({k: getattr(self, k) for k in self.__dataclass_fields__}, frames="split")

    def summary(self) -> str:
        n_range = f"{int(self.n.to_numpy().min())}..{int(self.n.to_numpy().max())}"
        lines = [f"Polychoric correlations (two-step ML, item thresholds from all answers), n = {n_range} per pair",
                 "  " + self.note]
        lines.append(self.rho.to_string(float_format=lambda v: f"{v:.3f}"))
        return "\n".join(lines)


def polychoric_matrix(data: pd.DataFrame, smooth: bool = True) -> PolychoricMatrix:
    """Polychoric correlation matrix (psych ``polychoric(x)``: global thresholds, pairwise tables).

    Each item's thresholds come from all its non-missing answers; each rho maximises the pair's
    log-likelihood given those thresholds. A matrix that is not positive definite is smoothed
    (psych ``cor.smooth``) when ``smooth`` is True; ``smoothed`` and ``note`` say whether that happened.
    Reference: Olsson (1979); Revelle, psych. Example: ``polychoric_matrix(df[items]).rho``.
    """
    items = [str(c) for c in data.columns]
    if len(items) < 2:
        raise AnalysisError("Polychoric correlations need at least 2 items")
    values = [data[c].to_numpy(dtype=float) for c in data.columns]
    cats, taus, codes = [], [], []
    for name, v in zip(items, values):
        ok = ~np.isnan(v)
        c = _categories(v[ok], name)
        cats.append(c)
        taus.append(thresholds(np.array([np.sum(v[ok] == k) for k in c], dtype=float)))
        code = np.full(len(v), -1)
        code[ok] = np.searchsorted(c, v[ok])
        codes.append(code)
    p = len(items)
    rho, n = np.eye(p), np.zeros((p, p), dtype=int)
    for i in range(p):
        n[i, i] = int(np.sum(codes[i] >= 0))
        for j in range(i):
            ok = (codes[i] >= 0) & (codes[j] >= 0)
            tab = _cross_counts(codes[i][ok], codes[j][ok], len(cats[i]), len(cats[j]))
            rho[i, j] = rho[j, i] = _max_rho(tab, taus[i], taus[j])
            n[i, j] = n[j, i] = int(ok.sum())
    min_eig = float(np.linalg.eigvalsh(rho).min())
    smoothed = False
    if smooth:
        rho, smoothed = smooth_correlation(rho)
    if smoothed:
        note = (f"the matrix was not positive definite (smallest eigenvalue {min_eig:.3g}) and was smoothed "
                "as psych's cor.smooth")
    else:
        note = f"positive definite (smallest eigenvalue {min_eig:.3g}), not smoothed"
    width = max(len(t) for t in taus)
    tau = pd.DataFrame([list(t) + [np.nan] * (width - len(t)) for t in taus], index=items,
                       columns=[str(k + 1) for k in range(width)])
    return PolychoricMatrix(pd.DataFrame(rho, index=items, columns=items), tau,
                            pd.DataFrame(n, index=items, columns=items), smoothed, min_eig, note)


@dataclass(frozen=True)
class OrdinalAlpha:
    alpha: float
    n_items: int
    n_min: int
    polychoric: PolychoricMatrix

    def to_dict(self) -> dict:
        return to_jsonable({k: getattr(self, k) for k in self.__dataclass_fields__}, frames="split")

    def summary(self) -> str:
        return (f"Ordinal alpha (alpha on the polychoric correlations) = {self.alpha:.3f}, "
                f"{self.n_items} items, n >= {self.n_min}; {self.polychoric.note}")


def ordinal_alpha(data: pd.DataFrame, smooth: bool = True) -> OrdinalAlpha:
    """Ordinal alpha: Cronbach's alpha computed on the polychoric correlation matrix R,

        alpha = k / (k - 1) * (1 - k / sum_ij R_ij)

    (Zumbo, Gadermann & Zeisser 2007; psych ``alpha(polychoric(x)$rho)``). Items must be keyed in the
    same direction (reverse-key first). Example: ``ordinal_alpha(df[items]).alpha``.
    """
    pc = polychoric_matrix(data, smooth=smooth)
    r = pc.rho.to_numpy()
    k = r.shape[0]
    alpha = k / (k - 1) * (1 - k / r.sum())
    return OrdinalAlpha(float(alpha), k, int(pc.n.to_numpy().min()), pc)
