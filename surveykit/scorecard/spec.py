"""The scorecard definition: one YAML file declaring indicators, units, data files, audit rubric and the
published values a replication must reproduce.

A scorecard YAML starts with a top-level ``scorecard:`` mapping (that key is how ``surveykit run`` tells a
scorecard from a questionnaire). ``docs/scorecard-format.md`` documents every key. Loading is two-pass like
the questionnaire (surveykit/spec.py): pydantic checks keys and types, each error located at its YAML line,
then :meth:`Scorecard.reference_problems` checks that every indicator or criterion named is defined.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from surveykit.errors import Problem, SpecError
from surveykit.spec.elements import SpecModel, Text, text_in
from surveykit.spec.yamlio import line_of, load_yaml

__all__ = ["Scorecard", "load_scorecard", "text_in"]


class Bands(SpecModel):
    """Traffic-light thresholds. For 'higher is better': green at or above ``green``, yellow at or above
    ``yellow``, else red (mirrored for 'lower is better'). A unit without a value is black."""

    green: float
    yellow: float | None = Field(None, description="Lower edge of yellow; none: no yellow band")


class Indicator(SpecModel):
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    label: Text
    definition: Text | None = None
    numerator: Text | None = None
    denominator: Text | None = None
    unit: Literal["percent", "count"] = "percent"
    direction: Literal["higher", "lower"] = "higher"
    target: float | None = Field(None, description="The result requirement (resultatkrav); none if none set")
    bands: Bands | None = Field(None, description="Traffic-light bands (default: green at target, no yellow)")
    attribution: Text | None = Field(None, description="Which office gets the count (the attribution rule)")
    period: Literal["month", "quarter", "year", "other"] = "month"
    role: Literal["outcome", "activity", "other"] = "activity"
    parent: str | None = Field(None, description="Indicator this one is a sub-activity of (e.g. B22)")

    @model_validator(mode="after")
    def _bands_order(self) -> Indicator:
        b = self.bands
        if b is not None and b.yellow is not None:
            if self.direction == "higher" and b.yellow > b.green:
                raise ValueError(f"indicator {self.id!r}: yellow ({b.yellow}) above green ({b.green}) although "
                                 "higher is better")
            if self.direction == "lower" and b.yellow < b.green:
                raise ValueError(f"indicator {self.id!r}: yellow ({b.yellow}) below green ({b.green}) although "
                                 "lower is better")
        return self

    def green_threshold(self) -> float | None:
        return self.bands.green if self.bands is not None else self.target


class CountingPeriod(SpecModel):
    """One counting month (tellemåned): registrations from ``first`` to ``last`` count for ``period``."""

    period: str = Field(pattern=r"^\d{4}-\d{2}$")
    first: dt.date
    last: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> CountingPeriod:
        if self.last < self.first:
            raise ValueError(f"counting period {self.period}: last day {self.last} is before first day {self.first}")
        return self


class Unit(SpecModel):
    id: str
    label: Text | None = None
    group: str | None = None


class Units(SpecModel):
    file: str | None = Field(None, description="Organisation units file of the survey side (code, name/name_nb/"
                                               "name_en, parent, headcount; surveykit.data.units.read_units): "
                                               "offices are its units, their groups the units' parents")
    group_label: Text | None = Field(None, description="What the grouping is, e.g. {nb: Fylke, en: County}")
    group_note: Text | None = Field(None, description="Where the grouping comes from (e.g. an assumption)")
    members: list[Unit] = Field(default_factory=list, description="Units with labels and groups (optional)")
    aggregates: list[str] = Field(default_factory=list,
                                  description="Panel 'units' that are totals (e.g. Oslo, Norway): shown in trends, "
                                              "left out of spreads, variance decompositions and rankings")


class TableData(SpecModel):
    """Unit × indicator: one row per unit, one column per indicator."""

    file: str
    unit: str = Field("unit", description="Column holding the unit id")
    group: str | None = Field(None, description="Column holding the unit's group (e.g. county)")
    denominators: dict[str, str] = Field(default_factory=dict,
                                         description="indicator id -> column with its denominator (for funnels)")
    source: str | None = None


class PanelData(SpecModel):
    """Unit × period × indicator, long (unit, period, indicator, value) or wide (unit, period, one column
    per indicator)."""

    file: str
    layout: Literal["long", "wide"] = "long"
    unit: str = "unit"
    period: str = "period"
    indicator: str = Field("indicator", description="Long layout: the column naming the indicator")
    value: str = Field("value", description="Long layout: the column holding the value")
    source: str | None = None


class Criterion(SpecModel):
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    label: Text
    description: Text | None = None
    indicator: str | None = Field(None, description="The scorecard indicator this criterion audits")


class AuditData(SpecModel):
    """One row per audited case; each criterion scored 0 (not met), 1 (neutral) or 2 (met)."""

    file: str
    unit: str = "unit"
    case: str = "case"
    order: str | None = Field(None, description="Column with the sampling order")
    second_coder_suffix: str | None = Field(None, description="Columns <criterion><suffix> hold a second "
                                                              "coder's scores (blank where not double-coded)")
    criteria: list[Criterion]
    reference_criterion: str | None = Field(None, description="Criterion the others are correlated with")
    near_target: float = Field(5.0, ge=0, description="Points below target still counted as 'near target'")
    scorecard_period: str | None = Field(None, description="Panel period the audit is compared with")
    source: str | None = None
    synthetic: bool = False


class Holiday(SpecModel):
    first: dt.date
    last: dt.date
    label: Text | None = None


class Registrations(SpecModel):
    """Time-stamped registrations (one row each), for deadline bunching."""

    file: str
    unit: str = "unit"
    timestamp: str = "date"
    indicator: str | None = Field(None, description="Indicator the registrations count towards")
    last_days: int = Field(7, ge=1, description="The 'last k days' of each counting period")
    holidays: list[Holiday] = Field(default_factory=list)
    source: str | None = None
    synthetic: bool = False


class Data(SpecModel):
    table: TableData | None = None
    panel: PanelData | None = None
    cross_sections: list[TableData] = Field(default_factory=list,
                                            description="Further unit × indicator tables (e.g. another year)")


class Model(SpecModel):
    id: str
    predictors: list[str]
    label: Text | None = None


class Validity(SpecModel):
    outcome: str
    predictors: list[str]
    models: list[Model] = Field(default_factory=list)
    max_lag: int = Field(2, ge=0)


class SurveyLinkSpec(SpecModel):
    """(h) The survey whose index scores are aggregated per office and joined to the office indicators."""

    questionnaire: str = Field(description="Questionnaire YAML, relative to the scorecard file")
    data: str | None = Field(None, description="Survey data file; default: the questionnaire's sample")
    office_variable: str = Field(description="Survey variable holding the respondent's office (unit code)")
    indices: list[str] = Field(min_length=1, description="Indices of the questionnaire to aggregate")
    indicators: list[str] = Field(default_factory=list, description="Indicators to correlate (default: all)")
    outcome: str | None = Field(None, description="Indicator regressed on the index means (none: no regression)")
    min_group_size: int = Field(5, ge=1, description="Offices with fewer respondents are left out "
                                                     "(--min-group-size overrides)")


class Pair(SpecModel):
    easy: str = Field(description="The easy-to-register indicator (e.g. approved plans)")
    hard: str = Field(description="The harder one it should move with (e.g. programme participation)")


class Analyses(SpecModel):
    validity: Validity | None = None
    decoupling: list[Pair] = Field(default_factory=list)
    funnel: list[str] = Field(default_factory=list, description="Indicators with denominators to funnel")
    confidence: float = Field(0.95, gt=0, lt=1)


class PublishedValue(SpecModel):
    table: str
    quantity: Text = Field(description="What the value is; one text or one per language")
    path: str = Field(description="Dotted path into results.json")
    value: float
    tolerance: float = Field(ge=0)


class Meta(SpecModel):
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    title: Text
    citation: str | None = None
    description: Text | None = None
    source: str | None = Field(None, description="Seed file and lines the data were transcribed from")
    languages: list[Literal["nb", "en"]] = Field(default_factory=lambda: ["nb", "en"], min_length=1,
                                                 description="Report languages; the first is the default")


class Scorecard(SpecModel):
    scorecard: Meta
    indicators: list[Indicator]
    units: Units = Field(default_factory=Units)
    counting_calendar: list[CountingPeriod] = Field(default_factory=list)
    data: Data = Field(default_factory=Data)
    audit: AuditData | None = None
    registrations: Registrations | None = None
    survey: SurveyLinkSpec | None = None
    analyses: Analyses = Field(default_factory=Analyses)
    published: list[PublishedValue] = Field(default_factory=list)
    source_path: Path | None = Field(None, exclude=True)

    @property
    def indicator_map(self) -> dict[str, Indicator]:
        return {i.id: i for i in self.indicators}

    def resolve(self, relative: str) -> Path:
        base = self.source_path.parent if self.source_path else Path.cwd()
        return (base / relative).resolve()

    def reference_problems(self, file: str, locate) -> list[Problem]:
        """Names used but not defined, each located at its YAML line."""
        problems: list[Problem] = []
        known = set(self.indicator_map)

        def bad(message: str, *loc: Any) -> None:
            problems.append(Problem(message, file=file, line=locate(loc)))

        ids = [i.id for i in self.indicators]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            bad(f"indicator id {dup!r} is defined twice", "indicators")
        for k, ind in enumerate(self.indicators):
            if ind.parent is not None and ind.parent not in known:
                bad(f"indicator {ind.id!r}: parent {ind.parent!r} is not a defined indicator", "indicators", k, "parent")
        v = self.analyses.validity
        if v is not None:
            if v.outcome not in known:
                bad(f"validity: outcome {v.outcome!r} is not a defined indicator", "analyses", "validity", "outcome")
            for k, name in enumerate(v.predictors):
                if name not in known:
                    bad(f"validity: {name!r} is not a defined indicator", "analyses", "validity", "predictors", k)
            for k, m in enumerate(v.models):
                for name in m.predictors:
                    if name not in known:
                        bad(f"model {m.id!r}: predictor {name!r} is not a defined indicator",
                            "analyses", "validity", "models", k, "predictors")
        for k, pair in enumerate(self.analyses.decoupling):
            for side in ("easy", "hard"):
                if getattr(pair, side) not in known:
                    bad(f"decoupling: {getattr(pair, side)!r} is not a defined indicator",
                        "analyses", "decoupling", k, side)
        for k, name in enumerate(self.analyses.funnel):
            if name not in known:
                bad(f"funnel: {name!r} is not a defined indicator", "analyses", "funnel", k)
        if self.audit is not None:
            crit = [c.id for c in self.audit.criteria]
            for k, c in enumerate(self.audit.criteria):
                if c.indicator is not None and c.indicator not in known:
                    bad(f"criterion {c.id!r}: indicator {c.indicator!r} is not defined",
                        "audit", "criteria", k, "indicator")
            if self.audit.reference_criterion is not None and self.audit.reference_criterion not in crit:
                bad(f"reference_criterion {self.audit.reference_criterion!r} is not a criterion",
                    "audit", "reference_criterion")
        if self.registrations is not None and self.registrations.indicator not in (None, *known):
            bad(f"registrations: indicator {self.registrations.indicator!r} is not defined",
                "registrations", "indicator")
        if self.registrations is not None and not self.counting_calendar:
            bad("registrations need a counting_calendar (the first and last day of each counting period)",
                "registrations")
        if self.survey is not None:
            for k, name in enumerate(self.survey.indicators):
                if name not in known:
                    bad(f"survey: indicator {name!r} is not defined", "survey", "indicators", k)
            if self.survey.outcome is not None and self.survey.outcome not in known:
                bad(f"survey: outcome {self.survey.outcome!r} is not a defined indicator", "survey", "outcome")
        periods = [p.period for p in self.counting_calendar]
        for dup in sorted({p for p in periods if periods.count(p) > 1}):
            bad(f"counting period {dup} is listed twice", "counting_calendar")
        return problems


def _format_loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


def load_scorecard(path: str | Path) -> Scorecard:
    """Read and check a scorecard YAML file; raise :class:`SpecError` listing every problem with its line."""
    path = Path(path)
    data = load_yaml(path)
    file = str(path)
    if not isinstance(data, dict) or "scorecard" not in data:
        raise SpecError(f"{file}: a scorecard must be a YAML mapping with a top-level 'scorecard:' key")
    try:
        card = Scorecard.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = f"unknown key {loc[-1]!r}"
            elif err["type"] == "missing":
                message = f"required key {loc[-1]!r} is missing"
            elif "input" in err and err["type"] != "value_error" and not isinstance(err["input"], (dict, list)):
                message += f" (got {err['input']!r})"
            problems.append(Problem(f"{_format_loc(loc)}: {message}", file=file, line=line_of(data, loc)))
        raise SpecError(f"{file}: {len(problems)} problem(s) in the scorecard", problems) from None
    card = card.model_copy(update={"source_path": path.resolve()})
    problems = card.reference_problems(file, lambda loc: line_of(data, loc))
    if problems:
        raise SpecError(f"{file}: {len(problems)} problem(s) in the scorecard", problems)
    return card
