"""Reading scorecard data files (CSV, XLSX, Parquet via :func:`surveykit.data.fileio.read_data`) and checking
them against the scorecard definition. Every problem names the file, the column, the file lines and values.

Four kinds of file: a unit × indicator table, a unit × period × indicator panel (long or wide), audit case
rows (rubric scores 0-2 per criterion) and time-stamped registrations.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from surveykit.data.fileio import RawData, read_data
from surveykit.errors import DataError, Problem

from .spec import AuditData, PanelData, Registrations, Scorecard, TableData

MAX_SHOWN = 5


def _require_columns(raw: RawData, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in raw.frame.columns]
    if missing:
        raise DataError(f"{raw.path}: {len(missing)} column(s) the scorecard names are missing from the {what}",
                        [Problem(f"column {c!r} not found (columns are: {', '.join(map(str, raw.frame.columns))})",
                                 file=str(raw.path)) for c in missing])


def _numeric(raw: RawData, column: str, problems: list[Problem]) -> pd.Series:
    """The column as numbers; blanks are missing; anything else that is not a number is a problem."""
    series = raw.frame[column]
    text = series.astype("string").str.strip().str.replace(",", ".", regex=False)
    blank = series.isna() | (text == "")
    values = pd.to_numeric(text.where(~blank), errors="coerce")
    bad = ~blank & values.isna()
    if bad.any():
        pos = np.flatnonzero(bad.to_numpy())
        problems.append(Problem("not a number", file=str(raw.path), column=column,
                                rows=tuple(raw.line_of(pos[:MAX_SHOWN])), n_rows=len(pos),
                                values=tuple(sorted({str(v) for v in series.iloc[pos[:MAX_SHOWN]]}))))
    return values.astype(float)


def _unit_ids(raw: RawData, column: str, problems: list[Problem]) -> pd.Series:
    ids = raw.frame[column].astype("string").str.strip()
    blank = ids.isna() | (ids == "")
    if blank.any():
        pos = np.flatnonzero(blank.to_numpy())
        problems.append(Problem("unit id is blank", file=str(raw.path), column=column,
                                rows=tuple(raw.line_of(pos[:MAX_SHOWN])), n_rows=len(pos)))
    return ids


def load_table(card: Scorecard, spec: TableData, path: Path | None = None) -> pd.DataFrame:
    """Unit × indicator table: index = unit id; columns = the defined indicators found in the file, then
    ``group`` (when declared) and ``denominator:<indicator>`` columns."""
    raw = read_data(path or card.resolve(spec.file), text_columns=[spec.unit])
    _require_columns(raw, [spec.unit, *([spec.group] if spec.group else []), *spec.denominators.values()],
                     "table")
    indicators = [i.id for i in card.indicators if i.id in raw.frame.columns]
    if not indicators:
        raise DataError(f"{raw.path}: none of the scorecard's indicators is a column of the table",
                        [Problem(f"expected columns named like the indicator ids: "
                                 f"{', '.join(i.id for i in card.indicators)}", file=str(raw.path))])
    problems: list[Problem] = []
    ids = _unit_ids(raw, spec.unit, problems)
    dup = ids.duplicated(keep=False) & ids.notna()
    if dup.any():
        pos = np.flatnonzero(dup.to_numpy())
        problems.append(Problem("unit id occurs more than once", file=str(raw.path), column=spec.unit,
                                rows=tuple(raw.line_of(pos[:MAX_SHOWN])), n_rows=len(pos),
                                values=tuple(sorted(set(ids.iloc[pos].dropna()))[:MAX_SHOWN])))
    out = pd.DataFrame({name: _numeric(raw, name, problems) for name in indicators})
    for ind, col in spec.denominators.items():
        den = _numeric(raw, col, problems)
        if (den <= 0).any():
            pos = np.flatnonzero((den <= 0).to_numpy())
            problems.append(Problem("a denominator must be positive", file=str(raw.path), column=col,
                                    rows=tuple(raw.line_of(pos[:MAX_SHOWN])), n_rows=len(pos)))
        out[f"denominator:{ind}"] = den
    if spec.group:
        out["group"] = raw.frame[spec.group].astype("string").str.strip()
    _percent_range(card, raw, out, indicators, problems)
    if problems:
        raise DataError(f"{raw.path}: {len(problems)} problem(s) in the scorecard table", problems)
    out.index = pd.Index(ids, name="unit")
    return out


def _percent_range(card: Scorecard, raw: RawData, frame: pd.DataFrame, indicators: list[str],
                   problems: list[Problem]) -> None:
    for name in indicators:
        ind = card.indicator_map[name]
        values = frame[name]
        out = (values < 0) | ((values > 100) if ind.unit == "percent" else False)
        if out.any():
            pos = np.flatnonzero(out.to_numpy())
            problems.append(Problem(f"outside the range of a {'percentage (0-100)' if ind.unit == 'percent' else 'count (>= 0)'}",
                                    file=str(raw.path), column=name, rows=tuple(raw.line_of(pos[:MAX_SHOWN])),
                                    n_rows=len(pos), values=tuple(str(v) for v in values.iloc[pos[:MAX_SHOWN]])))


def load_panel(card: Scorecard, spec: PanelData, path: Path | None = None) -> pd.DataFrame:
    """Unit × period × indicator panel in long form: columns unit, period, indicator, value."""
    raw = read_data(path or card.resolve(spec.file), text_columns=[spec.unit, spec.period])
    problems: list[Problem] = []
    if spec.layout == "long":
        _require_columns(raw, [spec.unit, spec.period, spec.indicator, spec.value], "panel")
        names = raw.frame[spec.indicator].astype("string").str.strip()
        unknown = ~names.isin(list(card.indicator_map))
        if unknown.any():
            pos = np.flatnonzero(unknown.to_numpy())
            problems.append(Problem("indicator not defined in the scorecard", file=str(raw.path),
                                    column=spec.indicator, rows=tuple(raw.line_of(pos[:MAX_SHOWN])),
                                    n_rows=len(pos), values=tuple(sorted(set(names.iloc[pos].dropna().astype(str)))[:MAX_SHOWN])))
        long = pd.DataFrame({"unit": _unit_ids(raw, spec.unit, problems),
                             "period": raw.frame[spec.period].astype("string").str.strip(),
                             "indicator": names, "value": _numeric(raw, spec.value, problems)})
    else:
        _require_columns(raw, [spec.unit, spec.period], "panel")
        indicators = [i.id for i in card.indicators if i.id in raw.frame.columns]
        if not indicators:
            raise DataError(f"{raw.path}: no indicator columns in the wide panel")
        wide = pd.DataFrame({name: _numeric(raw, name, problems) for name in indicators})
        wide["unit"] = _unit_ids(raw, spec.unit, problems)
        wide["period"] = raw.frame[spec.period].astype("string").str.strip()
        long = wide.melt(id_vars=["unit", "period"], var_name="indicator", value_name="value")
    dup = long.duplicated(["unit", "period", "indicator"], keep=False)
    if dup.any() and spec.layout == "long":
        pos = np.flatnonzero(dup.to_numpy())
        problems.append(Problem("the same unit, period and indicator occur more than once", file=str(raw.path),
                                rows=tuple(raw.line_of(pos[:MAX_SHOWN])), n_rows=len(pos)))
    if problems:
        raise DataError(f"{raw.path}: {len(problems)} problem(s) in the scorecard panel", problems)
    return long.reset_index(drop=True)


def load_audit(card: Scorecard, spec: AuditData, path: Path | None = None) -> pd.DataFrame:
    """Audit case rows: unit, case, order (when given), each criterion's score, second coder's scores as
    ``<criterion>:2`` columns."""
    raw = read_data(path or card.resolve(spec.file), text_columns=[spec.unit, spec.case])
    criteria = [c.id for c in spec.criteria]
    second = [c + spec.second_coder_suffix for c in criteria] if spec.second_coder_suffix else []
    _require_columns(raw, [spec.unit, spec.case, *([spec.order] if spec.order else []), *criteria, *second],
                     "audit file")
    problems: list[Problem] = []
    out = pd.DataFrame({"unit": _unit_ids(raw, spec.unit, problems),
                        "case": raw.frame[spec.case].astype("string").str.strip()})
    if spec.order:
        out["order"] = _numeric(raw, spec.order, problems)
    for name, column in [*zip(criteria, criteria), *((c + ":2", s) for c, s in zip(criteria, second))]:
        scores = _numeric(raw, column, problems)
        bad = scores.notna() & ~scores.isin([0, 1, 2])
        if bad.any():
            pos = np.flatnonzero(bad.to_numpy())
            problems.append(Problem("a rubric score must be 0, 1 or 2", file=str(raw.path), column=column,
                                    rows=tuple(raw.line_of(pos[:MAX_SHOWN])), n_rows=len(pos),
                                    values=tuple(str(v) for v in raw.frame[column].iloc[pos[:MAX_SHOWN]])))
        out[name] = scores
    dup = out.duplicated(["unit", "case"], keep=False)
    if dup.any():
        pos = np.flatnonzero(dup.to_numpy())
        problems.append(Problem("the same case occurs twice in a unit", file=str(raw.path), column=spec.case,
                                rows=tuple(raw.line_of(pos[:MAX_SHOWN])), n_rows=len(pos)))
    if problems:
        raise DataError(f"{raw.path}: {len(problems)} problem(s) in the audit file", problems)
    return out


def load_registrations(card: Scorecard, spec: Registrations, path: Path | None = None) -> pd.DataFrame:
    """Time-stamped registrations: columns unit, date (datetime64, day precision)."""
    raw = read_data(path or card.resolve(spec.file), text_columns=[spec.unit, spec.timestamp])
    _require_columns(raw, [spec.unit, spec.timestamp], "registrations file")
    problems: list[Problem] = []
    ids = _unit_ids(raw, spec.unit, problems)
    text = raw.frame[spec.timestamp].astype("string").str.strip()
    dates = pd.to_datetime(text, errors="coerce", format="ISO8601")
    bad = dates.isna()
    if bad.any():
        pos = np.flatnonzero(bad.to_numpy())
        problems.append(Problem("not a date (use YYYY-MM-DD)", file=str(raw.path), column=spec.timestamp,
                                rows=tuple(raw.line_of(pos[:MAX_SHOWN])), n_rows=len(pos),
                                values=tuple(str(v) for v in text.iloc[pos[:MAX_SHOWN]])))
    if problems:
        raise DataError(f"{raw.path}: {len(problems)} problem(s) in the registrations file", problems)
    return pd.DataFrame({"unit": ids, "date": dates.dt.normalize()})
