"""Write the report's tables to ``tables.xlsx``, a data file: a contents sheet, then one sheet per table.

* The first sheet lists every table (number, title, notes) with a hyperlink to its sheet.
* Each table's sheet is plain data: ONE header row, one row per observation, no merged cells, an
  autofilter over the data and the header row frozen, so filters and pivot tables work. Tables stacked in
  blocks (one block per grouping variable) get the block as a column. Where the report shows a test as
  text (``F(5, 370) = 7.79``), the sheet has each statistic in its own numeric column (statistic, df1, df2,
  p, CI low, CI high, effect sizes; see :class:`~surveykit.report.document.DataSheet`), the text beside.
* Sheet names are "T05 " + the table's title, cut to Excel's 31 characters and made unique.

Numbers are stored as numbers, unrounded (the cell's number format only controls the display), so the
workbook can be recalculated from. Text that a spreadsheet could take for a formula (beginning with =, +,
-, @, a tab or a carriage return) is stored as a plain string with Excel's quote prefix, so it is never
evaluated (formula injection, OWASP "CSV injection"); no cell is ever a formula. The file is
deterministic: fixed document properties and fixed timestamps inside the zip.

The SpreadsheetML is written directly (ECMA-376 part 1, the minimal package: workbook, sheets with inline
strings, one styles part). openpyxl took ~1 s for the ~13,000 cells of a full report, mostly in per-cell
style bookkeeping; writing the XML takes a few tens of milliseconds. Tests read the file back with openpyxl.
"""

from __future__ import annotations

import math
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from .document import DataSheet, Document, Table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_FIXED_TIME = "2000-01-01T00:00:00Z"
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


# short names of the kinds of table, so that a sheet name keeps room for what the table is about
SHEET_KINDS = {
    "en": {"desc-": "Answers", "cmp-": "Means", "ttest-": "t", "anova-": "ANOVA", "posthoc-": "Post hoc",
           "fa-eigen-": "Eigen", "fa-pattern-": "Pattern", "fa-structure-": "Structure", "fa-phi-": "Phi",
           "rel-items-": "Items", "corr-": "r", "reg-steps-": "Model", "reg-coef-": "Coef", "fav-groups-": "Fav"},
    "nb": {"desc-": "Svar", "cmp-": "M", "ttest-": "t", "anova-": "ANOVA", "posthoc-": "Post hoc",
           "fa-eigen-": "Egenv", "fa-pattern-": "Mønster", "fa-structure-": "Struktur", "fa-phi-": "Phi",
           "rel-items-": "Påst", "corr-": "r", "reg-steps-": "Modell", "reg-coef-": "Koef", "fav-groups-": "Pos"},
}


def sheet_name(table: Table, width: int, taken: set[str], lang: str = "en") -> str:
    """'T05 Means The scorecard by gender' cut to Excel's 31 characters: the table's number, a short name of
    its kind and what it is about (the title after its ': '), without the characters Excel forbids and
    without a trailing parenthesis, unique within the workbook (case-insensitively)."""
    title = re.sub(r"\s*\([^)]*\)?", "", table.title).strip() or table.title  # "(Table 11 in the source)"
    kinds = SHEET_KINDS.get(lang, SHEET_KINDS["en"])
    kind = next((short for prefix, short in kinds.items() if table.key.startswith(prefix)), None)
    if kind is not None and table.key.startswith("reg-"):  # "Regression of X: model summary": name it by its id
        title = f"{kind} {table.key.split('-', 2)[-1]}"
    elif kind is not None and ": " in title:
        title = f"{kind} {title.split(': ', 1)[1]}"
    return _unique_name(f"T{table.number:0{width}d} {title}", taken)


def _unique_name(text: str, taken: set[str]) -> str:
    """A sheet name of at most 31 characters without the ones Excel forbids, unique (case-insensitively)."""
    base = _BAD_SHEET_CHARS.sub(" ", text)
    base = re.sub(r"\s+", " ", base).strip().strip("'")
    if len(base) > 31:  # keep the start and the last words ("... by gender"): titles often differ at the end
        words = base.split(" ")
        tail = ""
        while words[1:] and len(words[-1]) + len(tail) + 1 <= 12:
            tail = f"{words.pop()} {tail}".strip()
        base = (base[: 31 - len(tail) - 1].rstrip(" :;,.-") + "…" + tail) if tail else base[:31]
    base = base.rstrip(" :;,.-")
    name, i = base, 2
    while name.lower() in taken:
        suffix = f" ({i})"
        name = base[: 31 - len(suffix)].rstrip() + suffix
        i += 1
    taken.add(name.lower())
    return name


