"""Earlier waves in a run (issue 16 item 3): each earlier wave's file read, validated and scored once
(:func:`earlier_wave`), and the change since each of them per item and index, overall and per unit
(:func:`wave_records`, the ``waves`` part of results.json). The statistics come from
:mod:`surveykit.compare.waves`; units are protected across the tree (:mod:`surveykit.privacy.tree`) per
statistic and per wave.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from surveykit.compare.waves import compare_waves
from surveykit.data.fileio import read_data
from surveykit.data.recode import recode
from surveykit.data.validate import validate
from surveykit.errors import DataError, Problem, with_path_as_written
from surveykit.measure.scoring import scored_frame
from surveykit.pipeline.settings import Settings
from surveykit.privacy.tree import SHOWN, unit_visibility


def _rule_inputs(rule) -> set[str]:
    """The variables a recode rule reads (its source, free text, base and conditions)."""
    names = {getattr(rule, "source", None), getattr(rule, "text", None), getattr(rule, "base", None)}
    names |= set(getattr(rule, "when", None) or {})
    names |= {v for case in getattr(rule, "cases", None) or [] for v in case.when}
    return {n for n in names if n}


def _without(q, absent: set[str], rename: dict[str, str]):
    """The questionnaire of an earlier wave: variables absent from its file (and what uses them) left out."""
    from surveykit.spec.plan import Analysis

    items = [i for i in q.items if i.id not in absent]
    gone = set(absent)
    recodes = []
    for rule in q.recodes:  # in file order; a rule whose inputs are gone goes too
        if gone & _rule_inputs(rule):
            gone.add(rule.id)
        else:
            recodes.append(rule)
    indices = [x for x in q.indices if not set(x.items) & gone]
    update = {"items": items, "background": [b for b in q.background if b.id not in absent],
              "free_text": [f for f in q.free_text if f.id not in absent], "recodes": recodes, "indices": indices,
              "analysis": Analysis(), "published": [], "organisation": None, "waves": None,
              "columns": {**q.columns, **rename},
              "respondent_id": q.respondent_id if q.respondent_id not in absent else None}
    out = q.model_copy(update=update)
    for cached in ("raw_variables", "item_map", "index_map", "recode_map", "_checked_problems", "_ordered_recodes"):
        out.__dict__.pop(cached, None)
    return out


def read_wave(q, label: str, file: str, rename: dict[str, str]) -> tuple[pd.DataFrame, dict]:
    """An earlier wave's data, validated against the questionnaire and scored (indices added).

    Questions missing from the wave's file are left out (with every index and recode using them) and
    listed; columns the questionnaire no longer has are ignored and listed; ``rename`` ({old id: id now})
    reads a renamed item's old column under its current id.
    """
    path = q.resolve(file)
    try:
        raw = read_data(path)
    except DataError as exc:
        raise with_path_as_written(exc, path, file) from None
    header = {str(c) for c in raw.frame.columns}
    mapped = {({**q.columns, **rename}).get(c, c) for c in header}
    wanted = set(q.raw_variables) | ({q.respondent_id} if q.respondent_id else set())
    absent = {v for v in wanted if v not in mapped}
    unit_var = q.organisation.unit_variable if q.organisation else None
    if unit_var and unit_var in absent:
        raise DataError(f"{file}: wave {label!r} has no unit variable {unit_var!r}",
                        [Problem("column missing: units cannot be matched across waves", file=file, column=unit_var)])
    q_wave = _without(q, absent, rename)
    try:
        checked = validate(raw, q_wave, extra_columns="ignore")
    except DataError as exc:
        raise with_path_as_written(exc, path, file) from None
    frame, _ = recode(checked.frame, q_wave, checked.code_counts, {})
    frame = scored_frame(frame, q_wave)  # keyed as the current wave is, so items compare like with like
    info = {"label": label, "file": Path(file).name, "n_respondents": len(frame),
            "not_in_wave": sorted(absent - {q.respondent_id}),
            "ignored_columns": sorted(c for c in header if c not in set(q.raw_variables) | set(q.columns)
                                      | set(rename) | {q.respondent_id}),
            "renamed": {old: new for old, new in rename.items() if old in header}}
    return frame, info


def _favourable_indicators(frame: pd.DataFrame, q) -> pd.DataFrame:
    """0/1/NaN columns ``favourable:<index>``: index score at or above its scale's lowest favourable value."""
    cols = {}
    for index in q.indices:
        if index.id not in frame.columns:
            continue
        score = frame[index.id].to_numpy(dtype="float64", na_value=np.nan)
        cut = min(q.scale_of(index.id).favourable_values)
        with np.errstate(invalid="ignore"):
            cols[f"favourable:{index.id}"] = np.where(np.isnan(score), np.nan, (score >= cut).astype("float64"))
    return frame.assign(**cols)


