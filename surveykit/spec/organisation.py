"""The employee-survey cycle in the questionnaire: organisation units, earlier waves, key drivers, engagement.

Four parts of the YAML (issue 16), all optional:

* ``organisation: {units: FILE, unit_variable: VAR, level: 1}``: the units file (code, name, parent,
  headcount; see :mod:`surveykit.data.units`) and the background variable holding each respondent's unit.
* ``waves: {current: LABEL, previous: [{label, file, rename}], min_mean_change, min_pct_change}``: earlier
  waves of the same questionnaire, compared with the current data.
* ``analysis.drivers``: key-driver analyses (relative weights and dominance of an outcome's predictors).
* ``analysis.engagement``: engagement indices (share favourable on every item of an index) and eNPS.

File names are relative to the questionnaire file. :func:`organisation_problems` is the reference check
(every name used is defined), called from :meth:`Questionnaire._reference_problems`; :func:`with_overrides`
applies the command line's ``--units`` and ``--previous LABEL=FILE``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from surveykit.errors import Problem, SpecError
from surveykit.spec.elements import Background, SpecModel, Text


class Organisation(SpecModel):
    """Where respondents work: the units file and the variable holding each respondent's unit code."""

    units: str = Field(description="Units file (CSV or XLSX: code, name or name_nb/name_en, parent, headcount), "
                                   "relative to the questionnaire file")
    unit_variable: str = Field(description="Background variable holding each respondent's unit code")
    level: int = Field(1, ge=0, description="Deepest level of units shown by unit in the organisation report "
                                            "(0 = the whole organisation, 1 = the units directly below it)")
    per_unit: int | Literal["all"] | None = Field(
        None, description="Write one report per unit at this level (or 'all' levels below the organisation) "
                          "into units/ beside the organisation report; --per-unit overrides it")

    @field_validator("per_unit")
    @classmethod
    def _level(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool) and value < 0:
            raise ValueError(f"per_unit must be a level (0 or more) or 'all', not {value}")
        return value


class PreviousWave(SpecModel):
    """An earlier wave of the same questionnaire."""

    label: str = Field(description="Name of the wave in tables and figures, e.g. 2023")
    file: str = Field(description="Data file of the wave, relative to the questionnaire file")
    rename: dict[str, str] = Field(default_factory=dict,
                                   description="{id in this wave: id now}, for items renamed since")

    @field_validator("label", mode="before")
    @classmethod
    def _label_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


class Waves(SpecModel):
    """The current wave's label, the earlier waves and the size a change must have to be flagged."""

    current: str = Field(description="Label of the wave the data file holds, e.g. 2024")
    previous: list[PreviousWave] = Field(default_factory=list, description="Earlier waves, oldest first")
    min_mean_change: float = Field(0.2, ge=0, description="Smallest change in a mean (scale points) flagged")
    min_pct_change: float = Field(5.0, ge=0, description="Smallest change in favourable % (points) flagged")

    @field_validator("current", mode="before")
    @classmethod
    def _label_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value

    @model_validator(mode="after")
    def _distinct_labels(self) -> Waves:
        labels = [self.current, *(w.label for w in self.previous)]
        twice = sorted({x for x in labels if labels.count(x) > 1})
        if twice:
            raise ValueError(f"wave label(s) {twice} used twice; every wave needs its own label")
        return self


class DriverPlan(SpecModel):
    """A key-driver analysis: how much of the outcome's explained variance each predictor accounts for."""

    id: str
    label: Text | None = None
    outcome: str = Field(description="Index or item whose drivers are sought")
    predictors: list[str] = Field(min_length=2, description="Indices or items (at least 2)")
    bootstrap: int = Field(1000, ge=0, description="Bootstrap resamples for the CIs (seed: analysis.seed); 0: none")


class EngagementPlan(SpecModel):
    """An engagement index (``index`` + ``favourable``) or an eNPS (``item`` on 0-10)."""

    id: str
    label: Text | None = None
    index: str | None = Field(None, description="Index whose items must all be answered favourably")
    favourable: list[int] | None = Field(None, description="Favourable codes (default: the items' scale's)")
    item: str | None = Field(None, description="0-10 item: eNPS = % promoters (9-10) - % detractors (0-6)")

    @model_validator(mode="after")
    def _one_kind(self) -> EngagementPlan:
        if (self.index is None) == (self.item is None):
            raise ValueError(f"engagement {self.id!r}: give either 'index' (an engagement index) or 'item' "
                             "(an eNPS item), not both or neither")
        if self.item is not None and self.favourable is not None:
            raise ValueError(f"engagement {self.id!r}: 'favourable' goes with 'index'; an eNPS counts 9-10 as "
                             "promoters")
        return self


