"""Reading raw survey exports: CSV, Excel, SPSS and Parquet, without ever modifying the input.

Everything is read as it stands in the file; turning text into numbers is the validation stage's job, so
that it can say which cell of which row held what. CSV files are decoded as UTF-8 (with or without BOM),
UTF-16 with a BOM, or Windows-1252 (what Norwegian Excel writes), and their delimiter is sniffed; a
semicolon-delimited file is taken to use decimal commas, as Norwegian Excel writes them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from surveykit.errors import DataError, Problem

# A quoted free-text answer may be longer than the csv module's default field limit (128 kB); the limit
# guards against runaway quotes, and a runaway quote shows here as ragged rows instead.
csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))

FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "excel", ".xlsm": "excel",
           ".sav": "spss", ".zsav": "spss", ".parquet": "parquet", ".pq": "parquet"}


@dataclass
class RawData:
    """A data file as read: cells as text (CSV, Excel) or as stored (SPSS, Parquet).

    ``header_rows`` is how many file lines precede the first respondent, so that data row ``i`` (0-based)
    is file line ``i + header_rows + 1``: messages name that line, as a spreadsheet user sees it.
    """

    frame: pd.DataFrame
    path: Path
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str = "."
    header_rows: int = 1
    value_labels: dict[str, dict] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def line_of(self, row_positions) -> list[int]:
        return [int(i) + self.header_rows + 1 for i in row_positions]


def data_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise DataError(
            f"{path}: unknown data file type {path.suffix!r}; use one of {', '.join(sorted(FORMATS))}"
        )
    return fmt


def read_data(path: str | Path, text_columns: Iterable[str] = ()) -> RawData:
    """Read a data file of any supported format; raise :class:`DataError` naming the file on failure.

    ``text_columns`` name CSV columns to keep as text even when every cell is a number (respondent ids:
    leading zeros); the others are parsed as numbers where every cell is one. (Free text is left to pandas'
    own inference, its fastest path; validation turns a free-text column of numbers into text.)
    """
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: data file not found")
    if path.is_dir():
        raise DataError(f"{path}: is a folder, not a data file")
    if not path.is_file():  # a device or named pipe would be read forever (or wait for a writer)
        raise DataError(f"{path}: is not a regular file (a device or a named pipe?); give the path of a data file")
    fmt = data_format(path)
    if path.stat().st_size == 0:
        raise DataError(f"{path}: the data file is empty (0 bytes)")
    if fmt == "csv":
        raw = _read_csv(path, text_columns)
    else:
        raw = {"excel": _read_excel, "spss": _read_spss, "parquet": _read_parquet}[fmt](path)
    if raw.frame.shape[1] == 0:
        raise DataError(f"{path}: no columns found")
    if len(raw.frame) == 0:
        raise DataError(f"{path}: the file has a header but no respondents (0 data rows)")
    return raw


# ------------------------------------------------------------------------------------------------ CSV
def _decode(path: Path, data: bytes) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise DataError(f"{path}: starts with a UTF-16 byte-order mark but is not valid UTF-16 ({exc.reason})") from None
    head = data[:4096]
    if b"\x00" in head:
        # UTF-16 without a byte-order mark: ASCII text with a NUL in every other byte (even bytes for
        # big-endian, odd bytes for little-endian). It cannot be told apart from binary for sure: refuse it.
        even, odd = head[0::2], head[1::2]
        for order, zeros, text in (("little-endian", odd, even), ("big-endian", even, odd)):
            if zeros.count(0) >= 0.9 * len(zeros) and text.count(0) == 0:
                raise DataError(
                    f"{path}: looks like UTF-16 ({order}) text without a byte-order mark; save it as UTF-8 "
                    "(or as UTF-16 with a byte-order mark, as Excel's 'Unicode text' does)"
                )
        raise DataError(
            f"{path}: looks binary (NUL bytes), not a text CSV file; "
            "if it is UTF-16 without a byte-order mark, save it as UTF-8"
        )
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    # Not UTF-8: Norwegian Excel writes Windows-1252. A file mixing encodings would show valid UTF-8
    # sequences for æøå (e.g. b'\xc3\xa6') next to single-byte ones; decoding it as 1252 would give 'Ã¦'.
    text = data.decode("cp1252", errors="replace")
    if any(seq in text for seq in ("Ã¦", "Ã¸", "Ã¥", "Ã†", "Ã˜", "Ã…")):
        line = data[: utf8_error.start].count(b"\n") + 1
        raise DataError(
            f"{path}: mixed text encodings (UTF-8 and Windows-1252 in one file); first non-UTF-8 byte on line {line}",
            [Problem("save the file with a single encoding (UTF-8)", file=str(path), line=line)],
        )
    if "\ufffd" in text:
        line = data[: utf8_error.start].count(b"\n") + 1
        raise DataError(f"{path}: cannot decode line {line} as UTF-8 or Windows-1252; save the file as UTF-8")
    return text, "cp1252"


def _sniff_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        header = text.splitlines()[0] if text else ""
        counts = {d: header.count(d) for d in ",;\t|"}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def _read_csv(path: Path, text_columns: Iterable[str] = ()) -> RawData:
    with path.open("rb") as handle:
        head = handle.read(1_000_000)
    old_mac = b"\r" in head and b"\n" not in head
    fast = None if old_mac else _read_utf8_csv(path, text_columns)
    if fast is not None:
        return fast
    data = path.read_bytes()
    if old_mac and b"\n" not in data:
        # lines ended by CR alone (classic Mac OS, some exports): the same lines with LF
        data = data.replace(b"\r", b"\n")
    if not data[:4096].strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe") and not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise DataError(f"{path}: the data file is empty (only white space)")
    # The usual file is UTF-8: decode only its head (delimiter, header) and let pandas read the file
    # itself, which checks the rest (a byte that is not UTF-8 raises, and the whole file is then
    # decoded here to say why, or read as Windows-1252).
    head = None if old_mac else _utf8_head(data)  # pandas must read the LF version: decoded here
    if head is not None:
        frame, problems, delimiter, header = _parse_text(path, head, data[3:] if data.startswith(b"\xef\xbb\xbf") else data,
                                                         text_columns, from_path=True)
        encoding = "utf-8"
    if head is None or frame is _NOT_UTF8:
        text, encoding = _decode(path, data)
        body = text.encode("utf-8") if encoding != "utf-8" else data[3:] if data.startswith(b"\xef\xbb\xbf") else data
        frame, problems, delimiter, header = _parse_text(path, text[:1_000_000], body, text_columns, from_path=False)
    if problems:
        raise DataError(f"{path}: the CSV file cannot be read as a table", problems)
    decimal = "," if delimiter == ";" else "."
    return RawData(frame, path, "csv", encoding=encoding, delimiter=delimiter, decimal=decimal)


_STREAM = 1 << 24  # bytes per read when scanning a file without holding it


def _read_utf8_csv(path: Path, text_columns: Iterable[str]) -> RawData | None:
    """The common case without holding the file in memory: UTF-8, no quoted fields, every row as wide as
    the header. The file is scanned in pieces (lines and delimiters counted) and pandas reads it.
    None when anything is out of the ordinary: the caller then reads the whole file and looks closer."""
    with path.open("rb") as handle:
        head_bytes = handle.read(1_000_000)
        head = _utf8_head(head_bytes, whole=len(head_bytes) >= path.stat().st_size)
        if head is None or not head.strip():
            return None
        delimiter, header = _delimiter_and_header(head)
        if _header_problems(path, header):
            return None
        newlines = separators = 0
        last = 0
        handle.seek(0)
        buffer = bytearray(_STREAM)
        octets = np.frombuffer(buffer, dtype=np.uint8)
        found = np.empty(len(buffer), dtype=bool)
        while True:
            got = handle.readinto(buffer)
            if not got:
                break
            piece, hits = octets[:got], found[:got]
            if np.equal(piece, ord('"'), out=hits).any():
                return None  # quoted fields: their delimiters and line breaks need the closer look
            newlines += int(np.count_nonzero(np.equal(piece, ord("\n"), out=hits)))
            separators += int(np.count_nonzero(np.equal(piece, ord(delimiter), out=hits)))
            last = int(piece[-1])
    lines = newlines + (0 if last == ord("\n") else 1)
    if separators != lines * (len(header) - 1):
        return None  # ragged or blank lines: counted line by line on the whole file
    try:
        frame = _parse_csv(path, delimiter, text_columns, header)
    except (pd.errors.ParserError, UnicodeDecodeError):
        return None
    decimal = "," if delimiter == ";" else "."
    return RawData(frame, path, "csv", encoding="utf-8", delimiter=delimiter, decimal=decimal)


_NOT_UTF8 = object()  # pandas met a byte that is not UTF-8


def _utf8_head(data: bytes, whole: bool | None = None) -> str | None:
    """The first ~1 MB as text when the file looks like UTF-8 there (None: decode it all to find out).
    ``whole``: whether ``data`` is the whole file (default: when it is under 1 MB)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        return None
    head = data[:1_000_000]
    if not (len(data) <= len(head) if whole is None else whole):
        head = head[: head.rfind(b"\n") + 1] or head  # whole lines: no character cut in two
    try:
        return head.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _delimiter_and_header(head: str) -> tuple[str, list[str]]:
    """The delimiter sniffed from the file's first lines, and the header's column names."""
    delimiter = _sniff_delimiter(head[:200_000])
    return delimiter, [h.strip() for h in next(csv.reader(io.StringIO(head), delimiter=delimiter))]


