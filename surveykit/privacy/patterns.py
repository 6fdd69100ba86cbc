"""Distinct code patterns: respondents who share every code that matters stand for one another.

Whether published groups isolate someone depends only on the respondents' distinct combinations of
codes (and exemptions) and how many share each (:mod:`surveykit.privacy.linear`). The plan finds them
once per run (200,000 patterns for 1,000,000 respondents of the Schick questionnaire), and every check
of a few variables groups those patterns again by just its variables (a handful of patterns): hashing
and counting, never a sort of a million rows inside a loop.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def factorize(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Codes 0..n-1 of the distinct values (NaN one more code) and n + 1: a hash, not a sort."""
    if values.dtype == bool:
        return values.view(np.int8), 2  # combined into int64 keys: no wider copy needed
    codes, uniques = pd.factorize(values)
    codes = codes.astype(np.int64, copy=False)
    codes[codes < 0] = len(uniques)
    return codes, len(uniques) + 1


def combine(codes: list[np.ndarray], levels: list[int], n: int) -> tuple[np.ndarray, int]:
    """One integer per row for the combination of ``codes`` (each in 0..levels-1) and the number of
    possible values; combinations are numbered afresh when the key would pass 62 bits."""
    key, radix = np.zeros(n, dtype=np.int64), 1
    for c, lev in zip(codes, levels):
        if radix * lev >= 2**62:
            key, radix = factorize(key)
        key, radix = key * lev + c, radix * lev
    return key, radix


def group(key: np.ndarray, radix: int, weights: np.ndarray | None = None
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct values of ``key`` (in 0..radix-1): the group of each row, a row of each group, and
    each group's number of rows (or sum of ``weights``)."""
    n = len(key)
    if radix <= max(8 * n, 2**20):  # few possible values: mark them directly
        present = np.zeros(radix, bool)
        present[key] = True
        inverse = (np.cumsum(present, dtype=np.int64) - 1)[key]
        size = int(present.sum())
    else:
        inverse, size = factorize(key)
        size -= 1
    first = np.empty(size, dtype=np.int64)
    first[inverse] = np.arange(n)  # any row of a group stands for it
    if weights is None:
        return inverse, first, np.bincount(inverse, minlength=size)
    return inverse, first, np.rint(np.bincount(inverse, weights=weights, minlength=size)).astype(np.int64)


def distinct(arrays: list[np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct combinations of ``arrays`` (equal-length columns): the combination of each row, a
    row holding each combination, and how many rows share it."""
    coded = [factorize(values) for values in arrays]
    key, radix = combine([c for c, _ in coded], [lev for _, lev in coded], n)
    return group(key, radix)


def regroup(codes: list[np.ndarray], levels: list[int], weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Patterns (rows of ``codes``, each standing for ``weights`` respondents) grouped again by these
    codes only: a row of each group with anybody in it, and how many respondents the group holds."""
    key, radix = combine(codes, levels, len(weights))
    _, first, sums = group(key, radix, weights)
    keep = sums > 0
    return first[keep], sums[keep]


class PlanPatterns:
    """The distinct patterns of a plan's grouping variables, checked a family (or two) at a time.

    ``columns``: {variable: its code in each pattern}; ``missing``: {raw background question: whether
    it is missing in each pattern}; ``raw``: {variable: the raw questions of its family} (missing there
    exempts); ``counts``: respondents per pattern. A family's patterns are those of its variables and
    of the missing flags of its raw questions, so they decide its checks and its pairs' checks.
    """

    def __init__(self, columns: dict, missing: dict, raw: dict, counts: np.ndarray):
        self.columns, self.missing, self.raw, self.counts = columns, missing, raw, counts
        self._codes = {v: factorize(c) for v, c in columns.items()}
        self._families: dict[tuple, tuple] = {}

    def exempt(self, names: list[str], rows: np.ndarray) -> np.ndarray:
        """Whether the patterns ``rows`` miss a raw input of ``names`` (nobody can point at them)."""
        out = np.zeros(len(rows), bool)
        for r in {r for v in names for r in self.raw[v]}:
            if r in self.missing:
                out |= self.missing[r][rows]
        return out

    def family(self, fam: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The family's pattern of each pattern, a pattern of each, and their respondents (kept: the
        per-outcome checks of a family reuse them)."""
        if tuple(fam) not in self._families:
            raws = sorted({r for v in fam for r in self.raw[v] if r in self.missing})
            key, radix = combine([self._codes[v][0] for v in fam] + [self.missing[r] for r in raws],
                                 [self._codes[v][1] for v in fam] + [2] * len(raws), len(self.counts))
            self._families[tuple(fam)] = group(key, radix, self.counts)
        return self._families[tuple(fam)]

    def protect(self, fam: list[str], names: list[str], codings: dict, k: int, reason: str,
                weights: np.ndarray | None = None) -> dict:
        """:func:`~surveykit.privacy.groups.protect` of ``names`` (of the family ``fam``) on the family's
        patterns, each standing for its respondents (or ``weights``: those of them who answered)."""
        from surveykit.privacy.groups import protect

        ids, rows, sizes = self.family(fam)
        if weights is not None:
            sizes = np.rint(np.bincount(ids, weights=weights, minlength=len(rows))).astype(np.int64)
        rows, sizes = rows[sizes > 0], sizes[sizes > 0]
        return protect({v: self.columns[v][rows] for v in names}, {v: codings[v] for v in names}, k, reason=reason,
                       exempt=self.exempt(names, rows), weights=sizes)

    def pair_discloses(self, codings: dict, fam_a: list[str], fam_b: list[str], k: int) -> bool:
        """Whether a variable of ``fam_a`` and one of ``fam_b`` isolate people between them."""
        from surveykit.privacy.linear import find_disclosure

        ids_a, rows_a, _ = self.family(fam_a)
        ids_b, rows_b, _ = self.family(fam_b)
        _, rows, sizes = group(*combine([ids_a, ids_b], [len(rows_a), len(rows_b)], len(ids_a)), self.counts)
        for a in fam_a:
            for b in fam_b:
                exempt = self.exempt([a, b], rows)
                # the few patterns of just these two variables and the exemption
                at, weights = regroup([self._codes[a][0][rows], self._codes[b][0][rows], exempt.astype(np.int64)],
                                      [self._codes[a][1], self._codes[b][1], 2], sizes)
                pub = np.column_stack([codings[a].group_ids(self.columns[a][rows[at]]),
                                       codings[b].group_ids(self.columns[b][rows[at]])])
                if find_disclosure(pub, k, exempt[at], weights) is not None:
                    return True
        return False
