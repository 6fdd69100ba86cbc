"""The employee-survey cycle in a run: response rates per unit, change since earlier waves, key drivers,
engagement index and eNPS (issue 16), as the plain records of results.json.

:func:`organisation_records` is the one entry point (called from :func:`surveykit.pipeline.results.build_results`);
it returns the keys ``organisation``, ``waves``, ``drivers`` (a place kept: :func:`driver_records`, the
bootstrap, runs beside the other analyses) and ``engagement`` for the parts the questionnaire declares. The statistics come from :mod:`surveykit.data.units`, :mod:`surveykit.compare.waves`,
:mod:`surveykit.model.drivers` and :mod:`surveykit.compare.engagement`; this module reads the files, applies
the confidentiality rule and shapes the records.

Confidentiality across the tree (until the run-wide disclosure plan takes over) is decided by
:func:`surveykit.privacy.tree.unit_visibility`; earlier waves are read and compared in
:mod:`surveykit.pipeline.waves`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from surveykit.compare.engagement import engagement_index, enps
from surveykit.data.units import (
    UnitTree,
    code_text,
    codes_as_text,
    read_units,
    response_rates,
)
from surveykit.errors import AnalysisError, DataError, Problem, with_path_as_written
from surveykit.jsonsafe import to_jsonable
from surveykit.model.drivers import key_drivers, priority_quadrants
from surveykit.pipeline.settings import Settings
from surveykit.pipeline.waves import read_wave, wave_records
from surveykit.privacy.plan import EVERYWHERE
from surveykit.privacy.suppression import hidden_categories
from surveykit.privacy.tree import REASONS, SHOWN, SMALL, unit_visibility
from surveykit.spec.elements import text_in


def _hidden_records(tree: UnitTree, reason: np.ndarray, k: int, lang: str) -> list[dict]:
    return [{"unit": tree.codes[i], "name": tree.name(tree.codes[i], lang), "level": int(tree.level[i]),
             "reason": REASONS[int(reason[i])].format(k=k)} for i in np.flatnonzero(reason)]


# ------------------------------------------------------------------------------------------ entry point
def organisation_records(q, prepared, frame: pd.DataFrame, settings: Settings,
                         counts: dict | None = None) -> tuple[dict, dict]:
    """The results.json parts of the survey cycle the questionnaire declares (an empty dict if none), and
    the units hidden across the tree ({code: reason}), for :func:`hide_units`.

    ``counts`` ({variable: {code: n}}, as for :func:`mask_small_groups`): the unit variable's codes that the
    group tables hide (:func:`hidden_categories` on the respondents' own units) are hidden in the tree too,
    and :func:`hide_units` hides the tree's in the group tables, so no table can be subtracted from another.
    """
    out: dict = {}
    org = q.organisation
    tree = hidden = None
    k = settings.min_group_size
    if org is not None:
        tree = read_unit_tree(q, frame, prepared.path.name)
        flat = (counts or {}).get(org.unit_variable) or {}
        flat_hidden = {code_text(c) for c in hidden_categories(flat, k)}
        forced = np.array([c in flat_hidden for c in tree.codes], dtype=bool)
        out["organisation"], hidden = response_rate_record(tree, frame, q, settings, forced)
    if q.waves is not None and q.waves.previous:
        for wave in q.waves.previous:
            if q.resolve(wave.file) == Path(prepared.path).resolve():
                raise DataError(f"{prepared.path.name}: the data file is the earlier wave {wave.label!r} "
                                f"(waves.previous); the current wave ({q.waves.current!r}) must be another file",
                                [Problem("give the current wave's data, or --previous for the waves before it",
                                         file=prepared.path.name)])
        out["waves"] = wave_records(q, prepared, frame, tree, hidden, settings)
    plan = q.analysis
    if plan.drivers:  # filled in by driver_records (results.py runs them beside the other analyses)
        out["drivers"] = None
    if plan.engagement:
        out["engagement"] = {e.id: engagement_record(frame, q, e, tree, hidden, settings) for e in plan.engagement}
    hidden_codes = {}
    if org is not None:
        out["organisation"]["hidden_units"] = _hidden_records(tree, hidden, k, settings.lang)
        hidden_codes = {tree.codes[i]: REASONS[int(hidden[i])].format(k=k) for i in np.flatnonzero(hidden)}
    return to_jsonable(out), hidden_codes


def hide_units(masked: pd.DataFrame, suppressed: list[dict], q, hidden_codes: dict, counts: dict,
               k: int) -> tuple[pd.DataFrame, list[dict]]:
    """Hide in the group tables (the masked frame) the units the tree hides that they would show.

    Adds one record per unit to ``suppressed`` (the report's list of groups left out), with the tree's
    reason. Hiding more groups of a variable never undoes the complementary rule already met.
    """
    if q.organisation is None or not hidden_codes:
        return masked, suppressed
    var = q.organisation.unit_variable
    already = {code_text(s["group"]) for s in suppressed if s.get("variable") == var}
    extra = {code_text(c): c for c in (counts.get(var) or {}) if code_text(c) in hidden_codes
             and code_text(c) not in already}
    if not extra or var not in masked.columns:
        return masked, suppressed
    text = codes_as_text(masked[var].to_numpy())
    drop = np.isin(text.astype(str), list(extra))
    column = masked[var].mask(drop)
    masked = masked.assign(**{var: column})
    for key, code in extra.items():
        group = int(code) if isinstance(code, float) and float(code).is_integer() else code
        suppressed.append({"variable": var, "group": group, "action": "hidden", "where": EVERYWHERE, "n": None,
                           "reason": "complementary: protects a smaller group"
                           if hidden_codes[key].startswith(("complementary", "a unit")) else hidden_codes[key]})
    return masked, suppressed


def check_organisation(q, frame: pd.DataFrame, data_name: str) -> str:
    """For ``surveykit validate``: the units file and the earlier waves checked against the data; a summary."""
    lines = []
    if q.organisation is not None:
        tree = read_unit_tree(q, frame, data_name)
        lines.append(f"{q.organisation.units}: units OK — {tree.n_units} units, depth {tree.depth}")
    for wave in (q.waves.previous if q.waves is not None else []):
        prev, info = read_wave(q, wave.label, wave.file, wave.rename)
        if q.organisation is not None:
            tree.locate(prev[q.organisation.unit_variable].to_numpy(), file=Path(wave.file).name,
                        column=q.organisation.unit_variable)
        missing = f", not in this wave: {', '.join(info['not_in_wave'])}" if info["not_in_wave"] else ""
        lines.append(f"{wave.file}: wave {wave.label} OK — {info['n_respondents']} respondents{missing}")
    return "\n".join(lines)



def read_unit_tree(q, frame: pd.DataFrame, data_name: str) -> UnitTree:
    """The units file, validated together with the current respondents' unit codes (one DataError)."""
    org = q.organisation
    path = q.resolve(org.units)
    try:
        return read_units(path, frame[org.unit_variable].to_numpy(), data_file=data_name,
                          unit_variable=org.unit_variable)
    except DataError as exc:
        raise with_path_as_written(exc, path, org.units) from None


def response_rate_record(tree: UnitTree, frame: pd.DataFrame, q, settings: Settings,
                         forced: np.ndarray | None = None) -> tuple[dict, np.ndarray]:
    """Response rate of every unit at every level; hidden units keep only code, name, parent, headcount."""
    org, k = q.organisation, settings.min_group_size
    rates = response_rates(tree, frame[org.unit_variable].to_numpy(), column=org.unit_variable)
    hidden = unit_visibility(tree, rates["respondents"].to_numpy(), k, forced)
    units = []
    for i, (code, row) in enumerate(rates.iterrows()):
        record = {"unit": code, "name": tree.name(code, settings.lang), "parent": row["parent"],
                  "level": int(row["level"]), "headcount": row["headcount"],
                  "headcount_source": row["headcount_source"], "shown": not hidden[i]}
        if hidden[i]:
            record.update(respondents=None, rate=None, over_100=None)
        else:
            record.update(respondents=int(row["respondents"]), rate=row["rate"], over_100=bool(row["over_100"]))
        units.append(record)
    return {"units_file": Path(org.units).name, "unit_variable": org.unit_variable, "level": org.level,
            "root": tree.root, "depth": tree.depth, "implicit_root": tree.implicit_root,
            "n_units": tree.n_units, "min_group_size": k, "units": units}, hidden


# ---------------------------------------------------------------------------------------------- drivers
def favourable_pct(frame: pd.DataFrame, q, variable: str) -> float | None:
    """% favourable as the favourable table defines it (compare/favourable.py): an item's favourable answers
    over its substantive answers; an index's favourable answers over all its items' answers, pooled. The
    frame is keyed (measure.scoring), so only an index's own reversals are applied here."""
    scale = q.scale_of(variable)
    if scale is None:
        return None
    members = [(i, i in q.index_map[variable].reverse and not q.item_map[i].reverse)
               for i in q.index_map[variable].items] if variable in q.index_map else [(variable, False)]
    favourable = answered = 0
    for item, reverse in members:
        x = frame[item].to_numpy(dtype="float64", na_value=np.nan)
        x = scale.min + scale.max - x if reverse else x
        answered += int(np.isin(x, scale.values).sum())
        favourable += int(np.isin(x, scale.favourable_values).sum())
    return 100.0 * favourable / answered if answered else None


def driver_records(frame: pd.DataFrame, q, settings: Settings, data_name: str, cancel=None) -> dict:
    """Every key-driver analysis of the plan, {id: record}; an error names the data file and the analysis.
    ``cancel`` (a threading.Event) stops the bootstraps when the run fails elsewhere."""
    out = {}
    for d in q.analysis.drivers:
        try:
            out[d.id] = to_jsonable(driver_record(frame, q, d, settings, cancel))
        except AnalysisError as exc:
            raise AnalysisError(f"{data_name}: drivers {d.id!r}: {exc.headline}", exc.problems) from None
    return out


def driver_record(frame: pd.DataFrame, q, plan, settings: Settings, cancel=None) -> dict:
    """Relative weights, dominance (with bootstrap CIs, seeded from analysis.seed) and the priority matrix."""
    res = key_drivers(frame, plan.outcome, list(plan.predictors), n_boot=plan.bootstrap, seed=settings.seed,
                      ci_level=1 - settings.alpha, cancel=cancel)
    table = res.table.copy()
    fav = pd.Series({p: favourable_pct(frame, q, p) for p in res.predictors}, dtype="float64")
    quadrants = None
    if fav.notna().all():
        quadrants = priority_quadrants(table["rescaled_weight"], fav)
        table["favourable_pct"] = quadrants["favourable_pct"]
        table["quadrant"] = quadrants["quadrant"]
    table.insert(0, "label", [q.label_of(p, settings.lang) for p in res.predictors])
    complete = ({p: [o for o in res.predictors if res.complete.loc[p, o]] for p in res.predictors}
                if res.complete is not None else None)
    return {
        "label": text_in(plan.label, settings.lang, plan.id) if plan.label else plan.id,
        "outcome": plan.outcome, "predictors": list(res.predictors), "n": res.n, "n_excluded": res.n_excluded,
        "missing": "listwise", "r2": res.r2, "n_boot": res.n_boot, "seed": res.seed, "ci_level": res.ci_level,
        "importance": "rescaled_weight",
        "importance_cut": None if quadrants is None else float(quadrants["importance_cut"].iloc[0]),
        "favourable_cut": None if quadrants is None else float(quadrants["favourable_cut"].iloc[0]),
        "table": table, "complete_dominance": complete,
        "conditional_dominance": None if res.conditional is None else
        {p: res.conditional.loc[p].tolist() for p in res.predictors},
    }


# ------------------------------------------------------------------------------------------- engagement
def engagement_record(frame: pd.DataFrame, q, plan, tree, hidden, settings: Settings) -> dict:
    """Engagement index or eNPS: overall and for every unit down to the chosen level that may be shown."""
    record, table, reason = engagement_by_unit(frame, q, plan, tree, hidden, settings)
    shown = reason == SHOWN
    if tree is not None:
        shown = shown & (table["level"].to_numpy() <= q.organisation.level)
    overall = table.iloc[0].to_dict() if shown[0] else None
    record.update(overall=overall, units=table[shown].iloc[1:] if shown[0] else table[shown])
    return record


def engagement_by_unit(frame: pd.DataFrame, q, plan, tree, hidden, settings: Settings):
    """Engagement index or eNPS for every unit at every level: (record without the table, the table with a
    row per unit, the root first, and why each row is hidden (0 = shown): the tree's rule on its own n)."""
    k = settings.min_group_size
    unit_var = q.organisation.unit_variable if tree is not None else None
    codes = frame[unit_var].to_numpy() if tree is not None else None
    label = text_in(plan.label, settings.lang, plan.id) if plan.label else plan.id
    if plan.index is not None:
        index = q.index_map[plan.index]
        favourable = plan.favourable or q.scale_of(plan.index).favourable_values
        data = frame[list(index.items)].astype("float64")
        for item in index.items:  # favourable codes are meant on the keyed scale
            if item in index.reverse or q.item_map[item].reverse:
                scale = q.scales[q.item_map[item].scale]
                data[item] = scale.min + scale.max - data[item]
        res = engagement_index(data, index.items, favourable, tree=tree, unit_codes=codes, index=plan.index,
                               alpha=settings.alpha)
        record = {"kind": "index", "label": label, "index": plan.index, "items": list(index.items),
                  "favourable": list(favourable), "n_incomplete": res.n_incomplete}
    else:
        res = enps(frame[plan.item], tree=tree, unit_codes=codes, variable=plan.item, alpha=settings.alpha)
        record = {"kind": "enps", "label": label, "item": plan.item, "n_missing": res.n_missing,
                  "ci": "adjusted Wald (Rocks 2016)"}
    table = res.table.reset_index().rename(columns={"group": "unit"})
    record["ci_level"] = res.ci_level
    if tree is None:
        reason = np.where(table["n"].to_numpy() >= k, SHOWN, SMALL)
        table.insert(1, "level", 0)
    else:
        reason = unit_visibility(tree, table["n"].to_numpy(), k, hidden > 0)
        table.insert(1, "name", [tree.name(c, settings.lang) for c in table["unit"]])
    return record, table, reason