def _parse_text(path: Path, head: str, body: bytes, text_columns: Iterable[str], from_path: bool):
    """(frame or None or _NOT_UTF8, problems, delimiter, header) of a CSV body whose head is ``head``."""
    delimiter, header = _delimiter_and_header(head)
    problems = _header_problems(path, header)
    frame = None
    try:
        ragged = _ragged_lines(body, delimiter, len(header))
        if not ragged and not problems:
            try:
                frame = _parse_csv(path if from_path else io.BytesIO(body), delimiter, text_columns, header)
            except pd.errors.ParserError:
                ragged = _ragged_lines(body, delimiter, len(header), exhaustive=True)
    except UnicodeDecodeError:
        if from_path:
            return _NOT_UTF8, [], delimiter, header
        raise
    if ragged:
        first = ragged[:5]
        problems.append(Problem(
            f"rows have a different number of fields than the header ({len(header)})",
            file=str(path), rows=tuple(line for line, _ in first), n_rows=len(ragged),
            values=tuple(f"line {line}: {n} fields" for line, n in first),
        ))
    return frame, problems, delimiter, header


def _parse_csv(source: Path | io.BytesIO, delimiter: str, text_columns: Iterable[str],
               header: list[str]) -> pd.DataFrame:
    """pandas' C parser reads UTF-8 ``source`` (a path, or the body re-encoded as UTF-8) and infers numeric
    columns; free text and ``text_columns`` stay text (leading zeros kept). A numeric column holding text
    arrives as text, and validation says where."""
    as_text = {name: str for name in text_columns if name in header}
    frame = pd.read_csv(source, sep=delimiter, encoding="utf-8", dtype=as_text or None,
                        keep_default_na=False, na_values=[""], skip_blank_lines=True,
                        decimal="," if delimiter == ";" else ".", engine="c")
    frame.columns = header
    return frame


