"""Organisation units: validation, tree structure, vectorised roll-up and response rates.

References: roll-ups are checked against a direct per-unit computation written in the test (pandas
filtering on the list of ancestors), response rates against hand arithmetic on a 6-unit file.
"""

import numpy as np
import pandas as pd
import pytest

from surveykit.data.units import IMPLICIT_ROOT, read_units, response_rates
from surveykit.errors import DataError

UNITS = """code,name_nb,name_en,parent,headcount
C,Fylke,County,,
A1,Område 1,Area 1,C,
O1,Kontor 1,Office 1,A1,10
O2,Kontor 2,Office 2,A1,20
A2,Område 2,Area 2,C,15
O3,Kontor 3,Office 3,A2,
"""


@pytest.fixture
def units_csv(tmp_path):
    p = tmp_path / "units.csv"
    p.write_text(UNITS, encoding="utf-8")
    return p


def test_structure(units_csv):
    t = read_units(units_csv)
    assert t.root == "C" and not t.implicit_root
    assert t.depth == 2
    assert t.parent("O3") == "A2" and t.parent("C") is None
    assert t.children("A1") == ["O1", "O2"]
    assert t.ancestors("O2") == ["A1", "C"]
    assert t.level_of("O1") == 2 and t.level_of("A2") == 1
    assert t.name("O1", "en") == "Office 1" and t.name("O1", "nb") == "Kontor 1"
    assert t.units_at_level(1) == ["A1", "A2"]


def test_response_rates_by_hand(units_csv):
    t = read_units(units_csv)
    rr = response_rates(t, ["O1", "O1", "O2", "O3", "A2", "O1"])
    # O1: 3 of 10; O2: 1 of 20; A1 = O1 + O2: 4 of 30 (headcount summed from subunits)
    assert rr.loc["O1", "respondents"] == 3 and rr.loc["O1", "rate"] == pytest.approx(0.3)
    assert rr.loc["A1", "respondents"] == 4 and rr.loc["A1", "headcount"] == 30
    assert rr.loc["A1", "headcount_source"] == "subunits"
    # A2 has a given headcount 15 and respondents O3 (1) + its own (1)
    assert rr.loc["A2", "respondents"] == 2 and rr.loc["A2", "respondents_own"] == 1
    assert rr.loc["A2", "rate"] == pytest.approx(2 / 15) and rr.loc["A2", "headcount_source"] == "given"
    # O3 has no headcount and no subunits: rate missing; so the root cannot be summed either
    assert rr.loc["O3", "headcount_source"] == "missing" and np.isnan(rr.loc["O3", "rate"])
    assert rr.loc["C", "headcount_source"] == "subunits" and rr.loc["C", "headcount"] == 45
    assert rr.loc["C", "respondents"] == 6


def test_rate_over_100_is_flagged(units_csv):
    t = read_units(units_csv)
    rr = response_rates(t, ["A2"] * 16)
    assert rr.loc["A2", "rate"] == pytest.approx(16 / 15) and bool(rr.loc["A2", "over_100"])
    assert not rr.loc["A1", "over_100"]


