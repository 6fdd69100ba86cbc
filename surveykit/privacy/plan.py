"""The disclosure plan of one run: decided once, from the data and the questionnaire, before any statistic.

For every grouping variable (coded background question or derived variable) the plan says which
categories are published as they are, which are merged (and into what), and which are hidden; every
table, test, figure, regression, correlation and count of the run is then computed on the frame
:meth:`DisclosurePlan.mask` returns, so nothing published depends on a hidden group.

Three layers, each checked with :func:`~surveykit.privacy.linear.find_disclosure` (differencing of
any published group totals, and the overall total, must not isolate 1..K-1 people):

1. **Linked variables, all respondents** (the counts of the sample table): a variable and everything
   derived from it (recode sources, bases, conditions, shared free-text sources; bins of one number)
   form one family, protected together. Two variables of different families whose published groups
   still isolate a few people between them (categories that nest or overlap in the data) are joined
   into one family and protected again.
2. **Per outcome** (comparisons and favourable %): the respondents who answered the outcome, grouped
   by every variable the outcome is compared by. A group with a few answers on this outcome only, or a
   "rest" (missing, hidden) of a few, is merged or hidden *in that outcome's tables only*, with the
   smallest complement.
3. **Crosstabs** (:mod:`surveykit.privacy.cells`): categories collapsed until every cell is 0 or >= K.

Remedies are chosen for the least loss: merging before hiding, the cheapest merge first (the smallest
neighbouring category; adjacent ones only for ordinal variables). Missing answers count towards a
hidden total: hidden and missing people together form the "not shown" part of a variable.

References: Hundepool et al. (2012), *Statistical Disclosure Control*, ch. 5 (threshold rule, secondary
suppression, linked tables); de Wolf (2002) on the audit of linked tables; Glint's and Qualtrics'
complementary suppression in employee surveys.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from surveykit.privacy.groups import Coding, protect
from surveykit.privacy.linear import find_disclosure
from surveykit.privacy.patterns import PlanPatterns, distinct

EVERYWHERE = "all tables, figures and tests"
MERGED_SUFFIX = {"nb": " (slått sammen)", "en": " (merged)"}


def _rule_inputs(rule) -> list[str]:
    inputs = [getattr(rule, "source", None), getattr(rule, "base", None), getattr(rule, "text", None)]
    inputs += list(getattr(rule, "when", None) or {})
    for case in getattr(rule, "cases", None) or []:
        inputs += list(case.when)
    return [i for i in inputs if isinstance(i, str)]


def _components(q, variables: list[str]) -> dict[str, str]:
    """Union-find over recode rules and their inputs: {name: representative}."""
    parent: dict[str, str] = {}

    def find(a: str) -> str:
        parent.setdefault(a, a)
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for v in variables:
        find(v)
    for rule in q.recode_order():
        for name in _rule_inputs(rule):
            parent[find(rule.id)] = find(name)
    return {name: find(name) for name in parent}


def linked_families(q, variables: list[str]) -> list[list[str]]:
    """Groups of ``variables`` linked by derivation: a recode and all its inputs (transitively, also
    through a shared number or free-text source) end up in one family."""
    roots = _components(q, variables)
    families: dict[str, list[str]] = {}
    for v in variables:
        families.setdefault(roots[v], []).append(v)
    return list(families.values())


def _raw_inputs(q, variables: list[str]) -> dict[str, list[str]]:
    """{variable: the coded or numeric background questions of its family} (non-response there is not
    something anybody can point at)."""
    roots = _components(q, variables)
    raw = [name for name in roots if q.kind_of(name) in ("single", "yesno", "number")]
    return {v: [r for r in raw if roots[r] == roots[v]] for v in variables}


def is_ordinal(q, name: str) -> bool:
    """Categories in a natural order: a background question marked ``ordered``, bins of a number, or a
    monotone map of an ordinal variable."""
    from surveykit.spec.elements import BinRecode, MapRecode

    rule = q.recode_map.get(name)
    if rule is None:
        return bool(getattr(q.raw_variables.get(name), "ordered", False))
    if isinstance(rule, BinRecode):
        return True
    if isinstance(rule, MapRecode) and rule.source != name and is_ordinal(q, rule.source):
        pairs = sorted((float(a), float(b)) for a, b in rule.map.items() if b is not None)
        targets = [b for _, b in pairs]
        return targets == sorted(targets) or targets == sorted(targets, reverse=True)
    return False


def outcome_groups(q) -> dict[str, list[str]]:
    """{outcome: the grouping variables its groups are published by}: the comparisons, and for every
    index the favourable % by every comparison's grouping variable."""
    out: dict[str, list[str]] = {}
    for comp in q.analysis.comparisons:
        for outcome in comp.outcomes:
            out.setdefault(outcome, []).extend(comp.groups)
    group_vars = list(dict.fromkeys(g for comp in q.analysis.comparisons for g in comp.groups))
    for index in q.indices:
        out.setdefault(index.id, []).extend(group_vars)
    return {o: list(dict.fromkeys(g)) for o, g in out.items()}