_QUOTED = re.compile(rb'"[^"]*"')


def _ragged_lines(body: bytes, delimiter: str, width: int, exhaustive: bool = False) -> list[tuple[int, int]]:
    """(file line, number of fields) of every non-blank row whose field count differs from the header's."""
    unquoted = _QUOTED.sub(b"", body) if b'"' in body else body
    newlines = unquoted.count(b"\n")
    if unquoted is not body and newlines != body.count(b"\n"):
        # quoted fields hold line breaks: let the csv module count fields row by row
        out = []
        reader = csv.reader(io.StringIO(body.decode("utf-8")), delimiter=delimiter)
        for row in reader:
            if len(row) != width and any(c.strip() for c in row):
                out.append((reader.line_num, len(row)))
        return out
    # delimiters inside quotes are gone. When every line holds exactly width-1 of them the total says so at
    # once; otherwise count them line by line to name the lines.
    sep = delimiter.encode()
    n_lines = newlines + (0 if unquoted.endswith(b"\n") else 1)
    n_separators = unquoted.count(sep)
    if not exhaustive and n_separators == n_lines * (width - 1):
        # no blank lines either: they hold no separator, so the total would fall short
        return []  # a short row balanced by a long one is caught by pandas below, then counted exhaustively
    lines = unquoted.split(b"\n")
    fields = np.fromiter((line.count(sep) for line in lines), dtype=np.int64, count=len(lines)) + 1
    length = np.fromiter(map(len, lines), dtype=np.int64, count=len(lines))
    blank = length <= 1  # empty line, or a lone '\r'
    bad = np.flatnonzero((fields != width) & ~blank)
    return [(int(i) + 1, int(fields[i])) for i in bad]