# ------------------------------------------------------------------------------------ reference checks
def organisation_problems(q, file: str | None, locate: Any = None) -> list[Problem]:
    """Every name the organisation, waves, drivers and engagement parts use but the questionnaire lacks."""
    problems: list[Problem] = []

    def bad(msg: str, *loc: Any) -> None:
        problems.append(Problem(msg, file=file, line=locate(loc) if (locate is not None and loc) else None))

    known = set(q.raw_variables) | {r.id for r in q.recodes} | set(q.index_map)
    numeric = set(q.item_map) | set(q.index_map) | {b.id for b in q.background if b.type == "number"}
    if q.organisation is not None:
        var = q.organisation.unit_variable
        entry = q.raw_variables.get(var)
        if var not in known:
            bad(f"organisation: unit_variable {var!r} is not a variable of the questionnaire",
                "organisation", "unit_variable")
        elif not (isinstance(entry, Background) or var in q.recode_map):
            bad(f"organisation: unit_variable {var!r} must be a background question holding unit codes",
                "organisation", "unit_variable")
    if q.waves is not None:
        for pos, wave in enumerate(q.waves.previous):
            for old, new in wave.rename.items():
                if new not in q.raw_variables:
                    bad(f"waves: wave {wave.label!r} renames {old!r} to {new!r}, which is not a question of the "
                        "questionnaire", "waves", "previous", pos, "rename", old)
    plan = q.analysis
    for pos, d in enumerate(plan.drivers):
        where = ("analysis", "drivers", pos)
        if d.outcome not in numeric:
            bad(f"drivers {d.id!r}: outcome {d.outcome!r} is not an item or index", *where, "outcome")
        for j, name in enumerate(d.predictors):
            if name not in numeric:
                bad(f"drivers {d.id!r} names unknown predictor {name!r} (predictors are items or indices)",
                    *where, "predictors", j)
            elif name == d.outcome or d.predictors.index(name) != j:
                bad(f"drivers {d.id!r}: {name!r} is named twice (outcome and predictors must differ)",
                    *where, "predictors", j)
    for pos, e in enumerate(plan.engagement):
        where = ("analysis", "engagement", pos)
        if e.index is not None:
            if e.index not in q.index_map:
                bad(f"engagement {e.id!r} names unknown index {e.index!r}", *where, "index")
            else:
                scale = q.scale_of(e.index)
                outside = [v for v in e.favourable or [] if scale and not scale.min <= v <= scale.max]
                if outside:
                    bad(f"engagement {e.id!r}: favourable value(s) {outside} outside the scale "
                        f"{scale.min}..{scale.max}", *where, "favourable")
        elif e.item not in q.item_map:
            bad(f"engagement {e.id!r} names unknown item {e.item!r}", *where, "item")
        else:
            scale = q.scale_of(e.item)
            if scale is not None and (scale.min, scale.max) != (0, 10):
                bad(f"engagement {e.id!r}: eNPS needs an item on a 0-10 scale; {e.item!r} is on "
                    f"{scale.min}..{scale.max}", *where, "item")
    others = [p.id for group in (plan.descriptives, plan.factor_analyses, plan.reliability, plan.comparisons,
                                 plan.crosstabs, plan.correlations, plan.regressions) for p in group]
    mine = [p.id for p in (*plan.drivers, *plan.engagement)]
    for dup in sorted({i for i in mine if mine.count(i) > 1 or i in others}):
        bad(f"analysis plan id {dup!r} is used twice", "analysis")
    return problems


# ------------------------------------------------------------------------------------ command line
def with_overrides(q, units: str | None = None, previous: list[str] | None = None):
    """The questionnaire with the command line's ``--units FILE`` and ``--previous LABEL=FILE`` applied.

    Paths given on the command line are relative to the working directory (made absolute here, so that
    :meth:`Questionnaire.resolve` leaves them as they are). ``--previous`` replaces the YAML's list of
    earlier waves; the current wave keeps the YAML's label, or is called ``current``.
    """
    update: dict[str, Any] = {}
    if units is not None:
        if q.organisation is None:
            raise SpecError(f"--units {units}: the questionnaire has no 'organisation' part naming the unit "
                            "variable; add organisation: {units: FILE, unit_variable: VARIABLE} to the YAML")
        update["organisation"] = q.organisation.model_copy(update={"units": str(Path(units).resolve())})
    if previous:
        waves, problems = [], []
        for arg in previous:
            label, sep, path = arg.partition("=")
            if not sep or not label.strip() or not path.strip():
                problems.append(Problem(f"--previous {arg!r}: expected LABEL=FILE, e.g. 2023=resp2023.csv"))
                continue
            waves.append({"label": label.strip(), "file": str(Path(path.strip()).resolve())})
        if problems:
            raise SpecError("--previous: not LABEL=FILE", problems)
        base = q.waves.model_dump() if q.waves is not None else {"current": "current"}
        renames = {w.label: w.rename for w in (q.waves.previous if q.waves else [])}
        for w in waves:
            w["rename"] = renames.get(w["label"], {})
        try:
            update["waves"] = Waves.model_validate({**base, "previous": waves})
        except ValueError as exc:
            raise SpecError(f"--previous: {exc}") from None
    if not update:
        return q
    out = q.model_copy(update=update)
    for cached in ("_checked_problems",):  # the reference check depends on the parts replaced
        out.__dict__.pop(cached, None)
    return out
