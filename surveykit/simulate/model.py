"""The simulation model: calibration targets, the background variables' joint distribution, latent scores and the cut points that turn them into answers."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize, stats

from surveykit.errors import SpecError
from surveykit.spec.yamlio import load_yaml

CALIBRATION_N = 12_000
CALIBRATION_SEED = 20121201
CALIBRATION_ITERATIONS = 30
MIN_LEVEL_SHARE = 0.02  # group levels rarer than this are not calibrated (a handful of people)
MAX_COMMUNALITY = 0.95
PHI_CAP = 0.8  # default ceiling of a tuned factor correlation (targets: max_factor_correlation)
MAX_LOADING = 0.95


# ------------------------------------------------------------------------------------------------ targets
def load_targets(q, targets: str | Path | dict | None = None) -> dict:
    """The calibration targets: a dict, a YAML path, or (None) the questionnaire's ``simulation.targets``."""
    if isinstance(targets, dict):
        return targets
    if targets is None:
        if q.simulation is None:
            raise SpecError(f"{q.meta.id}: the questionnaire has no 'simulation.targets' file to simulate from")
        targets = q.resolve(q.simulation.targets)
    path = Path(targets)
    if not path.exists():
        raise SpecError(f"{path}: simulation targets file not found")
    data = load_yaml(path)
    return data.data if hasattr(data, "data") else data


def pct_from_moments(mean: float, sd: float, k: int = 6) -> np.ndarray:
    """% per value 1..k of a normal N(m, s) cut at 1.5, 2.5, ..., with m, s chosen so that the
    discrete distribution has the given mean and SD."""
    cuts = np.arange(1.5, k)
    values = np.arange(1, k + 1)

    def probs(par):
        cdf = stats.norm.cdf((cuts - par[0]) / np.exp(par[1]))
        return np.diff(np.concatenate(([0.0], cdf, [1.0])))

    def resid(par):
        p = probs(par)
        m = p @ values
        return [m - mean, np.sqrt(p @ (values - m) ** 2) - sd]

    sol = optimize.least_squares(resid, x0=[mean, np.log(sd)])
    return probs(sol.x) * 100


def largest_remainder(shares: np.ndarray, total: int) -> np.ndarray:
    """Integer counts summing to ``total`` closest to ``shares * total`` (Hamilton's method)."""
    raw = np.asarray(shares, float) / np.sum(shares) * total
    counts = np.floor(raw).astype(int)
    short = total - counts.sum()
    if short > 0:
        counts[np.argsort(-(raw - counts), kind="stable")[:short]] += 1
    return counts


# --------------------------------------------------------------------------------------------- background
def fit_background(bg: dict, iterations: int = 300) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Iterative proportional fitting of the joint table to every margin of ``bg['margins']``.

    Each margin is a set of (subset, groups, shares) constraints: within the subset (everybody, a level
    of ``by``, or the ``where`` group), the groups of ``distribution_of`` levels should have the shares.
    Returns variable names, the codes of every cell (cells x variables) and the cell probabilities.
    """
    names = list(bg["variables"])
    levels = [list(bg["variables"][v]) for v in names]
    cells = np.array(list(itertools.product(*levels)), dtype=int)
    col = {v: cells[:, j] for j, v in enumerate(names)}
    constraints = []  # (subset mask, [group masks], shares)
    for m in bg["margins"]:
        var = m["distribution_of"]
        lv = m.get("levels") or [[c] for c in bg["variables"][var]]
        lv = [x if isinstance(x, list) else [x] for x in lv]
        groups = [np.isin(col[var], g) for g in lv]
        base = np.ones(len(cells), bool)
        for wv, wc in (m.get("where") or {}).items():
            base &= np.isin(col[wv], wc if isinstance(wc, list) else [wc])
        values = m.get("pct", m.get("n"))
        if "by" in m:
            for level, shares in values.items():
                constraints.append((base & (col[m["by"]] == int(level)), groups, np.asarray(shares, float)))
        else:
            constraints.append((base, groups, np.asarray(values, float)))
    # one label array per constraint: group number of every cell in the subset (vectorised scaling)
    compiled = []
    for subset, groups, shares in constraints:
        rows = np.flatnonzero(subset)
        label = np.full(len(rows), -1)
        for g_no, g in enumerate(groups):
            label[g[rows]] = g_no
        keep = label >= 0
        compiled.append((rows[keep], label[keep], rows, shares / shares.sum()))
    p = np.full(len(cells), 1.0 / len(cells))
    for _ in range(iterations):
        before = p.copy()
        for rows, label, subset_rows, shares in compiled:
            total = p[subset_rows].sum()
            cur = np.bincount(label, weights=p[rows], minlength=len(shares))
            with np.errstate(invalid="ignore", divide="ignore"):
                factor = np.where(cur > 0, shares * total / cur, 0.0)
            p[rows] *= factor[label]
        p /= p.sum()
        if np.abs(p - before).max() < 1e-9:
            break
    return names, cells, p


def _systematic_draw(p: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Cell indices by systematic sampling (one random start), shuffled: every cell gets its
    expected count up to one, so group sizes follow the fitted table closely even at small n."""
    positions = (rng.random() + np.arange(n)) / n
    idx = np.searchsorted(np.cumsum(p), positions, side="right")
    idx = np.minimum(idx, len(p) - 1)
    return rng.permutation(idx)


