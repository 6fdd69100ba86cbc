"""The report's document model: sections of paragraphs, headings, bullets, numbered tables and figures."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from . import figures as figs


# ------------------------------------------------------------------------------------------- model
@dataclass
class Cell:
    text: str = ""
    value: Any = None  # the number behind the text (written to Excel); None for a text cell
    css: str = ""
    colspan: int = 1
    # numbers behind a text cell that holds several ("[0.12; 0.40]"): ((column suffix, number), ...); the
    # workbook writes each to a numeric column of its own beside the text
    parts: tuple[tuple[str, Any], ...] | None = None


@dataclass
class Row:
    cells: list[Cell]
    css: str = ""


@dataclass
class Table:
    key: str
    title: str
    header: list[list[Cell]]
    rows: list[Row]
    notes: list[str] = field(default_factory=list)
    number: int = 0
    kind: str = "table"
    data: DataSheet | None = None  # the workbook's version, when it differs from a flattened copy


@dataclass
class DataSheet:
    """A table as data for tables.xlsx: one header row, one column per statistic, one row per observation
    (numbers as numbers, unrounded; ``decimals`` only sets each column's display format, None = text)."""

    header: list[str]
    rows: list[list[Any]]
    decimals: list[int | None]


@dataclass
class Figure:
    """A figure; ``draw`` makes the image, on first use (building a document without its images is cheap)."""

    key: str
    title: str
    draw: Callable[[], figs.Rendered] = field(repr=False)
    notes: list[str] = field(default_factory=list)
    number: int = 0
    kind: str = "figure"
    _image: figs.Rendered | None = field(default=None, repr=False)

    @property
    def image(self) -> figs.Rendered:
        if self._image is None:
            self._image = self.draw()
        return self._image


@dataclass
class Paragraph:
    text: str
    css: str = ""
    kind: str = "p"


@dataclass
class Heading:
    text: str
    anchor: str
    kind: str = "h3"


@dataclass
class Bullets:
    items: list[str]
    css: str = ""
    kind: str = "ul"
    title: str = ""  # a list with a title (answers to a free-text question) gets a sheet in tables.xlsx
    sheet_items: list[str] | None = None  # what that sheet holds when the report shows only part of it

    @property
    def all_items(self) -> list[str]:
        return self.items if self.sheet_items is None else self.sheet_items


@dataclass
class Section:
    anchor: str
    title: str
    blocks: list = field(default_factory=list)


@dataclass
class Document:
    lang: str
    title: str
    citation: str
    n: int | None
    synthetic: bool
    data_file: str
    version: str
    sections: list[Section]
    s: dict[str, str]

    @property
    def tables(self) -> list[Table]:
        return [b for sec in self.sections for b in sec.blocks if isinstance(b, Table)]

    @property
    def answer_lists(self) -> list[Bullets]:
        """The lists that tables.xlsx writes too (each on a sheet of its own): those with a title."""
        return [b for sec in self.sections for b in sec.blocks if isinstance(b, Bullets) and b.title]

    @property
    def figures(self) -> list[Figure]:
        return [b for sec in self.sections for b in sec.blocks if isinstance(b, Figure)]