def _codes(frame: pd.DataFrame, name: str) -> np.ndarray:
    column = frame[name]
    if column.dtype == np.float64:  # already the codes: no conversion, no copy (nobody writes to them)
        return column.to_numpy()
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _changed(a: Coding, b: Coding) -> bool:
    return a.groups != b.groups or a.hidden != b.hidden


@dataclass
class DisclosurePlan:
    """What is published of each grouping variable, run-wide (``codings``) and per outcome (``local``)."""

    k: int
    codings: dict[str, Coding]
    local: dict[tuple[str, str], Coding] = field(default_factory=dict)
    families: list[list[str]] = field(default_factory=list)
    raw: dict[str, list[str]] = field(default_factory=dict)  # {variable: raw background inputs}

    # ------------------------------------------------------------------------------ build
    @classmethod
    def build(cls, q, frame: pd.DataFrame, k: int, variables: list[str],
              outcome_groups: dict[str, list[str]] | None = None) -> DisclosurePlan:
        """Decide the plan. ``variables``: the grouping variables (every coded background or derived
        variable); ``outcome_groups``: {outcome: grouping variables it is published by}."""
        full = {v: _codes(frame, v) for v in variables if v in frame.columns}
        raw = _raw_inputs(q, list(full))
        raw_names = sorted({r for rs in raw.values() for r in rs if r in frame.columns})
        raw_missing = {name: np.isnan(full[name] if name in full else _codes(frame, name)) for name in raw_names}
        # every check below depends only on the respondents' distinct combinations of codes and
        # exemptions, and how many share each (see groups._patterns): find them once, in one pass,
        # and decide on them (33,000 combinations instead of 1,000,000 respondents in the HR cycle)
        inverse, first, counts = distinct(list(full.values()) + [raw_missing[r] for r in raw_names if r not in full],
                                          len(frame))
        columns = {v: c[first] for v, c in full.items()}
        missing = {r: m[first] for r, m in raw_missing.items()}
        codings = {v: Coding.identity(v, np.unique(c[~np.isnan(c)]), is_ordinal(q, v)) for v, c in columns.items()}
        families = [f for f in (fam for fam in linked_families(q, list(columns))) if f]
        checks = PlanPatterns(columns, missing, raw, counts)
        reason_k = f"fewer than {k} respondents, alone or by difference with a linked variable"
        for fam in families:
            codings.update(checks.protect(fam, fam, codings, k, reason_k))
        # groupings of different families that nest or overlap in the data: join and protect again
        joined = True
        while joined:
            joined = False
            for i in range(len(families)):
                for j in range(i + 1, len(families)):
                    if checks.pair_discloses(codings, families[i], families[j], k):
                        fam = families[i] + families[j]
                        families = [f for n, f in enumerate(families) if n not in (i, j)] + [fam]
                        codings.update(checks.protect(fam, fam, codings, k, reason_k))
                        joined = True
                        break
                if joined:
                    break
        plan = cls(k, codings, {}, families, raw)
        for outcome, groups in (outcome_groups or {}).items():
            if outcome not in frame.columns:
                continue
            groups = [g for g in dict.fromkeys(groups) if g in codings]
            if not groups:
                continue
            # the respondents of each combination who answered the outcome
            answered = ~np.isnan(_codes(frame, outcome))
            n_answered = np.bincount(inverse, weights=answered, minlength=len(first))
            for fam in families:
                members = [g for g in groups if g in fam]
                if not members:
                    continue
                local = checks.protect(fam, members, codings, k,
                                       f"fewer than {k} answers on {outcome}, alone or by difference", n_answered)
                for g in members:
                    if _changed(local[g], codings[g]):
                        plan.local[(outcome, g)] = local[g]
        return plan

    # ------------------------------------------------------------------------------ apply
    def coding(self, variable: str, outcome: str | None = None) -> Coding | None:
        if outcome is not None and (outcome, variable) in self.local:
            return self.local[(outcome, variable)]
        return self.codings.get(variable)

    def mask(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A copy of ``frame`` with every grouping variable in its published coding (merged groups under
        their smallest code; hidden categories missing). ``frame`` is not modified."""
        changed = {v: c.apply(_codes(frame, v)) for v, c in self.codings.items()
                   if v in frame.columns and (c.hidden or c.merged or not pd.api.types.is_numeric_dtype(frame[v]))}
        return frame.assign(**changed) if changed else frame.copy(deep=False)

    def mask_for(self, masked: pd.DataFrame, frame: pd.DataFrame, outcome: str, variable: str) -> pd.DataFrame:
        """``masked`` with ``variable`` in the coding of ``outcome``'s tables (its original codes are taken
        from ``frame``, the unmasked frame)."""
        return masked.assign(**{variable: self.coding(variable, outcome).apply(_codes(frame, variable))})

    def original_members(self, variable: str, published_codes) -> tuple:
        """The original codes behind published codes of ``variable`` (run-wide coding)."""
        coding = self.codings.get(variable)
        if coding is None:
            return tuple(published_codes)
        return tuple(sorted(m for c in published_codes for m in coding.groups.get(float(c), (float(c),))))

    def for_regression(self, q, frame: pd.DataFrame, masked: pd.DataFrame, name: str, outcome: str,
                       predictors: list[str]) -> tuple[pd.DataFrame, PublishedQuestionnaire, list[dict]]:
        """The frame, questionnaire view and records for one regression: its coded predictors are checked
        again on the regression's own respondents (complete cases, listwise), where a category can be
        small even when it is not in the whole sample; a dummy of 1..K-1 people would publish their
        adjusted mean. Small categories are merged (or hidden) for this regression only."""
        coded = [p for p in dict.fromkeys(predictors) if p in self.codings]
        if not coded:
            return masked, self.labelled(q), []
        columns = {p: _codes(frame, p) for p in coded}
        codings = {p: self.codings[p] for p in coded}
        used = [c for c in dict.fromkeys([outcome, *predictors]) if c in masked.columns]
        # complete cases: answered the columns the plan leaves alone, and is shown in every coded
        # predictor; decided on the distinct combinations of the predictors' codes and the former
        others = [c for c in used if c not in columns]
        base = masked[others].notna().all(axis=1).to_numpy() if others else np.ones(len(frame), bool)
        _, first, counts = distinct([*columns.values(), base], len(frame))
        cols, base = {p: c[first] for p, c in columns.items()}, base[first]
        for _ in range(10):  # hiding a group shrinks the complete cases: check again until nothing changes
            rows = base.copy()
            for p in coded:
                if p in used:
                    rows &= ~np.isnan(codings[p].apply(cols[p]))
            new = protect(cols, codings, self.k, universe=rows, exempt=np.zeros(len(first), bool), weights=counts,
                          reason=f"fewer than {self.k} respondents in regression {name}, alone or by difference")
            if not any(_changed(new[p], codings[p]) for p in coded):
                break
            codings = new
        changed = {p: c for p, c in codings.items() if _changed(c, self.codings[p])}
        if not changed:
            return masked, self.labelled(q), []
        local_plan = DisclosurePlan(self.k, {**self.codings, **changed}, {}, self.families)
        records = [self._record(p, step, c, f"regression {name}")
                   for p, c in changed.items() for step in c.steps[len(self.codings[p].steps):]]
        return masked.assign(**{p: c.apply(columns[p]) for p, c in changed.items()}), local_plan.labelled(q), records

    def crosstab_protections(self, masked: pd.DataFrame, frame: pd.DataFrame, pairs: list[tuple[str, str]]) -> dict:
        """{(row, col): CellProtection} of every planned crosstab, decided together: crosstabs with the same
        columns and linked rows (or the same rows and linked columns) are protected as linked tables."""
        from surveykit.privacy.cells import protect_tables

        family_of = {v: i for i, fam in enumerate(self.families) for v in fam}
        ordinal = lambda v: bool(v in self.codings and self.codings[v].ordinal)  # noqa: E731
        keys = [(r, c) for r, c in dict.fromkeys(pairs) if r in masked.columns and c in masked.columns]
        values = {v: _codes(masked, v) for key in keys for v in key}

        def same_family(a: str, b: str) -> bool:
            return a in family_of and family_of[a] == family_of.get(b)

        # a table whose row or column variable has a hidden category, against its margins (the sample
        # table's counts): margin minus shown cells must not give the hidden category's cells; only the
        # hidden people need protecting there (everybody else is in a shown cell or did not answer)
        hidden_in = {v: np.isin(_codes(frame, v), list(self.codings[v].hidden)) for v in values
                     if v in self.codings and self.codings[v].hidden and v in frame.columns}
        pairs = [(a, b) for i, a in enumerate(keys) for b in keys[i + 1:]
                 if (a[1] == b[1] and same_family(a[0], b[0])) or (a[0] == b[0] and same_family(a[1], b[1]))]
        raw_of = {entry: sorted({r for key in entry for v in key for r in self.raw.get(v, []) if r in frame.columns})
                  for entry in pairs}
        missing = {r: np.isnan(_codes(frame, r)) for rs in raw_of.values() for r in rs}
        # every check depends only on the respondents' distinct combinations of these values and flags:
        # decided on those, each standing for its respondents
        _, first, counts = distinct([*values.values(), *hidden_in.values(), *missing.values()], len(frame))
        tables = {(r, c): (values[r][first], values[c][first], ordinal(r), ordinal(c)) for r, c in keys}
        linked, exempt = [], {}
        for key in keys:
            hidden = np.zeros(len(first), bool)
            for v in key:
                if v in hidden_in:
                    hidden |= hidden_in[v][first]
            if hidden.any():
                linked.append((key,))
                exempt[(key,)] = ~hidden
        linked += pairs
        for entry in pairs:
            mask = np.zeros(len(first), bool)
            for name in raw_of[entry]:
                mask |= missing[name][first]
            exempt[entry] = mask
        return protect_tables(tables, linked, self.k, exempt, weights=counts)

    def single_category(self, masked: pd.DataFrame, outcome: str, predictors: list[str]) -> list[str]:
        """Coded predictors left with fewer than two published categories among the complete cases."""
        used = [c for c in dict.fromkeys([outcome, *predictors]) if c in masked.columns]
        rows = masked[used].notna().all(axis=1)
        return [p for p in dict.fromkeys(predictors) if p in self.codings and p in masked.columns
                and masked.loc[rows, p].nunique() < 2]

    def has_local(self, outcome: str, variable: str) -> bool:
        return (outcome, variable) in self.local

    # ------------------------------------------------------------------------------ labels and records
    def merged_label(self, q, variable: str, members, lang: str) -> str:
        names = [q.code_label(variable, m, lang) for m in members]
        return " / ".join(names) + MERGED_SUFFIX.get(lang, MERGED_SUFFIX["en"])

    def labelled(self, q, outcome: str | None = None) -> PublishedQuestionnaire:
        return PublishedQuestionnaire(q, self, outcome)

    def records(self) -> list[dict]:
        """What was merged or hidden, where and why (results.json ``suppressed``); never a hidden n."""
        out = []
        for v, c in self.codings.items():
            for step in c.steps:
                out.append(self._record(v, step, c, EVERYWHERE))
        for (outcome, v), c in self.local.items():
            base = self.codings[v]
            for step in c.steps[len(base.steps):]:
                out.append(self._record(v, step, c, f"comparisons and favourable % of {outcome}", outcome))
        return out

    def _record(self, variable, step, coding, where, outcome=None) -> dict:
        members = [int(m) if float(m).is_integer() else m for m in step["groups"]]
        rec = {"variable": variable, "group": members[0] if len(members) == 1 else members,
               "action": step["action"], "reason": step["reason"], "where": where,
               "n": None}  # never published: hidden counts are what is protected
        if outcome is not None:
            rec["outcome"] = outcome
        return rec

    def summary(self) -> str:
        lines = [f"Disclosure plan (K = {self.k}): {len(self.families)} families of linked variables"]
        for r in self.records():
            lines.append(f"  {r['variable']}: {r['action']} {r['group']} ({r['where']}): {r['reason']}")
        return "\n".join(lines)


class PublishedQuestionnaire:
    """The questionnaire as the published tables see it: merged groups carry a label naming their
    members; everything else is delegated to the questionnaire."""

    def __init__(self, q, plan: DisclosurePlan, outcome: str | None = None):
        self._q, self._plan, self._outcome = q, plan, outcome

    def __getattr__(self, name):
        return getattr(self._q, name)

    def reference_of(self, variable):
        """The published code of the reference category (None when it is hidden)."""
        ref = self._q.reference_of(variable)
        coding = self._plan.coding(variable, self._outcome)
        if ref is None or coding is None:
            return ref
        pub = coding.published_code(float(ref))
        return None if pub is None else (int(pub) if float(pub).is_integer() else pub)

    def code_label(self, variable, code, lang: str = "en") -> str:
        coding = self._plan.coding(variable, self._outcome)
        try:
            key = float(code)
        except (TypeError, ValueError):
            key = None
        # the group itself, not ``coding.merged`` (a new dict of a thousand units per label)
        members = coding.groups.get(key, ()) if coding is not None and key is not None else ()
        if len(members) > 1:
            return self._plan.merged_label(self._q, variable, members, lang)
        return self._q.code_label(variable, code, lang)

    def codes_of(self, variable, *args, **kwargs):
        codes = self._q.codes_of(variable, *args, **kwargs)
        coding = self._plan.coding(variable, self._outcome)
        if codes is None or coding is None:
            return codes
        langs = list(dict.fromkeys([*(getattr(self._q.meta, "languages", None) or []), "nb", "en"]))
        out = {}
        for pub, members in coding.groups.items():
            if len(members) > 1:
                out[int(pub)] = {lang: self._plan.merged_label(self._q, variable, members, lang) for lang in langs}
            elif int(pub) in codes:
                out[int(pub)] = codes[int(pub)]
        return out
