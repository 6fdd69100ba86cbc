"""The codebook: every variable of a questionnaire with its labels, and with data, its frequencies.

``codebook(q, frame)`` returns plain records (one per variable); ``codebook_text`` formats them for the
terminal (``surveykit describe``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from surveykit.spec.elements import text_in
from surveykit.spec.questionnaire import Questionnaire


def codebook(q: Questionnaire, frame: pd.DataFrame | None = None, lang: str = "en",
             non_substantive: dict[str, dict[int, int]] | None = None) -> list[dict]:
    """One record per variable: id, kind, label, value labels, and with data N valid/missing and counts.

    ``non_substantive``: {item: {code: n}} of the 'don't know' answers (RecodeLog.non_substantive), which
    are missing in the recoded ``frame``: counted apart from the unanswered (``n_non_substantive``)."""
    names = [*q.raw_variables, *(r.id for r in q.recode_order()), *q.index_map]
    records = []
    disclosure = None
    if frame is not None:  # groups of people: the same disclosure plan as every report table
        from surveykit.privacy.plan import DisclosurePlan

        grouping = [n for n in dict.fromkeys(names) if q.kind_of(n) in ("single", "yesno", "derived")
                    and n in frame.columns and pd.api.types.is_numeric_dtype(frame[n])]
        disclosure = DisclosurePlan.build(q, frame, q.analysis.min_group_size, grouping)
    for name in dict.fromkeys(names):
        kind = q.kind_of(name)
        rec: dict = {"id": name, "kind": kind, "label": q.label_of(name, lang)}
        scale = q.scale_of(name)
        if kind == "item" and scale is not None:
            labels = scale.labels.get(lang) or next(iter(scale.labels.values()), {})
            rec["values"] = {v: labels.get(v, "") for v in scale.values}
            if q.item_map[name].reverse:
                rec["reverse"] = True
            if scale.non_substantive:
                rec["non_substantive"] = {int(c): text_in(t, lang) for c, t in scale.non_substantive.items()}
        codes = q.codes_of(name)
        if codes:
            rec["values"] = {int(k): text_in(v, lang) for k, v in sorted(codes.items())}
        if kind == "index":
            index = q.index_map[name]
            rec["items"] = list(index.items)
            rec["rule"] = f"mean of {len(index.items)} items, at least {index.min_valid} valid"
        reference = q.reference_of(name)
        if reference is not None:
            rec["reference"] = reference
        if frame is not None and name in frame.columns:
            col = frame[name]
            rec["n_valid"] = int(col.notna().sum())
            rec["n_missing"] = int(col.isna().sum())
            if "non_substantive" in rec:
                counts = (non_substantive or {}).get(name, {})
                rec["n_non_substantive"] = {code: int(counts.get(code, 0)) for code in rec["non_substantive"]}
                rec["n_missing"] -= sum(rec["n_non_substantive"].values())  # not answered, apart from them
            if kind == "text":
                protected = disclosure is not None and any(c.hidden or c.merged for c in disclosure.codings.values())
                if protected:
                    # an "other (specify)" box is answered by exactly one category's respondents: its count
                    # could give away the size of a category disclosure control merged or hid
                    for key in ("n_valid", "n_missing"):
                        rec.pop(key, None)
                    rec["n_answered"] = None
                else:
                    rec["n_answered"] = int((col.astype("string").str.strip().fillna("") != "").sum())
            elif kind in ("number",) or (kind == "index"):
                values = col.to_numpy(dtype="float64")
                if rec["n_valid"]:
                    rec["mean"] = float(np.nanmean(values))
                    rec["min"] = float(np.nanmin(values))
                    rec["max"] = float(np.nanmax(values))
            else:
                counts = col.value_counts(dropna=True).sort_index()
                rec["counts"] = {(int(k) if float(k).is_integer() else float(k)): int(v) for k, v in counts.items()}
                coding = disclosure.codings.get(name) if disclosure is not None else None
                if coding is not None and (coding.hidden or coding.merged):
                    plain = lambda c: int(c) if float(c).is_integer() else float(c)  # noqa: E731
                    withheld = {plain(c) for c in coding.hidden} | {plain(c) for m in coding.merged.values() for c in m}
                    if coding.hidden:
                        rec["hidden"] = sorted(plain(c) for c in coding.hidden)
                        rec["n_missing_or_hidden"] = rec.pop("n_missing") + sum(rec["counts"].get(c, 0)
                                                                                 for c in rec["hidden"])
                        rec["n_valid"] -= rec["n_missing_or_hidden"] - (len(col) - rec["n_valid"])
                    rec["merged"] = [{"codes": [plain(c) for c in members],
                                      "n": sum(rec["counts"].get(plain(c), 0) for c in members)}
                                     for members in coding.merged.values()]
                    rec["counts"] = {k: (None if k in withheld else v) for k, v in rec["counts"].items()}
        records.append(rec)
    return records


def codebook_text(q: Questionnaire, frame: pd.DataFrame | None = None, lang: str = "en",
                  non_substantive: dict[str, dict[int, int]] | None = None) -> str:
    lines = [f"Codebook: {text_in(q.meta.title, lang)} ({q.meta.id})"]
    if frame is not None:
        lines.append(f"{len(frame)} respondents; counts after recoding (missing codes set to missing)")
    lines.append("")
    for rec in codebook(q, frame, lang, non_substantive):
        head = f"{rec['id']}  [{rec['kind']}]  {rec['label']}"
        if "n_valid" in rec:
            head += (f"   N valid {rec['n_valid']}, " if "n_missing" in rec else f"   N shown {rec['n_valid']}, ")
            for code, n in (rec.get("n_non_substantive") or {}).items():
                head += f"{rec['non_substantive'][code]} ({code}) {n}, "
            head += (f"{'not answered' if 'n_non_substantive' in rec else 'missing'} {rec['n_missing']}"
                     if "n_missing" in rec else f"missing or hidden {rec['n_missing_or_hidden']}")
        lines.append(head)
        if rec.get("reverse"):
            lines.append("    reverse-keyed")
        if "items" in rec:
            lines.append(f"    {rec['rule']}: {', '.join(rec['items'])}")
        if "mean" in rec:
            lines.append(f"    mean {rec['mean']:.2f}, min {rec['min']:g}, max {rec['max']:g}")
        if "n_answered" in rec:
            lines.append(f"    {rec['n_answered']} non-empty answers" if rec["n_answered"] is not None else
                         "    answer count withheld: categories were merged or hidden in this run, and the count of "
                         "an open answer can give away a category's size")
        for code, label in (rec.get("non_substantive") or {}).items():
            if "n_non_substantive" not in rec:
                lines.append(f"    {code:>4}  {label}  (non-substantive: left out of every statistic)")
        values = rec.get("values", {})
        counts = rec.get("counts")
        total = rec.get("n_valid", 0)
        for value in sorted(set(values) | set(counts or {})):
            label = values.get(value, "")
            ref = "  (reference)" if rec.get("reference") == value else ""
            if counts is not None and counts.get(value, 0) is None:
                how = "merged" if value not in rec.get("hidden", []) else "hidden"
                lines.append(f"    {value:>4}  {label:<45} {how:>6}  (fewer than {q.analysis.min_group_size}, "
                             f"alone or by difference, or protects such a group){ref}")
            elif counts is not None:
                n = counts.get(value, 0)
                pct = 100.0 * n / total if total else 0.0
                lines.append(f"    {value:>4}  {label:<45} {n:>6}  {pct:5.1f} %{ref}")
            else:
                lines.append(f"    {value:>4}  {label}{ref}")
        for group in rec.get("merged", []):
            codes = "+".join(str(c) for c in group["codes"])
            pct = 100.0 * group["n"] / total if total else 0.0
            lines.append(f"    {codes:>4}  {'merged: ' + ' / '.join(values.get(c, str(c)) for c in group['codes']):<45} "
                         f"{group['n']:>6}  {pct:5.1f} %")
    return "\n".join(lines)