def _protect_rows(table: pd.DataFrame, key: str, tree, hidden: dict, k: int, n_cols=("n_prev", "n_curr")):
    """Rows of a by-unit table for units shown in both waves and with at least k answers, per statistic."""
    if tree is None:
        ok = np.ones(len(table), dtype=bool)
        for col in n_cols:
            ok &= table[col].to_numpy() >= k
        return table[ok]
    keep = np.zeros(len(table), dtype=bool)
    position = {c: i for i, c in enumerate(tree.codes)}
    for _, rows in table.groupby(key, sort=False):
        idx = rows.index.to_numpy()
        units = np.array([position[u] for u in rows["unit"]])
        shown = np.ones(len(rows), dtype=bool)
        for col, wave in zip(n_cols, ("previous", "current")):
            counts = np.zeros(tree.n_units, dtype=np.int64)
            counts[units] = rows[col].to_numpy(dtype="float64").astype(np.int64)
            reason = unit_visibility(tree, counts, k, hidden[wave] > 0)
            shown &= reason[units] == SHOWN
        keep[idx] = shown  # the table has a plain 0..n-1 index
    return table[keep]


def earlier_wave(q, prepared, wave) -> tuple[pd.DataFrame, dict]:
    """:func:`read_wave` of one earlier wave (``q.waves.previous`` entry), read once per run: kept on
    ``prepared`` (the run's data) for the organisation report and the per-unit reports."""
    key = (wave.label, wave.file)
    if key not in prepared.earlier_waves:
        prepared.earlier_waves[key] = read_wave(q, wave.label, wave.file, wave.rename)
    return prepared.earlier_waves[key]


def protected_changes(q, previous: pd.DataFrame, current: pd.DataFrame, wave, tree, hidden_current,
                      settings: Settings):
    """The change since one earlier wave for every unit at every level (or overall without a tree):
    (comparison, means table, favourable table), the tables keeping only the rows every unit may show.

    ``previous`` and ``current`` are scored frames whose unit variable gives every respondent's own unit;
    ``hidden_current``: the units the tree hides in the current wave (their rows are never kept)."""
    waves, k = q.waves, settings.min_group_size
    unit_var = q.organisation.unit_variable if tree is not None else None
    variables = [i.id for i in q.items] + [x.id for x in q.indices]
    fav_cols = [f"favourable:{x.id}" for x in q.indices]
    favourable = {i.id: q.scales[i.scale].favourable_values for i in q.items if i.scale in q.scales}
    favourable.update({c: [1] for c in fav_cols})
    prev, current = _favourable_indicators(previous, q), _favourable_indicators(current, q)
    hidden = {"current": hidden_current}
    where = None
    if tree is not None:
        where = tree.locate(prev[unit_var].to_numpy(), file=Path(wave.file).name, column=unit_var)
        hidden["previous"] = unit_visibility(tree, tree.rolled_counts(where), k)
    res = compare_waves(prev, current, variables + fav_cols, favourable=favourable, tree=tree,
                        unit_variable=unit_var, previous_label=wave.label, current_label=waves.current,
                        alpha=settings.alpha, min_mean_change=waves.min_mean_change,
                        min_pct_change=waves.min_pct_change, previous_units=where)
    means = res.means[~res.means["variable"].str.startswith("favourable:")].reset_index(drop=True)
    fav = res.favourable.copy()
    fav["item"] = fav["item"].str.removeprefix("favourable:")
    fav = fav.reset_index(drop=True)
    means = _protect_rows(means, "variable", tree, hidden, k)
    fav = _protect_rows(fav, "item", tree, hidden, k)
    return res, means, fav, hidden


def _trend_rows(means: pd.DataFrame, label: str, which: str) -> list[dict]:
    return pd.DataFrame({"unit": means["unit"], "level": means["level"], "variable": means["variable"],
                         "wave": label, "n": means[f"n_{which}"], "mean": means[f"mean_{which}"]}).to_dict("records")


def wave_records(q, prepared, frame: pd.DataFrame, tree, hidden_current, settings: Settings) -> dict:
    """Change since each earlier wave, per item and index, overall and for every unit down to the chosen level."""
    waves = q.waves
    level = q.organisation.level if tree is not None else 0
    compared, trend_rows = [], []
    for wave in waves.previous:
        prev, info = earlier_wave(q, prepared, wave)
        res, means, fav, hidden = protected_changes(q, prev, frame, wave, tree, hidden_current, settings)
        means = means[means["level"] <= level].reset_index(drop=True)
        fav = fav[fav["level"] <= level].reset_index(drop=True)
        hidden_units = []
        if tree is not None:
            hidden_units = sorted({tree.codes[i] for i in np.flatnonzero((hidden["previous"] > 0)
                                                                          | (hidden_current > 0))
                                   if tree.level[i] <= level})
        compared.append({
            **info, "previous": wave.label, "current": waves.current,
            "only_in": {v.removeprefix("favourable:"): w for v, w in res.only_in.items()},
            "units_only_in": res.units_only_in, "hidden_units": hidden_units,
            "means": means, "favourable": fav,
        })
        trend_rows += _trend_rows(means, wave.label, "prev")
    trend_rows += _trend_rows(compared[-1]["means"], waves.current, "curr")
    return {"current": waves.current, "labels": [w.label for w in waves.previous] + [waves.current],
            "alpha": settings.alpha, "min_mean_change": waves.min_mean_change,
            "min_pct_change": waves.min_pct_change, "level": level, "compared": compared, "trend": trend_rows}
