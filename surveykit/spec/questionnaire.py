"""The questionnaire definition: one YAML file, the single source of truth for a survey.

A questionnaire declares its response scales, items, background and free-text questions, the recode rules
that turn raw answers into analysis variables, the indices built from items, the analysis plan and, for
replications, the published values to compare with. ``docs/questionnaire-format.md`` documents every key;
``surveykit schema`` prints the JSON Schema generated from the models below.

Loading is two-pass: pydantic checks keys and types (unknown keys are errors, reported with their YAML line),
then :meth:`Questionnaire.check_references` checks that every name used is defined (items of an index,
sources of a recode, variables of the analysis plan, reference categories) and that derived variables
do not depend on each other in a circle.

Longer than 500 lines because the reference checks need the model's lookups; the add-ons' own checks
live beside their models (spec/organisation.py, inference.py, measurement.py).
"""

from __future__ import annotations

import unicodedata
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import Field, FiniteFloat, ValidationError, field_validator

from surveykit.errors import Problem, SpecError
from surveykit.spec.elements import (
    Background,
    BinRecode,
    CasesRecode,
    FreeText,
    Index,
    Item,
    KeywordRecode,
    MapRecode,
    Recode,
    RecodeRule,
    Scale,
    SpecModel,
    Text,
    text_in,
)
from surveykit.spec.inference import inference_problems
from surveykit.spec.organisation import Organisation, Waves, organisation_problems
from surveykit.spec.measurement import measurement_problems
from surveykit.spec.plan import Analysis, Metadata, PublishedValue, Sample, Simulation
from surveykit.spec.yamlio import line_of, load_yaml


