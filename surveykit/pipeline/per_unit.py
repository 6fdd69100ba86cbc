"""One report per unit (issue 16, items 2 and 6): the statistics of every unit, computed in one pass, and
what each unit's report may show.

:func:`per_unit_results` returns ``{"index": [...], "units": {code: record}}``: one plain record per unit
reported (the content of ``units/<code>/results.json``). The numbers come from sufficient statistics of
all units at once: for every variable, ``np.bincount`` over each respondent's unit *at every level* of the
tree (:func:`level_sums`) gives each unit's n, sum and favourable count with all units below it; no
Python loop runs over respondents, the loop over units only shapes the records.

Confidentiality across the whole set of outputs (the organisation report and every unit report):

* A unit the tree hides (:func:`surveykit.privacy.tree.unit_visibility`, the same hidden set as
  the organisation report: small units, their complements and everything below them) gets no report;
  its respondents still count in every unit above it.
* Every number is for a unit as a whole (no breakdown by background inside a unit) and is shown only where
  its own count is at least K (the minimum group size). Per statistic (a variable's mean, its favourable %,
  each earlier wave's mean, each free-text question's comments), the same rule as for the tree is applied
  with that statistic's own counts: within every parent, while exactly one part is hidden, or the hidden
  parts hold fewer than K people, the smallest shown sibling is hidden too, and the parent's own
  respondents count as a hidden part. So the parent's n (and sum) minus its shown children never isolates
  1..K-1 respondents. Units the tree hides stay hidden for every statistic.
* Comments (free-text questions with ``in_report: true``) are shown shuffled (seeded), without any
  background variable; theme counts come from ``keywords`` recodes of the comment question and are shown
  exactly where the comments are.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd

from surveykit.data.units import UnitTree
from surveykit.errors import SurveyError
from surveykit.jsonsafe import to_jsonable
from surveykit.pipeline.organisation import engagement_by_unit, read_unit_tree
from surveykit.pipeline.waves import earlier_wave, protected_changes
from surveykit.privacy.tree import SHOWN, unit_visibility
from surveykit.spec.elements import KeywordRecode, text_in

ALL = "all"


# ------------------------------------------------------------------------------------------ one pass
def level_sums(tree: UnitTree, unit_index: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Each unit's total of ``weights`` (1 per respondent when None) over its respondents and all below it.

    One ``np.bincount`` per level: a respondent counts in the ancestor at every level above its own unit
    (``tree.ancestor_at_level``), so summing the levels gives every unit's rolled-up total.
    """
    out = np.zeros(tree.n_units, dtype="float64")
    for level in range(tree.depth + 1):
        anc = tree.ancestor_at_level[unit_index, level]
        sel = anc >= 0
        w = None if weights is None else weights[sel]
        out += np.bincount(anc[sel], weights=w, minlength=tree.n_units)
    return out


def _favourable_parts(frame: pd.DataFrame, q, variable: str):
    """Per respondent: favourable answers, substantive answers (pooled over an index's items, as
    pipeline.organisation.favourable_pct does) and whether any answer was given; None without a scale."""
    scale = q.scale_of(variable)
    if scale is None:
        return None
    members = [(i, i in q.index_map[variable].reverse and not q.item_map[i].reverse)
               for i in q.index_map[variable].items] if variable in q.index_map else [(variable, False)]
    fav = np.zeros(len(frame))
    answered = np.zeros(len(frame))
    for item, reverse in members:
        x = frame[item].to_numpy(dtype="float64", na_value=np.nan)
        x = scale.min + scale.max - x if reverse else x
        answered += np.isin(x, scale.values)
        fav += np.isin(x, scale.favourable_values)
    return fav, answered


