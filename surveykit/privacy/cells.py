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
