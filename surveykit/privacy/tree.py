"""Confidentiality across an organisation tree: which units (and which per-unit statistics) may be shown.

A unit with fewer than K respondents (K = the minimum group size) is not
shown, and neither is anything below it; its respondents still count in every unit above it. Subtracting a parent's hidden children from the parent must not give a
hidden unit away, so within each parent the rule of
:func:`surveykit.privacy.suppression.hidden_categories` is applied to the children, with the parent's own
respondents (those whose unit is the parent itself, never shown on their own) as one more, always hidden,
part: while exactly one part is hidden, or the hidden parts hold fewer than K people, the smallest shown
sibling is hidden too ("complementary"). The same rule is then applied to each statistic's own N (valid
answers differ from respondents), with the units already hidden kept hidden. Units hidden are listed with
the reason; their numbers are left out of results.json altogether.
"""

from __future__ import annotations

import numpy as np

from surveykit.data.units import UnitTree
from surveykit.privacy.suppression import hidden_categories

OWN = "\0own"  # the parent's own respondents, as one more (never shown) part among its children
SHOWN, SMALL, COMPLEMENTARY, PARENT_HIDDEN = 0, 1, 2, 3
REASONS = {SMALL: "fewer than {k} respondents", COMPLEMENTARY: "complementary: protects a smaller unit",
           PARENT_HIDDEN: "a unit above it is hidden"}


def _children(tree: UnitTree) -> list[np.ndarray]:
    order = np.argsort(tree.parent_index, kind="stable")
    bounds = np.searchsorted(tree.parent_index[order], np.arange(tree.n_units + 1))
    return [order[bounds[i]:bounds[i + 1]] for i in range(tree.n_units)]


def unit_visibility(tree: UnitTree, counts: np.ndarray, k: int, forced: np.ndarray | None = None) -> np.ndarray:
    """Why each unit is hidden (0 = shown) given its rolled-up ``counts``; ``forced`` units stay hidden.

    Top-down: the root is hidden when 0 < n < k; below a hidden unit everything is hidden; below a shown
    unit, :func:`hidden_categories` decides among its children plus its own respondents
    (``counts[parent] - sum(counts[children])``), which are never shown and so always count as hidden.
    A part already hidden enters with ``min(n, k - 1)`` people: hidden either way, and the rule's "hidden
    parts hold at least k" test is unchanged (with two or more hidden parts, one of at least k people
    still makes the sum reach k).
    """
    counts = np.asarray(counts, dtype=np.int64)
    reason = np.zeros(tree.n_units, dtype=np.int8)
    if forced is not None:
        forced = np.asarray(forced, dtype=bool)
        reason[forced] = np.where((counts[forced] > 0) & (counts[forced] < k), SMALL, COMPLEMENTARY)
    if k <= 1:
        return reason
    if 0 < counts[0] < k:
        reason[0] = SMALL
    kids_of = _children(tree)
    for i in range(tree.n_units):  # parents come before their children
        kids = kids_of[i]
        if not len(kids):
            continue
        if reason[i]:
            reason[kids[reason[kids] == SHOWN]] = PARENT_HIDDEN
            continue
        parts = {int(j): int(counts[j]) for j in kids}
        parts[OWN] = int(counts[i] - counts[kids].sum())
        hidden_already = {int(j) for j in kids if reason[j]} | ({OWN} if parts[OWN] > 0 else set())
        entered = {c: (min(n, k - 1) if c in hidden_already and n > 0 else n) for c, n in parts.items()}
        for c in hidden_categories(entered, k):
            if c != OWN and not reason[c]:
                reason[c] = SMALL if parts[c] < k else COMPLEMENTARY
    return reason