# ------------------------------------------------------------------------------------- the questionnaire
class Questionnaire(SpecModel):
    """A whole questionnaire definition."""

    meta: Metadata
    respondent_id: str | None = Field(None, description="Column holding a respondent id (must be unique)")
    columns: dict[str, str] = Field(
        default_factory=dict, description="Export header -> variable id, for exports whose headers are texts"
    )
    missing_codes: list[FiniteFloat] = Field(default_factory=list, description="Codes meaning 'not answered' everywhere")
    missing_text: list[str] = Field(
        default_factory=lambda: ["", "NA", ".", "N/A", "#N/A"],
        description="Texts meaning 'not answered' in CSV/Excel cells (R writes NA, Stata '.', Excel #N/A); "
                    "matched after trimming, case-insensitively")
    values_as_labels: bool = Field(False, description="Answers may be given as their labels (SPSS 'values as "
                                                      "labels' exports); they are mapped back to codes")
    scales: dict[str, Scale]
    items: list[Item] = Field(default_factory=list)
    background: list[Background] = Field(default_factory=list)
    free_text: list[FreeText] = Field(default_factory=list)
    recodes: list[Recode] = Field(default_factory=list)
    indices: list[Index] = Field(default_factory=list)
    analysis: Analysis = Field(default_factory=Analysis)
    published: list[PublishedValue] = Field(default_factory=list)
    sample: Sample | None = None
    simulation: Simulation | None = None
    organisation: Organisation | None = None  # issue 16: surveykit/spec/organisation.py
    waves: Waves | None = None

    # Where the YAML came from, to resolve relative paths and name the file in messages.
    source_path: Path | None = Field(None, exclude=True, repr=False)

    @field_validator("items", "background", "free_text", "recodes", "indices")
    @classmethod
    def _unique_ids(cls, value: list) -> list:
        seen: set[str] = set()
        for entry in value:
            if entry.id in seen and not isinstance(entry, RecodeRule):
                raise ValueError(f"id {entry.id!r} is defined twice")
            seen.add(entry.id)
        return value

    # ------------------------------------------------------------------------------- lookups
    @cached_property
    def raw_variables(self) -> dict[str, Item | Background | FreeText]:
        """Variables answered by respondents (columns expected in the data), by id."""
        out: dict[str, Any] = {}
        for entry in [*self.items, *self.background, *self.free_text]:
            out[entry.id] = entry
        return out

    @cached_property
    def item_map(self) -> dict[str, Item]:
        return {i.id: i for i in self.items}

    @cached_property
    def index_map(self) -> dict[str, Index]:
        return {i.id: i for i in self.indices}

    @cached_property
    def recode_map(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for r in self.recodes:
            out[r.id] = r
        return out

    def scale_of(self, variable: str) -> Scale | None:
        """The response scale of an item, or of an index (the scale of its items)."""
        if variable in self.item_map:
            return self.scales.get(self.item_map[variable].scale)
        if variable in self.index_map:
            return self.scales.get(self.item_map[self.index_map[variable].items[0]].scale) if (
                self.index_map[variable].items[0] in self.item_map
            ) else None
        return None

    def codes_of(self, variable: str, _before: int | None = None) -> dict[int, Text] | None:
        """Code labels of a categorical variable (background question or derived), else None.

        A derived variable without its own ``codes`` inherits its source's; a rule that replaces a variable
        (its source is itself) inherits from the earlier definition.
        """
        positions = [i for i, r in enumerate(self.recodes) if r.id == variable
                     and (_before is None or i < _before)]
        if positions:
            pos = positions[-1]
            rule = self.recodes[pos]
            if rule.codes is not None:
                return rule.codes
            if isinstance(rule, BinRecode):
                return {b.code: b.label for b in rule.bins}
            source = getattr(rule, "source", None) or getattr(rule, "base", None)
            if not source:
                return None
            return self.codes_of(source, _before=pos if source == variable else None)
        entry = self.raw_variables.get(variable)
        if isinstance(entry, Background):
            return entry.codes
        return None

    def reference_of(self, variable: str) -> int | None:
        if variable in self.recode_map:
            return self.recode_map[variable].reference
        entry = self.raw_variables.get(variable)
        return entry.reference if isinstance(entry, Background) else None

    def label_of(self, variable: str, lang: str = "en") -> str:
        """A short human label for any variable."""
        if variable in self.index_map:
            return text_in(self.index_map[variable].label, lang, variable)
        if variable in self.recode_map and self.recode_map[variable].label is not None:
            return text_in(self.recode_map[variable].label, lang, variable)
        entry = self.raw_variables.get(variable)
        if entry is not None:
            return text_in(getattr(entry, "label", None) or entry.text, lang, variable)
        if variable in self.recode_map:
            rule = self.recode_map[variable]
            source = getattr(rule, "source", None) or getattr(rule, "base", None)
            if source:
                return self.label_of(source, lang)
        return variable

    def code_label(self, variable: str, code: Any, lang: str = "en") -> str:
        codes = self.codes_of(variable) or {}
        try:
            key = int(code)
        except (TypeError, ValueError):
            return str(code)
        return text_in(codes.get(key), lang, str(key))

    def missing_codes_of(self, variable: str) -> list[float]:
        entry = self.raw_variables.get(variable)
        own = getattr(entry, "missing_codes", None)
        return list(own) if own is not None else list(self.missing_codes)

    def missing_text_of(self, variable: str) -> list[str]:
        """Texts read as missing in ``variable``'s cells (its own list, else the questionnaire's)."""
        entry = self.raw_variables.get(variable)
        own = getattr(entry, "missing_text", None)
        return list(own) if own is not None else list(self.missing_text)

    def values_as_labels_of(self, variable: str) -> bool:
        entry = self.raw_variables.get(variable)
        own = getattr(entry, "values_as_labels", None)
        return bool(own) if own is not None else self.values_as_labels

    def non_substantive_of(self, variable: str) -> dict[int, Text]:
        """Non-substantive codes ('don't know') of an item's scale and their labels ({} for other variables)."""
        entry = self.raw_variables.get(variable)
        if isinstance(entry, Item) and entry.scale in self.scales:
            return dict(self.scales[entry.scale].non_substantive)
        return {}

    def kind_of(self, variable: str) -> str | None:
        """'item', 'single', 'number', 'yesno', 'text', 'derived' or 'index' (None when unknown)."""
        if variable in self.index_map:
            return "index"
        if variable in self.recode_map:
            return "derived"
        entry = self.raw_variables.get(variable)
        if isinstance(entry, Item):
            return "item"
        if isinstance(entry, Background):
            return entry.type
        if isinstance(entry, FreeText):
            return "text"
        return None

    def resolve(self, relative: str) -> Path:
        base = self.source_path.parent if self.source_path else Path.cwd()
        return (base / relative).resolve()

    # ---------------------------------------------------------------------------- references
    def recode_order(self) -> list[Any]:
        """Recode rules in an order where every rule comes after the rules it depends on.

        Rules are applied in file order, except that a rule using a variable derived later is moved after
        it. A rule that replaces a variable (same id twice) keeps its place relative to its earlier
        definition. Raises SpecError on a circle.
        """
        problems = self._checked_problems
        if problems:
            raise SpecError(self._where() + f"{len(problems)} problem(s) in the questionnaire", problems)
        return list(self._ordered_recodes)

    @cached_property
    def _checked_problems(self) -> list[Problem]:
        """The reference check, once per questionnaire: recode_order is asked for at every stage."""
        return self._reference_problems()

    @cached_property
    def _ordered_recodes(self) -> list[Any]:
        order, _ = self._topological_recodes()
        return order

    def _topological_recodes(self) -> tuple[list[Any], list[str]]:
        raw = set(self.raw_variables)
        rules = list(self.recodes)
        producers: dict[str, list[int]] = {}
        for pos, rule in enumerate(rules):
            producers.setdefault(rule.id, []).append(pos)

        def deps(pos: int) -> set[int]:
            # An input refers to the latest rule before this one that produces it; failing that (a forward
            # reference) to the first rule after it. Replacing a variable depends on its earlier definition.
            out: set[int] = set()
            names = set(_recode_inputs(rules[pos])) | {rules[pos].id}
            for name in names:
                earlier = [p for p in producers.get(name, []) if p < pos]
                later = [p for p in producers.get(name, []) if p > pos]
                if earlier:
                    out.add(max(earlier))
                elif later and name not in raw and name != rules[pos].id:
                    out.add(min(later))
            return out

        graph = {pos: deps(pos) for pos in range(len(rules))}
        done: list[int] = []
        state: dict[int, int] = {}
        cycle: list[str] = []

        def visit(pos: int, trail: list[int]) -> None:
            if state.get(pos) == 2 or cycle:
                return
            if state.get(pos) == 1:
                loop = trail[trail.index(pos):] + [pos]
                cycle.extend(rules[p].id for p in loop)
                return
            state[pos] = 1
            for dep in sorted(graph[pos]):
                visit(dep, trail + [pos])
            state[pos] = 2
            done.append(pos)

        for pos in range(len(rules)):
            visit(pos, [])
        return [rules[p] for p in done], cycle

    def _id_clashes(self, bad: Any) -> list[Problem]:
        """Ids shared across items, background and free-text questions (one data column each), or equal to
        another variable's id only after Unicode NFC normalisation ('kjønn' typed with a combining ring
        and 'kjønn' precomposed look the same and would name two variables). Reported through ``bad``;
        returns nothing itself (same-kind duplicates, and recodes or indices reusing an id exactly, are
        reported elsewhere)."""
        kinds = (("items", "item"), ("background", "background question"), ("free_text", "free-text question"),
                 ("recodes", "derived variable"), ("indices", "index"))
        seen: dict[str, tuple[str, str, str]] = {}  # NFC id -> (id as written, kind, key)
        raw_keys = ("items", "background", "free_text")
        for key, kind in kinds:
            for pos, entry in enumerate(getattr(self, key)):
                norm = unicodedata.normalize("NFC", entry.id)
                if norm not in seen:
                    seen[norm] = (entry.id, kind, key)
                    continue
                first_id, first_kind, first_key = seen[norm]
                if first_id != entry.id:
                    bad(f"{kind} id {entry.id!r} equals {first_kind} id {first_id!r} after Unicode normalisation "
                        "(NFC); two variables need visibly different ids", key, pos, "id")
                elif key != first_key and key in raw_keys:
                    article = "an" if first_kind[0] in "aeiou" else "a"
                    bad(f"{kind} id {entry.id!r} is also the id of {article} {first_kind}; every question needs "
                        "its own id",
                        key, pos, "id")
        return []

    def _where(self) -> str:
        return f"{self.source_path}: " if self.source_path else ""

    def _reference_problems(self, file: str | None = None, locate: Any = None) -> list[Problem]:
        """Every name used but not defined, and other inconsistencies between parts of the questionnaire.

        ``file`` is the file name shown in messages (default: the resolved source path); ``locate`` maps a
        location in the YAML (e.g. ``('indices', 0, 'items', 2)``) to its line, when the caller has it.
        """
        file = file or (str(self.source_path) if self.source_path else None)
        problems: list[Problem] = []

        def bad(msg: str, *loc: Any) -> None:
            line = locate(loc) if (locate is not None and loc) else None
            problems.append(Problem(msg, file=file, line=line))

        problems += self._id_clashes(bad)
        raw = self.raw_variables
        derived = {r.id for r in self.recodes}
        for pos, rule in enumerate(self.recodes):
            if rule.id in raw:
                bad(f"recode {rule.id!r} has the id of a question; give the derived variable its own id",
                    "recodes", pos, "id")
        known = set(raw) | derived | set(self.index_map)
        for pos, index in enumerate(self.indices):
            if index.id in raw or index.id in derived:
                bad(f"index {index.id!r} has the id of another variable", "indices", pos, "id")

        for pos, item in enumerate(self.items):
            if item.scale not in self.scales:
                bad(f"item {item.id!r} uses undefined scale {item.scale!r} (scales: {sorted(self.scales)})",
                    "items", pos, "scale")
        for pos, q in enumerate(self.background):
            if q.reference is not None and q.codes and q.reference not in q.codes:
                bad(f"question {q.id!r}: reference category {q.reference} is not one of its codes {sorted(q.codes)}",
                    "background", pos, "reference")

        for pos, rule in enumerate(self.recodes):
            for name in _recode_inputs(rule):
                if name not in known:
                    bad(f"recode {rule.id!r} uses undefined variable {name!r}", "recodes", pos)
            if isinstance(rule, KeywordRecode) and rule.text in raw and not isinstance(raw[rule.text], FreeText):
                bad(f"recode {rule.id!r}: 'text' must name a free-text question, {rule.text!r} is not one",
                    "recodes", pos, "text")
        _, cycle = self._topological_recodes()
        if cycle:
            first = next(pos for pos, rule in enumerate(self.recodes) if rule.id == cycle[0])
            bad("derived variables depend on each other in a circle: " + " -> ".join(cycle), "recodes", first)
        if not cycle and not problems:
            for pos, rule in enumerate(self.recodes):
                if rule.reference is not None:
                    codes = self.codes_of(rule.id) or {}
                    if codes and rule.reference not in codes:
                        bad(f"recode {rule.id!r}: reference category {rule.reference} is not one of its codes "
                            f"{sorted(codes)}", "recodes", pos, "reference")

        for pos, index in enumerate(self.indices):
            for j, name in enumerate(index.items):
                if name not in self.item_map:
                    bad(f"index {index.id!r} names unknown item {name!r}", "indices", pos, "items", j)
            scales = {self.item_map[n].scale for n in index.items if n in self.item_map}
            if len(scales) > 1:
                bad(f"index {index.id!r} mixes items on different scales {sorted(scales)}", "indices", pos, "items")

        plan = self.analysis
        for pos, fa in enumerate(plan.factor_analyses):
            where = ("analysis", "factor_analyses", pos)
            for j, name in enumerate(fa.items):
                if name not in self.item_map:
                    bad(f"factor analysis {fa.id!r} names unknown item {name!r}", *where, "items", j)
            if isinstance(fa.n_factors, int) and fa.n_factors >= len(fa.items):
                bad(f"factor analysis {fa.id!r} asks for {fa.n_factors} factors from {len(fa.items)} items "
                    f"(at most {len(fa.items) - 1})", *where, "n_factors")
        for pos, rel in enumerate(plan.reliability):
            for name in [*rel.items, *rel.reverse]:
                if name not in self.item_map:
                    bad(f"reliability {rel.id!r} names unknown item {name!r}", "analysis", "reliability", pos)
        numeric = set(self.item_map) | set(self.index_map)
        categorical = derived | {q.id for q in self.background if q.type != "number"}
        for pos, d in enumerate(plan.descriptives):
            for j, name in enumerate(d.variables):
                if name not in known:
                    bad(f"descriptives {d.id!r} names unknown variable {name!r}",
                        "analysis", "descriptives", pos, "variables", j)
        for pos, c in enumerate(plan.comparisons):
            for j, name in enumerate(c.outcomes):
                if name not in numeric and self.kind_of(name) != "number":
                    bad(f"comparison {c.id!r}: outcome {name!r} is not an item, index or number",
                        "analysis", "comparisons", pos, "outcomes", j)
            for j, name in enumerate(c.groups):
                if name not in categorical:
                    bad(f"comparison {c.id!r}: group {name!r} is not a categorical variable"
                        + _bins_hint(self, name), "analysis", "comparisons", pos, "groups", j)
        for pos, x in enumerate(plan.crosstabs):
            for key in ("rows", "cols"):
                for j, name in enumerate(getattr(x, key)):
                    if name not in categorical:
                        bad(f"crosstab {x.id!r}: {name!r} is not a categorical variable" + _bins_hint(self, name),
                            "analysis", "crosstabs", pos, key, j)
        for pos, corr in enumerate(plan.correlations):
            for j, name in enumerate(corr.variables):
                if name not in known:
                    bad(f"correlation {corr.id!r} names unknown variable {name!r}",
                        "analysis", "correlations", pos, "variables", j)
        for pos, reg in enumerate(plan.regressions):
            where = ("analysis", "regressions", pos)
            if reg.outcome not in known:
                bad(f"regression {reg.id!r} names unknown variable {reg.outcome!r}", *where, "outcome")
            seen: set[str] = set()
            for b, block in enumerate(reg.blocks):
                for j, name in enumerate(block.predictors):
                    if name not in known:
                        bad(f"regression {reg.id!r} names unknown variable {name!r}",
                            *where, "blocks", b, "predictors", j)
                    if name in seen:
                        bad(f"regression {reg.id!r} enters predictor {name!r} twice",
                            *where, "blocks", b, "predictors", j)
                    seen.add(name)
        ids = [p.id for group in (plan.descriptives, plan.factor_analyses, plan.reliability, plan.comparisons,
                                  plan.crosstabs, plan.correlations, plan.regressions) for p in group]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            bad(f"analysis plan id {dup!r} is used twice", "analysis")
        inference_problems(self, bad)  # analysis.adjust / weights / cluster, plans' adjust / mixed
        problems += organisation_problems(self, file, locate)  # organisation, waves, drivers, engagement
        measurement_problems(self, bad, categorical)  # CFA, invariance requirements, omega
        return problems


def _bins_hint(q: "Questionnaire", name: str) -> str:
    """For a number used as a grouping variable: how to group it instead (every value would be a group)."""
    if q.kind_of(name) == "number":
        return (f"; {name!r} is a number, whose every value would be a group: group it with a 'bins' recode "
                f"(recodes: - {{id: {name}_group, type: bins, from: {name}, bins: [...]}}) and group by that")
    return ""


def _recode_inputs(rule: Any) -> list[str]:
    if isinstance(rule, (MapRecode, BinRecode)):
        return [rule.source]
    if isinstance(rule, KeywordRecode):
        return [rule.text, *([rule.base] if rule.base else []), *rule.when]
    if isinstance(rule, CasesRecode):
        return list(dict.fromkeys(name for case in rule.cases for name in case.when))
    return []


def _format_loc(loc: tuple) -> str:
    parts = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif part in ("map", "MapRecode", "KeywordRecode", "BinRecode", "CasesRecode") and parts and parts[-1].startswith("["):
            continue
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts)


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and check a questionnaire YAML file; raise :class:`SpecError` listing every problem."""
    path = Path(path)
    data = load_yaml(path)
    if not isinstance(data, dict):
        found = ("nothing" if data is None else "a list" if isinstance(data, list)
                 else "a single text" if isinstance(data, str)
                 else "a number" if isinstance(data, (int, float)) else type(data).__name__)
        raise SpecError(f"{path}: a questionnaire must be a YAML mapping (keys such as meta, scales, items), "
                        f"found {found}")
    return questionnaire_from_dict(data, path)


def questionnaire_from_dict(data: dict, path: Path | None = None) -> Questionnaire:
    file = str(path) if path else "<questionnaire>"
    try:
        q = Questionnaire.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            # drop pydantic's discriminator tags ('map', 'bins', ...) from the shown path
            # (the tag follows the list index; 'bins' is also a key of the bins rule, kept there)
            shown = tuple(p for i, p in enumerate(loc) if not (p in ("map", "keywords", "bins", "cases")
                                                               and i and isinstance(loc[i - 1], int)
                                                               and p != loc[-1]))
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = f"unknown key {loc[-1]!r}"
            elif err["type"] == "missing":
                message = f"required key {loc[-1]!r} is missing"
            elif "input" in err and err["type"] not in ("value_error",):
                message += f" (got {err['input']!r})" if not isinstance(err["input"], (dict, list)) else ""
            problems.append(Problem(f"{_format_loc(shown)}: {message}", file=file, line=line_of(data, loc)))
        raise SpecError(f"{file}: {len(problems)} problem(s) in the questionnaire", problems) from None
    q = q.model_copy(update={"source_path": path.resolve() if path else None})
    problems = q._reference_problems(file, locate=lambda loc: line_of(data, loc))
    if problems:
        raise SpecError(f"{file}: {len(problems)} problem(s) in the questionnaire", problems)
    return q


def json_schema() -> dict:
    """JSON Schema of the questionnaire format, for editors (yaml-language-server) and checks."""
    schema = Questionnaire.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "surveykit questionnaire"
    schema.get("properties", {}).pop("source_path", None)
    return schema