# ----------------------------------------------------------------------------------------------- the model
@dataclass
class SimulationModel:
    """Everything :func:`simulate` needs, calibrated from a targets file (see :func:`calibrate`)."""

    targets: dict
    items: list[str]                   # all rating items, questionnaire order
    scale_max: dict[str, int]
    index_items: dict[str, list[int]]  # index id -> item positions
    factors: list[str]
    bg_names: list[str]
    bg_cells: np.ndarray
    bg_p: np.ndarray
    pct: np.ndarray                    # items x 6, target % per value
    n_valid: np.ndarray                # per item, valid answers of n_published
    loadings: np.ndarray               # items x factors
    phi: np.ndarray                    # factors x factors
    effects: dict[str, np.ndarray]     # effect variable -> items x levels (latent mean shifts)
    effect_levels: dict[str, list[int]]
    age_effects: dict[str, np.ndarray]
    age_intercept: float
    age_sd: float
    item_block: list[str] = field(default_factory=list)  # 'q18' etc.: the question each item belongs to
    calibration: dict = field(default_factory=dict)  # achieved statistics on the calibration sample


def _groupings(targets: dict) -> dict:
    return targets.get("groupings", {})


def derived(bg: dict[str, np.ndarray], targets: dict) -> dict[str, np.ndarray]:
    """Background codes plus the derived groupings (role3, sosbach, ...) as integer arrays (-1 = none)."""
    out = dict(bg)
    for name, g in _groupings(targets).items():
        src = bg[g["from"]]
        mapped = np.full(len(src), -1)
        for a, b in g["map"].items():
            mapped[src == int(a)] = int(b)
        out[name] = mapped
    # sosionomer vs other bachelors (the questionnaire's sosionom_vs_bachelor)
    sos = np.zeros(len(bg["edu_background"]), int)
    sos[(bg["education3"] == 2) & (bg["edu_background"] == 3)] = 2
    sos[bg["edu_background"] == 1] = 1
    out["sosbach"] = sos
    return out


def effect_var(grouping: str, targets: dict) -> str:
    g = _groupings(targets).get(grouping)
    return g["from"] if g else grouping


def level_map(grouping: str, level: int, targets: dict, effect_levels: list[int]) -> list[int]:
    """Positions (in the effect variable's levels) of the codes that form ``level`` of ``grouping``."""
    g = _groupings(targets).get(grouping)
    if not g:
        return [effect_levels.index(level)]
    return [effect_levels.index(int(a)) for a, b in g["map"].items() if int(b) == level and int(a) in effect_levels]


