"""Crosstab protection: collapse categories until no cell holds 1..K-1 people.

A blanked cell next to shown margins and a shown test statistic can be worked out again (enumerating the
integer tables with the published chi-square; phi of a 2x2 table with its margins gives every cell).
So a crosstab is *collapsed* instead: the row or column holding a small cell is merged with a
neighbour (adjacent categories of an ordinal variable; any category of a nominal one, the smallest
first), one merge at a time, each time the merge that leaves the fewest small cells and moves the fewest
people, until every cell is 0 or at least K. The test and the effect size are then computed on the table
as shown. Only when collapsing would leave fewer than two rows or columns are cells blanked
(primary and complementary, :func:`surveykit.privacy.suppression.mask_cells`), and the test, the effect
size and the percentages of the blanked cells are withheld.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from surveykit.privacy.suppression import mask_cells


@dataclass(frozen=True)
class CellProtection:
    """How one crosstab is published: ``row_groups``/``col_groups`` are lists of tuples of the table's
    original keys (a tuple of two or more = a merged category); ``hidden`` a boolean mask over the
    collapsed table (all False unless collapsing failed); ``test_withheld`` when cells are hidden."""

    row_groups: list[tuple]
    col_groups: list[tuple]
    hidden: np.ndarray
    test_withheld: bool

    @property
    def merged(self) -> bool:
        return any(len(g) > 1 for g in self.row_groups + self.col_groups)


def _bad(table: np.ndarray, k: int) -> int:
    return int(((table > 0) & (table < k)).sum())


def _merge_lines(table: np.ndarray, i: int, j: int, axis: int) -> np.ndarray:
    lo, hi = min(i, j), max(i, j)
    t = np.moveaxis(table, axis, 0).copy()
    t[lo] = t[lo] + t[hi]
    t = np.delete(t, hi, axis=0)
    return np.moveaxis(t, 0, axis)


def protect_table(counts: np.ndarray, k: int, row_keys: list, col_keys: list, *,
                  row_ordinal: bool = False, col_ordinal: bool = False) -> CellProtection:
    """The collapsed (or, failing that, cell-suppressed) form of ``counts`` to publish."""
    table = np.asarray(counts, dtype=np.int64)
    groups = [[(r,) for r in row_keys], [(c,) for c in col_keys]]
    ordinal = (row_ordinal, col_ordinal)
    while _bad(table, k) and table.shape[0] >= 2 and table.shape[1] >= 2:
        best = None
        for axis in (0, 1):
            n_lines = table.shape[axis]
            if n_lines <= 2:
                continue  # merging would leave a single row/column: no table left
            line_totals = table.sum(axis=1 - axis)
            small_lines = {i for i in range(n_lines)
                           if _bad(np.take(table, [i], axis=axis), k)}
            for i in small_lines:
                partners = [i - 1, i + 1] if ordinal[axis] else range(n_lines)
                for j in partners:
                    if j == i or not 0 <= j < n_lines:
                        continue
                    trial = _merge_lines(table, i, j, axis)
                    key = (_bad(trial, k), int(line_totals[i] + line_totals[j]), axis, min(i, j), max(i, j))
                    if best is None or key < best[0]:
                        best = (key, axis, i, j, trial)
        if best is None:
            break
        _, axis, i, j, trial = best
        lo, hi = min(i, j), max(i, j)
        merged = tuple(sorted(groups[axis][lo] + groups[axis][hi], key=lambda c: (str(type(c)), c)))
        groups[axis] = groups[axis][:lo] + [merged] + groups[axis][lo + 1:hi] + groups[axis][hi + 1:]
        table = trial
    if not _bad(table, k):
        return CellProtection(groups[0], groups[1], np.zeros(table.shape, bool), False)
    # collapsing cannot help: blank the cells of the original table, withhold the test
    hide = mask_cells(np.asarray(counts), k)
    return CellProtection([(r,) for r in row_keys], [(c,) for c in col_keys], hide, True)


# ------------------------------------------------------------------------------------------ linked crosstabs
HIDE_COST = 1000


def _index(values: np.ndarray, groups: list[tuple]) -> np.ndarray:
    out = np.full(values.shape, -1, dtype=np.int64)
    for i, members in enumerate(groups):
        out[np.isin(values, members)] = i
    return out


def published_cells(rv: np.ndarray, cv: np.ndarray, prot: CellProtection) -> np.ndarray:
    """The published cell of each respondent (an integer), NOT_SHOWN outside the table or in a blank cell."""
    from surveykit.privacy.linear import NOT_SHOWN

    r, c = _index(rv, prot.row_groups), _index(cv, prot.col_groups)
    cell = r * len(prot.col_groups) + c
    outside = (r < 0) | (c < 0)
    if prot.hidden.any():
        outside |= prot.hidden[np.clip(r, 0, None), np.clip(c, 0, None)]
    return np.where(outside, NOT_SHOWN, cell)


def _table(rv: np.ndarray, cv: np.ndarray, weights: np.ndarray | None = None) -> tuple[np.ndarray, list, list]:
    both = ~np.isnan(rv) & ~np.isnan(cv)
    rkeys, rpos = np.unique(rv[both], return_inverse=True)
    ckeys, cpos = np.unique(cv[both], return_inverse=True)
    cells = rpos.reshape(-1) * len(ckeys) + cpos.reshape(-1)
    counts = np.bincount(cells, weights=None if weights is None else weights[both], minlength=len(rkeys) * len(ckeys))
    counts = np.rint(counts).astype(np.int64).reshape(len(rkeys), len(ckeys))
    return counts, rkeys.tolist(), ckeys.tolist()


def _distinct_rows(arrays: list[np.ndarray], weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A row of each distinct combination of ``arrays`` with anybody in it, and how many it holds."""
    from surveykit.privacy.patterns import factorize, regroup

    coded = [factorize(np.asarray(a)) for a in arrays]
    return regroup([c for c, _ in coded], [lev for _, lev in coded], weights)


