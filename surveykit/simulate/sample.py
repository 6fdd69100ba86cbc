"""Synthetic respondents in a questionnaire's raw format, calibrated to published tables.

When the raw data of a study are confidential but its tables are published, a synthetic sample that
reproduces the published distributions, reliabilities, correlations and group differences lets every
analysis of the toolkit run end to end, and shows how close a replication can get. The numbers live in
a targets file (the questionnaire's ``simulation.targets``); this module holds only the model:

1. **Background**: a joint distribution over the analysis categories (unit, gender, employer, role, ...)
   fitted by iterative proportional fitting (Deming & Stephan 1940) to every printed one- and two-way
   distribution, then drawn by systematic sampling, so that group sizes follow the tables closely.
   Age is normal with additive group means, clipped to the printed range.
2. **Items**: a latent-variable model. Factors ``F ~ N(0, Phi)``; the latent answer to item *i* is
   ``y*_i = mu_i(groups) + lambda_i' F + u_i e_i`` with ``u_i^2 = 1 - lambda_i' Phi lambda_i``, and the
   answer is ``y*_i`` cut into 1..6 so that the item's % per value equal the published ones (the cut
   points are the sample quantiles of ``y*_i`` at the cumulative target %, i.e. the normal-quantile
   thresholds applied within the sample, so the marginal % are met up to rounding at any n).
3. **Calibration** (once per targets file, on a large fixed-seed sample): loadings (the published
   pattern loadings, cross-loadings included) are rescaled to the published alphas, factor correlations
   tuned to the published index correlations up to ``max_factor_correlation`` (beyond it two factors
   merge in an exploratory analysis) and the additive group effects ``mu_i(groups)`` fitted by
   backfitting to the differences between the published group means, their spread widened or narrowed
   so that a sample of the published size decides the published significance with a margin
   (:func:`_sharpened_means`).
4. **Refinement** (seeded): several candidate samples are drawn and the one closest to the published
   statistics kept: alphas, correlations, KMO, R², significance of the published group differences,
   and the exploratory factor structure (number of factors by Kaiser's criterion, the factor each item
   loads highest on, the pattern loadings).

Item nonresponse, "0 = unanswered" codes and the free-text "annet" answers that the questionnaire's
keyword recodes read are written as the survey export had them.

Reference: Deming, W. E. & Stephan, F. F. (1940). On a least squares adjustment of a sampled frequency
table when the expected marginal totals are known. *Annals of Mathematical Statistics*, 11, 427-444.

Example
-------
>>> from surveykit.spec.questionnaire import load_questionnaire                          # doctest: +SKIP
>>> q = load_questionnaire("questionnaires/schick2012.yaml")               # doctest: +SKIP
>>> df = simulate(q, n=383, seed=2012)                                     # doctest: +SKIP
>>> simulate_to_file(q, n=50, seed=1, out=Path("tmp.xlsx"))                # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from surveykit.errors import SpecError
from surveykit.simulate.acceptance import statistics, target_loss, structure
from surveykit.simulate.calibrate import ages, calibrate
from surveykit.simulate.model import (
    SimulationModel,
    cut_exact,
    derived,
    draw_background,
    largest_remainder,
    latent,
    level_positions,
)

DEFAULT_REFINE = 150  # candidate samples drawn by simulate() up to 2,000 respondents


# ------------------------------------------------------------------------------------------- one sample
def _scaled(count: float, n: int, n_pub: int) -> int:
    return int(round(count * n / n_pub))


def _draw_sample(model: SimulationModel, n: int, rng: np.random.Generator) -> dict:
    """One synthetic sample in analysis codes (before writing it as raw answers)."""
    t = model.targets
    n_pub = int(t["n_published"])
    bg = draw_background(model, n, rng)
    full = derived(bg, t)
    age = ages(model, full, rng.standard_normal(n))
    z = rng.standard_normal((n, len(model.factors)))
    e = rng.standard_normal((n, len(model.items)))
    ystar = latent(model, level_positions(model, full), z, e)
    # item nonresponse: whole-block skippers, then scattered missing answers up to each item's N
    valid = np.ones((n, len(model.items)), bool)
    for block, count in (t.get("block_missing") or {}).items():
        cols = [i for i, b in enumerate(model.item_block) if b == str(block)]
        rows = rng.choice(n, size=min(_scaled(count, n, n_pub), n), replace=False)
        valid[np.ix_(rows, cols)] = False
    for i in range(len(model.items)):
        want_missing = _scaled(n_pub - model.n_valid[i], n, n_pub)
        extra = want_missing - int((~valid[:, i]).sum())
        if extra > 0:
            rows = rng.choice(np.flatnonzero(valid[:, i]), size=min(extra, int(valid[:, i].sum()) - 2), replace=False)
            valid[rows, i] = False
    x = cut_exact(ystar, valid, model.pct)
    # background nonresponse (analysis codes -1; how it is written raw is decided in _to_raw)
    miss = t["background"].get("missing", {})
    observed = {k: v.copy() for k, v in bg.items()}
    blank: dict[str, np.ndarray] = {}

    def pick(count, eligible=None):
        pool = np.flatnonzero(eligible if eligible is not None else np.ones(n, bool))
        k = min(_scaled(count, n, n_pub), len(pool))
        return rng.choice(pool, size=k, replace=False)

    for var in ("gender", "employer", "role6", "start_year", "stress", "user_contact"):
        rows = pick(miss.get(var, 0))
        observed[var][rows] = -1
    unit_rows = pick(miss.get("unit_unanswered", 0) + miss.get("unit_other_text", 0))
    n_text = min(_scaled(miss.get("unit_other_text", 0), n, n_pub), len(unit_rows))
    blank["unit_other_text"] = unit_rows[:n_text]
    blank["unit_unanswered"] = unit_rows[n_text:]
    observed["unit"][unit_rows] = -1
    # unusable education answers only among people without a sosionom/health text, so that the
    # educational background (read from the texts) stays as drawn
    edu_rows = pick(miss.get("education_unanswered", 0) + miss.get("education_other_text", 0),
                    bg["edu_background"] == 3)
    n_text = min(_scaled(miss.get("education_other_text", 0), n, n_pub), len(edu_rows))
    blank["education_other_text"] = edu_rows[:n_text]
    blank["education_unanswered"] = edu_rows[n_text:]
    observed["education3"][edu_rows] = -1
    blank["age"] = pick(miss.get("age", 0))
    blank["position_size"] = pick(miss.get("position_size", 0))
    return {"bg": bg, "observed": derived(observed, t), "age": age, "x": x, "blank": blank}


def _to_raw(model: SimulationModel, q, sample: dict, rng: np.random.Generator) -> pd.DataFrame:
    """Write a sample as the survey export had it: raw codes, 0 = unanswered, free-text answers."""
    t = model.targets
    bg, obs, blank, x = sample["bg"], sample["observed"], sample["blank"], sample["x"]
    n = len(x)
    texts = t.get("free_text", {})
    raw_spec = t["background"].get("raw", {})
    out: dict[str, Any] = {}
    text_cols = {ft.id: np.full(n, "", dtype=object) for ft in q.free_text}

    def choose(options, rows):
        options = np.array(list(options) + [None], dtype=object)[:-1]  # 1-d even for tuple-like options
        return options[rng.integers(0, len(options), size=len(rows))] if len(rows) else []

    def split(codes: np.ndarray, spec: dict) -> np.ndarray:
        """Raw code per respondent from the shares of raw codes within each analysis code."""
        rawc = codes.copy()
        for code, shares in spec.items():
            rows = np.flatnonzero(codes == int(code))
            if not len(rows):
                continue
            keys = [int(k) for k in shares]
            counts = largest_remainder(np.array([shares[k] for k in shares], float), len(rows))
            rawc[rng.permutation(rows)] = np.repeat(keys, counts)
        return rawc

    # items
    for i, item in enumerate(model.items):
        out[item] = np.where(np.isnan(x[:, i]), 0, x[:, i]).astype(int)
    # simple background questions: the analysis code is the raw code
    for var in ("gender", "employer", "start_year", "user_contact", "stress"):
        out[var] = np.where(obs[var] < 0, 0, bg[var])
    age = sample["age"].copy()
    age[blank["age"]] = 0
    out["age"] = age
    ps = t["background"].get("position_size_pct", {1: 10, 2: 90})
    pos_codes = np.repeat([int(k) for k in ps], largest_remainder(np.array(list(ps.values()), float), n))
    pos_codes = rng.permutation(pos_codes)
    pos_codes[blank["position_size"]] = 0
    out["position_size"] = pos_codes
    # workplace: unit 5 is spesialenhet, fylke or "annet" naming a special unit; a few forvaltning
    # answers come as "annet: ... forvaltning"; 'unit_other_text' rows are "annet" with no usable text
    wp = split(bg["unit"], raw_spec.get("workplace", {}))
    wtext = texts.get("workplace_other", {})
    for unit in (4, 5):
        rows = np.flatnonzero((wp == 7) & (bg["unit"] == unit))
        text_cols["workplace_other"][rows] = choose(wtext.get(unit, ["annet"]), rows)
    wp[blank["unit_unanswered"]] = 0
    wp[blank["unit_other_text"]] = 7
    text_cols["workplace_other"][blank["unit_other_text"]] = choose(wtext.get("unusable", ["annet"]),
                                                                  blank["unit_other_text"])
    out["workplace"] = wp
    # role: rådgiver (role6 5) and annet (6) are raw 6 with a text
    role = split(bg["role6"], raw_spec.get("role", {}))
    rtext = texts.get("role_other", {})
    for r6 in (5, 6):
        rows = np.flatnonzero(bg["role6"] == r6)
        text_cols["role_other"][rows] = choose(rtext.get(r6, [""]), rows)
    role[obs["role6"] < 0] = 0
    text_cols["role_other"][obs["role6"] < 0] = ""
    out["role"] = role
    # education: old degrees written under "annet"; background professions in the "which" texts
    edu = split(bg["education3"], raw_spec.get("education", {}))
    edu_bg = bg["edu_background"]
    profession = {1: "sosionom", 2: "health", 3: "other"}
    # people with a profession and a master's degree say so in the master text (raw 4)
    edu[(bg["education3"] == 3) & (edu_bg != 3)] = 4
    etext = texts.get("education_other", {})
    for level in (1, 2, 3):
        rows = np.flatnonzero((edu == 5) & (bg["education3"] == level) & (edu_bg == 3))
        text_cols["education_other"][rows] = choose(etext.get(level, ["annet"]), rows)
    for b in (1, 2):
        rows = np.flatnonzero((edu == 5) & (edu_bg == b))
        text_cols["education_other"][rows] = choose(etext.get(profession[b], [""]), rows)
        rows = np.flatnonzero((edu == 3) & (edu_bg == b))
        text_cols["education_bachelor_which"][rows] = choose(
            texts.get("education_bachelor_which", {}).get(profession[b], [""]), rows)
        rows = np.flatnonzero((edu == 4) & (edu_bg == b))
        text_cols["education_master_which"][rows] = choose(
            texts.get("education_master_which", {}).get(profession[b], [""]), rows)
    rows = np.flatnonzero((edu == 3) & (edu_bg == 3))
    text_cols["education_bachelor_which"][rows] = choose(
        texts.get("education_bachelor_which", {}).get("other", [""]), rows)
    rows = np.flatnonzero((edu == 4) & (edu_bg == 3))
    text_cols["education_master_which"][rows] = choose(
        texts.get("education_master_which", {}).get("other", [""]), rows)
    edu[blank["education_unanswered"]] = 0
    edu[blank["education_other_text"]] = 5
    for col in ("education_bachelor_which", "education_master_which", "education_other"):
        text_cols[col][blank["education_unanswered"]] = ""
        text_cols[col][blank["education_other_text"]] = ""
    text_cols["education_other"][blank["education_other_text"]] = choose(
        etext.get("unusable", ["annet"]), blank["education_other_text"])
    out["education"] = edu
    # open questions: mostly empty, a few short answers from the bank
    for qid, spec in (texts.get("open") or {}).items():
        if qid in text_cols:
            rows = np.flatnonzero(rng.random(n) < float(spec.get("rate", 0.1)))
            text_cols[qid][rows] = choose(spec["answers"], rows)
    out.update(text_cols)

    frame = pd.DataFrame({q.respondent_id or "respondent_id": np.arange(1, n + 1)})
    for name in q.raw_variables:
        col = out[name]
        frame[name] = pd.Series(col, dtype=object if name in text_cols else "int64")
    for name in text_cols:
        frame[name] = frame[name].astype(str)
    return frame


# ---------------------------------------------------------------------------------------------- public
_CACHE: dict[tuple, SimulationModel] = {}


def model_for(q, targets: str | Path | dict | None = None) -> SimulationModel:
    """The calibrated model of a questionnaire (cached per targets file and its modification time)."""
    if isinstance(targets, dict):
        return calibrate(q, targets)
    path = Path(targets) if targets is not None else (
        q.resolve(q.simulation.targets) if q.simulation is not None else None)
    if path is None:
        raise SpecError(f"{q.meta.id}: the questionnaire has no 'simulation.targets' file to simulate from")
    key = (str(path.resolve()), path.stat().st_mtime_ns if path.exists() else 0, str(q.source_path),
           tuple(it.id for it in q.items))
    if key not in _CACHE:
        _CACHE[key] = calibrate(q, path)
    return _CACHE[key]


def simulate(q, n: int | None = None, seed: int | None = None, targets: str | Path | dict | None = None,
             refine: int | None = None) -> pd.DataFrame:
    """``n`` synthetic respondents in the questionnaire's raw format (same seed -> same frame).

    Parameters
    ----------
    q : the questionnaire (its ``simulation`` section names the targets file, n and seed defaults).
    targets : a targets file or dict instead of the questionnaire's.
    refine : number of candidate samples drawn (each from its own child seed); the one whose statistics
        are closest to the targets is returned. Default ``DEFAULT_REFINE`` (150) up to 2,000 respondents,
        else 1 (at large n every draw is close already).
    """
    sim = q.simulation
    n = int(n if n is not None else (sim.n if sim else 383))
    seed = int(seed if seed is not None else (sim.seed if sim else 0))
    if n < 1:
        raise SpecError(f"simulate: n must be at least 1, got {n}")
    model = model_for(q, targets)
    k = int(refine if refine is not None else (DEFAULT_REFINE if n <= 2000 else 1))
    children = np.random.SeedSequence(seed).spawn(max(k, 1))
    best, best_loss, best_child = None, np.inf, None
    for child in children:
        draw_rng, raw_rng = (np.random.default_rng(s) for s in child.spawn(2))
        sample = _draw_sample(model, n, draw_rng)
        loss = target_loss(statistics(model, sample["x"], sample["observed"])) if k > 1 else 0.0
        if k > 1 and loss < best_loss:
            # the factor structure (an EFA per factor analysis) only for candidates still in the running
            loss += target_loss(structure(model, sample["x"]))
        if loss < best_loss or best is None:
            best, best_loss, best_child = sample, loss, raw_rng
    return _to_raw(model, q, best, best_child)


def simulate_to_file(q, n: int | None = None, seed: int | None = None, out: str | Path = "synthetic.csv",
                     targets: str | Path | dict | None = None, refine: int | None = None) -> Path:
    """Simulate and write the sample (CSV, XLSX, SAV or Parquet by the extension of ``out``)."""
    from surveykit.data.fileio import write_data

    frame = simulate(q, n=n, seed=seed, targets=targets, refine=refine)
    return write_data(frame, Path(out))