def _header_problems(path: Path, header: list) -> list[Problem]:
    problems = []
    names = [str(h).strip() for h in header]
    if any(n == "" or n.lower().startswith("unnamed:") for n in names):
        blank = [i + 1 for i, n in enumerate(names) if n == "" or n.lower().startswith("unnamed:")]
        problems.append(Problem(f"header has empty column names at positions {blank}", file=str(path), line=1))
    seen: dict[str, int] = {}
    for n in names:
        seen[n] = seen.get(n, 0) + 1
    dups = sorted(n for n, c in seen.items() if c > 1 and n)
    if dups:
        problems.append(Problem("duplicated column names in the header", file=str(path), line=1, values=tuple(dups)))
    return problems


# ---------------------------------------------------------------------------------------------- Excel
def _read_excel(path: Path) -> RawData:
    try:
        # cells as written: which texts mean "missing" is the questionnaire's to say (missing_text), not
        # pandas' list (which would also blank a free-text answer "NA")
        frame = pd.read_excel(path, sheet_name=0, header=None, dtype=object, engine="openpyxl",
                              keep_default_na=False, na_values=[""])
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise DataError(f"{path}: cannot read as an Excel workbook (damaged, or not an .xlsx file)",
                        [Problem(f"{type(exc).__name__}: {exc}", file=str(path))]) from None
    formulas = _formulas_without_values(path, frame)
    if formulas:
        raise DataError(
            f"{path}: {len(formulas)} formula cell(s) have no saved value (the workbook was written by a program "
            "that does not calculate); open and save it in Excel, or paste the values",
            [Problem("formula without a saved value", file=str(path), line=row, column=_column_name(frame, col),
                     values=(f"{cell} {formula}",))
             for row, col, cell, formula in formulas[:5]]
            + ([Problem(f"and {len(formulas) - 5} more", file=str(path))] if len(formulas) > 5 else []))
    frame = frame.dropna(how="all").dropna(axis=1, how="all")
    if frame.empty:
        raise DataError(f"{path}: the first sheet is empty")
    header = [str(h).strip() if h is not None and not (isinstance(h, float) and np.isnan(h)) else ""
              for h in frame.iloc[0].tolist()]
    problems = _header_problems(path, header)
    # A merged header (two header rows from Excel) shows as a first row with gaps.
    if any(h == "" for h in header) and len(frame) > 1:
        merged = _merged_header_cells(path)
        problems.append(Problem(
            "the header looks like merged cells over two rows; use one header row with one name per column",
            file=str(path), line=1, values=tuple(merged[:8]),
        ))
    if problems:
        raise DataError(f"{path}: the sheet cannot be read as a table", problems)
    body = frame.iloc[1:].reset_index(drop=True)
    body.columns = header
    body = body.map(lambda v: v.strip() if isinstance(v, str) else v).replace({"": None})
    return RawData(body, path, "excel")


def _column_name(frame: pd.DataFrame, position: int) -> str | None:
    """The header of a column of the sheet as read (header=None): its first non-empty cell, if text."""
    if position >= frame.shape[1]:
        return None
    first = frame.iloc[:, position].dropna()
    return str(first.iloc[0]).strip() if len(first) and isinstance(first.iloc[0], str) else None


