"""Differencing attacks as linear algebra: can published group totals isolate fewer than K people?

Every published count, sum, mean, SD or favourable count of a group is a total over the respondents
of that group (a mean with its n gives the sum; an SD with n and mean gives the sum of squares). An
attacker may add and subtract any of them, and the overall total (descriptives) as well. Cut the
respondents into *atoms*: people with the same published group on every variable of a set of linked
variables (a variable's "not shown" state -- missing or hidden -- is one more value). Each published
group is then a 0/1 row over the atoms, and what an attacker can compute is exactly the row space of
that matrix M (Willenborg & de Waal 2001, ch. 4, "linked tables"; the audit of de Wolf 2002).

A set T of atoms is *disclosed* when some vector of the row space is non-zero only on T: its total is
then known without anybody outside T. That happens exactly when removing T's columns lowers the
rank: ``rank(M) > rank(M[:, not T])``. The check looks for such a T holding 1..K-1 people.

People marked exempt (who did not answer a background question: nobody can point at them) may be
isolated among themselves. A published group, or a variable's rest (the total minus its groups), of
1..K-1 people is a disclosure unless all of them are exempt; in differences of several groups, atoms of
exempt people only count as large.

Two computations give the same answers. For one or two variables (a variable alone, a family of
two, two variables of different families) M is, up to row operations, the incidence matrix of a
graph and ranks are connectivity: exact, and fast at a thousand groups (:func:`_disclosed_by_graph`);
for three or more, numerical ranks of M (:func:`_disclosed_by_rank`). Sets T are tried over at most
24 candidate atoms; with more, the rank test flags them all (conservative), while the graph first
keeps the *critical* ones, whose two ends fewer than K people connect (a maximum flow): every
disclosed set is made of them, so when at most 24 are critical they are searched exactly (a thousand
small units give thousands of candidates and, with only unit and role totals shown, none critical).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

NOT_SHOWN = -1
_MAX_SUPPORT = 24  # beyond this many candidate atoms, flag them all (conservative) unless fewer are critical


@dataclass(frozen=True)
class Disclosure:
    """A set of respondents (``rows``, boolean mask) whose total the published groups pin down."""

    rows: np.ndarray
    n: int


def _rank(m: np.ndarray) -> int:
    return int(np.linalg.matrix_rank(m)) if m.size else 0


def _atoms(published: np.ndarray, weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct rows, the row of each respondent, and their sizes (one integer code per respondent when
    the combinations fit in 62 bits: a 1-D unique is far faster than a row-wise one). ``weights``: the
    number of respondents each row stands for (None: one each)."""
    shifted = published.astype(np.int64) - NOT_SHOWN
    radix = shifted.max(axis=0) + 1
    if float(np.prod(radix.astype(float))) < 2.0 ** 62:
        code = np.zeros(len(shifted), dtype=np.int64)
        for j in range(shifted.shape[1]):
            code = code * radix[j] + shifted[:, j]
        _, first, inverse, sizes = np.unique(code, return_index=True, return_inverse=True, return_counts=True)
        atoms, inverse = published[first], inverse.reshape(-1)
    else:
        atoms, inverse, sizes = np.unique(published, axis=0, return_inverse=True, return_counts=True)
        inverse = inverse.reshape(-1)
    if weights is not None:
        sizes = np.bincount(inverse, weights=weights, minlength=len(atoms)).astype(np.int64)
    return atoms, inverse, sizes


