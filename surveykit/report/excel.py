"""Write the report's tables to ``tables.xlsx``: one sheet per numbered table.

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

import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from .document import Document, Table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_FIXED_TIME = "2000-01-01T00:00:00Z"
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def sheet_name(table: Table, prefix: str, taken: set[str]) -> str:
    """'Table 3 Pattern matrix: fa1' cut to Excel's 31 characters, without the forbidden characters,
    unique within the workbook."""
    base = _BAD_SHEET_CHARS.sub(" ", f"{prefix} {table.number} {table.title}")
    base = re.sub(r"\s+", " ", base).strip().strip("'")[:31].rstrip()
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
        self.merged: list[str] = []

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

    def empty(self, ref: str, font: int) -> str:
        style = self.styles(font)
        return f'<c r="{ref}" s="{style}"/>' if style else ""

    def xml(self) -> str:
        merged = (f'<mergeCells count="{len(self.merged)}">'
                  + "".join(f'<mergeCell ref="{m}"/>' for m in self.merged) + "</mergeCells>") if self.merged else ""
        return (f'{XML_HEAD}<worksheet xmlns="{MAIN}" xmlns:r="{REL}">'
                '<cols><col min="1" max="1" width="40" customWidth="1"/></cols>'
                f'<sheetData>{"".join(self.rows)}</sheetData>{merged}</worksheet>')


def _write_table(sheet: _Sheet, table: Table, prefix: str, note_label: str, lang: str) -> None:
    sheet.row(1, [sheet.text("A1", f"{prefix} {table.number}", font=1)])
    sheet.row(2, [sheet.text("A2", table.title, font=2)])
    row_no = 4
    for hrow in table.header:
        col, cells = 1, []
        for c in hrow:
            ref = f"{_column(col)}{row_no}"
            cells.append(sheet.text(ref, c.text, font=1, align="center" if col > 1 else "left"))
            if c.colspan > 1 and c.text:
                sheet.merged.append(f"{ref}:{_column(col + c.colspan - 1)}{row_no}")
            col += c.colspan
        sheet.row(row_no, cells)
        row_no += 1
    for row in table.rows:
        col, cells = 1, []
        font = 1 if row.css == "final" else 0
        for c in row.cells:
            ref = f"{_column(col)}{row_no}"
            if c.value is not None and isinstance(c.value, (int, float)) and not isinstance(c.value, bool):
                cells.append(sheet.number(ref, c.value, _decimals(c.text, lang), font))
            elif c.text:
                cells.append(sheet.text(ref, c.text, font))
            elif font:
                cells.append(sheet.empty(ref, font))
            col += c.colspan
        sheet.row(row_no, cells)
        row_no += 1
    row_no += 1
    for i, note in enumerate(table.notes):
        sheet.row(row_no, [sheet.text(f"A{row_no}", (f"{note_label}. " if i == 0 else "") + note)])
        row_no += 1


def write_workbook(doc: Document, path: Path) -> Path:
    """Write every table of ``doc`` to ``path`` (an .xlsx file)."""
    prefix, note_label = doc.s["table"], doc.s["note"]
    styles = _Styles()
    taken: set[str] = set()
    names, sheets = [], []
    for table in doc.tables:
        names.append(sheet_name(table, prefix, taken))
        sheet = _Sheet(styles)
        _write_table(sheet, table, prefix, note_label, doc.lang)
        sheets.append(sheet.xml())
    if not sheets:  # a workbook needs a sheet
        names.append(prefix)
        sheets.append(_Sheet(styles).xml())
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
                            + "</sheets></workbook>"),
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
