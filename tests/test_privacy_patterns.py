"""The disclosure plan on distinct code patterns (surveykit.privacy.patterns) against the straightforward
computations on the respondents themselves:

* ``distinct`` / ``regroup`` give the partition and sizes of ``np.unique`` over rows;
* the plan's family and pair checks (each on its own variables' patterns) decide as ``protect`` and
  ``find_disclosure`` on every respondent;
* the regression check and the linked crosstabs decide as the loops over every respondent they replace.
"""

from pathlib import Path

import numpy as np
import pytest

from surveykit.privacy.cells import CellProtection, merge_options, protect_table, protect_tables, published_cells
from surveykit.privacy.groups import Coding, protect
from surveykit.privacy.linear import find_disclosure
from surveykit.privacy.patterns import PlanPatterns, distinct, regroup
from surveykit.privacy.plan import DisclosurePlan

K = 5


def _unique_rows(arrays):
    rows = np.column_stack([np.nan_to_num(np.asarray(a, float), nan=-9.0) for a in arrays])
    return np.unique(rows, axis=0, return_inverse=True, return_counts=True)


@pytest.mark.parametrize("seed", range(4))
def test_distinct_and_regroup_match_unique(seed):
    rng = np.random.default_rng(seed)
    n = 3000
    # many columns: the key passes 62 bits and is renumbered, and the hashed path is taken
    arrays = [rng.integers(0, int(rng.integers(2, 9)), n).astype(float) for _ in range(30)]
    arrays[0][rng.random(n) < 0.1] = np.nan
    arrays.append(rng.random(n) < 0.3)
    for cols in (arrays[:3], arrays):
        inverse, first, counts = distinct(cols, n)
        _, expected_inverse, expected_counts = _unique_rows(cols)
        assert len(first) == len(expected_counts)
        # the same partition: each distinct group maps to one expected group, with its size
        assert np.array_equal(expected_inverse.reshape(-1)[first][inverse], expected_inverse.reshape(-1))
        assert np.array_equal(counts, np.bincount(inverse))
        assert sorted(counts) == sorted(expected_counts)
    weights = rng.integers(0, 4, n)
    codes = [arrays[1].astype(np.int64), arrays[2].astype(np.int64)]
    rows, sums = regroup(codes, [9, 9], weights)
    expected = {}
    for a, b, w in zip(arrays[1], arrays[2], weights):
        expected[(a, b)] = expected.get((a, b), 0) + w
    assert {(arrays[1][r], arrays[2][r]): s for r, s in zip(rows, sums)} == {p: s for p, s in expected.items() if s}


@pytest.fixture(scope="module")
def schick():
    from surveykit.data.prepare import load_and_recode
    from surveykit.measure.scoring import scored_frame as score_indices
    from surveykit.pipeline.records import categorical_variables
    from surveykit.privacy.plan import outcome_groups
    from surveykit.spec.questionnaire import load_questionnaire

    q = load_questionnaire(Path(__file__).resolve().parents[1] / "questionnaires" / "schick2012.yaml")
    frame = score_indices(load_and_recode(q, q.resolve(q.sample.file)).frame, q)
    variables = [c for c in categorical_variables(q) if c in frame.columns]
    return q, frame, variables, outcome_groups(q)


def _codes(frame, name):
    return frame[name].to_numpy(dtype=float, na_value=np.nan)


