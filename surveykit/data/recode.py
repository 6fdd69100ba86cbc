"""Recoding: from typed answers to analysis variables, exactly as the questionnaire's rules say.

Order of work: missing codes become missing (NaN), then the recode rules run in dependency order
(:meth:`Questionnaire.recode_order`). Every rule is vectorised over respondents. The log counts, for each
rule, how many respondents got a value and how many were set to missing, so that the report can say what
recoding did. Recoding never adds or removes respondents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from surveykit.stats.codes import MAX_RANGE, ValueCodes, code_dtype, in_codes
from surveykit.stats.parallel import map_columns
from surveykit.spec.elements import BinRecode, CasesRecode, FreeText, KeywordRecode, MapRecode
from surveykit.spec.questionnaire import Questionnaire


@dataclass
class RecodeLog:
    """What recoding did: missing codes found per variable and counts per rule."""

    missing_codes: dict[str, int] = field(default_factory=dict)
    rules: list[dict] = field(default_factory=list)
    # non-substantive answers ('don't know') per item and code: missing for analysis, but counted apart
    # from the unanswered ones (missing_codes does not include them)
    non_substantive: dict[str, dict[int, int]] = field(default_factory=dict)


def _condition(frame, when: dict, n: int) -> np.ndarray:
    mask = np.ones(n, dtype=bool)
    for name, codes in when.items():
        wanted = codes if isinstance(codes, list) else [codes]
        mask &= in_codes(frame[name], wanted)
    return mask


def apply_missing_codes(frame: pd.DataFrame, q: Questionnaire,
                        code_counts: dict[str, dict[float, int]] | None = None) -> tuple[pd.DataFrame, dict[str, int]]:
    """Set each variable's missing codes (e.g. Schick's 0 = unanswered) to NaN; count them per variable.

    Numeric columns come out as float64. ``code_counts`` ({column: {code: n}}, as validation counted
    them) saves a pass over the columns that hold no missing code. The caller's frame is not modified.
    """
    columns, counts = _without_missing_codes(frame, q, code_counts)
    return pd.DataFrame(columns, index=frame.index, copy=False), counts


def _without_missing_codes(frame: pd.DataFrame, q: Questionnaire,
                           code_counts: dict[str, dict[float, int]] | None,
                           value_codes: dict | None = None) -> tuple[dict, dict[str, int]]:
    columns: dict = {name: frame[name] for name in frame.columns}
    jobs = []
    for name, entry in q.raw_variables.items():
        if name not in frame or isinstance(entry, FreeText) or not pd.api.types.is_numeric_dtype(frame[name]):
            continue
        # non-substantive codes ('don't know') are set missing for analysis too, and counted apart
        non_substantive = [float(c) for c in q.non_substantive_of(name)]
        codes = [float(c) for c in q.missing_codes_of(name) if float(c) not in non_substantive] + non_substantive
        known = None if code_counts is None else code_counts.get(name)
        if known is not None:
            codes = [c for c in codes if known.get(c, 0)]
        jobs.append((name, frame[name].to_numpy(), codes, known))
    counts: dict[str, int] = {}
    for (name, raw, *_), (values, n, coded) in zip(jobs, map_columns(_column_without, jobs, len(frame))):
        if values is not None:
            columns[name] = values
        if coded is not None and value_codes is not None:
            value_codes[name] = coded
        n -= sum(_non_substantive_counts(q, name, raw, code_counts).values()) if n else 0
        if n:
            counts[name] = n
    return columns, counts


def _non_substantive_counts(q: Questionnaire, name: str, raw: np.ndarray,
                            code_counts: dict[str, dict[float, int]] | None) -> dict[int, int]:
    """{code: n} of the item's non-substantive answers (codes answered at least once)."""
    known = None if code_counts is None else code_counts.get(name)
    out = {}
    for code in q.non_substantive_of(name):
        n = known.get(float(code), 0) if known is not None else int(np.count_nonzero(raw == code))
        if n:
            out[int(code)] = int(n)
    return out


def non_substantive_counts(frame: pd.DataFrame, q: Questionnaire,
                           code_counts: dict[str, dict[float, int]] | None = None) -> dict[str, dict[int, int]]:
    """Per item, {code: n} of its non-substantive answers in the typed (not yet recoded) ``frame``."""
    out = {}
    for name in q.item_map:
        if name in frame and q.non_substantive_of(name):
            counts = _non_substantive_counts(q, name, frame[name].to_numpy(dtype="float64", na_value=np.nan),
                                             code_counts)
            if counts:
                out[name] = counts
    return out


