"""Wave-on-wave change: Welch t, Cohen's d, Newcombe hybrid score CI and the pooled z test.

References:
- tests/data/waves/*.csv, written by tests/r/waves.R: R ``t.test(curr, prev, var.equal = FALSE)``,
  Cohen's d with the pooled SD written out in R, Wilson intervals from ``prop.test(x, n, correct = FALSE)``,
  Newcombe (1998) method 10 coded by hand in R from those, and ``prop.test(c(x2, x1), c(n2, n1),
  correct = FALSE)`` whose X^2 must equal z^2. R prints 15 significant digits: rtol 1e-9 leaves room for
  the t quantile's last digits and nothing more.
- Newcombe (1998, Table II) published examples (a) 56/70 - 48/80: 0.0524 to 0.3339 and (b) 9/10 - 3/10:
  0.1705 to 0.8090, printed to 4 decimals (tolerance 5e-5, half a unit of the last digit).
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from surveykit.compare.waves import (
    compare_waves,
    flag_changes,
    proportion_change,
    welch_change,
)
from surveykit.data.units import build_tree
from surveykit.stats.proportions import wilson_interval

DATA = Path(__file__).parent / "data" / "waves"


def test_welch_against_r():
    samples = pd.read_csv(DATA / "samples.csv")
    ref = pd.read_csv(DATA / "welch.csv")
    g = samples.groupby(["pair", "wave"])["value"].agg(["count", "mean", "var"])
    prev, curr = g.xs("prev", level="wave").loc[ref["pair"]], g.xs("curr", level="wave").loc[ref["pair"]]
    res = welch_change(prev["count"], prev["mean"], prev["var"], curr["count"], curr["mean"], curr["var"])
    for col in ("diff", "t", "df", "p", "ci_low", "ci_high", "d"):
        np.testing.assert_allclose(res[col].to_numpy(), ref[col].to_numpy(), rtol=1e-9, err_msg=col)


def test_proportions_against_r():
    ref = pd.read_csv(DATA / "proportions.csv")
    res = proportion_change(ref["x1"], ref["n1"], ref["x2"], ref["n2"])
    np.testing.assert_allclose(res["diff"], ref["diff"], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(res["ci_low"], ref["ci_low"], rtol=1e-9)
    np.testing.assert_allclose(res["ci_high"], ref["ci_high"], rtol=1e-9)
    np.testing.assert_allclose(res["z"] ** 2, ref["chi2"], rtol=1e-9)
    np.testing.assert_allclose(res["p"], ref["p"], rtol=1e-9)
    lo, hi = wilson_interval(ref["x1"], ref["n1"])
    np.testing.assert_allclose(lo, ref["wilson1_low"], rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(hi, ref["wilson1_high"], rtol=1e-9)
    # sign: z has the sign of the change (current - previous)
    assert np.all(np.sign(res["z"].fillna(0)) == np.sign(res["diff"]))


def test_newcombe_published_examples():
    res = proportion_change([48, 3], [80, 10], [56, 9], [70, 10])
    np.testing.assert_allclose(res["ci_low"], [0.0524, 0.1705], atol=5e-5)
    np.testing.assert_allclose(res["ci_high"], [0.3339, 0.8090], atol=5e-5)


def test_welch_too_few_gives_nan():
    res = welch_change([1, 5], [3.0, 3.0], [np.nan, 1.0], [10, 5], [3.5, 3.0], [1.0, 1.0])
    assert np.isnan(res.loc[0, "t"]) and np.isnan(res.loc[0, "p"])
    assert res.loc[1, "diff"] == 0 and res.loc[1, "t"] == 0 and res.loc[1, "p"] == pytest.approx(1.0)


def test_flag_needs_both_significance_and_size():
    flags = flag_changes([0.5, 0.1, -0.4, 0.5], [0.001, 0.001, 0.01, 0.2], alpha=0.05, min_change=0.3)
    assert flags.tolist() == ["up", "", "down", ""]


def test_compare_waves_by_unit_matches_subsets():
    tree = build_tree(pd.DataFrame({"code": ["R", "A", "B", "A1", "A2"],
                                    "name": ["r", "a", "b", "a1", "a2"],
                                    "parent": [None, "R", "R", "A", "A"],
                                    "headcount": [None, None, 30, 20, 20]}))
    rng = np.random.default_rng(3)

    def wave(n, shift):
        unit = rng.choice(["A1", "A2", "B"], n)
        q1 = np.clip(np.rint(rng.normal(3 + shift * (unit == "A1"), 1, n)), 1, 5)
        q2 = np.clip(np.rint(rng.normal(3.5, 1, n)), 1, 5)
        q2[rng.random(n) < 0.1] = np.nan
        return pd.DataFrame({"unit": unit, "q1": q1, "q2": q2, "q_old": 1.0})

    prev, curr = wave(200, 0.0), wave(220, 0.8).drop(columns="q_old")
    curr["q_new"] = 2.0
    res = compare_waves(prev, curr, ["q1", "q2", "q_old", "q_new"], favourable={"q1": [4, 5], "q2": [4, 5]},
                        tree=tree, unit_variable="unit", previous_label="2023", current_label="2024")
    assert res.only_in == {"q_old": "2023", "q_new": "2024"}
    assert set(res.means["variable"]) == {"q1", "q2"}
    for unit, members in {"A": ["A1", "A2"], "A1": ["A1"], "R": ["A1", "A2", "B"]}.items():
        for var in ("q1", "q2"):
            x1 = prev.loc[prev["unit"].isin(members), var].dropna()
            x2 = curr.loc[curr["unit"].isin(members), var].dropna()
            direct = welch_change(len(x1), x1.mean(), x1.var(), len(x2), x2.mean(), x2.var()).iloc[0]
            row = res.means[(res.means["unit"] == unit) & (res.means["variable"] == var)].iloc[0]
            for col in ("diff", "t", "df", "p", "d"):
                assert row[col] == pytest.approx(direct[col], rel=1e-9), (unit, var, col)
            f1, f2 = (x1 >= 4).sum(), (x2 >= 4).sum()
            pc = proportion_change(f1, len(x1), f2, len(x2)).iloc[0]
            frow = res.favourable[(res.favourable["unit"] == unit) & (res.favourable["item"] == var)].iloc[0]
            assert frow["diff"] == pytest.approx(100 * pc["diff"], rel=1e-12, abs=1e-12)
            assert frow["ci_low"] == pytest.approx(100 * pc["ci_low"], rel=1e-12)
            assert frow["n_prev"] == len(x1)
    a1 = res.means[(res.means["unit"] == "A1") & (res.means["variable"] == "q1")].iloc[0]
    assert a1["flag"] == "up"  # 0.8 built in, n ~ 70 per wave
    assert "flagged" in res.summary()
    assert res.units_only_in == {}
    assert res.to_dict()["only_in"]["q_new"] == "2024"


def test_compare_waves_whole_sample():
    prev = pd.DataFrame({"q": [1.0, 2, 3, 4, 5, np.nan]})
    curr = pd.DataFrame({"q": [2.0, 3, 4, 5, 5]})
    res = compare_waves(prev, curr, ["q"], favourable={"q": [4, 5]})
    row = res.means.iloc[0]
    assert row["unit"] == "all" and row["n_prev"] == 5 and row["diff"] == pytest.approx(0.8)
    f = res.favourable.iloc[0]
    assert f["pct_prev"] == pytest.approx(40.0) and f["pct_curr"] == pytest.approx(60.0)


def test_renamed_items_and_units_in_one_wave():
    tree = build_tree(pd.DataFrame({"code": ["R", "A", "B", "C"], "parent": [None, "R", "R", "R"]}))
    prev = pd.DataFrame({"unit": ["A", "A", "B", "B", "B"], "q_old": [1.0, 2, 3, 4, 5]})
    curr = pd.DataFrame({"unit": ["A", "A", "C", "C", "C"], "q": [2.0, 3, 4, 5, 5]})
    res = compare_waves(prev, curr, ["q"], rename={"q_old": "q"}, tree=tree, unit_variable="unit",
                        previous_label="2023", current_label="2024")
    assert res.renamed == {"q_old": "q"} and res.only_in == {}
    assert res.units_only_in == {"B": "2023", "C": "2024"}
    root = res.means[res.means["unit"] == "R"].iloc[0]
    assert root["n_prev"] == 5 and root["diff"] == pytest.approx(0.8)
    assert np.isnan(res.means.loc[res.means["unit"] == "B", "t"]).all()
    assert "q_old (2023) compared as q" in res.summary()