def merge_options(prot: CellProtection, ordinal: tuple[bool, bool]):
    """Protections with two more lines of ``prot`` merged (collapsed tables only)."""
    if prot.test_withheld:
        return
    for axis, groups in ((0, prot.row_groups), (1, prot.col_groups)):
        if len(groups) <= 2:
            continue
        for i in range(len(groups)):
            for j in ([i + 1] if ordinal[axis] else range(i + 1, len(groups))):
                if j >= len(groups):
                    continue
                merged = tuple(sorted(groups[i] + groups[j], key=lambda c: (str(type(c)), c)))
                new = groups[:i] + [merged] + groups[i + 1:j] + groups[j + 1:]
                rows, cols = (new, prot.col_groups) if axis == 0 else (prot.row_groups, new)
                yield CellProtection(rows, cols, np.zeros((len(rows), len(cols)), bool), False), axis, i, j


def _group_ids(values: np.ndarray) -> np.ndarray:
    from surveykit.privacy.linear import NOT_SHOWN

    _, inverse = np.unique(np.nan_to_num(values, nan=np.inf), return_inverse=True)
    ids = inverse.reshape(-1).astype(np.int64)
    return np.where(np.isnan(values), NOT_SHOWN, ids)


def protect_tables(tables: dict, linked: list[tuple], k: int, exempt: dict | None = None,
                   max_steps: int = 100, weights: np.ndarray | None = None) -> dict:
    """Protections of several crosstabs at once, checked against the published counts of their variables
    and against each other.

    ``tables``: {key: (row values, col values, row ordinal, col ordinal)}, values as published codes
    (NaN: not shown). ``linked``: tuples of keys checked together: one key (a table against the counts
    of its row and column variables, shown in the sample table: the margins must not give a blanked or
    hidden column's cells), or two (crosstabs of linked variables with the same columns or rows: a row
    merged in one and not the other would leave a small cell as the difference). Each table is first
    collapsed on its own (:func:`protect_table`); then, while an entry's published cells and margins
    isolate 1..k-1 people (:func:`~surveykit.privacy.linear.find_disclosure`), the cheapest further merge
    in one of its tables that removes it is made (or, failing that, the table's cells are blanked).
    ``exempt``: {entry: boolean mask of respondents who may be isolated (non-response)}. ``weights``:
    when each row stands for several respondents with the same values and exemptions (distinct
    patterns), their numbers. Every check runs on the distinct rows of just its tables' values (and
    exemption), each with its number of respondents: the same decisions, whatever N.
    """
    from surveykit.privacy.linear import find_disclosure

    exempt = exempt or {}
    if weights is None:
        weights = np.ones(len(next(iter(tables.values()))[0]) if tables else 0, dtype=np.int64)
    prots, sizes, cells = {}, {}, {}
    for key, (rv, cv, ro, co) in tables.items():
        at, w = _distinct_rows([rv, cv], weights)
        cells[key] = (rv[at], cv[at], w)  # the table's own distinct cells (with not shown)
        counts, rkeys, ckeys = _table(*cells[key])
        sizes[key] = int(counts.sum())
        if counts.shape[0] < 2 or counts.shape[1] < 2:
            prots[key] = CellProtection([(r,) for r in rkeys], [(c,) for c in ckeys], np.zeros(counts.shape, bool), False)
        else:
            prots[key] = protect_table(counts, k, rkeys, ckeys, row_ordinal=ro, col_ordinal=co)
    entries = {}  # {entry: (its tables' values on its distinct rows, margins, exemption, weights)}
    for entry in linked:
        mask = exempt.get(entry)
        arrays = [a for key in entry for a in tables[key][:2]]
        at, w = _distinct_rows(arrays + ([] if mask is None else [np.asarray(mask, bool)]), weights)
        values = {key: (tables[key][0][at], tables[key][1][at]) for key in entry}
        margins, seen = [], set()
        for key in entry:
            for axis, name in enumerate(key):
                if name not in seen:
                    seen.add(name)
                    margins.append(_group_ids(values[key][axis]))
        entries[entry] = (values, margins, None if mask is None else np.asarray(mask, bool)[at], w)

    def discloses(entry: tuple, current: dict) -> bool:
        values, margins, mask, w = entries[entry]
        columns = [published_cells(*values[key], current[key]) for key in entry] + margins
        return find_disclosure(np.column_stack(columns), k, mask, w) is not None

    for _ in range(max_steps):
        bad = next((entry for entry in linked if discloses(entry, prots)), None)
        if bad is None:
            break
        best = None
        for key in bad:
            ro, co = tables[key][2:]
            rv, cv, w = cells[key]
            counts, rkeys, ckeys = _table(rv, cv, w)
            blank = CellProtection([(r,) for r in rkeys], [(c,) for c in ckeys], np.ones(counts.shape, bool), True)
            for option, axis, i, j in list(merge_options(prots[key], (ro, co))) + [(blank, None, 0, 0)]:
                still = discloses(bad, {**prots, key: option})
                if axis is None:
                    cost = HIDE_COST * sizes[key]
                else:
                    values = rv if axis == 0 else cv
                    groups = prots[key].row_groups if axis == 0 else prots[key].col_groups
                    cost = int(w[np.isin(values, groups[i] + groups[j])].sum())
                cand = (still, cost, str(key), axis if axis is not None else -1, i, j)
                if best is None or cand < best[0]:
                    best = (cand, key, option)
        prots[best[1]] = best[2]
    return prots
