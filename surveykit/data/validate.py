"""Checking raw data against the questionnaire, and typing it.

Every problem is collected before anything is raised, so the user fixes a file in one round: missing or
unexpected columns, text in numeric columns, codes that are not in a question's list, values outside a
scale, duplicate respondent ids. Each message names the file, the column, the first few file lines and
how many lines in all, and the offending values. With ``out_of_range='missing'`` out-of-range values are
set to missing instead, and counted in the result, never silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from surveykit.stats.codes import code_counts, in_codes
from surveykit.data.fileio import RawData
from surveykit.data.text_answers import read_text_answers
from surveykit.errors import DataError, Problem
from surveykit.stats.parallel import map_columns
from surveykit.spec.elements import FreeText, Item
from surveykit.spec.questionnaire import Questionnaire

SHOW = 5  # rows and values shown per problem


@dataclass
class ValidatedData:
    """Typed answers, nothing recoded yet: numeric columns as numbers (int64 when every cell holds a whole
    number, float64 with NaN for empty cells otherwise), free text as str, the respondent id as read.

    ``code_counts`` holds, for each coded column (items and coded background questions), the number of
    respondents per code found while checking the codes ({code: n}, missing codes included), so that the
    recoding stage need not scan a column again to find its missing codes.
    """

    frame: pd.DataFrame
    raw: RawData
    n_rows: int
    out_of_range_set_missing: dict[str, int] = field(default_factory=dict)
    dropped_empty_rows: int = 0
    warnings: list[str] = field(default_factory=list)
    code_counts: dict[str, dict[float, int]] = field(default_factory=dict)


def _to_number(values: pd.Series, decimal: str) -> tuple[pd.Series, pd.Series | None]:
    """Numbers from cells as read (text or numbers); the mask marks non-empty cells that are not numbers
    (None: every cell is a number or empty). Whole numbers read as integers stay integers."""
    if pd.api.types.is_integer_dtype(values) and not isinstance(values.dtype, pd.api.extensions.ExtensionDtype):
        return values, None
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype("float64"), None
    text = values.astype("string").str.strip()
    if decimal == ",":
        text = text.str.replace(",", ".", regex=False)
    numbers = pd.to_numeric(text, errors="coerce").astype("float64")
    bad = numbers.isna() & text.notna() & (text != "")
    return numbers, bad.fillna(False).astype(bool)


MAX_ABS = 1e15  # (the message says 1e15) larger numbers are no survey answer; their squares and sums lose all precision
_NAN_SPELLINGS = ("nan", "+nan", "-nan")


def _unusable_numbers(numbers: pd.Series, cells: pd.Series,
                      not_number: pd.Series | None) -> tuple[np.ndarray | None, pd.Series | None]:
    """(mask of non-finite or absurdly large numbers, or None; the not-a-number mask without them).

    inf, -inf, 'nan' written as text and numbers beyond MAX_ABS would reach the statistics as numbers
    (and turn into overflow warnings or 'collinear predictors' there): they are named here instead. An empty
    cell, and NaN stored as missing by a binary format, stay missing."""
    x = numbers.to_numpy()
    if x.dtype.kind == "f":
        with np.errstate(invalid="ignore"):
            mask = np.isinf(x) | (np.abs(x) > MAX_ABS)
    else:
        mask = np.abs(x.astype("float64")) > MAX_ABS
    if not_number is not None and not_number.any():
        spelled_nan = not_number & cells.astype("string").str.strip().str.lower().isin(_NAN_SPELLINGS).fillna(False)
        if spelled_nan.any():
            mask = mask | spelled_nan.to_numpy(dtype=bool)
            not_number = not_number & ~spelled_nan
    return (mask if mask.any() else None), not_number


def validate(raw: RawData, q: Questionnaire, out_of_range: str = "error",
             extra_columns: str = "error") -> ValidatedData:
    """Check ``raw`` against ``q`` and return typed data, or raise :class:`DataError` listing every problem.

    Parameters
    ----------
    out_of_range : 'error' (default) or 'missing'
        What to do with codes outside a question's list or a scale: report them as errors, or set them to
        missing and report how many.
    extra_columns : 'error' (default) or 'ignore'
        Columns the questionnaire does not define: an error, or dropped with a warning.
    """
    file = str(raw.path)
    frame = raw.frame.rename(columns={k: v for k, v in q.columns.items() if k in raw.frame.columns})
    problems: list[Problem] = []
    warnings: list[str] = []
    # missing-value texts (R's NA, Stata's .) and answers given as labels, before anything is typed
    frame, text_notes = read_text_answers(frame, q)
    warnings += text_notes

    expected = list(q.raw_variables)
    if q.respondent_id:
        expected = [q.respondent_id, *expected]
    present = set(frame.columns)
    missing_cols = [c for c in expected if c not in present]
    extra_cols = [c for c in frame.columns if c not in set(expected)]
    if missing_cols:
        problems.append(Problem(f"{len(missing_cols)} column(s) the questionnaire defines are missing from the data",
                                file=file, values=tuple(missing_cols)))
    if extra_cols:
        if extra_columns == "error":
            problems.append(Problem(f"{len(extra_cols)} column(s) in the data are not in the questionnaire "
                                    "(map export headers with 'columns:' in the YAML, or pass --ignore-extra-columns)",
                                    file=file, values=tuple(map(str, extra_cols))))
        else:
            warnings.append(f"ignored {len(extra_cols)} column(s) not in the questionnaire: {', '.join(map(str, extra_cols))}")

    # Rows where every cell is empty are spreadsheet leftovers, not respondents: dropped, and said so.
    # (A column the reader typed as integers has no empty cell, so then no row is empty.)
    usable = [c for c in expected if c in present]
    if not usable or any(pd.api.types.is_integer_dtype(frame[c]) for c in usable):
        n_empty, positions = 0, np.arange(len(frame))
    else:
        empty_rows = np.ones(len(frame), dtype=bool)
        for c in usable:
            empty_rows &= frame[c].isna().to_numpy()
        n_empty = int(empty_rows.sum())
        positions = np.flatnonzero(~empty_rows)
    if n_empty and n_empty == len(frame):
        raise DataError(f"{file}: no respondents: all {n_empty} data row(s) are empty (only delimiters or blanks)",
                        [Problem("every cell of every data row is empty", file=file,
                                 rows=tuple(raw.line_of(range(min(n_empty, SHOW)))), n_rows=n_empty)])
    if n_empty:
        warnings.append(f"dropped {n_empty} completely empty row(s)")
        frame = frame.iloc[positions]

    typed: dict[str, pd.Series] = {}
    set_missing: dict[str, int] = {}
    counted: dict[str, dict[float, int]] = {}

    def located(mask: pd.Series, message: str, column: str, values: pd.Series) -> Problem:
        idx = np.flatnonzero(np.asarray(mask))
        shown_values = pd.unique(values.to_numpy()[idx])[:SHOW]
        return Problem(message, file=file, column=column,
                       rows=tuple(raw.line_of(positions[idx[:SHOW]])), n_rows=len(idx),
                       values=tuple(_show(v) for v in shown_values))

    # columns as numbers, and their codes counted on two threads (one pass per column)
    as_numbers = {name: _to_number(frame[name], raw.decimal) for name, entry in q.raw_variables.items()
                  if name in frame.columns and not isinstance(entry, FreeText)}
    counted_before = dict(zip(as_numbers, map_columns(code_counts, [numbers.to_numpy() for numbers, _ in
                                                                    as_numbers.values()], len(frame))))

    for name, entry in q.raw_variables.items():
        if name not in frame.columns:
            continue
        col = frame[name]
        if isinstance(entry, FreeText):
            # text as read (object or str); numbers in a free-text column (Excel, SPSS) become text
            typed[name] = col if col.dtype == object or isinstance(col.dtype, pd.StringDtype) else col.astype("string")
            continue
        numbers, not_number = as_numbers[name]
        unusable, not_number = _unusable_numbers(numbers, col, not_number)
        if not_number is not None and not_number.any():
            what = ("answer(s) that are neither a code nor a label of the question" if q.values_as_labels_of(name)
                    else "text in a numeric column")
            problems.append(located(not_number, what, name, col))
        if unusable is not None:
            problems.append(located(unusable, "not a finite number, or larger than 1e15 in absolute value "
                                    "(no answer is that large)", name, col))
        missing = set(q.missing_codes_of(name))
        x = numbers.to_numpy()
        # Count the codes once (one pass); only codes that are present are checked, and a mask of the
        # offending cells is built only when there are any.
        counts = counted_before[name]
        if isinstance(entry, Item):
            scale = q.scales[entry.scale]
            allowed = set(map(float, [*scale.values, *scale.non_substantive])).__contains__
            what = f"outside the scale {scale.min}..{scale.max}"
        elif entry.type == "number":
            lo = -np.inf if entry.min is None else entry.min
            hi = np.inf if entry.max is None else entry.max
            allowed = lambda v, lo=lo, hi=hi: lo <= v <= hi  # noqa: E731
            what = f"outside the range {entry.min}..{entry.max}"
        else:
            codes = sorted(entry.codes or {})
            allowed = set(map(float, codes)).__contains__
            what = f"not one of the question's codes {codes}"
        wrong = [v for v in counts if v not in missing and abs(v) <= MAX_ABS and not allowed(v)]
        counted[name] = counts
        if wrong:
            bad = in_codes(x, wrong)
            if out_of_range == "missing":
                numbers = numbers.astype("float64").mask(bad)
                set_missing[name] = int(bad.sum())
                counted.pop(name, None)
            else:
                problems.append(located(bad, f"value(s) {what}", name, col))
        typed[name] = numbers

    if q.respondent_id and q.respondent_id in frame.columns:
        ids = frame[q.respondent_id]
        dup = ids.duplicated(keep=False) & ids.notna()
        if dup.any() and raw.format == "csv" and pd.api.types.is_numeric_dtype(ids):
            # numbers that are equal may be written differently ("007" and "7"): decide on the text
            ids = _ids_as_written(raw, q).iloc[positions]
            dup = ids.duplicated(keep=False) & ids.notna()
        if dup.any():
            problems.append(located(dup, "duplicate respondent ids", q.respondent_id, ids))
        typed = {q.respondent_id: ids, **typed}

    if problems:
        raise DataError(f"{file}: {len(problems)} problem(s) in the data", problems)
    # one column per block, no copies: pandas would otherwise stack the columns into one 2-D block
    out = pd.DataFrame({name: series.to_numpy() if series.dtype.kind in "iuf" else series.reset_index(drop=True)
                        for name, series in typed.items()}, copy=False)
    if set_missing:
        warnings.append("set to missing as out of range: " +
                        ", ".join(f"{k} ({v})" for k, v in set_missing.items()))
    return ValidatedData(out, raw, len(out), set_missing, n_empty, warnings + raw.notes, counted)


def _ids_as_written(raw: RawData, q: Questionnaire) -> pd.Series:
    """The respondent ids of a CSV file as text, read again (only needed when the numbers repeat)."""
    from surveykit.data.fileio import read_data

    header = next((h for h, name in q.columns.items() if name == q.respondent_id), q.respondent_id)
    again = read_data(raw.path, text_columns={header, q.respondent_id})
    column = header if header in again.frame.columns else q.respondent_id
    return again.frame[column].astype("string")


def _show(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return repr(text[:40] + "…") if len(text) > 40 else repr(text) if isinstance(value, str) else text