@pytest.mark.parametrize("rows", [60, 140, None])
def test_plan_family_and_pair_checks_match_respondents(schick, rows):
    q, frame, variables, _ = schick
    frame = frame.iloc[:rows] if rows else frame  # fewer respondents: more small groups
    plan = DisclosurePlan.build(q, frame, K, variables)
    full = {v: _codes(frame, v) for v in plan.codings}
    raw_names = sorted({r for rs in plan.raw.values() for r in rs if r in frame.columns})
    raw_missing = {r: np.isnan(_codes(frame, r)) for r in raw_names}
    inverse, first, counts = distinct(list(full.values()) + list(raw_missing.values()), len(frame))
    checks = PlanPatterns({v: c[first] for v, c in full.items()}, {r: m[first] for r, m in raw_missing.items()},
                          plan.raw, counts)

    def exempt(names):
        out = np.zeros(len(frame), bool)
        for r in {r for v in names for r in plan.raw[v]}:
            if r in raw_missing:
                out |= raw_missing[r]
        return out

    identity = {v: Coding.identity(v, np.unique(c[~np.isnan(c)])) for v, c in full.items()}
    answered = ~np.isnan(_codes(frame, "malekortet"))
    n_answered = np.bincount(inverse, weights=answered, minlength=len(first))
    for fam in plan.families:
        for codings, weights, universe in ((identity, None, None), (identity, n_answered, answered),
                                           (plan.codings, n_answered, answered)):
            fast = checks.protect(fam, fam, codings, K, "r", weights)
            direct = protect({v: full[v] for v in fam}, {v: codings[v] for v in fam}, K, reason="r",
                             exempt=exempt(fam), universe=universe)
            for v in fam:
                assert (fast[v].groups, fast[v].hidden, fast[v].steps) == \
                    (direct[v].groups, direct[v].hidden, direct[v].steps)
    decided = []
    for i, fam_a in enumerate(plan.families):
        for fam_b in plan.families[i + 1:]:
            for codings in (identity, plan.codings):
                direct = any(find_disclosure(np.column_stack([codings[a].group_ids(full[a]),
                                                              codings[b].group_ids(full[b])]),
                                             K, exempt([a, b])) is not None for a in fam_a for b in fam_b)
                assert checks.pair_discloses(codings, fam_a, fam_b, K) == direct
                decided.append(direct)
    assert any(decided)  # the unprotected codings isolate people between families


@pytest.mark.parametrize("rows", [80, 200, None])
def test_regression_check_matches_respondents(schick, rows):
    q, frame, variables, groups = schick
    frame = frame.iloc[:rows] if rows else frame
    plan = DisclosurePlan.build(q, frame, K, variables, groups)
    masked = plan.mask(frame)
    predictors = ["gender", "edu_below_master", "office_type", "start_year_asc", "role3", "unit_reg",
                  "kompetanse_mestring", "tid_selvstendighet"]
    _, _, records = plan.for_regression(q, frame, masked, "r1", "malekortet", predictors)
    # the loop it replaces: complete cases over every respondent
    coded = [p for p in predictors if p in plan.codings]
    columns = {p: _codes(frame, p) for p in coded}
    codings = {p: plan.codings[p] for p in coded}
    used = ["malekortet", *predictors]
    for _ in range(10):
        current = masked.assign(**{p: codings[p].apply(columns[p]) for p in coded})
        keep = current[used].notna().all(axis=1).to_numpy()
        new = protect(columns, codings, K, universe=keep, exempt=np.zeros(len(frame), bool),
                      reason=f"fewer than {K} respondents in regression r1, alone or by difference")
        if all(new[p].groups == codings[p].groups and new[p].hidden == codings[p].hidden for p in coded):
            break
        codings = new
    expected = [plan._record(p, step, c, "regression r1") for p, c in codings.items()
                for step in c.steps[len(plan.codings[p].steps):]]
    assert records == expected


def _reference_tables(tables, linked, k, exempt):
    """cells.protect_tables as it was, over every respondent."""
    def table(rv, cv):
        both = ~np.isnan(rv) & ~np.isnan(cv)
        rkeys, rpos = np.unique(rv[both], return_inverse=True)
        ckeys, cpos = np.unique(cv[both], return_inverse=True)
        counts = np.zeros((len(rkeys), len(ckeys)), dtype=np.int64)
        np.add.at(counts, (rpos, cpos), 1)
        return counts, rkeys.tolist(), ckeys.tolist()

    def ids(values):
        _, inverse = np.unique(np.nan_to_num(values, nan=np.inf), return_inverse=True)
        return np.where(np.isnan(values), -1, inverse.reshape(-1))

    prots, sizes = {}, {}
    for key, (rv, cv, ro, co) in tables.items():
        counts, rkeys, ckeys = table(rv, cv)
        sizes[key] = int(counts.sum())
        prots[key] = (CellProtection([(r,) for r in rkeys], [(c,) for c in ckeys], np.zeros(counts.shape, bool), False)
                      if min(counts.shape) < 2 else protect_table(counts, k, rkeys, ckeys, row_ordinal=ro, col_ordinal=co))

    def discloses(entry, current):
        columns, seen = [published_cells(tables[key][0], tables[key][1], current[key]) for key in entry], set()
        for key in entry:
            for axis, name in enumerate(key):
                if name not in seen:
                    seen.add(name)
                    columns.append(ids(tables[key][axis]))
        return find_disclosure(np.column_stack(columns), k, exempt.get(entry)) is not None

    for _ in range(100):
        bad = next((entry for entry in linked if discloses(entry, prots)), None)
        if bad is None:
            break
        best = None
        for key in bad:
            rv, cv, ro, co = tables[key]
            counts, rkeys, ckeys = table(rv, cv)
            blank = CellProtection([(r,) for r in rkeys], [(c,) for c in ckeys], np.ones(counts.shape, bool), True)
            for option, axis, i, j in list(merge_options(prots[key], (ro, co))) + [(blank, None, 0, 0)]:
                still = discloses(bad, {**prots, key: option})
                groups = None if axis is None else (prots[key].row_groups if axis == 0 else prots[key].col_groups)
                cost = 1000 * sizes[key] if axis is None else int(np.isin(rv if axis == 0 else cv,
                                                                          groups[i] + groups[j]).sum())
                cand = (still, cost, str(key), -1 if axis is None else axis, i, j)
                if best is None or cand < best[0]:
                    best = (cand, key, option)
        prots[best[1]] = best[2]
    return prots