def _column_without(job) -> tuple[np.ndarray | None, int, ValueCodes | None]:
    """One column of :func:`_without_missing_codes`: (new values or None if unchanged, n set missing, codes)."""
    name, values, codes, known = job
    if values.dtype.kind in "iu":
        return _integers_without(values, codes, known)
    if codes:
        hit = in_codes(values, codes)
        n = int(np.count_nonzero(hit))
        if n:
            return np.where(hit, np.nan, values), n, None
    return None, 0, None


def _map_by_codes(rule: MapRecode, source: ValueCodes) -> tuple[np.ndarray, ValueCodes | None]:
    """A map recode through the source's value codes: the same values as :func:`apply_rule`, in one
    gather, and the result's own value codes (None when its values are not small integers)."""
    mapping = {float(old): np.nan if new is None else float(new) for old, new in rule.map.items()}
    keep = rule.unmapped == "keep"
    table = np.array([mapping.get(v, v if keep else np.nan) for v in source.values.tolist()] + [np.nan])
    values = table[source.codes]
    present = np.append(source.counts()[:-1] > 0, False) & ~np.isnan(table)
    if not present.any() or not np.array_equal(table[present], np.floor(table[present])):
        return values, None
    lo, hi = table[present].min(), table[present].max()
    if hi - lo > MAX_RANGE or max(-lo, hi) >= 2.0**53:
        return values, None
    n_values = int(hi - lo) + 1
    position = np.full(len(table), n_values, dtype=code_dtype(n_values + 1))  # missing (and unused) -> n_values
    position[present] = (table[present] - lo).astype(np.int64)
    n_missing = int(source.counts()[~present].sum())
    return values, ValueCodes(codes=position[source.codes], values=lo + np.arange(n_values, dtype="float64"),
                              n_missing=n_missing)


def _integers_without(values: np.ndarray, codes: list[float],
                      known: dict[float, int] | None) -> tuple[np.ndarray, int, ValueCodes | None]:
    """Integers as float64 with ``codes`` set to NaN, the number set, and the column's value codes.

    Small codes go through lookup tables, one gather each: one for the numbers and, when the codes
    present are known (``known``, as validation counted them), one for the :class:`ValueCodes` the
    analyses count with (values lo..hi of the answers, missing = the code after them).
    """
    lo, hi = (int(min(known)), int(max(known))) if known else (int(values.min()), int(values.max()))
    if not (0 <= lo and hi < 10_000):
        out = values.astype("float64")
        hit = in_codes(out, codes) if codes else np.zeros(len(out), dtype=bool)
        out[hit] = np.nan
        return out, int(np.count_nonzero(hit)), None
    table = np.arange(hi + 1, dtype="float64")
    hits = [int(c) for c in codes if c.is_integer() and 0 <= c <= hi]
    table[hits] = np.nan
    out = table[values]
    if known is None:
        return out, int(np.count_nonzero(np.isnan(out))) if hits else 0, None
    n_missing = sum(known.get(float(c), 0) for c in hits)
    answers = sorted(int(v) for v in known if int(v) not in hits)
    if not answers or answers[-1] - answers[0] > MAX_RANGE:
        return out, n_missing, None
    first, n_values = answers[0], answers[-1] - answers[0] + 1
    dtype = code_dtype(n_values + 1)
    position = np.full(hi + 1, n_values, dtype=dtype)  # missing codes (and absent values) -> n_values
    for v in answers:
        position[v] = v - first
    coded = ValueCodes(codes=position[values], values=first + np.arange(n_values, dtype="float64"),
                       n_missing=n_missing)
    return out, n_missing, coded