def find_disclosure(published: np.ndarray, k: int, exempt: np.ndarray | None = None,
                    weights: np.ndarray | None = None) -> Disclosure | None:
    """The first set of 1..k-1 respondents whose total follows from the published groups, or None.

    ``published``: integer array, respondents x variables, a published group id per cell, ``NOT_SHOWN``
    (-1) where the respondent is in no published group of that variable. The overall total is
    published too. ``exempt``: respondents who did not answer a background question (nobody can point at
    them): a group or rest made of them only may be small; in differences, their atoms count as large.
    ``weights``: when each row of ``published`` stands for several respondents with the same codes (see
    :func:`surveykit.privacy.groups.protect`), their numbers; ``rows`` of the result are then rows of
    ``published`` and ``n`` counts respondents.
    """
    published = np.asarray(published)
    if published.ndim != 2 or published.shape[0] == 0 or k <= 1:
        return None
    # directly: a published group, or the rest of one variable (the total minus its groups), of 1..k-1
    # people that are not all exempt
    for j in range(published.shape[1]):
        values, inverse_j, counts = np.unique(published[:, j], return_inverse=True, return_counts=True)
        if weights is not None:
            counts = np.bincount(inverse_j.reshape(-1), weights=weights, minlength=len(values)).astype(np.int64)
        for g in np.flatnonzero(counts < k):
            members = inverse_j.reshape(-1) == g
            if exempt is None or not exempt[members].all():
                return Disclosure(rows=members, n=int(counts[g]))
    atoms, inverse, sizes = _atoms(published, weights)
    small = sizes < k
    if exempt is not None and exempt.any():
        # through differences: atoms of exempt people only count as large (they cannot be pointed at)
        exempt_atoms = np.zeros(len(atoms), bool)
        exempt_atoms[np.unique(inverse[exempt])] = True
        exempt_atoms[np.unique(inverse[~exempt])] = False
        small &= ~exempt_atoms
    if not small.any():
        return None
    if atoms.shape[1] <= 2:
        t = _disclosed_by_graph(atoms, sizes, small, k)
    else:
        t = _disclosed_by_rank(atoms, sizes, small, k)
    if t is None:
        return None
    mask = np.isin(inverse, t)
    return Disclosure(rows=mask, n=int(mask.sum() if weights is None else weights[mask].sum()))


def _first_set(support: np.ndarray, sizes: np.ndarray, k: int, drops) -> np.ndarray | None:
    """The first set of support atoms (fewest atoms first, then in atom order) holding 1..k-1 people
    whose removal lowers the rank (``drops(atoms)``); all of ``support`` when it is too large to search."""
    if support.size > _MAX_SUPPORT:
        return support
    support_sizes = sizes[support]
    for size in range(1, min(k - 1, support.size) + 1):
        for combo in combinations(range(support.size), size):
            if support_sizes[list(combo)].sum() >= k:
                continue
            if drops(support[list(combo)]):
                return support[list(combo)]
    return None  # every vector on the small atoms spans k or more people


