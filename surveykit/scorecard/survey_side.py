"""What the scorecard borrows from the survey side: the organisation units file (offices are its units,
counties/areas their parents) and the survey whose index scores analysis (h) aggregates per office.

Both are read through the survey side's own readers (``surveykit.data.units.read_units``, and
``surveykit.api.workflow.read_questionnaire`` / ``read_data`` with ``surveykit.measure.scoring.scored_frame``),
so a units file or a survey that passes ``surveykit validate`` on the survey side passes here, and the index
scores are the ones a survey run reports (items keyed, ``min_valid`` applied).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from surveykit.data.units import UnitTree, code_text, read_units
from surveykit.errors import DataError, Problem, SpecError

from .spec import Scorecard, text_in
from .survey_link import SurveyLink, survey_scorecard_link

MAX_SHOWN = 5


def load_unit_tree(card: Scorecard) -> UnitTree | None:
    """The units file the scorecard names (``units.file``), read and checked as the survey side does."""
    if card.units.file is None:
        return None
    return read_units(card.resolve(card.units.file))


def unit_groups(card: Scorecard, tree: UnitTree, offices: pd.Index, source: str) -> pd.Series:
    """Each office's group: the name of its parent unit in the scorecard's first language. An office that is
    not a unit of the file is an error (listed all at once, with the table file)."""
    codes = [code_text(o) for o in offices]
    unknown = sorted({c for c in codes if c is None or c not in tree.codes}, key=str)
    if unknown:
        raise DataError(f"{source}: {len(unknown)} office(s) are not units of the units file {tree.source}",
                        [Problem("office id not found among the units' codes", file=source,
                                 values=tuple(str(c) for c in unknown[:MAX_SHOWN]))])
    lang = card.scorecard.languages[0]
    names = dict(zip(tree.codes, tree.names))
    groups = []
    for c in codes:
        parent = tree.parent(c)
        groups.append(None if parent is None else _unit_name(names[parent], lang, parent))
    return pd.Series(groups, index=offices, dtype="object")


def _unit_name(names: dict, lang: str, code: str) -> str:
    return names.get(f"name_{lang}") or names.get("name") or next((v for v in names.values() if v), code)


@dataclass(frozen=True)
class SurveyRespondents:
    """The survey side of (h): one row per respondent with the office code (text) and the index scores."""

    frame: pd.DataFrame
    n_respondents: int
    files: tuple[Path, ...]
    index_labels: dict


def load_survey(card: Scorecard) -> SurveyRespondents | None:
    """Read the questionnaire and survey data the scorecard's ``survey:`` block names; check that the office
    variable and the indices exist. Returns office codes as text (``4635.0`` and ``"4635"`` are one office)."""
    spec = card.survey
    if spec is None:
        return None
    from surveykit.api.workflow import data_path, read_data, read_questionnaire
    from surveykit.measure.scoring import scored_frame

    q = read_questionnaire(card.resolve(spec.questionnaire))
    where = str(card.source_path or "scorecard")
    problems = []
    if spec.office_variable not in {b.id for b in q.background}:
        problems.append(Problem(f"survey.office_variable {spec.office_variable!r} is not a background question of "
                                f"{spec.questionnaire}", file=where))
    known = {i.id for i in q.indices}
    for name in spec.indices:
        if name not in known:
            problems.append(Problem(f"survey.indices: {name!r} is not an index of {spec.questionnaire} (indices: "
                                    f"{', '.join(sorted(known))})", file=where))
    if problems:
        raise SpecError(f"{where}: {len(problems)} problem(s) in the survey block", problems)
    path = data_path(q, card.resolve(spec.data) if spec.data else None)
    prepared = read_data(q, path)
    scored = scored_frame(prepared.frame, q)
    frame = pd.DataFrame({"office": [code_text(v) for v in scored[spec.office_variable]]}, index=scored.index)
    for name in spec.indices:
        frame[name] = scored[name].astype(float)
    labels = {i.id: i.label for i in q.indices if i.id in spec.indices}
    return SurveyRespondents(frame, prepared.n_respondents, (Path(q.source_path), Path(path)), labels)


def survey_link(card: Scorecard, respondents: SurveyRespondents, table: pd.DataFrame,
                min_group_size: int) -> tuple[SurveyLink, dict]:
    """(h) on the loaded data: the link and the counts a reader needs to judge it (respondents read, without
    an office, in offices below the minimum, in offices without a scorecard row)."""
    spec = card.survey
    indicators = spec.indicators or [i.id for i in card.indicators if i.id in table.columns]
    office_table = table[[c for c in indicators if c in table.columns]].copy()
    office_table.index = pd.Index([code_text(u) for u in office_table.index], name="office")
    link = survey_scorecard_link(respondents.frame, "office", list(spec.indices), office_table,
                                 outcome=spec.outcome, min_group_size=min_group_size,
                                 confidence=card.analyses.confidence)
    offices = respondents.frame["office"]
    sizes = offices.value_counts()
    kept = set(sizes[sizes >= min_group_size].index)
    no_row = sorted(kept - set(office_table.index))
    counts = {"n_respondents": respondents.n_respondents, "n_without_office": int(offices.isna().sum()),
              "n_offices_surveyed": len(sizes), "n_offices_below_minimum": len(link.excluded),
              "n_respondents_below_minimum": int(sizes[sizes < min_group_size].sum()),
              "offices_without_scorecard": no_row,
              "n_respondents_without_scorecard": int(sizes.reindex(no_row).sum()) if no_row else 0,
              "n_offices_linked": len(link.offices),
              "n_scorecard_offices_without_survey": len(set(office_table.index) - kept),
              "indices": list(spec.indices), "index_labels": respondents.index_labels, "indicators": list(office_table.columns),
              "outcome": spec.outcome, "office_variable": spec.office_variable}
    return link, counts


def office_names(card: Scorecard, tree: UnitTree | None, lang: str) -> dict[str, str]:
    """Office code -> a display name (the units file's, else the YAML members' label, else the code)."""
    out = {m.id: text_in(m.label, lang, m.id) for m in card.units.members if m.label is not None}
    if tree is not None:
        out.update({c: _unit_name(n, lang, c) for c, n in zip(tree.codes, tree.names)})
    return out


__all__ = ["SurveyRespondents", "load_survey", "load_unit_tree", "office_names", "survey_link", "unit_groups"]
