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
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

NOT_SHOWN = -1
_MAX_SUPPORT = 24  # beyond this many candidate atoms, flag the whole support (conservative)


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
    if support.size > _MAX_SUPPORT:
        t = support
    else:
        t = None
        support_sizes = sizes[support]
        for size in range(1, min(k - 1, support.size) + 1):
            for combo in combinations(range(support.size), size):
                if support_sizes[list(combo)].sum() >= k:
                    continue
                keep = np.ones(len(atoms), bool)
                keep[support[list(combo)]] = False
                if _rank(m[:, keep]) < full:
                    t = support[list(combo)]
                    break
            if t is not None:
                break
        if t is None:
            return None  # every vector on the small atoms spans k or more people
    mask = np.isin(inverse, t)
    return Disclosure(rows=mask, n=int(mask.sum() if weights is None else weights[mask].sum()))
