"""Which categories of a grouping variable are published: shown, merged or hidden.

A :class:`Coding` maps each category of a variable to the group it is published in (itself, a merged
group named after all its members, or none: hidden). :func:`protect` changes codings of a set of
linked variables, one step at a time, until no differencing of their published groups isolates fewer
than K people (:func:`~surveykit.privacy.linear.find_disclosure`), choosing at each step the cheapest
remedy that removes the disclosure found:

* merging two groups costs the people whose group changes (nobody disappears);
* hiding a group costs 1000 times its people (they vanish from every table of the variable), and so
  does a merge that leaves a single group (the variable then tells nothing).

Ordinal variables (bins of a number) merge only adjacent categories; nominal ones merge any two. The
search is greedy, and every step removes one published group, so it always ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from surveykit.privacy.linear import NOT_SHOWN, find_disclosure

HIDE_COST = 1000


@dataclass
class Coding:
    """How one variable is published: ``groups`` maps a published code to its original codes (sorted);
    ``hidden`` holds original codes not shown. Codes are floats as in the analysis frame."""

    variable: str
    groups: dict[float, tuple[float, ...]]
    hidden: set = field(default_factory=set)
    ordinal: bool = False
    steps: list[dict] = field(default_factory=list)

    @classmethod
    def identity(cls, variable: str, codes, ordinal: bool = False) -> Coding:
        return cls(variable, {float(c): (float(c),) for c in sorted(codes)}, set(), ordinal)

    def copy(self) -> Coding:
        return Coding(self.variable, dict(self.groups), set(self.hidden), self.ordinal, [dict(s) for s in self.steps])

    def published_code(self, code: float) -> float | None:
        for pub, members in self.groups.items():
            if code in members:
                return pub
        return None

    @property
    def merged(self) -> dict[float, tuple[float, ...]]:
        return {pub: members for pub, members in self.groups.items() if len(members) > 1}

    def apply(self, values: np.ndarray) -> np.ndarray:
        """Original codes -> published codes (NaN: missing or hidden)."""
        return _lookup(values, self.groups, [float(pub) for pub in self.groups], np.nan)

    def group_ids(self, values: np.ndarray) -> np.ndarray:
        """Published group as a small integer per respondent, ``NOT_SHOWN`` for missing or hidden."""
        return _lookup(values, self.groups, list(range(len(self.groups))), NOT_SHOWN)

    def merge(self, a: float, b: float, reason: str) -> None:
        members = tuple(sorted(self.groups.pop(a) + self.groups.pop(b)))
        self.groups[members[0]] = members
        self.groups = dict(sorted(self.groups.items()))
        self.steps.append({"action": "merged", "groups": list(members), "reason": reason})

    def hide(self, a: float, reason: str) -> None:
        members = self.groups.pop(a)
        self.hidden.update(members)
        self.steps.append({"action": "hidden", "groups": list(members), "reason": reason})

    def neighbours(self, pub: float) -> list[float]:
        keys = list(self.groups)
        if not self.ordinal:
            return [c for c in keys if c != pub]
        i = keys.index(pub)
        return [keys[j] for j in (i - 1, i + 1) if 0 <= j < len(keys)]


def _lookup(values: np.ndarray, groups: dict, targets: list, missing):
    """``targets[i]`` where ``values`` is a member of the i-th group of ``groups``, else ``missing``
    (NaN and hidden codes). One binary search over the sorted members instead of one pass over the
    values per group: a unit variable has a thousand groups."""
    values = np.asarray(values)
    dtype = np.int64 if isinstance(missing, int) else float
    members = np.array([m for ms in groups.values() for m in ms], dtype=float)
    target = np.array([t for t, ms in zip(targets, groups.values()) for _ in ms], dtype=dtype)
    if members.size == 0:
        return np.full(values.shape, missing, dtype=dtype)
    order = np.argsort(members, kind="stable")
    members, target = members[order], target[order]
    pos = np.minimum(np.searchsorted(members, values), members.size - 1)
    return np.where(members[pos] == values, target[pos], np.array(missing, dtype=dtype))


def _trial_ids(coding: Coding, ids: np.ndarray, values: np.ndarray, action: str, a: float, b: float) -> np.ndarray:
    """``coding.group_ids(values)`` after merging groups ``a`` and ``b`` (or hiding ``a``), from the
    current ``ids``: one group's index moves and the later ones shift down by one (a thousand units:
    no copy of the coding per trial)."""
    index = np.arange(len(coding.groups))
    if action == "merged":
        keys = np.fromiter(coding.groups, dtype=float, count=len(coding.groups))
        if not (np.all(keys[:-1] < keys[1:]) and min(coding.groups[a] + coding.groups[b]) == min(a, b)):
            trial = coding.copy()  # groups not named by their smallest member: the long way
            trial.merge(a, b, "")
            return trial.group_ids(values)
        # the merged group keeps the smaller one's place; the groups after the larger one move up
        low, high = np.searchsorted(keys, [min(a, b), max(a, b)])
        new = index - (index > high)
        new[high] = low
    else:
        gone = list(coding.groups).index(a)
        new = index - (index > gone)
        new[gone] = NOT_SHOWN
    return np.where(ids >= 0, new[np.maximum(ids, 0)], NOT_SHOWN)


def _published(columns: dict[str, np.ndarray], codings: dict[str, Coding], names: list[str]) -> np.ndarray:
    return np.column_stack([codings[n].group_ids(columns[n]) for n in names])


def _patterns(cols: dict[str, np.ndarray], names: list[str], exempt: np.ndarray,
              weights: np.ndarray | None = None):
    """The distinct combinations of codes (and exemption) of the respondents, and how many share each.

    Whether published groups isolate someone depends only on these combinations and their sizes, so
    every trial of :func:`protect` checks them instead of all respondents: the same answers (the atoms
    and their sizes are the same), in time independent of N (issue 16: 1,000,000 respondents).
    ``weights``: how many respondents each row stands for (None: one each).
    """
    key = exempt.astype(np.int64)
    radix = 2
    for n in names:
        values, inverse = np.unique(cols[n], return_inverse=True)  # NaN sorts last: one code of its own
        key = key + radix * inverse.reshape(-1).astype(np.int64)
        radix *= len(values) + 1
        if radix >= 2**62:  # too many combinations for one integer: keep every respondent
            return cols, exempt, (np.ones(len(exempt), dtype=np.int64) if weights is None else weights)
    _, first, inverse, counts = np.unique(key, return_index=True, return_inverse=True, return_counts=True)
    if weights is not None:
        counts = np.bincount(inverse.reshape(-1), weights=weights, minlength=len(first)).astype(np.int64)
    return {n: cols[n][first] for n in names}, exempt[first], counts


def protect(columns: dict[str, np.ndarray], codings: dict[str, Coding], k: int, *, reason: str,
            universe: np.ndarray | None = None, exempt: np.ndarray | None = None, hide_only: bool = False,
            max_steps: int = 200, weights: np.ndarray | None = None) -> dict[str, Coding]:
    """New codings of the linked variables ``columns`` ({name: original codes as float}) under which no
    differencing of their published groups, restricted to the respondents of ``universe`` (boolean
    mask: e.g. those who answered one outcome), isolates 1..k-1 people.

    ``exempt``: respondents who may be isolated (boolean mask over all rows; default: those missing on
    every variable): people who did not answer a background question cannot be pointed at.
    ``hide_only``: remedies are hiding groups only (used within one comparison, where a merged group
    would contradict the groups of the other tables). ``reason`` is written into every step.
    ``weights``: when each row of ``columns`` stands for several respondents with the same codes and
    exemption (distinct patterns, as :class:`surveykit.privacy.plan.DisclosurePlan` passes them), their
    numbers (rows of weight 0 are nobody); the decisions are those for the respondents themselves.
    """
    codings = {n: c.copy() for n, c in codings.items()}
    names = [n for n in codings if n in columns]
    if not names:
        return codings
    rows = np.ones(len(next(iter(columns.values()))), bool) if universe is None else universe
    if weights is not None:
        rows = rows & (weights > 0)
    cols = {n: np.asarray(columns[n], dtype=float)[rows] for n in names}
    if exempt is None:
        exempt = np.logical_and.reduce([np.isnan(cols[n]) for n in names])
    else:
        exempt = np.asarray(exempt, bool)[rows]
    cols, exempt, weights = _patterns(cols, names, exempt, None if weights is None else weights[rows])
    for _ in range(max_steps):
        published = _published(cols, codings, names)
        found = find_disclosure(published, k, exempt, weights)
        if found is None:
            return codings
        # every remedy with its cost first (cheap), then checked cheapest first: the first that leaves
        # no disclosure is the best (the key sorts on "still disclosed", then on cost), so the other
        # checks (a unit's thousand possible merges) are needed only when no remedy is complete
        options = []
        for col, name in enumerate(names):
            coding = codings[name]
            shown = published[:, col] >= 0
            people = np.bincount(published[shown, col], weights=weights[shown], minlength=len(coding.groups))
            size = dict(zip(coding.groups, people.astype(np.int64).tolist()))
            touched = {coding.published_code(v) for v in np.unique(cols[name][found.rows]) if not np.isnan(v)}
            touched.discard(None)
            if not touched:  # those people are not shown in this variable: hiding its smallest group may help
                touched = set(coding.groups)
            for pub in touched:
                if not hide_only:
                    for other in coding.neighbours(pub):
                        cost = size[pub] + size[other]  # the people of the merged group
                        if len(coding.groups) == 2:  # one group left: the variable tells nothing any more
                            cost = HIDE_COST * cost
                        options.append(((cost, name, pub, other), "merged", col))
                options.append(((HIDE_COST * size[pub], name, pub, -1), "hidden", col))
        best = None
        for key, action, col in sorted(options, key=lambda option: option[0]):  # stable: ties as before
            _, name, a, b = key
            again_published = published.copy()
            again_published[:, col] = _trial_ids(codings[name], published[:, col], cols[name], action, a, b)
            again = find_disclosure(again_published, k, exempt, weights)
            still = 0 if again is None else (2 if (again.rows & found.rows).any() else 1)
            if best is None or (still, *key) < best[0]:
                best = ((still, *key), action)
            if still == 0:
                break
        if best is None:
            break
        (_, _, name, a, b), action = best
        trial = codings[name].copy()
        if action == "merged":
            trial.merge(a, b, reason)
        else:
            trial.hide(a, reason)
        codings[name] = trial
    # out of steps (not expected): hide everything left rather than publish a disclosure
    for coding in codings.values():
        for pub in list(coding.groups):
            coding.hide(pub, reason)
    return codings
