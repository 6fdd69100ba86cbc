"""Favourable, neutral and unfavourable shares of rating-scale answers, per item and index, overall and by group.

The HR-platform definition (Qualtrics EX, Glint, Peakon and the like): each scale declares which answers are
*favourable* (typically "agree" and "strongly agree") and which are *unfavourable* (the bottom ones); the
rest of the substantive answers are *neutral*. Answers that are missing or not substantive ("don't know")
are in no denominator.

* item:  % favourable = favourable answers / substantive answers to the item (likewise neutral, unfavourable);
* index: the same over all answers to its items, **pooled**: sum of favourable answers over the items /
  sum of their substantive answers. (Not the share of respondents whose index mean passes a threshold:
  that number sits far from its items' shares and is not what HR tools report.)

Every share is computed for the whole sample ("All") and per group of each grouping variable, with the
difference of each group from All in percentage points.

>>> import pandas as pd
>>> df = pd.DataFrame({"q1": [1, 5, 4, 2, 5, 3], "q2": [5, 5, 1, None, 4, 2], "unit": [1, 1, 1, 2, 2, 2]})
>>> cats = {"q1": ItemCategories(favourable=(4, 5), unfavourable=(1, 2), substantive=(1, 2, 3, 4, 5)),
...         "q2": ItemCategories(favourable=(4, 5), unfavourable=(1, 2), substantive=(1, 2, 3, 4, 5))}
>>> res = favourable_shares(df, cats, indices={"idx": ["q1", "q2"]}, groups=["unit"])
>>> row = res.table.query("variable == 'idx' and group == 'All'").iloc[0]
>>> int(row["n_answers"]), round(float(row["pct_favourable"]), 2)  # 6 of the 11 answers are 4 or 5
(11, 54.55)

Reference: Qualtrics (2023), "Employee Experience: favourability"; the pooled index share is the
"category favourability" of the same platforms (all answers to the category's items).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from surveykit.errors import AnalysisError, Problem
from surveykit.jsonsafe import to_jsonable
from surveykit.stats.parallel import map_columns

ALL = "All"
# category of one answer: 0 = missing or not substantive, 1 = unfavourable, 2 = neutral, 3 = favourable
_N_CAT = 4
_PACK = 4  # items counted together: 4 categories of 2 bits each fill one byte


@dataclass(frozen=True)
class ItemCategories:
    """Which answer codes of an item are favourable, unfavourable and substantive (neutral = the rest)."""

    favourable: tuple[float, ...]
    unfavourable: tuple[float, ...]
    substantive: tuple[float, ...]
    reverse: bool = False  # classify the keyed answer min + max - x (min, max of ``substantive``)


@dataclass(frozen=True)
class FavourableResult:
    """Tidy table, one row per variable x group: ``variable, kind ('item'|'index'), group_var (None for All),
    group ('All' or the group's code), n (respondents with at least one substantive answer), n_answers,
    n_favourable, n_neutral, n_unfavourable, pct_favourable, pct_neutral, pct_unfavourable, diff_favourable``
    (percentage points from the All row of the same variable; 0 for All itself)."""

    table: pd.DataFrame
    indices: dict[str, list[str]] = field(default_factory=dict)

    def summary(self) -> pd.DataFrame:
        return self.table

    def to_dict(self) -> dict:
        return to_jsonable({"table": self.table.to_dict(orient="records"), "indices": self.indices})


def classify(values: np.ndarray, cats: ItemCategories) -> np.ndarray:
    """The category (0 missing / not substantive, 1 unfavourable, 2 neutral, 3 favourable) of each answer.

    Answers on a scale of whole numbers are looked up in a table made by :func:`classify_values` of the
    scale's values (a few passes over the answers instead of one per category value); anything else
    (NaN, a value between or outside the scale's) is 0, as it is there."""
    x = np.asarray(values, dtype="float64")
    scale = np.asarray(cats.substantive, dtype="float64")
    if not len(scale) or np.any(scale != np.round(scale)) or scale.max() - scale.min() > 255:
        return classify_values(x, cats)
    lo, hi = int(scale.min()), int(scale.max())
    table = classify_values(np.arange(lo, hi + 1, dtype="float64"), cats)
    with np.errstate(invalid="ignore"):
        offset = x - lo
        inside = (offset >= 0) & (offset <= hi - lo)  # NaN: False
    position = np.where(inside, offset, 0).astype(np.intp)
    inside &= position == offset  # whole numbers only
    return np.where(inside, table[position], 0)


def classify_values(values: np.ndarray, cats: ItemCategories) -> np.ndarray:
    """:func:`classify` value by value (the definition; used directly for scales that are not whole numbers)."""
    x = np.asarray(values, dtype="float64")
    if cats.reverse:
        lo, hi = min(cats.substantive), max(cats.substantive)
        substantive = np.isin(x, cats.substantive)
        x = np.where(substantive, lo + hi - x, x)
    out = np.where(np.isin(x, cats.substantive), 2, 0).astype(np.intp)
    out[np.isin(x, cats.unfavourable) & (out > 0)] = 1
    out[np.isin(x, cats.favourable) & (out > 0)] = 3
    return out


def favourable_shares(frame: pd.DataFrame, categories: Mapping[str, ItemCategories],
                      indices: Mapping[str, Sequence[str]] | None = None, groups: Sequence[str] = (),
                      group_codes: Mapping[str, tuple[np.ndarray, list]] | None = None) -> FavourableResult:
    """Favourable / neutral / unfavourable % of every item in ``categories`` and every index (pooled), for
    the whole sample and per group of each variable in ``groups``.

    Formula, for a set of items I (one item, or an index's items) and a group g:
    ``% favourable = 100 * sum_i #{favourable answers to i in g} / sum_i #{substantive answers to i in g}``.

    ``group_codes``: optional precomputed ``{variable: (codes 0..k-1 with k = missing, keys)}``.
    One ``np.bincount`` per grouping variable counts every item x group x category at once.
    """
    indices = {k: list(v) for k, v in (indices or {}).items()}
    items = list(categories)
    problems = [Problem(f"index {k!r}: item {i!r} has no answer categories", column=i, values=(k,))
                for k, members in indices.items() for i in members if i not in categories]
    missing = [c for c in [*items, *groups] if c not in frame.columns]
    problems += [Problem(f"column {c!r} is not in the data", column=c) for c in missing]
    if problems:
        raise AnalysisError("cannot compute favourable shares", problems)
    n, m = len(frame), len(items)
    # one small column of categories per item (no respondents x items matrix)
    cat = map_columns(lambda item: classify(frame[item].to_numpy(dtype="float64", na_value=np.nan),
                                            categories[item]).astype(np.uint8), items, n)
    position = {item: j for j, item in enumerate(items)}
    measures = [(i, [position[i]], "item") for i in items] + \
        [(x, [position[i] for i in members], "index") for x, members in indices.items()]
    # respondents who answered at least one of an index's items, found once for all groupings (an item's
    # respondents are its answers)
    answered = {x: np.logical_or.reduce([cat[j] > 0 for j in cols]) if cols else np.zeros(n, dtype=bool)
                for x, cols, kind in measures if kind == "index"}
    # four items' categories (2 bits each) packed into one byte per respondent, so that one bincount per
    # grouping counts four items at once
    packs = [sum((cat[j].astype(np.uint8) << np.uint8(2 * t) for t, j in enumerate(range(start, min(start + _PACK, m)))),
                 np.zeros(n, dtype=np.uint8)) for start in range(0, m, _PACK)]
    rows: list[dict] = []

    def emit(codes: np.ndarray, keys: list, group_var: str | None) -> None:
        k = len(keys)
        # counts[g, j, c]: answers of category c to item j in group g (g = k: missing group)
        base = codes * _N_CAT**_PACK
        joint_codes = np.empty_like(base)  # one buffer for every pack (new memory is slow to touch)
        counts = np.zeros((k + 1, m, _N_CAT), dtype=np.int64)
        for p, packed in enumerate(packs):
            joint = np.bincount(np.add(base, packed, out=joint_codes), minlength=(k + 1) * _N_CAT**_PACK)
            digits = joint.reshape((k + 1,) + (_N_CAT,) * _PACK)  # axis 1 + t holds item (_PACK - 1 - t)'s category
            for t in range(min(_PACK, m - p * _PACK)):
                axis = _PACK - t  # item t of the pack is digit t (from the least significant)
                counts[:, p * _PACK + t, :] = digits.sum(axis=tuple(a for a in range(1, _PACK + 1) if a != axis))
        for name, cols, kind in measures:
            by_cat = counts[:, cols, :].sum(axis=1)  # pooled over the items
            resp = by_cat[:, 1:].sum(axis=1) if kind == "item" else \
                np.bincount(codes, weights=answered[name], minlength=k + 1)
            for g, key in enumerate(keys):
                rows.append(_row(name, kind, group_var, key, resp[g], by_cat[g]))

    all_codes = np.zeros(n, dtype=np.intp)
    emit(all_codes, [ALL], None)
    for gv in groups:
        if group_codes is not None and gv in group_codes:
            codes, keys = group_codes[gv][0].astype(np.intp), list(group_codes[gv][1])
        else:
            codes, uniques = pd.factorize(frame[gv], sort=True)
            keys = [u.item() if isinstance(u, np.generic) else u for u in uniques]
            codes = np.where(codes < 0, len(keys), codes).astype(np.intp)
        emit(codes, keys, gv)
    table = pd.DataFrame(rows)
    overall = table[table["group_var"].isna()].set_index("variable")["pct_favourable"]
    table["diff_favourable"] = table["pct_favourable"] - table["variable"].map(overall)
    return FavourableResult(table, indices)


def _row(name: str, kind: str, group_var: str | None, key, n_resp: float, by_cat: np.ndarray) -> dict:
    n_answers = float(by_cat[1:].sum())
    pct = (lambda c: 100.0 * float(by_cat[c]) / n_answers) if n_answers else (lambda c: np.nan)
    key = int(key) if isinstance(key, float) and key.is_integer() else key
    return {"variable": name, "kind": kind, "group_var": group_var, "group": key, "n": int(n_resp),
            "n_answers": int(n_answers), "n_favourable": int(by_cat[3]), "n_neutral": int(by_cat[2]),
            "n_unfavourable": int(by_cat[1]), "pct_favourable": pct(3), "pct_neutral": pct(2),
            "pct_unfavourable": pct(1)}
