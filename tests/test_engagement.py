"""eNPS and the engagement index, by group and by unit tree.

References: tests/data/engagement/*.csv from tests/r/engagement.R, the same statistics written out by
hand in base R (counts by subsetting; Wald and adjusted-Wald CIs; Wilson CI from prop.test(correct =
FALSE)). R prints 15 significant digits; rtol 1e-10 (the only difference is the normal quantile's last
bits).
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from surveykit.compare.engagement import engagement_index, enps, enps_from_counts
from surveykit.data.units import build_tree
from surveykit.errors import AnalysisError

DATA = Path(__file__).parent / "data" / "engagement"


@pytest.fixture(scope="module")
def data():
    return pd.read_csv(DATA / "data.csv")


def test_enps_by_group_against_r(data):
    ref = pd.read_csv(DATA / "enps.csv").set_index("group")
    res = enps(data["score"], groups=data["group"], variable="score")
    whole = enps(data["score"], variable="score")
    t = pd.concat([res.table, whole.table])
    t = t.loc[ref.index]
    for col in ref.columns:
        np.testing.assert_allclose(t[col].to_numpy(dtype=float), ref[col].to_numpy(dtype=float),
                                   rtol=1e-10, err_msg=col)
    assert res.n_missing == 15
    assert "adjusted Wald" in res.summary()


def test_enps_edges():
    t = enps_from_counts([10, 0], [0, 0], [0, 0])
    assert t.loc[0, "enps"] == 100 and t.loc[0, "wald_high"] == 100 and t.loc[0, "wald_low"] == 100
    assert t.loc[0, "adjusted_low"] < 100  # the adjustment keeps an all-promoter group's CI open
    assert np.isnan(t.loc[1, "enps"])
    with pytest.raises(AnalysisError, match="0 to 10"):
        enps(pd.Series([3, 11, 7.5, "x"]))


def test_engagement_against_r(data):
    ref = pd.read_csv(DATA / "engagement.csv").set_index("group")
    res = engagement_index(data, ["q1", "q2", "q3"], favourable=[4, 5], groups=data["group"])
    whole = engagement_index(data, ["q1", "q2", "q3"], favourable=[4, 5])
    t = pd.concat([res.table, whole.table]).loc[ref.index]
    for col in ref.columns:
        np.testing.assert_allclose(t[col].to_numpy(dtype=float), ref[col].to_numpy(dtype=float),
                                   rtol=1e-10, err_msg=col)
    assert whole.n_incomplete == len(data) - ref.loc["all", "n"]


def test_by_unit_tree_rolls_up(data):
    tree = build_tree(pd.DataFrame({"code": ["ORG", "AB", "A", "B", "C", "D"],
                                    "parent": [None, "ORG", "AB", "AB", "ORG", "ORG"],
                                    "name": ["org", "ab", "a", "b", "c", "d"]}))
    e = enps(data["score"], tree=tree, unit_codes=data["group"])
    sub = data[data["group"].isin(["A", "B"])]
    direct = enps(sub["score"]).table.iloc[0]
    assert e.table.loc["AB", "n"] == direct["n"] and e.table.loc["AB", "enps"] == pytest.approx(direct["enps"])
    assert e.table.loc["AB", "level"] == 1
    g = engagement_index(data, ["q1", "q2", "q3"], [4, 5], tree=tree, unit_codes=data["group"])
    assert g.table.loc["ORG", "n"] == engagement_index(data, ["q1", "q2", "q3"], [4, 5]).table.loc["all", "n"]


def test_engagement_errors(data):
    with pytest.raises(AnalysisError, match="not in the data"):
        engagement_index(data, ["q1", "nope"], [4, 5])