def unit_statistics(tree: UnitTree, unit_index: np.ndarray, frame: pd.DataFrame, q, variables: list[str]) -> dict:
    """Per variable, units-long arrays: ``n``, ``sum`` (of valid values), ``fav`` and ``answers`` (favourable
    and substantive answers pooled over an index's items) and ``n_fav`` (respondents with an answer)."""
    stats = {}
    for var in variables:
        x = frame[var].to_numpy(dtype="float64", na_value=np.nan)
        ok = ~np.isnan(x)
        rec = {"n": level_sums(tree, unit_index[ok]), "sum": level_sums(tree, unit_index[ok], x[ok])}
        parts = _favourable_parts(frame, q, var)
        if parts is not None:
            fav, answered = parts
            rec["fav"] = level_sums(tree, unit_index, fav)
            rec["answers"] = level_sums(tree, unit_index, answered)
            rec["n_fav"] = level_sums(tree, unit_index[answered > 0])
        stats[var] = rec
    return stats


def visible(tree: UnitTree, counts: np.ndarray, k: int, forced: np.ndarray) -> np.ndarray:
    """Reason each unit's statistic is hidden (0 = shown): the tree's rule on this statistic's own counts."""
    return unit_visibility(tree, np.rint(counts).astype(np.int64), k, forced)


# ------------------------------------------------------------------------------------------ the records
def report_levels(tree: UnitTree, per_unit) -> list[int]:
    """The levels ``per_unit`` asks for: a level number, or ``all`` (every level below the root)."""
    if per_unit == ALL:
        return list(range(1, tree.depth + 1)) or [0]
    if not 0 <= int(per_unit) <= tree.depth:
        raise SurveyError(f"per-unit level {per_unit}: the units file has levels 0 (the organisation) to "
                          f"{tree.depth}; give one of them or 'all'")
    return [int(per_unit)]


def _cell(rec: dict, i: int, mean_ok: bool, fav_ok: bool) -> dict:
    n = rec["n"][i]
    cell = {"n": int(n) if mean_ok else None, "mean": float(rec["sum"][i] / n) if mean_ok and n else None}
    if "fav" in rec:
        ans = rec["answers"][i]
        cell["n_favourable"] = int(rec["n_fav"][i]) if fav_ok else None
        cell["favourable_pct"] = float(100 * rec["fav"][i] / ans) if fav_ok and ans else None
    return cell


def _comment_rows(frame: pd.DataFrame, qid: str) -> np.ndarray:
    text = frame[qid].astype("string").str.strip()
    return (text.notna() & (text != "")).to_numpy(dtype=bool)


def per_unit_results(q, prepared, frame: pd.DataFrame, results: dict, settings, per_unit) -> dict:
    """The records of every unit reported at the levels ``per_unit`` asks for (see the module docstring).

    ``frame``: the run's analysis frame (keyed items, index scores); the unit codes are read from
    ``prepared.frame`` (the analysis frame has the tree's hidden units blanked). ``results``: the run's
    results (the organisation record decides which units the tree hides).
    """
    org, k, lang = q.organisation, settings.min_group_size, settings.lang
    tree = read_unit_tree(q, prepared.frame, prepared.path.name)
    unit_index = tree.locate(prepared.frame[org.unit_variable].to_numpy())
    org_units = {u["unit"]: u for u in results["organisation"]["units"]}
    forced = np.array([not org_units[c]["shown"] for c in tree.codes], dtype=bool)
    variables = [x.id for x in q.indices if x.id in frame] + [i.id for i in q.items if i.id in frame]
    stats = unit_statistics(tree, unit_index, frame, q, variables)
    hide_mean = {v: visible(tree, s["n"], k, forced) for v, s in stats.items()}
    hide_fav = {v: visible(tree, s["n_fav"], k, forced) for v, s in stats.items() if "n_fav" in s}
    trends = _trends(q, prepared, tree, stats, hide_mean, forced, k) if q.waves is not None and q.waves.previous else None
    # the analysis frame with every respondent's own unit (the frame has the tree's hidden units blanked)
    own_units = frame.assign(**{org.unit_variable: prepared.frame[org.unit_variable]})
    changes = _changes(q, prepared, own_units, tree, forced, settings) if trends is not None else None
    engagement = [_engagement(own_units, q, plan, tree, forced, settings) for plan in q.analysis.engagement]
    comments = _comments(q, prepared.frame, tree, unit_index, forced, k, settings.seed, lang)
    drivers = [{"id": d_id, "label": d["label"], "outcome": d["outcome"], "n": d["n"], "r2": d["r2"],
                "table": d["table"]} for d_id, d in (results.get("drivers") or {}).items()]

    levels = report_levels(tree, per_unit)
    index_rows, records = [], {}
    for i in np.flatnonzero(np.isin(tree.level, levels)):  # loop over units: shaping only
        code = tree.codes[i]
        shown = not forced[i]
        row = {"unit": code, "name": tree.name(code, lang), "level": int(tree.level[i]),
               "parent": None if tree.parent_index[i] < 0 else tree.codes[tree.parent_index[i]],
               "parent_name": None if tree.parent_index[i] < 0 else tree.name(tree.codes[tree.parent_index[i]], lang),
               "shown": shown, "respondents": org_units[code]["respondents"], "rate": org_units[code]["rate"],
               "headcount": org_units[code]["headcount"], "reason": None}
        if shown and not org_units[code]["respondents"]:
            row.update(shown=False, reason="no respondents")
        index_rows.append(row)
        if row["shown"]:
            records[code] = _unit_record(q, tree, int(i), org_units, stats, hide_mean, hide_fav, trends,
                                         comments, drivers, settings, results)
            _add_changes_and_engagement(records[code], tree, int(i), changes, engagement, k)
    hidden_reasons = {h["unit"]: h["reason"] for h in results["organisation"].get("hidden_units", [])}
    for row in index_rows:
        if not row["shown"] and row["reason"] is None:
            row["reason"] = hidden_reasons.get(row["unit"], f"fewer than {k} respondents")
    return to_jsonable({"levels": levels, "min_group_size": k, "index": index_rows, "units": records})