def _formulas_without_values(path: Path, frame: pd.DataFrame) -> list[tuple[int, int, str, str]]:
    """(sheet row, frame column label, cell, formula) of each formula cell of the first sheet whose saved
    value is missing. pandas reads saved values, so such a cell would silently become a missing answer.
    The sheet XML is searched for formulas first (a cheap byte search): most exports have none."""
    import zipfile

    def has_formula(book: zipfile.ZipFile, name: str) -> bool:
        tail = b""
        with book.open(name) as part:  # in pieces: a sheet of a million rows is hundreds of MB of XML
            while piece := part.read(1 << 22):
                if b"<f" in tail + piece[:1] or b"<f" in piece:
                    return True
                tail = piece[-1:]
        return False

    try:
        with zipfile.ZipFile(path) as book:
            if not any(has_formula(book, name) for name in book.namelist()
                       if name.startswith("xl/worksheets/") and name.endswith(".xml")):
                return []
        import openpyxl

        sheet = openpyxl.load_workbook(path, read_only=True, data_only=False).worksheets[0]
        found = []
        for row in sheet.iter_rows():
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    found.append((cell.row, cell.column, cell.coordinate, str(cell.value)))
    except Exception:  # the workbook was read by pandas already; a failure here names nothing
        return []
    # pandas' frame (header=None) has sheet row r at position r - 1 and column c at label c - 1
    out = []
    for row, column, coordinate, formula in found:
        r, c = row - 1, column - 1
        value = frame.iat[r, c] if r < frame.shape[0] and c < frame.shape[1] else None
        if value is None or (isinstance(value, float) and np.isnan(value)):
            out.append((row, c, coordinate, formula))
    return out


def _merged_header_cells(path: Path) -> list[str]:
    """Ranges of merged cells in the first two rows of the first sheet (e.g. 'B1:G1'), to name them."""
    try:
        import openpyxl

        sheet = openpyxl.load_workbook(path, read_only=False).worksheets[0]
        return sorted((str(r) for r in sheet.merged_cells.ranges if r.min_row <= 2),
                      key=lambda r: (len(r), r))
    except Exception:  # naming the cells is a courtesy; the error is reported anyway
        return []


# ---------------------------------------------------------------------------------------------- SPSS
def _read_spss(path: Path) -> RawData:
    import pyreadstat

    try:
        frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    except Exception as exc:
        raise DataError(f"{path}: cannot read as an SPSS .sav file (damaged, or not a .sav file)",
                        [Problem(f"{type(exc).__name__}: {exc}", file=str(path))]) from None
    notes = []
    # Honour user-missing values declared in the file: they become missing, and we say how many.
    for col, ranges in (meta.missing_ranges or {}).items():
        if col not in frame:
            continue
        mask = np.zeros(len(frame), dtype=bool)
        values = pd.to_numeric(frame[col], errors="coerce")
        for rng in ranges:
            lo, hi = rng.get("lo"), rng.get("hi")
            if isinstance(lo, (int, float)) and isinstance(hi, (int, float)):
                mask |= ((values >= lo) & (values <= hi)).to_numpy()
        if mask.any():
            frame.loc[mask, col] = np.nan
            notes.append(f"{col}: {int(mask.sum())} user-missing value(s) set to missing")
    return RawData(frame, path, "spss", value_labels=dict(meta.variable_value_labels or {}), notes=notes)


def _read_parquet(path: Path) -> RawData:
    try:
        import pyarrow.parquet as pq
        import pyarrow.types as pat

        schema = pq.read_schema(path)
        frame = None
        nested = [(field.name, str(field.type)) for field in schema if pat.is_nested(field.type)]
        if not nested:
            frame = pd.read_parquet(path)
    except Exception as exc:
        raise DataError(f"{path}: cannot read as a Parquet file (damaged, or not a Parquet file)",
                        [Problem(f"{type(exc).__name__}: {exc}", file=str(path))]) from None
    if nested:
        # a list, struct or map in a cell is not one answer: it has no place in a table of answers
        raise DataError(f"{path}: {len(nested)} column(s) hold lists, structs or maps, not single values",
                        [Problem(f"column of type {kind}; store one answer per cell", file=str(path), column=name)
                         for name, kind in nested])
    return RawData(frame, path, "parquet")


# ---------------------------------------------------------------------------------------------- write
def write_data(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a data frame in the format the extension names (CSV, XLSX, SAV, Parquet)."""
    path = Path(path)
    fmt = data_format(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        frame.to_csv(path, index=False, encoding="utf-8")
    elif fmt == "excel":
        frame.to_excel(path, index=False, engine="openpyxl")
    elif fmt == "spss":
        import pyreadstat

        pyreadstat.write_sav(frame, str(path))
    else:
        frame.to_parquet(path, index=False)
    return path