def _same_protections(a, b):
    assert a.keys() == b.keys()
    for key in a:
        assert (a[key].row_groups, a[key].col_groups, a[key].test_withheld) == \
            (b[key].row_groups, b[key].col_groups, b[key].test_withheld)
        assert np.array_equal(a[key].hidden, b[key].hidden)


@pytest.mark.parametrize("seed", range(12))
def test_linked_crosstabs_on_patterns_match_respondents(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(30, 300))
    unit = rng.integers(0, int(rng.integers(3, 9)), n).astype(float)
    region = np.floor(unit / 3)
    gender = rng.integers(1, 3, n).astype(float)
    role = rng.integers(1, int(rng.integers(3, 6)), n).astype(float)
    for v in (unit, gender, role):
        v[rng.random(n) < 0.05] = np.nan
    hidden_role = np.where(role == 1.0, np.nan, role) if rng.random() < 0.5 else role
    tables = {("unit", "gender"): (unit, gender, False, False), ("region", "gender"): (region, gender, True, False),
              ("unit", "role"): (unit, hidden_role, False, rng.random() < 0.5)}
    linked = [(("unit", "gender"), ("region", "gender")), (("unit", "role"),)]
    exempt = {linked[0]: np.isnan(unit), linked[1]: role != 1.0}
    expected = _reference_tables(tables, linked, K, exempt)
    _same_protections(protect_tables(tables, linked, K, exempt), expected)
    # on the distinct patterns with their numbers
    _, first, counts = distinct([unit, region, gender, role, hidden_role], n)
    at_patterns = {key: (rv[first], cv[first], ro, co) for key, (rv, cv, ro, co) in tables.items()}
    _same_protections(protect_tables(at_patterns, linked, K, {e: m[first] for e, m in exempt.items()},
                                     weights=counts), expected)


@pytest.mark.parametrize("rows", [70, 200, None])
def test_plan_crosstabs_match_respondents(schick, rows):
    q, frame, variables, groups = schick
    frame = frame.iloc[:rows] if rows else frame
    plan = DisclosurePlan.build(q, frame, K, variables, groups)
    masked = plan.mask(frame)
    pairs = [(r, c) for r in ("unit", "role6", "start_year", "education3", "stress", "age5", "age3")
             for c in ("gender", "employer", "unit") if r != c]
    family_of = {v: i for i, fam in enumerate(plan.families) for v in fam}
    same = lambda a, b: a in family_of and family_of[a] == family_of.get(b)  # noqa: E731
    tables = {(r, c): (_codes(masked, r), _codes(masked, c), plan.codings[r].ordinal, plan.codings[c].ordinal)
              for r, c in pairs}
    linked, exempt = [], {}
    for key in pairs:
        hidden = np.zeros(len(frame), bool)
        for v in key:
            if plan.codings[v].hidden:
                hidden |= np.isin(_codes(frame, v), list(plan.codings[v].hidden))
        if hidden.any():
            linked.append((key,))
            exempt[(key,)] = ~hidden
    links = [(a, b) for i, a in enumerate(pairs) for b in pairs[i + 1:]
             if (a[1] == b[1] and same(a[0], b[0])) or (a[0] == b[0] and same(a[1], b[1]))]
    assert links
    for entry in links:
        linked.append(entry)
        exempt[entry] = np.logical_or.reduce([np.isnan(_codes(frame, r)) for key in entry for v in key
                                              for r in plan.raw.get(v, [])] + [np.zeros(len(frame), bool)])
    _same_protections(plan.crosstab_protections(masked, frame, pairs), _reference_tables(tables, linked, K, exempt))
