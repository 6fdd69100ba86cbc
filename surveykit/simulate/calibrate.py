"""Calibration of the simulation model to a questionnaire's published tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from surveykit.errors import SpecError
from surveykit.simulate.acceptance import (
    kmo,
    published_sig,
    reliability_targets,
    sharpened_means,
    statistics,
    structure,
)
from surveykit.simulate.model import (
    CALIBRATION_ITERATIONS,
    CALIBRATION_N,
    CALIBRATION_SEED,
    MAX_COMMUNALITY,
    MAX_LOADING,
    MIN_LEVEL_SHARE,
    PHI_CAP,
    SimulationModel,
    alpha,
    cut_quantile,
    derived,
    draw_background,
    effect_var,
    fit_background,
    group_moments,
    index_scores,
    latent,
    level_map,
    level_positions,
    load_targets,
    nearest_pd,
    pct_from_moments,
    quantity,
)


# --------------------------------------------------------------------------------------------- calibration
def _init_model(q, targets: dict) -> SimulationModel:
    items = [it.id for it in q.items]
    scale_max = {it.id: q.scales[it.scale].max for it in q.items}
    index_items = {ix.id: [items.index(i) for i in ix.items] for ix in q.indices}
    factors = list(targets["factors"])
    unknown = [f for f in factors if f not in index_items]
    if unknown:
        raise SpecError(f"simulation targets: factors {unknown} are not indices of the questionnaire")
    names, cells, p = fit_background(targets["background"])
    pct = np.zeros((len(items), 6))
    n_valid = np.zeros(len(items), int)
    n_pub = int(targets["n_published"])
    for i, item in enumerate(items):
        spec = targets["items"].get(item)
        if spec is None:
            raise SpecError(f"simulation targets: no distribution for item {item!r}")
        pct[i] = np.asarray(spec["pct"], float) if "pct" in spec else pct_from_moments(spec["mean"], spec["sd"])
        pct[i] = pct[i] / pct[i].sum() * 100
        n_valid[i] = int(spec.get("n", n_pub))
    minor = [list(c) for c in targets.get("minor_factors", [])]
    factors = factors + [f"_minor{j + 1}" for j in range(len(minor))]
    lam = np.zeros((len(items), len(factors)))
    for j, cluster in enumerate(minor):
        lam[[items.index(i) for i in cluster], len(factors) - len(minor) + j] = 0.2
    for item, row in targets["loadings"].items():
        for f, v in row.items():
            lam[items.index(item), factors.index(f)] = v
    # start: factor correlations from the published index correlations
    phi = np.eye(len(factors))
    for c in targets["correlations"]:
        if c["a"] in factors and c["b"] in factors:
            a, b = factors.index(c["a"]), factors.index(c["b"])
            phi[a, b] = phi[b, a] = c["r"]
    phi = nearest_pd(phi)
    effect_vars = {}
    for gm in targets["group_means"]:
        ev = effect_var(gm["by"], targets)
        effect_vars[ev] = None
    levels = {v: list(targets["background"]["variables"][v]) if v in targets["background"]["variables"] else [0, 1, 2]
              for v in effect_vars}
    effects = {v: np.zeros((len(items), len(levels[v]))) for v in effect_vars}
    age = targets["background"]["age"]
    age_vars = [m["by"] for m in age.get("means_by", [])]
    age_effects = {v: np.zeros(len(targets["background"]["variables"][v])) for v in age_vars}
    return SimulationModel(targets, items, scale_max, index_items, factors, names, cells, p, pct, n_valid,
                           lam, phi, effects, levels, age_effects, float(age["mean"]), float(age["sd"]),
                           item_block=[f"q{it.question}" for it in q.items])


def _calibrate_age(model: SimulationModel, groups: dict, eps: np.ndarray) -> None:
    age = model.targets["background"]["age"]
    codes = {m["by"]: groups[m["by"]] for m in age.get("means_by", [])}
    lv = {v: list(model.targets["background"]["variables"][v]) for v in codes}
    pos = {v: np.searchsorted(np.asarray(lv[v]), codes[v]) for v in codes}
    for _ in range(50):  # backfitting of the additive group means
        mean = model.age_intercept + sum(model.age_effects[v][pos[v]] for v in codes)
        for m in age["means_by"]:
            v = m["by"]
            n, mu, _ = group_moments(mean, codes[v], lv[v])
            for level, target in m["means"].items():
                j = lv[v].index(int(level))
                model.age_effects[v][j] += 0.5 * (target - mu[j])
        mean = model.age_intercept + sum(model.age_effects[v][pos[v]] for v in codes)
        model.age_intercept += age["mean"] - mean.mean()
    spread = np.var(mean)
    model.age_sd = float(np.sqrt(max(age["sd"] ** 2 - spread, 1.0)))


def ages(model: SimulationModel, groups: dict, eps: np.ndarray) -> np.ndarray:
    age = model.targets["background"]["age"]
    mean = model.age_intercept + sum(
        model.age_effects[v][np.searchsorted(np.asarray(model.targets["background"]["variables"][v]), groups[v])]
        for v in model.age_effects)
    return np.clip(np.round(mean + model.age_sd * eps), age["min"], age["max"]).astype(int)




def calibrate(q, targets: dict | str | Path | None = None, n: int = CALIBRATION_N,
              seed: int = CALIBRATION_SEED, iterations: int = CALIBRATION_ITERATIONS) -> SimulationModel:
    """Fit the latent model to the targets on one large fixed-seed sample (common random numbers).

    Each iteration cuts the latent answers at the target %, then moves (damped) every group effect by
    the gap between published and simulated group means (backfitting), rescales the loadings of each
    index by the ratio of target to simulated mean inter-item correlation (from alpha:
    r = alpha / (k - (k-1) alpha)) and moves each factor correlation by the gap between published and
    simulated index correlations.
    """
    t = load_targets(q, targets)
    model = _init_model(q, t)
    rng = np.random.default_rng(seed)
    groups = derived(draw_background(model, n, rng), t)
    pos = level_positions(model, groups)
    z = rng.standard_normal((n, len(model.factors)))
    e = rng.standard_normal((n, len(model.items)))
    _calibrate_age(model, groups, rng.standard_normal(n))
    f_of = {f: j for j, f in enumerate(model.factors) if not f.startswith("_minor")}
    n_minor = len(model.factors) - len(f_of)
    rel = reliability_targets(model)
    eta = 0.5
    phi_cap = float(t.get("max_factor_correlation", PHI_CAP))
    grow_cross = bool(t.get("grow_cross_loadings", False))
    # items of one factor's index with a published (pattern) loading on the other factor
    cross_items = {}
    for fa_name, a in f_of.items():
        for fb_name, b in f_of.items():
            if a < b:
                rows = [i for i in model.index_items[fb_name] if model.loadings[i, a] != 0]
                cols = [a] * len(rows)
                rows2 = [i for i in model.index_items[fa_name] if model.loadings[i, b] != 0]
                cross_items[(a, b)] = (np.array(rows + rows2, int), np.array(cols + [b] * len(rows2), int))

    # group-mean targets, resolved once: quantity, codes, levels, [(level pos, effect positions, target)],
    # effect variable, the items whose effects move (an index's items unless an item has its own target)
    item_level = {(gm["of"], gm["by"]) for gm in t["group_means"] if gm["of"] in model.items}
    plans = []
    for gm in t["group_means"]:
        ev = effect_var(gm["by"], t)
        levels = sorted(int(k) for k in gm["means"])
        codes = groups[gm["by"]]
        if gm["of"] in model.items:
            moved = [model.items.index(gm["of"])]
        else:
            moved = [c for c in model.index_items[gm["of"]] if (model.items[c], gm["by"]) not in item_level]
        if not moved:
            continue
        fits = [(j, level_map(gm["by"], lv, t, model.effect_levels[ev]), float(gm["means"][lv]))
                for j, lv in enumerate(levels) if (codes == lv).mean() >= MIN_LEVEL_SHARE]
        lv_arr = np.asarray(levels)
        gpos = np.clip(np.searchsorted(lv_arr, codes), 0, len(levels) - 1)
        rows = np.flatnonzero(lv_arr[gpos] == codes)
        counts = np.bincount(gpos[rows], minlength=len(levels)).astype(float)
        plans.append((gm["of"], (rows, gpos[rows], counts), levels, fits, ev, moved, published_sig(gm)))
    shares = {v: np.bincount(pos[v], minlength=len(model.effect_levels[v])) / n for v in model.effects}
    # the group means aimed at: the published ones, their spread widened or narrowed so that a sample
    # of the published size decides the published significance with a margin (see sharpened_means)
    x = cut_quantile(latent(model, pos, z, e), model.pct)
    scores = index_scores(model, x)
    n_pub = int(t["n_published"])
    for k, (name, (rows, gpos, counts), levels, fits, ev, moved, sig) in enumerate(plans):
        if sig is None or len(fits) < 2:
            continue
        sd = float(np.nanstd(quantity(model, name, x, scores)[rows]))
        js = [j for j, _, _ in fits]
        aimed = sharpened_means(np.array([f[2] for f in fits]), counts[js] / n * n_pub, sd, sig)
        plans[k] = (name, (rows, gpos, counts), levels,
                    [(j, eff_pos, a) for (j, eff_pos, _), a in zip(fits, aimed)], ev, moved, sig)

    for _ in range(iterations):
        x = cut_quantile(latent(model, pos, z, e), model.pct)
        scores = index_scores(model, x)
        sd_item = x.std(axis=0)
        # 1) group means: one damped Jacobi step over all targets, in latent units (item SDs). Only the
        # differences between the groups are fitted: an index whose published mean differs from the
        # mean of its items' published distributions (Målekortet: 3.87 against 3.54) keeps that offset
        # rather than pushing it onto the groups too small to be calibrated.
        step = {v: np.zeros_like(a) for v, a in model.effects.items()}
        for name, (rows, gpos, counts), levels, fits, ev, moved, _ in plans:
            vals = quantity(model, name, x, scores)[rows]
            with np.errstate(invalid="ignore", divide="ignore"):
                mean = np.bincount(gpos, weights=vals, minlength=len(levels)) / counts
            scale = sd_item[moved].mean() * (1.0 if name in model.items else 0.9)
            js = [j for j, _, _ in fits]
            gaps = np.array([target - mean[j] for j, _, target in fits])
            gaps -= np.average(gaps, weights=counts[js])
            for (j, eff_pos, target), gap in zip(fits, gaps):
                step[ev][np.ix_(moved, eff_pos)] += eta * gap / scale
        for v in model.effects:
            model.effects[v] += step[v]
            model.effects[v] -= (model.effects[v] @ shares[v])[:, None]  # identified up to the cut points
        # 2) reliabilities: rescale loadings on the index's factor
        lam = model.loadings
        for rt, cols in rel:
            f = f_of[rt["index"]]
            if "extra_item" in rt:
                # the extra item's loading moves alpha of the longer scale directly
                lam[cols[-1], f] += 3 * eta * (rt["alpha"] - alpha(x[:, cols]))
                continue
            k = len(cols)
            if "r" in rt:
                r_target, r_have = rt["r"], np.corrcoef(x[:, cols].T)[0, 1]
            else:
                a = alpha(x[:, cols])
                r_target = rt["alpha"] / (k - (k - 1) * rt["alpha"])
                r_have = a / (k - (k - 1) * a)
            lam[cols, f] *= (r_target / r_have) ** (0.5 * eta)
        # 3) correlations: factor correlations (index pairs) and single items' loadings
        for c in t["correlations"]:
            va = quantity(model, c["a"], x, scores)
            vb = quantity(model, c["b"], x, scores)
            gap = c["r"] - np.corrcoef(va, vb)[0, 1]
            if c["a"] in f_of and c["b"] in f_of:
                a, b = f_of[c["a"]], f_of[c["b"]]
                wanted = model.phi[a, b] + eta * gap * 1.15
                model.phi[a, b] = model.phi[b, a] = np.clip(wanted, -phi_cap, phi_cap)
                # Past the ceiling the published cross-loadings between the two factors carry the
                # rest: a factor correlation near 1 would merge the factors in an exploratory FA.
                cross = cross_items.get((a, b))
                if grow_cross and cross is not None and abs(wanted) > phi_cap:
                    rows, cols = cross
                    lam[rows, cols] *= 1.0 + eta * gap * 1.5
            else:
                item = model.items.index(c["b"] if c["b"] in model.items else c["a"])
                lam[item, f_of[c["a"] if c["a"] in f_of else c["b"]]] += 2 * eta * gap
        model.phi = nearest_pd(model.phi)
        # 4) sampling adequacy: the strength of the minor factors (correlated residuals) sets the KMO
        for fa in t.get("factor_analyses", []):
            cols = [model.items.index(i) for i in fa["items"]]
            minor_cols = [len(model.factors) - n_minor + j for j in range(n_minor)
                          if np.any(lam[cols, len(model.factors) - n_minor + j] != 0)]
            if not minor_cols:
                continue
            r = np.corrcoef(x[:, cols].T)
            block = lam[:, minor_cols]
            block[block != 0] = np.clip(block[block != 0] + eta * 3 * (kmo(r) - fa["kmo"]), 0.0, 0.6)
            lam[:, minor_cols] = block
        np.clip(lam, -MAX_LOADING, MAX_LOADING, out=lam)
        # keep every communality below the cap
        comm = np.einsum("if,fg,ig->i", lam, model.phi, lam)
        over = comm > MAX_COMMUNALITY
        lam[over] *= np.sqrt(MAX_COMMUNALITY / comm[over])[:, None]

    x = cut_quantile(latent(model, pos, z, e), model.pct)
    model.calibration = {**statistics(model, x, groups), **structure(model, x)}
    return model