def _components(n_nodes: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """A label per node, the same for nodes connected by the edges (u, v): hook every edge's larger
    label onto its smaller one, then follow labels to their roots, until every edge has one label."""
    label = np.arange(n_nodes)
    while True:
        lu, lv = label[u], label[v]
        if np.array_equal(lu, lv):
            return label
        low = np.minimum(lu, lv)
        np.minimum.at(label, lu, low)
        np.minimum.at(label, lv, low)
        while True:
            up = label[label]
            if np.array_equal(up, label):
                break
            label = up


def _critical(support: np.ndarray, lu: np.ndarray, lv: np.ndarray, sizes: np.ndarray, k: int) -> np.ndarray:
    """The support atoms whose ends (components of the large atoms) are connected through the support
    atoms by a maximum flow of fewer than k people, each atom carrying its people. An atom in a
    disclosed set T is cut off from its other end by T, whose people bound that flow: the other
    atoms are in no disclosed set."""
    capacity: dict = {}
    for atom in support:
        a, b = int(lu[atom]), int(lv[atom])
        capacity.setdefault(a, {}).setdefault(b, 0)
        capacity.setdefault(b, {}).setdefault(a, 0)
        capacity[a][b] += int(sizes[atom])
        capacity[b][a] += int(sizes[atom])

    def max_flow(source: int, sink: int) -> int:  # augmenting paths, stopping at k
        residual = {a: dict(nb) for a, nb in capacity.items()}
        flow = 0
        while flow < k:
            previous, queue = {source: None}, [source]
            while queue and sink not in previous:
                a = queue.pop(0)
                for b, c in residual[a].items():
                    if c > 0 and b not in previous:
                        previous[b] = a
                        queue.append(b)
            if sink not in previous:
                break
            path, b = [], sink
            while previous[b] is not None:
                path.append((previous[b], b))
                b = previous[b]
            push = min(residual[a][b] for a, b in path)
            for a, b in path:
                residual[a][b] -= push
                residual[b][a] += push
            flow += push
        return flow

    flows: dict = {}
    keep = []
    for atom in support:
        ends = tuple(sorted((int(lu[atom]), int(lv[atom]))))
        if ends not in flows:
            flows[ends] = k if capacity[ends[0]][ends[1]] >= k else max_flow(*ends)
        if flows[ends] < k:
            keep.append(atom)
    return np.array(keep, dtype=support.dtype)


def _disclosed_by_graph(atoms: np.ndarray, sizes: np.ndarray, small: np.ndarray, k: int) -> np.ndarray | None:
    """:func:`_disclosed_by_rank` for one or two variables, exactly, without floating point.

    Replace the total row of M by the "not shown" row of the first variable (the total is the sum of
    that variable's rows, shown or not) and negate the second variable's rows: row operations, which
    keep every linear relation between columns. Each atom's column is then e_u - e_v, u its value of
    the first variable (not shown included) and v its group of the second (0 when not shown there, or
    when there is no second variable): the incidence matrix of a graph whose nodes are the values and a
    "ground" node standing for the deleted row. A column lies in the span of a set of columns exactly
    when its two ends are connected by their edges (incidence matrices are totally unimodular). So an
    atom is in the support when its ends lie in different components of the large atoms' graph, and
    removing a set T of atoms lowers the rank when some atom of T has its ends disconnected without T.
    """
    _, u = np.unique(atoms[:, 0], return_inverse=True)
    u = u.reshape(-1)
    n_first = int(u.max()) + 1
    if atoms.shape[1] == 2:
        values, v = np.unique(atoms[:, 1], return_inverse=True)
        shown = values != NOT_SHOWN
        node = np.full(len(values), -1)
        node[shown] = n_first + np.arange(int(shown.sum()))
        v = node[v.reshape(-1)]
        n_nodes = n_first + int(shown.sum()) + 1
    else:
        v = np.full(len(atoms), -1)
        n_nodes = n_first + 1
    v = np.where(v < 0, n_nodes - 1, v)  # the ground node
    big = ~small
    label = _components(n_nodes, u[big], v[big])
    lu, lv = label[u], label[v]
    support = np.flatnonzero(small & (lu != lv))
    if support.size == 0:
        return None  # nothing in the row space lives on the small atoms alone
    if support.size > _MAX_SUPPORT:
        # too many to try every set: keep the atoms that can be in one, those whose ends fewer than k
        # people connect (a set whose removal disconnects an atom's ends is a cut between them)
        critical = _critical(support, lu, lv, sizes, k)
        if critical.size == 0:
            return None
        if critical.size <= _MAX_SUPPORT:
            # the other support atoms are never removed: join their ends once
            fixed = np.ones(len(atoms), bool)
            fixed[critical] = False
            label = _components(n_nodes, u[fixed], v[fixed])
            lu, lv = label[u], label[v]
            support = critical

    def drops(removed: np.ndarray) -> bool:
        # components of the large atoms, joined by the support atoms that stay
        parent: dict = {}

        def find(a):
            while parent.get(a, a) != a:
                a = parent[a]
            return a

        for atom in np.setdiff1d(support, removed):
            ra, rb = find(lu[atom]), find(lv[atom])
            if ra != rb:
                parent[ra] = rb
        return any(find(lu[atom]) != find(lv[atom]) for atom in removed)

    return _first_set(support, sizes, k, drops)


def _disclosed_by_rank(atoms: np.ndarray, sizes: np.ndarray, small: np.ndarray, k: int) -> np.ndarray | None:
    """The atoms of the first disclosed set (or None), by numerical ranks of the group-by-atom matrix M
    (any number of variables)."""
    rows = [np.ones(len(atoms))]
    for j in range(atoms.shape[1]):
        for g in np.unique(atoms[:, j]):
            if g != NOT_SHOWN:
                rows.append((atoms[:, j] == g).astype(float))
    m = np.vstack(rows)
    full = _rank(m)
    big = ~small
    if _rank(m[:, big]) == full:
        return None  # nothing in the row space lives on the small atoms alone
    # the small atoms that some such vector touches: left null space of M[:, big], times M[:, small]
    if big.any():
        _, s, vt = np.linalg.svd(m[:, big].T, full_matrices=True)
        tol = max(m.shape) * np.finfo(float).eps * (s.max() if s.size else 1.0) * 10
        null = vt[int((s > tol).sum()):]
    else:
        null = np.eye(m.shape[0])
    b = null @ m[:, small]
    small_idx = np.flatnonzero(small)
    support = small_idx[np.abs(b).max(axis=0) > 1e-9] if b.size else small_idx

    def drops(removed: np.ndarray) -> bool:
        keep = np.ones(len(atoms), bool)
        keep[removed] = False
        return _rank(m[:, keep]) < full

    return _first_set(support, sizes, k, drops)
