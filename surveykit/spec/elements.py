"""The building blocks of a questionnaire: texts in several languages, response scales, items, background and free-text questions, recode rules and indices."""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, FiniteFloat, model_validator

LANGUAGES = ("nb", "en")
MAX_SCALE_VALUES = 1000  # a rating scale has a handful of values; checked before any list of them is built
Code = int
Text = Union[str, dict[str, str]]  # one text for all languages, or one per language code


def text_in(text: Text | None, lang: str, fallback: str = "") -> str:
    """The text in ``lang``, else English, else Norwegian, else any language given."""
    if text is None:
        return fallback
    if isinstance(text, str):
        return text
    for key in (lang, "en", "nb"):
        if key in text:
            return text[key]
    return next(iter(text.values()), fallback)


class SpecModel(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


# ----------------------------------------------------------------------------------------------- scales
class Scale(SpecModel):
    """A response scale: integer values from ``min`` to ``max`` with optional value labels."""

    min: int
    max: int
    labels: dict[str, dict[int, str]] = Field(
        default_factory=dict, description="Value labels per language: {nb: {1: '...'}, en: {...}}"
    )
    favourable: list[int] | None = Field(
        None, description="Values counted as favourable (default: the top two values of the scale)"
    )
    non_substantive: dict[int, Text] = Field(
        default_factory=dict,
        description="Answer codes outside the scale that are not an opinion ('don't know', 'not applicable') "
                    "and their labels: counted and reported, left out of means, SDs, tests and favourable %",
    )
    unfavourable: list[int] | None = Field(
        None, description="Values counted as unfavourable (default: the bottom two values that are not "
                          "favourable); the other values of the scale are neutral"
    )

    @model_validator(mode="after")
    def _min_below_max(self) -> "Scale":
        if self.min >= self.max:
            raise ValueError(f"scale min ({self.min}) must be below max ({self.max})")
        inside = [code for code in self.non_substantive if self.min <= code <= self.max]
        if inside:
            raise ValueError(f"non-substantive code(s) {inside} lie inside the scale {self.min}..{self.max}; "
                             "give 'don't know' a code outside it (e.g. 9)")
        if self.max - self.min + 1 > MAX_SCALE_VALUES:
            raise ValueError(f"scale {self.min}..{self.max} has {self.max - self.min + 1:,} values; a rating scale "
                             f"may have at most {MAX_SCALE_VALUES} (use a background question of type number "
                             "for counts and amounts)")
        for value in self.favourable or []:
            if not self.min <= value <= self.max:
                raise ValueError(f"favourable value {value} is outside the scale {self.min}..{self.max}")
        for value in self.unfavourable or []:
            if not self.min <= value <= self.max:
                raise ValueError(f"unfavourable value {value} is outside the scale {self.min}..{self.max}")
        both = set(self.favourable_values) & set(self.unfavourable_values)
        if both:
            raise ValueError(f"values {sorted(both)} are declared both favourable and unfavourable")
        return self

    @property
    def values(self) -> list[int]:
        return list(range(self.min, self.max + 1))

    @property
    def favourable_values(self) -> list[int]:
        return self.favourable if self.favourable is not None else [self.max - 1, self.max]

    @property
    def unfavourable_values(self) -> list[int]:
        """Declared, else the bottom two values not favourable (1-5: 1, 2; 1-3 with favourable 2, 3: 1)."""
        if self.unfavourable is not None:
            return self.unfavourable
        return [v for v in (self.min, self.min + 1) if v not in self.favourable_values]

    @property
    def neutral_values(self) -> list[int]:
        """The scale values that are neither favourable nor unfavourable."""
        taken = set(self.favourable_values) | set(self.unfavourable_values)
        return [v for v in self.values if v not in taken]


# ------------------------------------------------------------------------------------------- questions
class Item(SpecModel):
    """A rating-scale statement (Likert-type item)."""

    id: str
    text: Text
    scale: str
    question: str | int | None = Field(None, description="The question (block) the item belongs to, e.g. 18")
    reverse: bool = Field(False, description="Reverse-keyed: scored max+min-x in every index and reliability analysis")
    missing_codes: list[FiniteFloat] | None = Field(None, description="Codes meaning 'not answered' (overrides the global list)")
    missing_text: list[str] | None = Field(None, description="Texts meaning 'not answered' (overrides the global list)")
    values_as_labels: bool | None = Field(None, description="Answers may be given as the scale's labels "
                                                            "(overrides the global setting)")


class Background(SpecModel):
    """A background question: single choice with codes, a number (such as age) or yes/no."""

    id: str
    type: Literal["single", "number", "yesno"]
    text: Text
    label: Text | None = Field(None, description="Short name for tables (default: the question text)")
    question: str | int | None = None
    codes: dict[Code, Text] | None = Field(None, description="Answer codes and their labels (single, yesno)")
    min: FiniteFloat | None = Field(None, description="Smallest valid number (type number)")
    max: FiniteFloat | None = Field(None, description="Largest valid number (type number)")
    reference: Code | None = Field(None, description="Reference category for dummy coding")
    missing_codes: list[FiniteFloat] | None = None
    missing_text: list[str] | None = Field(None, description="Texts meaning 'not answered' (overrides the global list)")
    values_as_labels: bool | None = Field(None, description="Answers may be given as the code labels "
                                                            "(overrides the global setting)")
    ordered: bool = Field(False, description="Codes run in a natural order (frequency, level, period): "
                                             "disclosure control merges a small category with an adjacent one")

    @model_validator(mode="after")
    def _consistent(self) -> "Background":
        if self.type in ("single", "yesno") and not self.codes:
            raise ValueError(f"question {self.id!r} of type {self.type} needs 'codes'")
        if self.type == "number" and self.codes:
            raise ValueError(f"question {self.id!r} of type number takes min/max, not codes")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"question {self.id!r}: min ({self.min}) is above max ({self.max})")
        return self


