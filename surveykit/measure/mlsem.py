"""Maximum-likelihood engine for (multi-group) confirmatory factor models, following lavaan's conventions.

Used by :mod:`surveykit.measure.cfa` and :mod:`surveykit.measure.invariance`; it knows nothing of tables
or reports. A model is a set of per-group matrices

    Sigma_g = Lambda_g Phi_g Lambda_g' + Theta_g,     mu_g = nu_g + Lambda_g alpha_g   (mean structure)

whose entries are either fixed numbers or free parameters; an equality constraint across groups is one
free parameter shared by several entries (as lavaan's ``group.equal``).

Conventions (lavaan 0.6, ``estimator="ML"``, ``likelihood="normal"``)
-------------------------------------------------------------------------
* S_g uses divisor n_g (not n_g - 1), and the discrepancy minimised is
  :math:`F = \\sum_g \\tfrac{n_g}{N}\\,\\tfrac12\\,[\\ln|\\Sigma_g| + \\mathrm{tr}(S_g\\Sigma_g^{-1}) - \\ln|S_g| - p
  + (\\bar y_g-\\mu_g)'\\Sigma_g^{-1}(\\bar y_g-\\mu_g)]`; the test statistic is :math:`\\chi^2 = 2NF`.
* Minimisation by Fisher scoring with step halving (the expected information is exact for ML here).
* Standard errors from the inverse *expected* information, evaluated at the model-implied moments
  (lavaan's default ``information="expected"``, ``h1.information="structured"``): Var = I^-1 / N.
* Modification indices: the score test of freeing one fixed parameter, MI = N g^2 / V with g the
  gradient of F and V = I_cc - I_cf I_ff^-1 I_fc; EPC = -g / V (Sorbom 1989; lavaan ``modindices``).

References: Joreskog, K. G. (1969). Psychometrika 34, 183-202. Sorbom, D. (1989). Model modification.
Psychometrika 54, 371-384. Rosseel, Y. (2012). lavaan. Journal of Statistical Software 48(2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from surveykit.errors import AnalysisError, Problem

LOG_2PI = math.log(2.0 * math.pi)


@dataclass
class Entry:
    """One entry of a model matrix. ``free`` is the index of its parameter, or -1 when fixed at ``value``."""

    group: int
    matrix: str  # 'lambda' (item, factor), 'phi' (factor, factor), 'theta' (item, item), 'nu' (item), 'alpha'
    row: int
    col: int
    free: int
    value: float


@dataclass
class GroupMoments:
    n: int
    cov: np.ndarray  # divisor n
    mean: np.ndarray
    gamma: np.ndarray | None = None  # asymptotic covariance of vech(S) (divisor n), for robust ML


@dataclass
class Model:
    """Model specification: p items, m factors, entries of every group's matrices, mean structure or not."""

    items: list[str]
    factors: list[str]
    n_groups: int
    meanstructure: bool
    entries: list[Entry]
    n_free: int

    def matrices(self, theta: np.ndarray, group: int) -> dict[str, np.ndarray]:
        p, m = len(self.items), len(self.factors)
        mats = {"lambda": np.zeros((p, m)), "phi": np.zeros((m, m)), "theta": np.zeros((p, p)),
                "nu": np.zeros(p), "alpha": np.zeros(m)}
        for e in self.entries:
            if e.group != group:
                continue
            v = theta[e.free] if e.free >= 0 else e.value
            if e.matrix in ("nu", "alpha"):
                mats[e.matrix][e.row] = v
            else:
                mats[e.matrix][e.row, e.col] = v
                if e.matrix in ("phi", "theta"):
                    mats[e.matrix][e.col, e.row] = v
        return mats

    def implied(self, theta: np.ndarray, group: int) -> tuple[np.ndarray, np.ndarray, dict]:
        mats = self.matrices(theta, group)
        lam, phi = mats["lambda"], mats["phi"]
        sigma = lam @ phi @ lam.T + mats["theta"]
        mu = mats["nu"] + lam @ mats["alpha"]
        return sigma, mu, mats