def _unit_record(q, tree, i, org_units, stats, hide_mean, hide_fav, trends, comments, drivers, settings,
                 results) -> dict:
    lang, k = settings.lang, settings.min_group_size
    code = tree.codes[i]
    parent = int(tree.parent_index[i])
    rows, hidden = [], []
    for var, rec in stats.items():
        cols = {}
        for role, j in (("unit", i), ("parent", parent), ("organisation", 0)):
            if j < 0 or (role == "parent" and j == 0):
                cols[role] = None  # the parent is the organisation itself: shown once
                continue
            cols[role] = _cell(rec, j, hide_mean[var][j] == SHOWN, var in hide_fav and hide_fav[var][j] == SHOWN)
        if hide_mean[var][i] != SHOWN:
            hidden.append({"variable": var, "statistic": "mean", "reason": _why(hide_mean[var][i], k)})
        if var in hide_fav and hide_fav[var][i] != SHOWN:
            hidden.append({"variable": var, "statistic": "favourable", "reason": _why(hide_fav[var][i], k)})
        rows.append({"variable": var, "kind": "index" if var in q.index_map else "item",
                     "label": q.label_of(var, lang), **cols})
    own = org_units[code]
    record = {
        "unit": code, "name": tree.name(code, lang), "level": int(tree.level[i]),
        "parent": None if parent < 0 else tree.codes[parent],
        "parent_name": None if parent < 0 else tree.name(tree.codes[parent], lang),
        "organisation": tree.root, "organisation_name": tree.name(tree.root, lang),
        "min_group_size": k, "lang": lang,
        "questionnaire": {"id": q.meta.id, "title": text_in(q.meta.title, lang)},
        "synthetic": bool((results.get("questionnaire") or {}).get("synthetic")),
        "response": {"respondents": own["respondents"], "headcount": own["headcount"], "rate": own["rate"]},
        "results": rows, "hidden": hidden, "drivers": drivers,
    }
    if trends is not None:
        record["trends"] = {"labels": trends["labels"],
                            "rows": [r for r in trends["rows"][i] if r is not None]}
        hidden += [{"variable": v, "statistic": f"mean {w}", "reason": why}
                   for v, w, why in trends["hidden"][i]]
    record["comments"] = [c[i] for c in comments]
    return record