def group_moments(values: np.ndarray, codes: np.ndarray, levels: list[int]):
    """n, mean, variance of ``values`` (NaN = missing) per level of ``codes`` -- one vectorised pass."""
    ok = ~np.isnan(values)
    lv = np.asarray(levels)
    pos = np.searchsorted(lv, codes)
    pos = np.clip(pos, 0, len(lv) - 1)
    ok &= lv[pos] == codes
    k = len(lv)
    n = np.bincount(pos[ok], minlength=k).astype(float)
    s = np.bincount(pos[ok], weights=values[ok], minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s / n
        dev = values[ok] - mean[pos[ok]]
        var = np.bincount(pos[ok], weights=dev**2, minlength=k) / (n - 1)
    return n, mean, var


def alpha(x: np.ndarray) -> float:
    """Cronbach's alpha of the columns of x (pairwise covariances)."""
    c = pd.DataFrame(x).cov().to_numpy() if np.isnan(x).any() else np.cov(x.T)
    k = c.shape[0]
    return k / (k - 1) * (1 - np.trace(c) / c.sum())


def pearson(a: np.ndarray, b: np.ndarray) -> float:
    ok = ~(np.isnan(a) | np.isnan(b))
    return float(np.corrcoef(a[ok], b[ok])[0, 1])


def nearest_pd(m: np.ndarray, floor: float = 0.02) -> np.ndarray:
    w, v = np.linalg.eigh(m)
    m = (v * np.maximum(w, floor)) @ v.T
    d = np.sqrt(np.diag(m))
    return m / np.outer(d, d)


# ------------------------------------------------------------------------------------------- drawing
def draw_background(model: SimulationModel, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    idx = _systematic_draw(model.bg_p, n, rng)
    return {v: model.bg_cells[idx, j] for j, v in enumerate(model.bg_names)}


def level_positions(model: SimulationModel, groups: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {v: np.searchsorted(np.asarray(model.effect_levels[v]), groups[v]) for v in model.effects}


def latent(model: SimulationModel, pos: dict, z: np.ndarray, e: np.ndarray) -> np.ndarray:
    mu = np.zeros((len(z), len(model.items)))
    for v, eff in model.effects.items():
        mu += eff.T[pos[v]]
    lam = model.loadings
    uniq = np.sqrt(np.clip(1 - np.einsum("if,fg,ig->i", lam, model.phi, lam), 0.05, None))
    common = z @ np.linalg.cholesky(model.phi).T @ lam.T
    return mu + common + e * uniq


def cut_exact(ystar: np.ndarray, valid: np.ndarray, pct: np.ndarray) -> np.ndarray:
    """Answers 1..6 whose counts among the valid rows equal the target % (largest remainder).

    The value with rank c_j (the cumulative count of answers 1..j) is the threshold between j and
    j + 1; ``np.partition`` finds the thresholds in linear time (y* is continuous: no ties).
    """
    out = np.full(ystar.shape, np.nan)
    k = pct.shape[1]
    for i in range(ystar.shape[1]):
        rows = np.flatnonzero(valid[:, i])
        vals = ystar[rows, i]
        cum = np.cumsum(largest_remainder(pct[i], len(rows)))[:-1]  # answers <= j, j = 1..k-1
        kth = np.clip(cum - 1, 0, max(len(rows) - 1, 0))
        thr = np.partition(vals, np.unique(kth))[kth] if len(rows) else np.zeros(k - 1)
        thr = np.where(cum > 0, thr, -np.inf)  # nobody answers 1..j
        out[rows, i] = 1.0 + np.searchsorted(thr, vals, side="left")
    return out


def cut_quantile(ystar: np.ndarray, pct: np.ndarray) -> np.ndarray:
    """Answers 1..6 with thresholds at the quantiles of y* at the cumulative target % (large samples)."""
    n = len(ystar)
    cum = np.cumsum(pct, axis=1)[:, :-1] / pct.sum(axis=1, keepdims=True)
    at = np.clip(np.round(cum * n).astype(int), 0, n - 1)
    ordered = np.sort(ystar, axis=0)
    thr = np.take_along_axis(ordered, at.T, axis=0).T  # items x 5
    return 1.0 + (ystar[:, :, None] > thr[None]).sum(axis=2)


def index_scores(model: SimulationModel, x: np.ndarray) -> dict[str, np.ndarray]:
    import warnings

    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a respondent who skipped all of an index's items
        return {k: np.nanmean(x[:, cols], axis=1) if np.isnan(x[:, cols]).any() else x[:, cols].mean(axis=1)
                for k, cols in model.index_items.items()}


def quantity(model: SimulationModel, name: str, x: np.ndarray, scores: dict) -> np.ndarray:
    return scores[name] if name in scores else x[:, model.items.index(name)]