def apply_rule(frame, rule, n: int | None = None) -> np.ndarray:
    """The values (float64, NaN = missing) of the variable one rule defines.

    ``frame`` is anything that gives a column (a pandas Series) by name: a DataFrame, or a dict of Series.
    """
    n = len(frame) if n is None else n
    if isinstance(rule, MapRecode):
        source = frame[rule.source].to_numpy(dtype="float64", na_value=np.nan)
        out = source.copy() if rule.unmapped == "keep" else np.full(len(source), np.nan)
        for old, new in rule.map.items():
            out[source == old] = np.nan if new is None else new
        return out
    if isinstance(rule, KeywordRecode):
        out = (frame[rule.base].to_numpy(dtype="float64", copy=True) if rule.base
               else np.full(n, np.nan))
        rows = np.flatnonzero(_condition(frame, rule.when, n)) if rule.when else np.arange(n)
        # only answered texts on the rows the rule applies to are searched, one pattern per keyword rule
        column = frame[rule.text]
        answered = rows[column.iloc[rows].notna().to_numpy()]
        # free-text answers repeat ("Annet", "NAV Tiltak"): search each distinct text once
        which, distinct = pd.factorize(column.iloc[answered].astype("string"))
        text = pd.Series(distinct, dtype="string").str.lower()
        value = np.full(len(distinct), np.nan)
        decided = np.zeros(len(distinct), dtype=bool)
        for keyword_rule in rule.rules:
            pattern = "|".join(re.escape(k.lower()) for k in keyword_rule.keywords)
            hit = text.str.contains(pattern, regex=True).fillna(False).to_numpy(dtype=bool)
            take = hit & ~decided
            value[take] = np.nan if keyword_rule.value is None else keyword_rule.value
            decided |= take
        matched = np.zeros(n, dtype=bool)
        hit_rows = decided[which]
        out[answered[hit_rows]] = value[which[hit_rows]]
        matched[answered[hit_rows]] = True
        rest = rows[~matched[rows]]
        if rule.otherwise == "missing":
            out[rest] = np.nan
        elif rule.otherwise != "keep":
            out[rest] = rule.otherwise
        return out
    if isinstance(rule, BinRecode):
        values = frame[rule.source].to_numpy(dtype="float64")
        uppers = np.array([b.upper for b in rule.bins[:-1]] + [np.inf if rule.bins[-1].upper is None
                                                               else rule.bins[-1].upper])
        codes = np.array([b.code for b in rule.bins], dtype="float64")
        position = np.searchsorted(uppers, values, side="left")  # x <= upper of the bin it falls in
        inside = ~np.isnan(values) & (position < len(uppers))
        out = np.full(len(values), np.nan)
        out[inside] = codes[position[inside]]
        return out
    if isinstance(rule, CasesRecode):
        conditions = [_condition(frame, case.when, n) for case in rule.cases]
        choices = [np.nan if case.value is None else float(case.value) for case in rule.cases]
        default = np.nan if rule.default is None else float(rule.default)
        return np.select(conditions, choices, default=default).astype("float64")
    raise TypeError(f"unknown recode rule {type(rule).__name__}")


class _SeriesView(dict):
    """Columns as pandas Series, made on first use: the rules read columns by name (text needs ``.str``)."""

    def __init__(self, columns: dict, index: pd.Index):
        super().__init__()
        self.columns, self.index = columns, index

    def __missing__(self, name):
        value = self.columns[name]
        self[name] = value if isinstance(value, pd.Series) else pd.Series(value, index=self.index, name=name)
        return self[name]


def recode(frame: pd.DataFrame, q: Questionnaire, code_counts: dict[str, dict[float, int]] | None = None,
           value_codes: dict | None = None) -> tuple[pd.DataFrame, RecodeLog]:
    """Apply missing codes and every recode rule; return the analysis frame and a log of what changed.

    ``code_counts``: the codes per column validation counted (:class:`ValidatedData.code_counts`), to skip
    columns without missing codes. ``value_codes``: a dict that receives, for the answer columns read as
    integers, their :class:`~surveykit.stats.codes.ValueCodes` (made in the same pass; the analyses count with them).
    """
    coded: dict = {} if value_codes is None else value_codes
    columns, missing_counts = _without_missing_codes(frame, q, code_counts, coded)
    log = RecodeLog(missing_codes=missing_counts, non_substantive=non_substantive_counts(frame, q, code_counts))
    n = len(frame)
    series = _SeriesView(columns, frame.index)
    derived: dict[str, np.ndarray] = {}
    for rule in q.recode_order():
        if isinstance(rule, MapRecode) and rule.source in coded:
            # the source's value codes make the map one gather, and give the result's codes too
            values, result_codes = _map_by_codes(rule, coded[rule.source])
        else:
            values, result_codes = apply_rule(series, rule, n), None
        if result_codes is None:
            coded.pop(rule.id, None)  # (codes of an answer column the rule redefines are stale)
            n_missing = int(np.count_nonzero(np.isnan(values)))
        else:
            coded[rule.id] = result_codes
            n_missing = result_codes.n_missing
        derived[rule.id] = values
        series[rule.id] = pd.Series(values, index=frame.index, name=rule.id)
        log.rules.append({"id": rule.id, "type": rule.type, "n_valid": n - n_missing, "n_missing": n_missing})
    # derived variables after the answers (one that redefines an answer column replaces it there);
    # one block per column, no copies
    out = {name: value for name, value in columns.items() if name not in derived}
    out.update(derived)
    return pd.DataFrame(out, index=frame.index, copy=False), log