class FreeText(SpecModel):
    """An open question. Free-text answers stay out of the report unless ``in_report`` is true."""

    id: str
    text: Text
    question: str | int | None = None
    in_report: bool = Field(False, description="Show the answers in the report (random order, no background)")


# --------------------------------------------------------------------------------------------- recodes
class RecodeRule(SpecModel):
    id: str = Field(description="Name of the variable the rule creates (or replaces, if it names a derived one)")
    label: Text | None = None
    codes: dict[Code, Text] | None = Field(None, description="Labels of the new codes (default: the source's)")
    reference: Code | None = Field(None, description="Reference category for dummy coding")


class MapRecode(RecodeRule):
    """Map codes of one variable onto new codes (merging categories); ``null`` makes a code missing."""

    type: Literal["map"]
    source: str = Field(alias="from")
    map: dict[Code, Code | None]
    unmapped: Literal["keep", "missing"] = "keep"


class KeywordRule(SpecModel):
    keywords: list[str] = Field(min_length=1, description="Case-insensitive substrings; any one matches")
    value: Code | None = Field(description="Code assigned when a keyword matches (null: missing)")


class KeywordRecode(RecodeRule):
    """Code free-text answers ("annet: ...") by keyword rules, on top of a coded variable.

    Start from ``base`` (a coded variable, or nothing). On rows matching ``when`` (all conditions), the
    first rule whose keyword occurs in ``text`` sets the value; rows matching ``when`` but no rule get
    ``otherwise`` ('keep' the base value, 'missing', or a code).
    """

    type: Literal["keywords"]
    text: str = Field(description="The free-text variable to search")
    base: str | None = Field(None, description="Coded variable whose values the new variable starts from")
    when: dict[str, Code | list[Code]] = Field(default_factory=dict)
    rules: list[KeywordRule] = Field(min_length=1)
    otherwise: Literal["keep", "missing"] | Code = "keep"


class Bin(SpecModel):
    code: Code
    upper: FiniteFloat | None = Field(None, description="Inclusive upper bound; the last bin has none")
    label: Text


class BinRecode(RecodeRule):
    """Bin a number into ordered groups: x <= upper of the first bin, and so on."""

    type: Literal["bins"]
    source: str = Field(alias="from")
    bins: list[Bin] = Field(min_length=2)

    @model_validator(mode="after")
    def _ordered(self) -> "BinRecode":
        uppers = [b.upper for b in self.bins]
        if any(u is None for u in uppers[:-1]):
            raise ValueError("only the last bin may be open (no 'upper')")
        bounded = [u for u in uppers if u is not None]
        if bounded != sorted(bounded) or len(set(bounded)) != len(bounded):
            raise ValueError(f"bin upper bounds must increase: {bounded}")
        return self


class Case(SpecModel):
    when: dict[str, Code | list[Code]] = Field(min_length=1, description="All conditions must hold")
    value: Code | None


class CasesRecode(RecodeRule):
    """Derive a variable from one or more others: the first case whose conditions all hold sets the value."""

    type: Literal["cases"]
    cases: list[Case] = Field(min_length=1)
    default: Code | None = None


Recode = Annotated[Union[MapRecode, KeywordRecode, BinRecode, CasesRecode], Field(discriminator="type")]


# --------------------------------------------------------------------------------------------- indices
class Index(SpecModel):
    """An index (scale score): the mean of its items after reverse-keying."""

    id: str
    label: Text
    items: list[str] = Field(min_length=1)
    reverse: list[str] = Field(default_factory=list, description="Items reversed for this index only")
    min_valid: int = Field(1, ge=1, description="Fewest valid item answers for a score (else missing)")
    description: Text | None = None
    ordinal: bool = Field(False, description="Ordinal alpha (polychoric) beside Cronbach's alpha")

    @model_validator(mode="after")
    def _consistent(self) -> "Index":
        if self.min_valid > len(self.items):
            raise ValueError(f"index {self.id!r}: min_valid {self.min_valid} exceeds its {len(self.items)} items")
        unknown = sorted(set(self.reverse) - set(self.items))
        if unknown:
            raise ValueError(f"index {self.id!r}: reverse names items not in the index: {unknown}")
        return self


