"""``surveykit validate`` and ``surveykit describe`` on a scorecard YAML: the text they print.

validate reads the definition and every data file it names (the unit × indicator table or DATA in its place,
cross sections, panel, audit, registrations, the units file and the survey of (h)) with the same checks as
``run``, and summarises what was read; describe prints the indicator codebook. Problems raise
:class:`~surveykit.errors.SurveyError` subclasses with located :class:`~surveykit.errors.Problem` entries, which
the command prints before exiting with status 2.
"""

from __future__ import annotations

from pathlib import Path

from .analyse import load_data
from .spec import Scorecard, load_scorecard, text_in


def validate_scorecard(path: str | Path, data: str | Path | None = None) -> str:
    """Check the scorecard and its data files; return a summary, one line per file kind."""
    card = load_scorecard(path)
    d = load_data(card, Path(data) if data else None)
    lines = [(f"{path}: scorecard OK — {len(card.indicators)} indicators, {len(card.counting_calendar)} counting "
              f"periods, {len(card.published)} published values")]
    if d.table is not None:
        present = [i.id for i in card.indicators if i.id in d.table.columns]
        source = data or card.resolve(card.data.table.file)
        groups = d.table["group"].nunique() if "group" in d.table else 0
        lines.append(f"  table {source}: {len(d.table)} units × {len(present)} indicators ({', '.join(present)})"
                     + (f", {groups} groups" if groups else ""))
    for spec, frame in zip(card.data.cross_sections, d.cross_sections):
        lines.append(f"  cross section {spec.file}: {len(frame)} units")
    if d.panel is not None:
        lines.append(f"  panel {card.data.panel.file}: {d.panel['unit'].nunique()} units, "
                     f"{d.panel['period'].nunique()} periods, {d.panel['indicator'].nunique()} indicators, "
                     f"{int(d.panel['value'].notna().sum())} values")
    if d.audit is not None:
        lines.append(f"  audit {card.audit.file}: {len(d.audit)} cases in {d.audit['unit'].nunique()} units, "
                     f"{len(card.audit.criteria)} criteria" + (" (synthetic)" if card.audit.synthetic else ""))
    if d.registrations is not None:
        lines.append(f"  registrations {card.registrations.file}: {len(d.registrations)} in "
                     f"{d.registrations['unit'].nunique()} units" + (" (synthetic)" if card.registrations.synthetic else ""))
    if card.units.file is not None:
        lines.append(f"  units {card.units.file}: every office of the table is a unit; groups are their parents")
    if d.survey is not None:
        s, spec = d.survey, card.survey
        sizes = s.frame["office"].value_counts()
        enough = set(sizes[sizes >= spec.min_group_size].index)
        linked = enough & {str(u) for u in d.table.index}
        lines.append(f"  survey {spec.questionnaire}: {s.n_respondents} respondents in {len(sizes)} offices "
                     f"({spec.office_variable}); {len(enough)} offices with at least {spec.min_group_size} respondents, "
                     f"{len(linked)} of them with a scorecard row; indices {', '.join(spec.indices)}")
    return "\n".join(lines)


def _number(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:g}"


def codebook_rows(card: Scorecard, lang: str) -> list[dict]:
    """One row per indicator: id, label, unit, direction, target, bands, role, period, parent, definition."""
    rows = []
    for ind in card.indicators:
        if ind.bands is not None:
            bands = f"green {'≥' if ind.direction == 'higher' else '≤'} {_number(ind.bands.green)}"
            if ind.bands.yellow is not None:
                bands += f", yellow {'≥' if ind.direction == 'higher' else '≤'} {_number(ind.bands.yellow)}"
        elif ind.target is not None:
            bands = f"green {'≥' if ind.direction == 'higher' else '≤'} {_number(ind.target)} (the target)"
        else:
            bands = "green at or beyond the mean of the units (no target)"
        rows.append({"id": ind.id, "label": text_in(ind.label, lang, ind.id), "unit": ind.unit,
                     "direction": f"{ind.direction} is better", "target": _number(ind.target), "bands": bands,
                     "role": ind.role, "period": ind.period, "parent": ind.parent or "",
                     "definition": text_in(ind.definition, lang, "") if ind.definition is not None else ""})
    return rows


def describe_scorecard(path: str | Path, lang: str | None = None) -> str:
    """The indicator codebook as text (in ``lang``, default the scorecard's first language)."""
    card = load_scorecard(path)
    lang = lang or card.scorecard.languages[0]
    out = [text_in(card.scorecard.title, lang, card.scorecard.id), ""]
    for row in codebook_rows(card, lang):
        out.append(f"{row['id']}  {row['label']}")
        for key in ("unit", "direction", "target", "bands", "role", "period", "parent", "definition"):
            if row[key]:
                out.append(f"    {key + ':':<12}{row[key]}")
        out.append("")
    units = card.units
    if units.file or units.members:
        source = f"units file {units.file}" if units.file else f"{len(units.members)} units listed"
        label = text_in(units.group_label, lang, "") if units.group_label is not None else ""
        out.append(f"Units: {source}" + (f"; grouped by {label}" if label else ""))
    if card.survey is not None:
        s = card.survey
        out.append(f"Survey link: {s.questionnaire} ({s.data or 'its sample'}), office variable {s.office_variable}, "
                   f"indices {', '.join(s.indices)}, offices with at least {s.min_group_size} respondents")
    return "\n".join(out).rstrip() + "\n"
