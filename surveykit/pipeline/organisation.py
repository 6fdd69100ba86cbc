"""The employee-survey cycle in a run: response rates per unit, change since earlier waves, key drivers,
engagement index and eNPS (issue 16), as the plain records of results.json.

:func:`organisation_records` is the one entry point (called from :func:`surveykit.pipeline.results.build_results`);
it returns the keys ``organisation``, ``waves``, ``drivers`` and ``engagement`` for the parts the
questionnaire declares. The statistics come from :mod:`surveykit.data.units`, :mod:`surveykit.compare.waves`,
:mod:`surveykit.model.drivers` and :mod:`surveykit.compare.engagement`; this module reads the files, applies
the confidentiality rule and shapes the records.

Confidentiality across the tree (until the run-wide disclosure plan takes over): a unit with fewer than K
respondents (K = the minimum group size) is not shown, and neither is anything below it; its respondents
still count in every unit above it. Subtracting a parent's hidden children from the parent must not give a
hidden unit away, so within each parent the rule of
:func:`surveykit.privacy.suppression.hidden_categories` is applied to the children, with the parent's own
respondents (those whose unit is the parent itself, never shown on their own) as one more, always hidden,
part: while exactly one part is hidden, or the hidden parts hold fewer than K people, the smallest shown
sibling is hidden too ("complementary"). The same rule is then applied to each statistic's own N (valid
answers differ from respondents), with the units already hidden kept hidden. Units hidden are listed with
the reason; their numbers are left out of results.json altogether.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from surveykit.compare.engagement import engagement_index, enps
from surveykit.compare.waves import compare_waves
from surveykit.data.fileio import read_data
from surveykit.data.recode import recode
from surveykit.data.units import (
    UnitTree,
    code_text,
    codes_as_text,
    read_units,
    response_rates,
)
from surveykit.data.validate import validate
from surveykit.errors import AnalysisError, DataError, Problem
from surveykit.jsonsafe import to_jsonable
from surveykit.measure.scoring import scored_frame
from surveykit.model.drivers import key_drivers, priority_quadrants
from surveykit.pipeline.settings import Settings
from surveykit.privacy.plan import EVERYWHERE
from surveykit.privacy.suppression import hidden_categories
from surveykit.spec.elements import text_in

OWN = "\0own"  # the parent's own respondents, as one more (never shown) part among its children
SHOWN, SMALL, COMPLEMENTARY, PARENT_HIDDEN = 0, 1, 2, 3
REASONS = {SMALL: "fewer than {k} respondents", COMPLEMENTARY: "complementary: protects a smaller unit",
           PARENT_HIDDEN: "a unit above it is hidden"}


# ------------------------------------------------------------------------------------ confidentiality
def _children(tree: UnitTree) -> list[np.ndarray]:
    order = np.argsort(tree.parent_index, kind="stable")
    bounds = np.searchsorted(tree.parent_index[order], np.arange(tree.n_units + 1))
    return [order[bounds[i]:bounds[i + 1]] for i in range(tree.n_units)]


def unit_visibility(tree: UnitTree, counts: np.ndarray, k: int, forced: np.ndarray | None = None) -> np.ndarray:
    """Why each unit is hidden (0 = shown) given its rolled-up ``counts``; ``forced`` units stay hidden.

    Top-down: the root is hidden when 0 < n < k; below a hidden unit everything is hidden; below a shown
    unit, :func:`hidden_categories` decides among its children plus its own respondents
    (``counts[parent] - sum(counts[children])``), which are never shown and so always count as hidden.
    A part already hidden enters with ``min(n, k - 1)`` people: hidden either way, and the rule's "hidden
    parts hold at least k" test is unchanged (with two or more hidden parts, one of at least k people
    still makes the sum reach k).
    """
    counts = np.asarray(counts, dtype=np.int64)
    reason = np.zeros(tree.n_units, dtype=np.int8)
    if forced is not None:
        forced = np.asarray(forced, dtype=bool)
        reason[forced] = np.where((counts[forced] > 0) & (counts[forced] < k), SMALL, COMPLEMENTARY)
    if k <= 1:
        return reason
    if 0 < counts[0] < k:
        reason[0] = SMALL
    kids_of = _children(tree)
    for i in range(tree.n_units):  # parents come before their children
        kids = kids_of[i]
        if not len(kids):
            continue
        if reason[i]:
            reason[kids[reason[kids] == SHOWN]] = PARENT_HIDDEN
            continue
        parts = {int(j): int(counts[j]) for j in kids}
        parts[OWN] = int(counts[i] - counts[kids].sum())
        hidden_already = {int(j) for j in kids if reason[j]} | ({OWN} if parts[OWN] > 0 else set())
        entered = {c: (min(n, k - 1) if c in hidden_already and n > 0 else n) for c, n in parts.items()}
        for c in hidden_categories(entered, k):
            if c != OWN and not reason[c]:
                reason[c] = SMALL if parts[c] < k else COMPLEMENTARY
    return reason


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
        out["waves"] = wave_records(q, frame, tree, hidden, settings)
    plan = q.analysis
    if plan.drivers:
        out["drivers"] = {}
        for d in plan.drivers:
            try:
                out["drivers"][d.id] = driver_record(frame, q, d, settings)
            except AnalysisError as exc:
                raise AnalysisError(f"{prepared.path.name}: drivers {d.id!r}: {exc.headline}", exc.problems) from None
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


def _shown_name(exc: DataError, path: Path, shown: str) -> DataError:
    """The error with the resolved path replaced by the name the user wrote (stable, short messages)."""
    full = str(path)
    problems = [Problem(p.message.replace(full, shown), file=(p.file.replace(full, shown) if p.file else p.file),
                        line=p.line, column=p.column, rows=p.rows, n_rows=p.n_rows, values=p.values)
                for p in exc.problems]
    return DataError(exc.headline.replace(full, shown), problems)


def read_unit_tree(q, frame: pd.DataFrame, data_name: str) -> UnitTree:
    """The units file, validated together with the current respondents' unit codes (one DataError)."""
    org = q.organisation
    path = q.resolve(org.units)
    try:
        return read_units(path, frame[org.unit_variable].to_numpy(), data_file=data_name,
                          unit_variable=org.unit_variable)
    except DataError as exc:
        raise _shown_name(exc, path, org.units) from None


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


