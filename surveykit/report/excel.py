"""Write the report's tables to ``tables.xlsx`` (openpyxl): one sheet per numbered table.

Numbers are stored as numbers, unrounded (the cell's number format only controls the display), so the
workbook can be recalculated from. Text that a spreadsheet could take for a formula (beginning with =, +,
-, @, a tab or a carriage return) is stored as a plain string with Excel's quote prefix, so it is never
evaluated (formula injection, OWASP "CSV injection"). The file is deterministic: fixed document
properties and fixed timestamps inside the zip.
"""

from __future__ import annotations

import datetime as _dt
import re
import zipfile
from pathlib import Path

from .content import Document, Table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_FIXED_TIME = _dt.datetime(2000, 1, 1)


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


def _write_text(cell, text: str) -> None:
    cell.value = text
    if text.startswith(FORMULA_START):
        cell.data_type = "s"  # openpyxl would otherwise store '=...' as a formula
        cell.quotePrefix = True


def _decimals(text: str, lang: str) -> int:
    """Decimals shown in the HTML text of a number, reused as the Excel display format."""
    match = re.search(r"[,](\d+)" if lang == "nb" else r"[.](\d+)", text)
    return min(len(match.group(1)), 6) if match else 0


def _write_table(ws, table: Table, prefix: str, note_label: str, lang: str) -> None:
    from openpyxl.styles import Alignment, Font

    bold, italic = Font(bold=True), Font(italic=True)
    ws.cell(row=1, column=1, value=f"{prefix} {table.number}").font = bold
    _write_text(ws.cell(row=2, column=1), table.title)
    ws.cell(row=2, column=1).font = italic
    row_no = 4
    for hrow in table.header:
        col = 1
        for c in hrow:
            cell = ws.cell(row=row_no, column=col)
            _write_text(cell, c.text)
            cell.font = bold
            cell.alignment = Alignment(horizontal="center" if col > 1 else "left", wrap_text=True)
            if c.colspan > 1 and c.text:
                ws.merge_cells(start_row=row_no, start_column=col, end_row=row_no, end_column=col + c.colspan - 1)
            col += c.colspan
        row_no += 1
    for row in table.rows:
        col = 1
        for c in row.cells:
            cell = ws.cell(row=row_no, column=col)
            if c.value is not None and isinstance(c.value, (int, float)) and not isinstance(c.value, bool):
                cell.value = c.value
                decimals = _decimals(c.text, lang)
                cell.number_format = "0" if decimals == 0 else "0." + "0" * decimals
            elif c.text:
                _write_text(cell, c.text)
            if row.css == "final":
                cell.font = bold
            col += c.colspan
        row_no += 1
    row_no += 1
    for i, note in enumerate(table.notes):
        _write_text(ws.cell(row=row_no, column=1), (f"{note_label}. " if i == 0 else "") + note)
        row_no += 1
    ws.column_dimensions["A"].width = 40


def write_workbook(doc: Document, path: Path) -> Path:
    """Write every table of ``doc`` to ``path`` (an .xlsx file)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    prefix, note_label = doc.s["table"], doc.s["note"]
    taken: set[str] = set()
    for table in doc.tables:
        ws = wb.create_sheet(sheet_name(table, prefix, taken))
        _write_table(ws, table, prefix, note_label, doc.lang)
    if not wb.sheetnames:
        wb.create_sheet(prefix)
    wb.properties.creator = "surveykit"
    wb.properties.created = _FIXED_TIME
    wb.save(path)
    _normalise_zip(path)
    return path


def _normalise_zip(path: Path) -> None:
    """Make the file byte-identical across runs: openpyxl stamps the save time into docProps/core.xml
    and the zip entries carry the current time."""
    with zipfile.ZipFile(path) as zin:
        entries = [(info, zin.read(info.filename)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>2000-01-01T00:00:00Z\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            zout.writestr(fixed, data)