def _why(reason: int, k: int) -> str:
    return {1: f"fewer than {k} answers", 2: "complementary: protects a smaller unit",
            3: "a unit above it is hidden"}.get(int(reason), f"fewer than {k} answers")


# ------------------------------------------------------------------------------------------ waves
def _trends(q, prepared, tree, stats, hide_mean, forced, k) -> dict:
    """Means of every earlier wave per unit, each wave's statistic protected by the same rule."""
    labels = [w.label for w in q.waves.previous] + [q.waves.current]
    rows = [[] for _ in range(tree.n_units)]
    hidden = [[] for _ in range(tree.n_units)]
    org = q.organisation
    for wave in q.waves.previous:
        prev, _ = earlier_wave(q, prepared, wave)
        idx = tree.locate(prev[org.unit_variable].to_numpy(), file=Path(wave.file).name, column=org.unit_variable)
        wave_forced = forced | (visible(tree, level_sums(tree, idx), k, np.zeros(tree.n_units, bool)) > 0)
        for var in stats:
            if var not in prev:
                continue
            x = prev[var].to_numpy(dtype="float64", na_value=np.nan)
            ok = ~np.isnan(x)
            n, s = level_sums(tree, idx[ok]), level_sums(tree, idx[ok], x[ok])
            reason = visible(tree, n, k, wave_forced)
            for i in range(tree.n_units):
                if reason[i] == SHOWN and n[i] > 0:
                    rows[i].append({"variable": var, "wave": wave.label, "n": int(n[i]), "mean": s[i] / n[i]})
                elif n[i] > 0 and not forced[i]:
                    hidden[i].append((var, wave.label, _why(reason[i], k)))
    for var, rec in stats.items():
        for i in np.flatnonzero((hide_mean[var] == SHOWN) & (rec["n"] > 0)):
            rows[i].append({"variable": var, "wave": q.waves.current, "n": int(rec["n"][i]),
                            "mean": rec["sum"][i] / rec["n"][i]})
    return {"labels": labels, "rows": rows, "hidden": hidden}


def _changes(q, prepared, frame: pd.DataFrame, tree, forced, settings) -> dict:
    """The change since the last earlier wave for every unit (pipeline.waves.protected_changes: the
    organisation report's tests and protection), as {unit code: rows}."""
    wave = q.waves.previous[-1]
    prev, _ = earlier_wave(q, prepared, wave)
    _, means, fav, _ = protected_changes(q, prev, frame, wave, tree, forced, settings)
    label = {v: q.label_of(v, settings.lang) for v in set(means["variable"]) | set(fav["item"])}
    means = means.drop(columns=["level"]).assign(label=means["variable"].map(label))
    fav = fav.drop(columns=["level"]).assign(label=fav["item"].map(label))
    return {"previous": wave.label, "current": q.waves.current, "alpha": settings.alpha,
            "min_mean_change": q.waves.min_mean_change, "min_pct_change": q.waves.min_pct_change,
            "means": _rows_by_unit(means), "favourable": _rows_by_unit(fav)}


def _rows_by_unit(table: pd.DataFrame) -> dict[str, list[dict]]:
    """{unit: its rows as records without the unit}: one conversion of the whole table, then grouped."""
    out: dict[str, list[dict]] = {}
    for row in table.to_dict("records"):
        out.setdefault(row.pop("unit"), []).append(row)
    return out


def _engagement(frame: pd.DataFrame, q, plan, tree, forced, settings) -> dict:
    """One engagement index or eNPS for every unit (pipeline.organisation.engagement_by_unit: the
    organisation report's numbers and protection): the plan's record and each unit's row or None."""
    record, table, reason = engagement_by_unit(frame, q, plan, tree, forced, settings)
    rows = table.to_dict("records")
    by_unit = {r["unit"]: (r if reason[j] == SHOWN else None) for j, r in enumerate(rows)}
    why = {r["unit"]: int(reason[j]) for j, r in enumerate(rows) if reason[j] != SHOWN and r["n"] > 0}
    return {"id": plan.id, "record": {key: v for key, v in record.items() if key not in ("overall", "units")},
            "rows": by_unit, "why": why}


