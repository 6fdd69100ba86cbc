"""The disclosure-control layer (surveykit.privacy): the linear differencing check, the choice of merges
and hides, crosstab collapsing, and the plan of the Schick sample. Expected results are worked out by
hand in each test's comment (differences of published totals), not computed with the code under test."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from surveykit.privacy.cells import protect_table
from surveykit.privacy.groups import Coding, protect
from surveykit.privacy.linear import NOT_SHOWN, find_disclosure
from surveykit.privacy.plan import DisclosurePlan, is_ordinal, linked_families

K = 5


def _col(counts: dict, missing: int = 0) -> np.ndarray:
    return np.array([c for c, n in counts.items() for _ in range(n)] + [np.nan] * missing, dtype=float)


# ------------------------------------------------------------------------------------------ linear check
def test_a_published_small_group_is_a_disclosure():
    published = np.array([[0]] * 10 + [[1]] * 6 + [[2]] * 2)
    found = find_disclosure(published, K)
    assert found is not None and found.n == 2 and found.rows[-2:].all()


def test_one_hidden_group_follows_from_the_total():
    # total 18 - 10 - 6 = the 2 hidden people
    published = np.array([[0]] * 10 + [[1]] * 6 + [[NOT_SHOWN]] * 2)
    assert find_disclosure(published, K).n == 2


def test_hidden_people_and_non_response_together_are_safe_when_k_or_more():
    # 2 hidden + 3 who did not answer: the total gives only the 5 together
    published = np.array([[0]] * 10 + [[1]] * 6 + [[NOT_SHOWN]] * 5)
    assert find_disclosure(published, K) is None


def test_non_response_alone_is_exempt():
    published = np.array([[0]] * 10 + [[1]] * 6 + [[NOT_SHOWN]] * 2)
    exempt = np.array([False] * 16 + [True] * 2)
    assert find_disclosure(published, K, exempt) is None


def test_recode_differencing_is_found():
    # V: 1 (10 people), 2 (3 people, hidden), 3 (10); W = recode {1, 2} -> 1, {3} -> 2, all shown:
    # W=1 minus V=1 = the 3 people of V=2
    v = [0] * 10 + [NOT_SHOWN] * 3 + [1] * 10
    w = [0] * 13 + [1] * 10
    found = find_disclosure(np.column_stack([v, w]), K)
    assert found is not None and found.n == 3 and found.rows[10:13].all()


def test_recode_differencing_of_k_or_more_is_safe():
    # as above with 6 people in V=2 (hidden with its complement V=3): W=1 - V=1 = 6, W=2 = the rest
    v = [0] * 10 + [NOT_SHOWN] * 6 + [NOT_SHOWN] * 10
    w = [0] * 16 + [1] * 10
    assert find_disclosure(np.column_stack([v, w]), K) is None


# ------------------------------------------------------------------------------------------ merges and hides
def test_ordinal_small_category_merges_with_its_neighbour():
    # Schick's stress: «aldri» 2, «sjelden» 45, «av og til» 173, «hver uke» 122, «hver dag» 40
    counts = {1: 2, 2: 45, 3: 173, 4: 122, 5: 40}
    coding = Coding.identity("stress", counts, ordinal=True)
    out = protect({"stress": _col(counts)}, {"stress": coding}, K, reason="r")["stress"]
    assert out.groups == {1.0: (1.0, 2.0), 3.0: (3.0,), 4.0: (4.0,), 5.0: (5.0,)} and not out.hidden


def test_nominal_small_category_merges_with_the_smallest_other():
    counts = {1: 2, 2: 45, 3: 173, 4: 122, 5: 40}  # 5 (40 people) is the cheapest merge
    coding = Coding.identity("stress", counts, ordinal=False)
    out = protect({"stress": _col(counts)}, {"stress": coding}, K, reason="r")["stress"]
    assert out.groups[1.0] == (1.0, 5.0) and not out.hidden


def test_two_categories_with_non_response_hide_the_small_one():
    # 3 men, 50 women, 3 did not answer: hiding the men leaves 6 "not answered or hidden" (>= K), and the
    # women stay visible; merging both would show nothing
    counts = {1: 3, 2: 50}
    values = _col(counts, missing=3)
    out = protect({"g": values}, {"g": Coding.identity("g", counts)}, K, reason="r",
                  exempt=np.isnan(values))["g"]
    assert out.hidden == {1.0} and out.groups == {2.0: (2.0,)}


def test_two_categories_without_non_response_cannot_show_either():
    counts = {1: 3, 2: 50}
    out = protect({"g": _col(counts)}, {"g": Coding.identity("g", counts)}, K, reason="r")["g"]
    assert out.groups == {1.0: (1.0, 2.0)} or out.hidden == {1.0, 2.0}


def test_linked_recode_is_protected_with_its_source():
    # tenure 1..4 = 3, 10, 10, 10; tenure2 = {1, 2} -> 1, {3, 4} -> 2. Tenure's «1» (3 people) cannot be
    # shown; merging it with «2» in tenure makes tenure2=1 equal to it: nothing left to subtract
    tenure = _col({1: 3, 2: 10, 3: 10, 4: 10})
    tenure2 = np.where(tenure <= 2, 1.0, 2.0)
    codings = {"tenure": Coding.identity("tenure", [1, 2, 3, 4], ordinal=True),
               "tenure2": Coding.identity("tenure2", [1, 2], ordinal=True)}
    out = protect({"tenure": tenure, "tenure2": tenure2}, codings, K, reason="r")
    assert out["tenure"].groups == {1.0: (1.0, 2.0), 3.0: (3.0,), 4.0: (4.0,)}
    assert out["tenure2"].groups == {1.0: (1.0,), 2.0: (2.0,)}


def test_within_outcome_small_group_is_protected_for_that_outcome():
    # unit 1, 2, 3 with 10, 10, 6 people; only 2 of unit 3 answered y: for y, unit 3 alone would show
    # 2 answers, and hiding it leaves a rest of 2 (total - units 1, 2): it is merged with a neighbour
    unit = _col({1: 10, 2: 10, 3: 6})
    answered = np.ones(26, bool)
    answered[20:24] = False
    coding = Coding.identity("unit", [1, 2, 3])
    out = protect({"unit": unit}, {"unit": coding}, K, reason="r", universe=answered)["unit"]
    assert any(3.0 in members and len(members) > 1 for members in out.groups.values()) and not out.hidden


# ------------------------------------------------------------------------------------------ crosstabs
def test_crosstab_collapses_the_row_that_removes_every_small_cell():
    # rows r1 [2, 8], r2 [6, 6], r3 [9, 3]: r1+r3 = [11, 11] leaves no small cell (r1+r2 = [8, 14] would
    # leave r3's 3)
    prot = protect_table(np.array([[2, 8], [6, 6], [9, 3]]), K, ["r1", "r2", "r3"], ["c1", "c2"])
    assert prot.row_groups == [("r1", "r3"), ("r2",)] and prot.col_groups == [("c1",), ("c2",)]
    assert not prot.test_withheld and not prot.hidden.any()


def test_ordinal_crosstab_collapses_adjacent_rows_only():
    # same table, rows ordered: r1 may merge only with r2 -> rows [8, 14] and [9, 3]; the 3 is still
    # small and a further merge would leave a single row: the table falls back to blanked cells
    prot = protect_table(np.array([[2, 8], [6, 6], [9, 3]]), K, ["r1", "r2", "r3"], ["c1", "c2"], row_ordinal=True)
    assert prot.test_withheld and prot.hidden.any()


def test_two_by_two_with_a_small_cell_withholds_the_test():
    prot = protect_table(np.array([[2, 20], [15, 30]]), K, [1, 2], [1, 2])
    assert prot.test_withheld and prot.hidden[0, 0]
    assert not np.any(prot.hidden.sum(axis=0) == 1) and not np.any(prot.hidden.sum(axis=1) == 1)


# ------------------------------------------------------------------------------------------ the Schick plan
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
    return q, frame, DisclosurePlan.build(q, frame, K, variables, outcome_groups(q))


def test_schick_families_link_recodes_with_their_sources(schick):
    q, _, plan = schick
    families = [set(f) for f in plan.families]
    assert {"workplace", "workplace_r", "unit", "office_type", "unit_reg"} in families
    assert any({"education", "education_r", "education3", "edu_background", "sosionom_vs_bachelor"} <= f
               for f in families)
    assert {"age3", "age5"} in families
    assert is_ordinal(q, "stress") and is_ordinal(q, "age5") and is_ordinal(q, "start_year_asc")
    assert not is_ordinal(q, "unit")
    assert {"role", "role_r", "role6", "role3"} in [set(f) for f in linked_families(q, ["role", "role_r", "role6",
                                                                                         "role3"])]


def test_schick_plan_shows_workplace_r_unchanged_and_masks_without_touching_input(schick):
    _, frame, plan = schick
    before = frame.copy()
    masked = plan.mask(frame)
    pd.testing.assert_frame_equal(frame, before)
    # the recode the analyses use is untouched; the raw «annet» answers it re-sorted are what is protected
    assert not plan.codings["workplace_r"].merged and not plan.codings["workplace_r"].hidden
    assert masked["stress"].isin([1.0]).sum() == frame["stress"].isin([1, 2]).sum()
    assert all(r["n"] is None for r in plan.records())


def test_crosstab_margins_cannot_give_a_hidden_columns_cells():
    # V: rows a, b (20 each); W: 1, 2 shown, 3 hidden (3 people in row a, 1 in row b). The sample table's
    # count of row a (20) minus its shown cells (17) gives the 3 hidden people of row a: with only two
    # rows and two shown columns nothing can be merged, so the table is blanked and its test withheld
    from surveykit.privacy.cells import protect_tables

    rows = np.array([1.0] * 20 + [2.0] * 20)
    cols = np.array([1.0] * 9 + [2.0] * 8 + [3.0] * 3 + [1.0] * 9 + [2.0] * 10 + [3.0] * 1)
    shown_cols = np.where(cols == 3.0, np.nan, cols)
    tables = {("v", "w"): (rows, shown_cols, False, False)}
    alone = protect_tables(tables, [], K)[("v", "w")]
    assert not alone.test_withheld  # on its own the table has no small cell
    checked = protect_tables(tables, [(("v", "w"),)], K, {(("v", "w"),): cols != 3.0})[("v", "w")]
    assert checked.test_withheld and checked.hidden.all()
