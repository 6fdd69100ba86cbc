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

from surveykit.codes import in_codes
from surveykit.spec import BinRecode, CasesRecode, FreeText, KeywordRecode, MapRecode, Questionnaire


@dataclass
class RecodeLog:
    """What recoding did: missing codes found per variable and counts per rule."""

    missing_codes: dict[str, int] = field(default_factory=dict)
    rules: list[dict] = field(default_factory=list)


def _condition(frame, when: dict, n: int) -> np.ndarray:
    mask = np.ones(n, dtype=bool)
    for name, codes in when.items():
        wanted = codes if isinstance(codes, list) else [codes]
        mask &= in_codes(frame[name], wanted)
    return mask


def apply_missing_codes(frame: pd.DataFrame, q: Questionnaire) -> tuple[pd.DataFrame, dict[str, int]]:
    """Set each variable's missing codes (e.g. Schick's 0 = unanswered) to NaN; count them per variable."""
    changed: dict[str, np.ndarray] = {}
    counts: dict[str, int] = {}
    for name, entry in q.raw_variables.items():
        if name not in frame or isinstance(entry, FreeText):
            continue
        codes = q.missing_codes_of(name)
        if not codes:
            continue
        values = frame[name].to_numpy(dtype="float64", na_value=np.nan)
        hit = in_codes(values, codes)
        n = int(hit.sum())
        if n:
            changed[name] = np.where(hit, np.nan, values)
            counts[name] = n
    # copy-on-write: the caller's frame is not modified, and unchanged columns are not copied
    return (frame.assign(**changed) if changed else frame.copy(deep=False)), counts


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
        text = column.iloc[answered].astype("string").str.lower()
        decided = np.zeros(len(answered), dtype=bool)
        for keyword_rule in rule.rules:
            pattern = "|".join(re.escape(k.lower()) for k in keyword_rule.keywords)
            hit = text.str.contains(pattern, regex=True).fillna(False).to_numpy(dtype=bool)
            take = hit & ~decided
            out[answered[take]] = np.nan if keyword_rule.value is None else keyword_rule.value
            decided |= take
        matched = np.zeros(n, dtype=bool)
        matched[answered[decided]] = True
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


def recode(frame: pd.DataFrame, q: Questionnaire) -> tuple[pd.DataFrame, RecodeLog]:
    """Apply missing codes and every recode rule; return the analysis frame and a log of what changed."""
    out, missing_counts = apply_missing_codes(frame, q)
    log = RecodeLog(missing_codes=missing_counts)
    columns: dict[str, pd.Series] = {name: out[name] for name in out.columns}
    derived: dict[str, np.ndarray] = {}
    for rule in q.recode_order():
        values = apply_rule(columns, rule, len(out))
        derived[rule.id] = values
        columns[rule.id] = pd.Series(values, index=out.index, name=rule.id)
        log.rules.append({"id": rule.id, "type": rule.type, "n_valid": int(np.count_nonzero(~np.isnan(values))),
                          "n_missing": int(np.count_nonzero(np.isnan(values)))})
    if derived:
        out = pd.concat([out.drop(columns=[c for c in derived if c in out.columns]),
                         pd.DataFrame(derived, index=out.index)], axis=1)
    return out, log