def vech_index(p: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column indices of the lower triangle, column by column (R's ``lav_matrix_vech`` order)."""
    cols, rows = np.triu_indices(p)  # (col <= row) pairs, ordered by column
    return rows, cols


def _entry_derivative(e: Entry, mats: dict, p: int) -> tuple[np.ndarray | None, np.ndarray | None]:
    """d Sigma / d entry and d mu / d entry for one matrix entry (valid for entries fixed at zero too)."""
    lam, phi = mats["lambda"], mats["phi"]
    if e.matrix == "lambda":
        i, j = e.row, e.col
        lp = lam @ phi[:, j]
        ds = np.zeros((p, p))
        ds[i, :] += lp
        ds[:, i] += lp
        dm = np.zeros(p)
        dm[i] = mats["alpha"][j]
        return ds, dm
    if e.matrix == "phi":
        j, k = e.row, e.col
        a = np.outer(lam[:, j], lam[:, k])
        return (a if j == k else a + a.T), None
    if e.matrix == "theta":
        ds = np.zeros((p, p))
        ds[e.row, e.col] = 1.0
        ds[e.col, e.row] = 1.0
        return ds, None
    if e.matrix == "nu":
        dm = np.zeros(p)
        dm[e.row] = 1.0
        return None, dm
    return None, lam[:, e.row].copy()  # alpha


def jacobian(model: Model, theta: np.ndarray, group: int, entries: list[Entry] | None = None,
             n_cols: int | None = None) -> np.ndarray:
    """Delta_g = d(vech Sigma_g, mu_g) / d theta: rows vech(Sigma) then mu (mu rows only with a mean
    structure). With ``entries``/``n_cols`` the columns are those entries' ``free`` indices (candidates)."""
    p = len(model.items)
    rows, cols = vech_index(p)
    mats = model.matrices(theta, group)
    use = model.entries if entries is None else entries
    k = model.n_free if n_cols is None else n_cols
    n_rows = len(rows) + (p if model.meanstructure else 0)
    delta = np.zeros((n_rows, k))
    for e in use:
        if e.group != group or e.free < 0:
            continue
        ds, dm = _entry_derivative(e, mats, p)
        if ds is not None:
            delta[: len(rows), e.free] += ds[rows, cols]
        if dm is not None and model.meanstructure:
            delta[len(rows):, e.free] += dm
    return delta


def _chol_inv_logdet(sigma: np.ndarray) -> tuple[np.ndarray, float] | None:
    try:
        c = np.linalg.cholesky(sigma)
    except np.linalg.LinAlgError:
        return None
    inv_c = np.linalg.inv(c)
    return inv_c.T @ inv_c, 2.0 * float(np.log(np.diag(c)).sum())


class Fitter:
    """Discrepancy, gradient and expected information of a model on per-group moments."""

    def __init__(self, model: Model, data: list[GroupMoments]):
        self.model = model
        self.data = data
        self.n_total = sum(d.n for d in data)
        self.weights = [d.n / self.n_total for d in data]
        p = len(model.items)
        self.rows, self.cols = vech_index(p)
        # d F / d vech(Sigma): off-diagonal entries appear twice in Sigma
        self.vech_mult = np.where(self.rows == self.cols, 1.0, 2.0)
        self.logdet_s = []
        for d in data:
            sign, ld = np.linalg.slogdet(d.cov)
            if sign <= 0:
                raise AnalysisError(
                    "CFA: the sample covariance matrix is singular (an item is constant or a linear "
                    "combination of others)", [Problem(f"items: {', '.join(model.items)}")])
            self.logdet_s.append(ld)

    def objective(self, theta: np.ndarray) -> float:
        """F = sum_g w_g * 0.5 * F_ML,g (lavaan's fx); +inf where a Sigma is not positive definite."""
        total = 0.0
        p = len(self.model.items)
        for g, d in enumerate(self.data):
            sigma, mu, _ = self.model.implied(theta, g)
            inv = _chol_inv_logdet(sigma)
            if inv is None:
                return math.inf
            sinv, logdet = inv
            f = logdet + float(np.sum(d.cov * sinv)) - self.logdet_s[g] - p
            if self.model.meanstructure:
                r = d.mean - mu
                f += float(r @ sinv @ r)
            total += self.weights[g] * 0.5 * f
        return total

    def moment_gradient(self, theta: np.ndarray, group: int) -> np.ndarray:
        """d (0.5 F_g) / d (vech Sigma_g, mu_g)."""
        d = self.data[group]
        sigma, mu, _ = self.model.implied(theta, group)
        sinv = np.linalg.inv(sigma)
        r = d.mean - mu if self.model.meanstructure else np.zeros(len(mu))
        w = sinv - sinv @ (d.cov + np.outer(r, r)) @ sinv
        gs = w[self.rows, self.cols] * self.vech_mult
        if self.model.meanstructure:
            gs = np.concatenate([gs, -2.0 * sinv @ r])
        return 0.5 * gs

    def gradient(self, theta: np.ndarray) -> np.ndarray:
        grad = np.zeros(self.model.n_free)
        for g in range(len(self.data)):
            grad += self.weights[g] * (jacobian(self.model, theta, g).T @ self.moment_gradient(theta, g))
        return grad

    def unit_information(self, theta: np.ndarray, group: int, delta: np.ndarray) -> np.ndarray:
        """Delta' H Delta for one group, H = normal_weight(Sigma_g) at the implied moments."""
        sigma, _, _ = self.model.implied(theta, group)
        return delta.T @ normal_weight(sigma, self.model.meanstructure) @ delta

    def information(self, theta: np.ndarray) -> np.ndarray:
        info = np.zeros((self.model.n_free, self.model.n_free))
        for g in range(len(self.data)):
            info += self.weights[g] * self.unit_information(theta, g, jacobian(self.model, theta, g))
        return info

    def fit(self, start: np.ndarray, max_iter: int = 500, tol: float = 1e-10) -> tuple[np.ndarray, int, bool]:
        """Fisher scoring with step halving; converged when the largest step is below ``tol``."""
        theta = start.copy()
        f = self.objective(theta)
        if not math.isfinite(f):
            raise AnalysisError("CFA: the starting values give a non-positive-definite implied covariance")
        for it in range(1, max_iter + 1):
            grad = self.gradient(theta)
            try:
                step = np.linalg.solve(self.information(theta), grad)
            except np.linalg.LinAlgError as exc:
                raise AnalysisError("CFA: the model is not identified (singular information matrix)") from exc
            t = 1.0
            while t > 1e-10:
                cand = theta - t * step
                fc = self.objective(cand)
                if fc <= f + 1e-15:
                    break
                t /= 2
            else:
                return theta, it, bool(np.max(np.abs(step)) < 1e-6)
            theta, f = cand, fc
            if np.max(np.abs(t * step)) < tol:
                return theta, it, True
        return theta, max_iter, False


def normal_weight(sigma: np.ndarray, meanstructure: bool = False) -> np.ndarray:
    """H = blockdiag(0.5 D'(Sigma^-1 x Sigma^-1) D, Sigma^-1): the unit expected information of
    (vech Sigma, mu) under normality, D the duplication matrix; written out elementwise: entry
    ((i,j),(k,l)) of D'(A x A)D is (A_ik A_jl + A_il A_jk) m_ij m_kl / 2, m = 2 off the diagonal, 1 on it."""
    sinv = np.linalg.inv(sigma)
    p = len(sigma)
    r, c = vech_index(p)
    mult = np.where(r == c, 1.0, 2.0)
    h = 0.5 * (sinv[np.ix_(r, r)] * sinv[np.ix_(c, c)] + sinv[np.ix_(r, c)] * sinv[np.ix_(c, r)])
    h = h * np.outer(mult, mult) / 2.0
    if meanstructure:
        full = np.zeros((h.shape[0] + p, h.shape[0] + p))
        full[: h.shape[0], : h.shape[0]] = h
        full[h.shape[0]:, h.shape[0]:] = sinv
        h = full
    return h


def moments(values: np.ndarray, fourth: bool = False) -> GroupMoments:
    """Listwise-complete values (n x p) -> n, covariance with divisor n, means, and with ``fourth`` the
    asymptotic covariance matrix Gamma of (vech S, ybar) (divisor n; Browne 1984), which robust ML
    (Satorra-Bentler) needs: Gamma_(ij),(kl) = s_ijkl - s_ij s_kl, Cov(s_ij, ybar_k) = s_ijk,
    Var(ybar) = S. Rows and columns in the order of :func:`jacobian` (vech first, then means)."""
    n = values.shape[0]
    mean = values.mean(axis=0)
    centred = values - mean
    gamma = None
    if fourth:
        r, c = vech_index(values.shape[1])
        s = (centred.T @ centred / n)[r, c]  # mean of the products = vech(S)
        k = len(r) + values.shape[1]
        gamma = np.zeros((k, k))
        # in chunks: the n x p(p+1)/2 matrix of products would not fit in memory for large n
        for start in range(0, n, 20000):
            block = centred[start:start + 20000]
            z = np.hstack([block[:, r] * block[:, c] - s, block])
            gamma += z.T @ z
        gamma /= n
    return GroupMoments(n=n, cov=centred.T @ centred / n, mean=mean, gamma=gamma)