def _decimals(text: str, lang: str) -> int:
    """Decimals shown in the HTML text of a number, reused as the Excel display format."""
    match = re.search(r"[,](\d+)" if lang == "nb" else r"[.](\d+)", text)
    return min(len(match.group(1)), 6) if match else 0


def _column(n: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _number(value: int | float) -> str:
    return str(int(value)) if isinstance(value, int) else repr(float(value))


class _Styles:
    """The cell formats used, each registered once: (font, decimals, alignment, quote prefix) -> xf index.

    font: 0 regular, 1 bold, 2 italic; decimals: None for text/general; alignment: None, 'left' or
    'center' (header cells, wrapped)."""

    BUILTIN = {0: 1, 2: 2}  # number formats "0" and "0.00" are built in (ids 1 and 2)

    def __init__(self) -> None:
        self.index: dict[tuple, int] = {(0, None, None, False): 0}

    def __call__(self, font: int = 0, decimals: int | None = None, align: str | None = None,
                 quote: bool = False) -> int:
        key = (font, decimals, align, quote)
        if key not in self.index:
            self.index[key] = len(self.index)
        return self.index[key]

    @staticmethod
    def _format_id(decimals: int | None) -> int:
        if decimals is None:
            return 0
        return _Styles.BUILTIN.get(decimals, 163 + decimals)

    def xml(self) -> str:
        custom = sorted({d for _, d, _, _ in self.index if d is not None and d not in self.BUILTIN})
        formats = "".join(f'<numFmt numFmtId="{163 + d}" formatCode="0.{"0" * d}"/>' for d in custom)
        font = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
        xfs = []
        for (font_id, decimals, align, quote), _ in sorted(self.index.items(), key=lambda kv: kv[1]):
            attrs = (f'numFmtId="{self._format_id(decimals)}" fontId="{font_id}" fillId="0" borderId="0" xfId="0"'
                     + (' applyNumberFormat="1"' if decimals is not None else "")
                     + (' applyFont="1"' if font_id else "")
                     + (' applyAlignment="1"' if align else "")
                     + (' quotePrefix="1"' if quote else ""))
            inner = f'<alignment horizontal="{align}" wrapText="1"/>' if align else ""
            xfs.append(f"<xf {attrs}>{inner}</xf>" if inner else f"<xf {attrs}/>")
        return (
            f'{XML_HEAD}<styleSheet xmlns="{MAIN}">'
            + (f'<numFmts count="{len(custom)}">{formats}</numFmts>' if custom else "")
            + f'<fonts count="3"><font>{font}</font><font><b/>{font}</font><font><i/>{font}</font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        )


class _Sheet:
    """One worksheet's XML, built row by row."""

    def __init__(self, styles: _Styles):
        self.styles = styles
        self.rows: list[str] = []
        self.links: list[tuple[str, str]] = []  # (cell, location inside the workbook)
        self.filter: str | None = None
        self.widths: list[float] = [40.0]

    def row(self, row_no: int, cells: list[str]) -> None:
        if cells:
            self.rows.append(f'<row r="{row_no}">{"".join(cells)}</row>')

    def text(self, ref: str, text: str, font: int = 0, align: str | None = None) -> str:
        text = _ILLEGAL_XML.sub("", text)
        style = self.styles(font, None, align, text.startswith(FORMULA_START))
        s = f' s="{style}"' if style else ""
        if not text:
            return f'<c r="{ref}"{s}/>'
        space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
        body = escape(text, {"\r": "&#13;"})
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{body}</t></is></c>'

    def number(self, ref: str, value: int | float, decimals: int, font: int = 0) -> str:
        return f'<c r="{ref}" s="{self.styles(font, decimals)}"><v>{_number(value)}</v></c>'

    def boolean(self, ref: str, value: bool) -> str:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'

    def xml(self) -> str:
        cols = "".join(f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>' for i, w in enumerate(self.widths, 1))
        links = ("<hyperlinks>" + "".join(f'<hyperlink ref="{ref}" location={quoteattr(loc)} display={quoteattr(loc)}/>'
                                          for ref, loc in self.links) + "</hyperlinks>") if self.links else ""
        frozen = ('<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
                  'state="frozen"/></sheetView></sheetViews>') if self.filter else ""
        return (f'{XML_HEAD}<worksheet xmlns="{MAIN}" xmlns:r="{REL}">{frozen}<cols>{cols}</cols>'
                f'<sheetData>{"".join(self.rows)}</sheetData>'
                + (f'<autoFilter ref="{self.filter}"/>' if self.filter else "") + f"{links}</worksheet>")


def _is_value(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def table_data(table: Table, block_header: str, lang: str) -> DataSheet:
    """The table as data: its :attr:`~Table.data` when it has one, else the displayed table flattened.

    Flattening: header rows joined per column ("Goals: %"), colspans expanded, and rows marked
    ``group-head`` (a block title such as a grouping variable) turned into a leading column."""
    if table.data is not None:
        return table.data
    width = max([sum(c.colspan for c in r) for r in table.header] + [sum(c.colspan for c in r.cells) for r in table.rows]
                + [1])
    names = [[] for _ in range(width)]
    for hrow in table.header:
        col = 0
        for c in hrow:
            for j in range(col, min(col + c.colspan, width)):
                if c.text and (not names[j] or names[j][-1] != c.text):
                    names[j].append(c.text)
            col += c.colspan
    header = [": ".join(n) for n in names]
    # columns whose cells carry several numbers (a CI) get one numeric column per part after the text
    part_names: dict[int, list[str]] = {}
    for r in table.rows:
        col = 0
        for c in r.cells:
            if c.parts:
                part_names.setdefault(col, [label for label, _ in c.parts])
            col += c.colspan
    blocks = any("group-head" in r.css for r in table.rows)
    rows: list[list[Any]] = []
    decimals: list[int | None] = [None] * width
    block = ""
    for r in table.rows:
        values: list[Any] = []
        for c in r.cells:
            if c.value is not None and _is_value(c.value):
                values.append(c.value)
                j = len(values) - 1
                decimals[j] = max(decimals[j] or 0, _decimals(c.text, lang))
            else:
                values.append(c.text.lstrip("\u2003"))  # the report's indentation (by level) is no data
            values += [""] * (c.colspan - 1)
        values += [""] * (width - len(values))
        if "group-head" in r.css:
            block = r.cells[0].text if r.cells else ""
            if not any(_is_value(v) for v in values):
                continue
        parts = {}
        col = 0
        for c in r.cells:
            if c.parts:
                parts[col] = [v if _is_value(v) else None for _, v in c.parts]
            col += c.colspan
        out: list[Any] = []
        for j, v in enumerate(values):
            out.append(v)
            if j in part_names:
                out += parts.get(j, [None] * len(part_names[j]))
        rows.append(([block] if blocks else []) + out)
    full_header: list[str] = []
    full_decimals: list[int | None] = []
    for j, name in enumerate(header):
        full_header.append(name)
        full_decimals.append(decimals[j])
        for label in part_names.get(j, []):
            full_header.append(f"{name}: {label}" if name else label)
            full_decimals.append(3)
    header, decimals = full_header, full_decimals
    if blocks:
        header, decimals = [block_header] + header, [None] + decimals
    return DataSheet(header, rows, decimals)


def _write_data(sheet: _Sheet, data: DataSheet) -> None:
    """Header in row 1 (bold), data from row 2, autofilter over all of it."""
    n_cols = max([len(data.header)] + [len(r) for r in data.rows])
    sheet.row(1, [sheet.text(f"{_column(j + 1)}1", str(h), font=1) for j, h in enumerate(data.header)])
    for i, values in enumerate(data.rows, 2):
        cells = []
        for j, v in enumerate(values):
            ref = f"{_column(j + 1)}{i}"
            if isinstance(v, bool):
                cells.append(sheet.boolean(ref, v))
            elif _is_value(v):
                dec = data.decimals[j] if j < len(data.decimals) and data.decimals[j] is not None else (
                    0 if isinstance(v, int) else 3)
                cells.append(sheet.number(ref, v, dec))
            elif v not in (None, ""):
                cells.append(sheet.text(ref, str(v)))
        sheet.row(i, cells)
    sheet.filter = f"A1:{_column(n_cols)}{max(len(data.rows) + 1, 2)}"
    sheet.widths = [max(10.0, min(40.0, 1.1 * max([len(str(data.header[j])) if j < len(data.header) else 0]
                                                   + [len(str(r[j])) for r in data.rows[:200] if j < len(r)
                                                      and isinstance(r[j], str)] + [8])))
                    for j in range(n_cols)]


def _contents(sheet: _Sheet, doc: Document, tables: list[Table], names: list[str],
              lists: list = (), list_names: list[str] = ()) -> None:
    s = doc.s
    header = [s["table"], s["title_col"], s["sheet_col"], s["note"]]
    sheet.row(1, [sheet.text(f"{_column(j + 1)}1", h, font=1) for j, h in enumerate(header)])
    for i, (table, name) in enumerate(zip(tables, names), 2):
        sheet.row(i, [sheet.number(f"A{i}", table.number, 0), sheet.text(f"B{i}", table.title),
                      sheet.text(f"C{i}", name), sheet.text(f"D{i}", " ".join(table.notes))])
        sheet.links.append((f"C{i}", f"'{name}'!A1"))
    for i, (answers, name) in enumerate(zip(lists, list_names), len(tables) + 2):  # answer lists: no number
        sheet.row(i, [sheet.text(f"B{i}", answers.title), sheet.text(f"C{i}", name),
                      sheet.text(f"D{i}", f"n = {len(answers.all_items)}")])
        sheet.links.append((f"C{i}", f"'{name}'!A1"))
    sheet.filter = f"A1:D{max(len(tables) + len(lists) + 1, 2)}"
    sheet.widths = [8.0, 70.0, 34.0, 80.0]


def write_workbook(doc: Document, path: Path) -> Path:
    """Write the contents sheet and every table of ``doc`` to ``path`` (an .xlsx file)."""
    styles = _Styles()
    taken: set[str] = set()
    tables = doc.tables
    width = max(2, len(str(len(tables))))
    contents_name = doc.s["contents"]
    taken.add(contents_name.lower())
    names = [sheet_name(t, width, taken, doc.lang) for t in tables]
    lists = doc.answer_lists
    list_names = [_unique_name(f"{doc.s['answers_sheet']}{j:0{width}d} {b.title}", taken) for j, b in enumerate(lists, 1)]
    contents = _Sheet(styles)
    _contents(contents, doc, tables, names, lists, list_names)
    sheets = [contents.xml()]
    for table in tables:
        sheet = _Sheet(styles)
        _write_data(sheet, table_data(table, doc.s["block_col"], doc.lang))
        sheets.append(sheet.xml())
    for answers in lists:  # one answer per row, in the order the report shows them
        sheet = _Sheet(styles)
        _write_data(sheet, DataSheet([answers.title], [[a] for a in answers.all_items], [None]))
        sheets.append(sheet.xml())
    names = [contents_name] + names + list_names
    filters = "".join(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                      f"{escape(_quote_sheet(n))}!{_absolute(f)}</definedName>"
                      for i, (n, f) in enumerate(zip(names, [contents.filter] + [None] * (len(names) - 1))) if f)
    parts = {
        "[Content_Types].xml": _content_types(len(sheets)),
        "_rels/.rels": (f'{XML_HEAD}<Relationships xmlns="{PKG_REL}">'
                        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
                        f'<Relationship Id="rId2" Type="{PKG_REL}/metadata/core-properties" '
                        'Target="docProps/core.xml"/>'
                        f'<Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/>'
                        "</Relationships>"),
        "docProps/core.xml": _core(doc.title),
        "docProps/app.xml": (f'{XML_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/'
                             '2006/extended-properties"><Application>surveykit</Application></Properties>'),
        "xl/workbook.xml": (f'{XML_HEAD}<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
                            + "".join(f'<sheet name={quoteattr(_ILLEGAL_XML.sub("", n))} sheetId="{i}" r:id="rId{i}"/>'
                                      for i, n in enumerate(names, 1))
                            + "</sheets>" + (f"<definedNames>{filters}</definedNames>" if filters else "")
                            + "</workbook>"),
        "xl/_rels/workbook.xml.rels": (f'{XML_HEAD}<Relationships xmlns="{PKG_REL}">'
                                       + "".join(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" '
                                                 f'Target="worksheets/sheet{i}.xml"/>'
                                                 for i in range(1, len(sheets) + 1))
                                       + f'<Relationship Id="rId{len(sheets) + 1}" Type="{REL}/styles" '
                                       'Target="styles.xml"/></Relationships>'),
        "xl/styles.xml": styles.xml(),
        **{f"xl/worksheets/sheet{i}.xml": xml for i, xml in enumerate(sheets, 1)},
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)  # fixed time: same bytes on every run
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zf.writestr(info, text.encode("utf-8"), compresslevel=6)
    return path


def _quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _absolute(ref: str) -> str:
    """A1:D9 -> $A$1:$D$9."""
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in ref.split(":"))


def _content_types(n_sheets: int) -> str:
    ct = "application/vnd.openxmlformats-officedocument"
    sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{ct}.spreadsheetml.worksheet+xml"/>'
                     for i in range(1, n_sheets + 1))
    return (f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.spreadsheetml.sheet.main+xml"/>'
            f'{sheets}<Override PartName="/xl/styles.xml" ContentType="{ct}.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            f'<Override PartName="/docProps/app.xml" ContentType="{ct}.extended-properties+xml"/></Types>')


def _core(title: str) -> str:
    return (f'{XML_HEAD}<cp:coreProperties '
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{escape(_ILLEGAL_XML.sub('', title))}</dc:title><dc:creator>surveykit</dc:creator>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{_FIXED_TIME}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{_FIXED_TIME}</dcterms:modified>'
            "</cp:coreProperties>")
