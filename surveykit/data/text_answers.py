"""Answers written as text: missing markers (R's ``NA``, Stata's ``.``) and labels instead of codes.

R's ``write.csv`` writes a missing value as ``NA``, Stata exports write ``.``, and SPSS can export "values as
labels" (``Strongly agree`` where the code is 5). Before validation turns cells into numbers, the cells of
each coded or numeric column that hold text are looked at once: a text the questionnaire lists as missing
(``missing_text``) becomes missing, and, when the questionnaire says answers may be given as labels
(``values_as_labels``), a label of the question (in any of its languages, ignoring case and spacing)
becomes its code. Any other text is left for validation to report with its row, column and value.
"""

from __future__ import annotations

import pandas as pd

from surveykit.spec.elements import Background, Item
from surveykit.spec.questionnaire import Questionnaire


def normalised(text: pd.Series) -> pd.Series:
    """Text compared without regard to case or spacing: trimmed, inner runs of white space as one space."""
    return text.str.strip().str.replace(r"\s+", " ", regex=True).str.casefold()


def label_codes(q: Questionnaire, name: str) -> dict[str, int]:
    """Normalised label -> code of a question, from every language given (item: its scale's value labels
    and non-substantive labels; coded background question: its codes). Raises nothing: a label that two
    codes share maps to neither (it cannot be read back)."""
    entry = q.raw_variables.get(name)
    pairs: list[tuple[str, int]] = []
    if isinstance(entry, Item) and entry.scale in q.scales:
        scale = q.scales[entry.scale]
        for labels in scale.labels.values():
            pairs += [(str(label), int(code)) for code, label in labels.items()]
        for code, text in scale.non_substantive.items():
            pairs += [(t, int(code)) for t in ([text] if isinstance(text, str) else text.values())]
    elif isinstance(entry, Background) and entry.codes:
        for code, text in entry.codes.items():
            pairs += [(t, int(code)) for t in ([text] if isinstance(text, str) else text.values())]
    keys = normalised(pd.Series([label for label, _ in pairs], dtype="string")).tolist()
    out: dict[str, int] = {}
    ambiguous = set()
    for key, (_, code) in zip(keys, pairs):
        if key in out and out[key] != code:
            ambiguous.add(key)
        out[key] = code
    return {k: v for k, v in out.items() if k not in ambiguous}


def answers_from_text(values: pd.Series, missing_text: list[str], labels: dict[str, int] | None = None
                      ) -> tuple[pd.Series, dict[str, int]]:
    """``values`` with missing markers set to missing and, when ``labels`` is given, labels replaced by
    their codes (as text, for validation to read as numbers); and how many cells of each kind changed
    (``{'missing_text': n, 'labels': n}``). Columns without text are returned as they are."""
    if values.dtype.kind in "iufb" and not isinstance(values.dtype, pd.StringDtype):
        return values, {}
    is_text = values.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    if not is_text.any():
        return values, {}
    text = values[is_text].astype("string")
    key = normalised(text)
    missing = key.isin(normalised(pd.Series(missing_text, dtype="string")).tolist()).to_numpy(dtype=bool)
    out = values.astype(object).copy()
    rows = values.index[is_text]
    out.loc[rows[missing]] = None
    counts = {"missing_text": int(missing.sum())}
    if labels:
        code = key.map(labels)
        hit = code.notna().to_numpy(dtype=bool) & ~missing
        out.loc[rows[hit]] = code[hit].astype(int).astype(str).to_numpy()
        counts["labels"] = int(hit.sum())
    return out, counts


def read_text_answers(frame: pd.DataFrame, q: Questionnaire) -> tuple[pd.DataFrame, list[str]]:
    """Every coded or numeric column of ``frame`` through :func:`answers_from_text` with the question's own
    ``missing_text`` and ``values_as_labels``; notes saying how many cells were read so."""
    from surveykit.spec.elements import FreeText

    columns = {}
    n_missing, n_labels = 0, 0
    for name, entry in q.raw_variables.items():
        if name not in frame.columns or isinstance(entry, FreeText):
            continue
        labels = label_codes(q, name) if q.values_as_labels_of(name) else None
        values, counts = answers_from_text(frame[name], q.missing_text_of(name), labels)
        if counts:
            columns[name] = values
            n_missing += counts.get("missing_text", 0)
            n_labels += counts.get("labels", 0)
    notes = []
    if n_missing:
        notes.append(f"{n_missing} cell(s) holding a missing-value text (such as NA) read as missing")
    if n_labels:
        notes.append(f"{n_labels} answer(s) given as labels read as their codes")
    return (frame.assign(**columns) if columns else frame), notes
