"""The fast paths of the disclosure plan against the straightforward computations they replace.

* one or two variables: ``find_disclosure`` decides by graph connectivity; a third variable that shows
  nobody adds no published group, so the same data with such a column goes through the numerical
  rank test, which must agree (and, where that test gives up on more than 24 candidate atoms, the
  graph's answer must be the exhaustive search's);
* ``protect`` on distinct code patterns with their numbers of respondents decides as on the
  respondents themselves;
* ``Coding.group_ids`` / ``Coding.apply`` (a binary search) give what membership of each group gives.
"""

from itertools import combinations

import numpy as np
import pytest

from surveykit.privacy import Coding, find_disclosure, protect
from surveykit.privacy.linear import NOT_SHOWN


def _exhaustive(published: np.ndarray, k: int) -> np.ndarray | None:
    """The first disclosed set as the rank test defines it, with no limit on the candidates."""
    for j in range(published.shape[1]):
        values, inverse, counts = np.unique(published[:, j], return_inverse=True, return_counts=True)
        for g in np.flatnonzero(counts < k):
            return inverse.reshape(-1) == g
    atoms, inverse, sizes = np.unique(published, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    rows = [np.ones(len(atoms))] + [(atoms[:, j] == g).astype(float) for j in range(atoms.shape[1])
                                    for g in np.unique(atoms[:, j]) if g != NOT_SHOWN]
    m = np.vstack(rows)
    full = np.linalg.matrix_rank(m)
    small = np.flatnonzero(sizes < k)
    big = m[:, sizes >= k]
    support = [s for s in small
               if np.linalg.matrix_rank(np.column_stack([big, m[:, s]])) > (np.linalg.matrix_rank(big) if big.size else 0)]
    for size in range(1, k):
        for combo in combinations(support, size):
            if sizes[list(combo)].sum() >= k:
                continue
            keep = np.ones(len(atoms), bool)
            keep[list(combo)] = False
            if np.linalg.matrix_rank(m[:, keep]) < full:
                return np.isin(inverse, combo)
    return None


def _same(a, b) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and np.array_equal(a.rows, b.rows)
                                         and a.n == b.n)


def test_graph_check_matches_rank_check():
    rng = np.random.default_rng(16)
    exhaustive = 0
    for _ in range(200):
        k = int(rng.integers(2, 6))
        units, roles = int(rng.integers(1, 45)), int(rng.integers(1, 4))
        n = int(rng.integers(2 * units + 2, 8 * units + 8))
        unit = rng.integers(-1, units, n)
        role = rng.integers(-1, roles, n)
        if rng.random() < 0.3:  # nested, as units in areas
            role = np.where(unit >= 0, unit % roles, role)
        published = np.column_stack([unit, role])[:, :1 if rng.random() < 0.15 else 2]
        exempt = rng.random(n) < 0.1 if rng.random() < 0.3 else None
        graph = find_disclosure(published, k, exempt)
        rank = find_disclosure(np.column_stack([published, np.full(n, NOT_SHOWN)]), k, exempt)
        if rank is None or rank.n < k:
            assert _same(graph, rank)
        elif not _same(graph, rank) and exempt is None:
            # the rank test flagged more than 24 candidate atoms; the graph searched them exactly
            exhaustive += 1
            expected = _exhaustive(published, k)
            assert (graph is None and expected is None) or np.array_equal(graph.rows, expected)
    assert exhaustive > 0


def test_weighted_patterns_decide_as_respondents():
    rng = np.random.default_rng(7)
    for _ in range(25):
        n, k = int(rng.integers(40, 300)), 5
        unit = rng.integers(0, int(rng.integers(3, 25)), n).astype(float)
        area = np.floor(unit / 4)
        unit[rng.random(n) < 0.05] = np.nan
        answered = rng.random(n) < 0.8
        exempt = np.isnan(unit)
        columns = {"unit": unit, "area": area}
        codings = {v: Coding.identity(v, np.unique(c[~np.isnan(c)])) for v, c in columns.items()}
        direct = protect(columns, codings, k, reason="r", universe=answered, exempt=exempt)
        rows = np.column_stack([np.nan_to_num(unit, nan=-9), area, exempt, answered])
        _, first, inverse = np.unique(rows, axis=0, return_index=True, return_inverse=True)
        weights = np.bincount(inverse.reshape(-1), weights=answered).astype(np.int64)
        patterns = protect({v: c[first] for v, c in columns.items()}, codings, k, reason="r",
                           exempt=exempt[first], weights=weights)
        for v in columns:
            assert (patterns[v].groups, patterns[v].hidden, patterns[v].steps) == \
                (direct[v].groups, direct[v].hidden, direct[v].steps)


@pytest.mark.parametrize("seed", range(5))
def test_group_lookup_matches_membership(seed):
    rng = np.random.default_rng(seed)
    codes = np.unique(rng.integers(0, 400, 200)).astype(float)
    coding = Coding.identity("unit", codes)
    for _ in range(40):
        keys = list(coding.groups)
        if len(keys) < 3:
            break
        a, b = rng.choice(len(keys), 2, replace=False)
        if rng.random() < 0.8:
            coding.merge(keys[a], keys[b], "r")
        else:
            coding.hide(keys[a], "r")
    values = rng.choice(np.concatenate([codes, [np.nan, -3.0, 999.0]]), 5000)
    ids = np.full(values.shape, NOT_SHOWN)
    shown = np.full(values.shape, np.nan)
    for i, (pub, members) in enumerate(coding.groups.items()):
        ids[np.isin(values, members)] = i
        shown[np.isin(values, members)] = pub
    assert np.array_equal(coding.group_ids(values), ids)
    assert np.array_equal(coding.apply(values), shown, equal_nan=True)