def test_all_problems_reported_at_once(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("code,name,parent,headcount\n"
                 "R,Root,,100\n"
                 "A,a,R,12.5\n"
                 "A,a again,R,3\n"
                 "B,b,ZZ,-4\n"
                 "X,x,Y,1\n"
                 "Y,y,X,two\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_units(p, respondent_units=["A", "Q9"], data_file="resp.csv", unit_variable="unit")
    text = str(err.value)
    probs = err.value.problems
    assert any("appears 2 times" in q.message and q.rows == (3, 4) for q in probs)
    assert any("parent is not a unit code" in q.message and q.values == ("ZZ",) and q.rows == (5,)
               for q in probs)
    hc = next(q for q in probs if "headcount" in q.message)
    assert hc.rows == (3, 5, 7) and hc.values == ("12.5", "-4", "two") and hc.column == "headcount"
    assert any("Q9" in q.values and q.file == "resp.csv" and q.column == "unit" and q.rows == (3,) for q in probs)
    assert any("cycle" in q.message and set(q.values) == {"X", "Y"} for q in probs)
    assert str(p) in text


def test_cycle(tmp_path):
    p = tmp_path / "cyc.csv"
    p.write_text("code,name,parent,headcount\nR,Root,,5\nX,x,Y,1\nY,y,Z,1\nZ,z,X,1\nW,w,R,2\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_units(p)
    (cyc,) = [q for q in err.value.problems if "cycle" in q.message]
    assert set(cyc.values) == {"X", "Y", "Z"} and cyc.rows == (3, 4, 5)


def test_no_root_is_a_cycle(tmp_path):
    p = tmp_path / "noroot.csv"
    p.write_text("code,name,parent\nA,a,B\nB,b,A\n", encoding="utf-8")
    with pytest.raises(DataError, match="cycle"):
        read_units(p)


def test_forest_gets_implicit_root(tmp_path):
    p = tmp_path / "forest.csv"
    p.write_text("code,name,parent,headcount\nN,North,,10\nS,South,,20\nN1,n1,N,10\n", encoding="utf-8")
    t = read_units(p)
    assert t.implicit_root and t.root == IMPLICIT_ROOT
    assert t.parent("N") == IMPLICIT_ROOT and t.ancestors("N1") == ["N", IMPLICIT_ROOT]
    rr = response_rates(t, ["N1", "S", "S"])
    assert rr.loc[IMPLICIT_ROOT, "respondents"] == 3 and rr.loc[IMPLICIT_ROOT, "headcount"] == 30


def test_numeric_codes_keep_text_and_match_numbers(tmp_path):
    p = tmp_path / "num.csv"
    p.write_text("code,name,parent,headcount\n0100,County,,\n0101,Office,0100,4\n", encoding="utf-8")
    t = read_units(p)
    assert t.codes == ("0100", "0101")
    p2 = tmp_path / "int.csv"
    p2.write_text("code,name,parent,headcount\n100,County,,\n101,Office,100,4\n", encoding="utf-8")
    t2 = read_units(p2)
    # respondents' codes read as numbers (101, 101.0) match the text codes
    assert response_rates(t2, np.array([101, 101.0, 100]))["respondents"].tolist() == [3, 2]


def test_missing_unit_code_is_an_error(units_csv):
    t = read_units(units_csv)
    with pytest.raises(DataError, match="no unit code"):
        t.locate(["O1", None, np.nan], file="d.csv", column="unit")


def test_xlsx(tmp_path):
    frame = pd.read_csv(pd.io.common.StringIO(UNITS), dtype=str)
    p = tmp_path / "units.xlsx"
    frame.to_excel(p, index=False)
    t = read_units(p)
    assert t.codes == ("C", "A1", "A2", "O1", "O2", "O3")


def test_rollup_matches_direct_computation(units_csv):
    t = read_units(units_csv)
    rng = np.random.default_rng(7)
    units = rng.choice(["O1", "O2", "O3", "A2", "C"], size=500)
    values = rng.normal(3, 1, size=(500, 3)) + 1000.0  # far from 0: tests the centring
    values[rng.random((500, 3)) < 0.1] = np.nan
    n, mean, var = t.unit_moments(t.locate(units), values)
    frame = pd.DataFrame(values)
    for k, code in enumerate(t.codes):
        inside = np.array([u == code or code in t.ancestors(u) for u in units])
        sub = frame[inside]
        np.testing.assert_array_equal(n[k], sub.count().to_numpy())
        np.testing.assert_allclose(mean[k], sub.mean().to_numpy(), rtol=1e-13)
        np.testing.assert_allclose(var[k], sub.var(ddof=1).to_numpy(), rtol=1e-9)
    # level-wise ancestor codes per respondent
    idx = t.locate(units)
    at1 = t.ancestor_at_level[idx, 1]
    expected = [None if u == "C" else (u if t.level_of(u) == 1 else t.parent(u)) for u in units]
    got = [None if a < 0 else t.codes[a] for a in at1]
    assert got == expected


def test_summary_and_dict(units_csv):
    t = read_units(units_csv)
    assert "6 units" in t.summary()
    d = t.to_dict()
    assert d["root"] == "C" and len(d["units"]) == 6
