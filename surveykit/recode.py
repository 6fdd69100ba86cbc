"""Recoding: from typed answers to analysis variables, exactly as the questionnaire's rules say.

Order of work: missing codes become missing (NaN), then the recode rules run in dependency order
(:meth:`Questionnaire.recode_order`). Every rule is vectorised over respondents. The log counts, for each
rule, how many respondents got a value and how many were set to missing, so that the report can say what
recoding did. Recoding never adds or removes respondents.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from surveykit.spec import BinRecode, CasesRecode, FreeText, KeywordRecode, MapRecode, Questionnaire


@dataclass
class RecodeLog:
    """What recoding did: missing codes found per variable and counts per rule."""

    missing_codes: dict[str, int] = field(default_factory=dict)
    rules: list[dict] = field(default_factory=list)


def _condition(frame: pd.DataFrame, when: dict) -> np.ndarray:
    mask = np.ones(len(frame), dtype=bool)
    for name, codes in when.items():
        wanted = codes if isinstance(codes, list) else [codes]
        mask &= frame[name].isin(wanted).to_numpy()
    return mask


def apply_missing_codes(frame: pd.DataFrame, q: Questionnaire) -> tuple[pd.DataFrame, dict[str, int]]:
    """Set each variable's missing codes (e.g. Schick's 0 = unanswered) to NaN; count them per variable."""
    out = frame.copy()
    counts: dict[str, int] = {}
    for name, entry in q.raw_variables.items():
        if name not in out or isinstance(entry, FreeText):
            continue
        codes = q.missing_codes_of(name)
        if not codes:
            continue
        hit = out[name].isin(codes)
        n = int(hit.sum())
        if n:
            out[name] = out[name].mask(hit)
            counts[name] = n
    return out, counts


def apply_rule(frame: pd.DataFrame, rule) -> np.ndarray:
    """The values (float64, NaN = missing) of the variable one rule defines."""
    n = len(frame)
    if isinstance(rule, MapRecode):
        source = frame[rule.source]
        mapping = {float(k): (np.nan if v is None else float(v)) for k, v in rule.map.items()}
        mapped = source.map(mapping)
        if rule.unmapped == "keep":
            mapped = mapped.where(source.isin(list(mapping)), source)
        return mapped.to_numpy(dtype="float64")
    if isinstance(rule, KeywordRecode):
        out = (frame[rule.base].to_numpy(dtype="float64", copy=True) if rule.base
               else np.full(n, np.nan))
        rows = _condition(frame, rule.when) if rule.when else np.ones(n, dtype=bool)
        text = frame[rule.text].astype("string").str.lower()
        decided = np.zeros(n, dtype=bool)
        for keyword_rule in rule.rules:
            hit = np.zeros(n, dtype=bool)
            for keyword in keyword_rule.keywords:
                hit |= text.str.contains(keyword.lower(), regex=False).fillna(False).to_numpy(dtype=bool)
            take = rows & hit & ~decided
            out[take] = np.nan if keyword_rule.value is None else keyword_rule.value
            decided |= take
        rest = rows & ~decided
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
        conditions = [_condition(frame, case.when) for case in rule.cases]
        choices = [np.nan if case.value is None else float(case.value) for case in rule.cases]
        default = np.nan if rule.default is None else float(rule.default)
        return np.select(conditions, choices, default=default).astype("float64")
    raise TypeError(f"unknown recode rule {type(rule).__name__}")


def recode(frame: pd.DataFrame, q: Questionnaire) -> tuple[pd.DataFrame, RecodeLog]:
    """Apply missing codes and every recode rule; return the analysis frame and a log of what changed."""
    out, missing_counts = apply_missing_codes(frame, q)
    log = RecodeLog(missing_codes=missing_counts)
    derived: dict[str, np.ndarray] = {}
    for rule in q.recode_order():
        view = out.assign(**derived) if derived else out
        values = apply_rule(view, rule)
        derived[rule.id] = values
        log.rules.append({"id": rule.id, "type": rule.type, "n_valid": int(np.count_nonzero(~np.isnan(values))),
                          "n_missing": int(np.count_nonzero(np.isnan(values)))})
    if derived:
        out = out.assign(**derived)
    return out, log