# ------------------------------------------------------------------------------------------------ waves
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
        raise _shown_name(exc, path, file) from None
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
        raise _shown_name(exc, path, file) from None
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


def wave_records(q, frame: pd.DataFrame, tree, hidden_current, settings: Settings) -> dict:
    """Change since each earlier wave, per item and index, overall and for every unit down to the chosen level."""
    waves, k = q.waves, settings.min_group_size
    unit_var = q.organisation.unit_variable if tree is not None else None
    level = q.organisation.level if tree is not None else 0
    variables = [i.id for i in q.items] + [x.id for x in q.indices]
    fav_cols = [f"favourable:{x.id}" for x in q.indices]
    favourable = {i.id: q.scales[i.scale].favourable_values for i in q.items if i.scale in q.scales}
    favourable.update({c: [1] for c in fav_cols})
    current = _favourable_indicators(frame, q)
    compared, trend_rows = [], []
    for wave in waves.previous:
        prev, info = read_wave(q, wave.label, wave.file, wave.rename)
        prev = _favourable_indicators(prev, q)
        hidden = {"current": hidden_current}
        if tree is not None:
            codes = prev[unit_var].to_numpy()
            where = tree.locate(codes, file=Path(wave.file).name, column=unit_var)  # DataError naming the codes
            hidden["previous"] = unit_visibility(tree, tree.rolled_counts(where), k)
        res = compare_waves(prev, current, variables + fav_cols, favourable=favourable, tree=tree,
                            unit_variable=unit_var, previous_label=wave.label, current_label=waves.current,
                            alpha=settings.alpha, min_mean_change=waves.min_mean_change,
                            min_pct_change=waves.min_pct_change)
        means = res.means[~res.means["variable"].str.startswith("favourable:")].reset_index(drop=True)
        fav = res.favourable.copy()
        fav["item"] = fav["item"].str.removeprefix("favourable:")
        fav = fav.reset_index(drop=True)
        means = _protect_rows(means, "variable", tree, hidden, k)
        fav = _protect_rows(fav, "item", tree, hidden, k)
        means = means[means["level"] <= level]
        fav = fav[fav["level"] <= level]
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
        for _, r in means.iterrows():
            trend_rows.append({"unit": r["unit"], "level": r["level"], "variable": r["variable"],
                               "wave": wave.label, "n": r["n_prev"], "mean": r["mean_prev"]})
    last = compared[-1]["means"]
    for _, r in last.iterrows():
        trend_rows.append({"unit": r["unit"], "level": r["level"], "variable": r["variable"],
                           "wave": waves.current, "n": r["n_curr"], "mean": r["mean_curr"]})
    return {"current": waves.current, "labels": [w.label for w in waves.previous] + [waves.current],
            "alpha": settings.alpha, "min_mean_change": waves.min_mean_change,
            "min_pct_change": waves.min_pct_change, "level": level, "compared": compared, "trend": trend_rows}


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


def driver_record(frame: pd.DataFrame, q, plan, settings: Settings) -> dict:
    """Relative weights, dominance (with bootstrap CIs, seeded from analysis.seed) and the priority matrix."""
    res = key_drivers(frame, plan.outcome, list(plan.predictors), n_boot=plan.bootstrap, seed=settings.seed,
                      ci_level=1 - settings.alpha)
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
        shown = table["n"].to_numpy() >= k
        table.insert(1, "level", 0)
    else:
        reason = unit_visibility(tree, table["n"].to_numpy(), k, hidden > 0)
        shown = (reason == SHOWN) & (table["level"].to_numpy() <= q.organisation.level)
        table.insert(1, "name", [tree.name(c, settings.lang) for c in table["unit"]])
    overall = table.iloc[0].to_dict() if shown[0] else None
    record.update(overall=overall, units=table[shown].iloc[1:] if shown[0] else table[shown])
    return record
