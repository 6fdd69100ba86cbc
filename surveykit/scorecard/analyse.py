"""Run every scorecard analysis the definition and its data allow, and collect the results as one plain,
JSON-safe dict (results.json). Computation only: no formatting, no language.

Flow: definition -> data files -> (a) attainment, (b) validity, (c) stability, (d) wear-out, (e) decoupling,
(f) measured vs audited, (g) deadline bunching, (h) the survey link (when the YAML names a survey) ->
published-vs-reproduced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from surveykit import __version__
from surveykit.errors import AnalysisError
from surveykit.jsonsafe import to_jsonable

from . import attainment, audit, bunching, stability, trends, validity
from .data import load_audit, load_panel, load_registrations, load_table
from .spec import Scorecard
from .survey_side import (
    SurveyRespondents,
    load_survey,
    load_unit_tree,
    survey_link,
    unit_groups,
)


@dataclass
class ScorecardData:
    """The data of one scorecard as loaded and checked."""

    table: pd.DataFrame | None = None
    cross_sections: list[pd.DataFrame] = field(default_factory=list)
    panel: pd.DataFrame | None = None
    audit: pd.DataFrame | None = None
    registrations: pd.DataFrame | None = None
    survey: SurveyRespondents | None = None
    files: list[Path] = field(default_factory=list)


def load_data(card: Scorecard, table_path: Path | None = None) -> ScorecardData:
    """Load every data file the definition names; ``table_path`` replaces the unit × indicator table."""
    d = ScorecardData()
    if card.data.table is not None or table_path is not None:
        if card.data.table is None:
            raise AnalysisError(f"{card.source_path}: a DATA file was given but the scorecard declares no "
                                "'data: table:' (which columns hold the unit and the indicators)")
        d.table = load_table(card, card.data.table, table_path)
        tree = load_unit_tree(card)
        if tree is not None:  # offices are units of the survey side's units file, groups their parents
            d.files.append(card.resolve(card.units.file))
            from_tree = unit_groups(card, tree, d.table.index, str(table_path or card.resolve(card.data.table.file)))
            if "group" not in d.table:
                d.table["group"] = from_tree.to_numpy()
        groups = {m.id: m.group for m in card.units.members if m.group is not None}
        if groups and "group" not in d.table:  # the grouping declared in the YAML, when the table has none
            d.table["group"] = [groups.get(u) for u in d.table.index]
        d.files.append(table_path or card.resolve(card.data.table.file))
    for spec in card.data.cross_sections:
        d.cross_sections.append(load_table(card, spec))
        d.files.append(card.resolve(spec.file))
    if card.data.panel is not None:
        d.panel = load_panel(card, card.data.panel)
        d.files.append(card.resolve(card.data.panel.file))
    if card.audit is not None:
        d.audit = load_audit(card, card.audit)
        d.files.append(card.resolve(card.audit.file))
    if card.registrations is not None:
        d.registrations = load_registrations(card, card.registrations)
        d.files.append(card.resolve(card.registrations.file))
    d.survey = load_survey(card)
    if d.survey is not None:
        if d.table is None:
            raise AnalysisError(f"{card.source_path}: the survey link needs the unit × indicator table "
                                "('data: table:') to join the office means to")
        d.files.extend(d.survey.files)
    return d


def descriptives(table: pd.DataFrame, indicators: list[str]) -> dict:
    """n, mean, SD (n - 1), min, max of each indicator over units."""
    out = {}
    for name in indicators:
        v = table[name].dropna()
        out[name] = {"n": len(v), "mean": float(v.mean()), "sd": float(v.std(ddof=1)) if len(v) > 1 else None,
                     "min": float(v.min()), "max": float(v.max())}
    return out


def _table_with(data: ScorecardData, units: list[str]) -> pd.DataFrame | None:
    for frame in ([data.table] if data.table is not None else []) + data.cross_sections:
        if set(units) <= set(frame.index):
            return frame
    return None


def analyse(card: Scorecard, data: ScorecardData, min_group_size: int | None = None) -> dict:
    """Every analysis that applies; ``results['notes']`` says which were skipped and why. ``min_group_size``
    (the command's --min-group-size) overrides the survey block's: (h) keeps offices with at least that many
    respondents."""
    ind_map = card.indicator_map
    conf = card.analyses.confidence
    results: dict = {"meta": {"id": card.scorecard.id, "title": card.scorecard.title,
                              "citation": card.scorecard.citation, "source": card.scorecard.source,
                              "surveykit_version": __version__}, "notes": []}
    notes = results["notes"]
    table = data.table
    if table is not None:
        present = [i.id for i in card.indicators if i.id in table.columns]
        results["n_units"] = len(table)
        results["descriptives"] = descriptives(table, present)
        results["table"] = {str(u): row for u, row in table[present + (["group"] if "group" in table else [])]
                            .to_dict(orient="index").items()}
        group = table.get("group", None)
        results["attainment"] = attainment.target_attainment(table, card.indicators, group).to_dict()
    val = card.analyses.validity
    if val is not None and table is not None:
        block = {"outcome": val.outcome,
                 "correlations": validity.correlations_with_outcome(table, val.outcome,
                                                                    [p for p in val.predictors if p in table],
                                                                    conf).to_dict(),
                 "models": {m.id: validity.ols_model(table, val.outcome, m.predictors, m.id).to_dict()
                            for m in val.models}}
        if data.panel is not None:
            block["lagged"] = {p: validity.lagged_correlations(data.panel, p, val.outcome, val.max_lag,
                                                                confidence=conf).to_dict()
                               for p in val.predictors if p in set(data.panel["indicator"])}
        results["validity"] = block
    if data.panel is not None:
        units_panel = data.panel[~data.panel["unit"].isin(card.units.aggregates)]
        results["stability"] = {"variance": {}}
        results["wear_out"] = {}
        for name in sorted(set(units_panel["indicator"]), key=list(ind_map).index):
            try:
                results["stability"]["variance"][name] = stability.variance_decomposition(units_panel, name).to_dict()
            except AnalysisError as exc:
                notes.append(f"variance decomposition of {name}: {exc}")
            ind = ind_map[name]
            results["wear_out"][name] = trends.wear_out(units_panel, name, ind.target,
                                                        ind.direction == "higher").to_dict()
        results["panel"] = to_jsonable(data.panel)
    funnels, ranks = {}, {}
    for name in card.analyses.funnel:
        frame = next((f for f in ([table] if table is not None else []) + data.cross_sections
                      if f"denominator:{name}" in f), None)
        if frame is None:
            notes.append(f"funnel of {name}: no table gives its denominator")
            continue
        ind = ind_map[name]
        share, den = frame[name] / 100, frame[f"denominator:{name}"]
        funnels[name] = stability.funnel(share, den, name, ind.target / 100 if ind.target is not None else None).to_dict()
        ranks[name] = stability.rank_intervals(share * den, den, name, ind.direction == "higher", conf).to_dict()
    if funnels:
        results.setdefault("stability", {})["funnel"] = funnels
        results["stability"]["rank_intervals"] = ranks
    if card.analyses.decoupling:
        results["decoupling"] = {}
        for pair in card.analyses.decoupling:
            cs = table if table is not None and pair.easy in table and pair.hard in table else None
            results["decoupling"][f"{pair.easy}~{pair.hard}"] = trends.decoupling(data.panel, pair.easy, pair.hard,
                                                                                 cs, conf).to_dict()
    if data.audit is not None and card.audit is not None:
        spec = card.audit
        criteria = [c.id for c in spec.criteria]
        results["audit"] = audit.audit_summary(data.audit, criteria, spec.reference_criterion).to_dict()
        results["audit"]["synthetic"] = spec.synthetic
        mva = {}
        for crit in spec.criteria:
            if crit.indicator is None:
                continue
            frame = _table_with(data, list(data.audit["unit"].unique()))
            if frame is None or crit.indicator not in frame:
                notes.append(f"measured vs audited for {crit.id}: no table holds {crit.indicator} for the audited units")
                continue
            ind = ind_map[crit.indicator]
            den = frame.get(f"denominator:{crit.indicator}")
            mva[crit.id] = audit.measured_vs_audited(frame[crit.indicator], data.audit, crit.id, crit.indicator,
                                                     ind.target, spec.near_target, den, conf).to_dict()
        results["measured_vs_audited"] = mva
    if data.registrations is not None and card.registrations is not None:
        reg = card.registrations
        cal = [(p.period, pd.Timestamp(p.first), pd.Timestamp(p.last)) for p in card.counting_calendar]
        hol = [(pd.Timestamp(h.first), pd.Timestamp(h.last)) for h in reg.holidays]
        b = bunching.deadline_bunching(data.registrations["date"], cal, reg.last_days, hol).to_dict()
        b.update({"synthetic": reg.synthetic, "indicator": reg.indicator, "n_units": int(data.registrations["unit"].nunique()),
                  "holidays": [{"first": h.first.isoformat(), "last": h.last.isoformat(), "label": h.label}
                               for h in reg.holidays]})
        results["bunching"] = b
    if data.survey is not None and card.survey is not None:
        k = min_group_size if min_group_size is not None else card.survey.min_group_size
        if k < 1:
            raise AnalysisError(f"the minimum group size must be at least 1 (got {k})")
        link, counts = survey_link(card, data.survey, table, k)
        results["survey_link"] = {**link.to_dict(), **counts}
    results = to_jsonable(results)
    results["replication"] = replication(results, card)
    return results


def replication(results: dict, card: Scorecard) -> list[dict]:
    """Published against reproduced, each within its tolerance or not."""
    from surveykit.pipeline.replication import replication_table

    return replication_table(results, card.published)