def _add_changes_and_engagement(record: dict, tree, i: int, changes, engagement, k: int) -> None:
    """The unit's change since the last wave (only where its trend table shows both waves' means) and its
    engagement index / eNPS beside its parent's and the organisation's."""
    code = tree.codes[i]
    if changes is not None:
        both: dict[str, set] = {}
        for r in record.get("trends", {}).get("rows", []):
            both.setdefault(r["variable"], set()).add(r["wave"])
        waves = {changes["previous"], changes["current"]}
        record["changes"] = {
            **{key: changes[key] for key in ("previous", "current", "alpha", "min_mean_change", "min_pct_change")},
            "means": [r for r in changes["means"].get(code, []) if both.get(r["variable"], set()) >= waves],
            "favourable": changes["favourable"].get(code, [])}
    parent = int(tree.parent_index[i])
    out = []
    for e in engagement:
        cells = {"unit": e["rows"].get(code),
                 # the parent is shown once, as the organisation, when it is the root
                 "parent": e["rows"].get(tree.codes[parent]) if parent > 0 else None,
                 "organisation": e["rows"].get(tree.codes[0])}
        if code in e["why"]:
            record["hidden"].append({"variable": e["id"], "label": e["record"]["label"],
                                     "statistic": e["record"]["kind"], "reason": _why(e["why"][code], k)})
        out.append({"id": e["id"], **e["record"], **cells})
    if out:
        record["engagement"] = out


# ------------------------------------------------------------------------------------------ comments
def theme_rules(q, qid: str) -> list[KeywordRecode]:
    """The ``keywords`` recodes that code the free-text question ``qid`` into themes."""
    return [r for r in q.recodes if isinstance(r, KeywordRecode) and r.text == qid]


def _comments(q, raw: pd.DataFrame, tree, unit_index, forced, k, seed, lang) -> list[list[dict]]:
    """Per free-text question shown in reports, per unit: its comments (or why not) and theme counts."""
    out = []
    for ft in q.free_text:
        if not ft.in_report or ft.id not in raw:
            continue
        rows = _comment_rows(raw, ft.id)
        n = level_sums(tree, unit_index[rows])
        reason = visible(tree, n, k, forced)
        texts = raw[ft.id].astype("string").str.strip().to_numpy(dtype=object)[rows]
        where = unit_index[rows]
        themes = []
        for rule in theme_rules(q, ft.id):
            if rule.id not in raw:
                continue
            coded = raw[rule.id].to_numpy(dtype="float64", na_value=np.nan)[rows]
            codes = [r.value for r in rule.rules if r.value is not None]
            counts = {c: level_sums(tree, where[coded == c]) for c in dict.fromkeys(codes)}
            themes.append((rule, counts))
        per_unit = []
        members = {}  # commenters of each unit, found once per level
        for level in range(tree.depth + 1):
            anc = tree.ancestor_at_level[where, level]
            order = np.argsort(anc, kind="stable")
            bounds = np.searchsorted(anc[order], np.arange(tree.n_units + 1))
            for i in np.flatnonzero(tree.level == level):
                members[i] = order[bounds[i]:bounds[i + 1]]
        for i in range(tree.n_units):
            entry = {"question": ft.id, "label": q.label_of(ft.id, lang), "n": None, "shown": False,
                     "answers": [], "themes": [], "reason": None}
            if reason[i] != SHOWN:
                entry["reason"] = _why(reason[i], k) if n[i] > 0 else "no answers"
            else:
                answers = [str(t) for t in texts[members[i]]]
                random.Random(f"{seed}:{tree.codes[i]}:{ft.id}").shuffle(answers)
                entry.update(n=int(n[i]), shown=True, answers=answers, themes=[
                    {"variable": rule.id, "label": q.label_of(rule.id, lang), "counts": [
                        {"code": c, "label": text_in(rule.codes.get(c), lang, str(c)) if rule.codes else str(c),
                         "n": int(v[i])} for c, v in counts.items()]} for rule, counts in themes])
            per_unit.append(entry)
        out.append(per_unit)
    return out
