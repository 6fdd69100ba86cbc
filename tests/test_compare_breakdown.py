"""breakdown(): identical to the single-test functions, tidy outputs, records contract, suppression."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from surveykit.compare import anova_oneway, breakdown, group_moments, ttest_ind
from surveykit.errors import AnalysisError

LABELS = {"gender": {1: "Women", 2: "Men"}, "unit": {1: "Trondheim", 2: "NAV > 15", 3: "NAV < 15", 4: "Forvaltning", 5: "Fylke"}}


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    rng = np.random.default_rng(2014)
    n = 400
    unit = rng.choice([1, 2, 3, 4, 5, 6], size=n, p=[0.3, 0.25, 0.2, 0.15, 0.09, 0.01])
    gender = rng.choice([1.0, 2.0], size=n, p=[0.65, 0.35])
    df = pd.DataFrame({"gender": gender, "unit": unit.astype(float)})
    for i, name in enumerate(["q1", "q2", "q3", "scorecard"]):
        y = np.clip(np.round(3.5 + 0.3 * unit - 0.2 * gender + rng.normal(scale=1 + 0.2 * i, size=n)), 1, 6)
        y[rng.random(n) < 0.04 * (i + 1)] = np.nan
        df[name] = y
    df.loc[rng.random(n) < 0.03, "gender"] = np.nan
    df.loc[rng.random(n) < 0.02, "unit"] = np.nan
    return df


OUTCOMES = ["q1", "q2", "q3", "scorecard"]


@pytest.mark.parametrize("posthoc", ["bonferroni", "tukey", "games-howell"])
def test_identical_to_single_functions(survey, posthoc):
    # the studentized range quantiles (Tukey, Games-Howell CIs) are slow: fewer outcomes there
    outcomes = OUTCOMES if posthoc == "bonferroni" else ["scorecard"]
    res = breakdown(survey, outcomes, ["gender", "unit"], posthoc=posthoc, labels=LABELS)
    for outcome in outcomes:
        t = ttest_ind(survey, outcome, "gender", labels=LABELS)
        bt = res.results[(outcome, "gender")]
        assert (bt.student, bt.welch, bt.levene, bt.reported, bt.effect_r, bt.cohen_d) == (
            t.student, t.welch, t.levene, t.reported, t.effect_r, t.cohen_d,
        )
        pd.testing.assert_frame_equal(bt.groups, t.groups)
        a = anova_oneway(survey, outcome, "unit", posthoc=posthoc, labels=LABELS)
        ba = res.results[(outcome, "unit")]
        assert (ba.f, ba.p, ba.ss_between, ba.ss_within, ba.levene, ba.welch, ba.omega_sq) == (
            a.f, a.p, a.ss_between, a.ss_within, a.levene, a.welch, a.omega_sq,
        )
        pd.testing.assert_frame_equal(ba.posthoc, a.posthoc)
        assert ba.suppressed == a.suppressed
        row = res.tests.set_index(["outcome", "group_var"]).loc[(outcome, "unit")]
        assert (row["statistic"], row["p"], row["df1"], row["df2"]) == (a.f, a.p, a.df_between, a.df_within)
        row = res.tests.set_index(["outcome", "group_var"]).loc[(outcome, "gender")]
        assert (row["statistic"], row["df1"], row["p"]) == (t.t, t.df, t.p)
        assert row["test"] == ("welch_t" if t.reported == "welch" else "t")


def test_group_stats_match_pandas_groupby(survey):
    res = breakdown(survey, OUTCOMES, ["gender", "unit"], labels=LABELS)
    gs = res.group_stats.set_index(["outcome", "group_var", "group"]).sort_index()
    for gv in ("gender", "unit"):
        for outcome in OUTCOMES:
            ref = survey.groupby(gv)[outcome].agg(["count", "mean", "std"])
            ref = ref[ref["count"] >= 5]
            for key, r in ref.iterrows():
                ours = gs.loc[(outcome, gv, int(key))]
                assert ours["n"] == r["count"]
                np.testing.assert_allclose([ours["mean"], ours["sd"]], [r["mean"], r["std"]], rtol=1e-13)
    assert set(gs.loc[("q1", "unit")]["label"]) == {"Trondheim", "NAV > 15", "NAV < 15", "Forvaltning", "Fylke"}


def test_suppressed_unit_listed_not_dropped(survey):
    res = breakdown(survey, OUTCOMES, ["unit"])
    n6 = survey.groupby("unit")["q1"].count().get(6.0, 0)
    assert 0 < n6 < 5
    assert {"variable": "unit", "group": 6, "n": int(n6), "outcome": "q1"} in res.suppressed
    assert 6 not in set(res.group_stats["group"])
    assert res.results[("q1", "unit")].df_between == 4


def test_to_records_contract(survey):
    res = breakdown(survey, ["scorecard"], ["gender", "unit"], labels=LABELS)
    recs = res.to_records()
    json.dumps(recs, allow_nan=False)
    assert [r["group"] for r in recs] == ["gender", "unit"]
    for r in recs:
        assert set(r) == {"outcome", "group", "test", "statistic", "df", "p", "effect_r", "groups"}
    t, f = recs
    assert t["test"] in ("t", "welch_t") and isinstance(t["df"], float)
    assert f["test"] == "anova" and isinstance(f["df"], list) and len(f["df"]) == 2
    assert set(t["groups"]) == {"Women", "Men"}
    assert set(t["groups"]["Women"]) == {"n", "mean", "sd"}
    a = anova_oneway(survey, "scorecard", "unit")
    assert f["statistic"] == a.f and f["df"] == [a.df_between, a.df_within] and f["effect_r"] == a.effect_r


def test_wide_table_layout(survey):
    res = breakdown(survey, OUTCOMES, ["gender", "unit"], labels=LABELS)
    wide = res.table()
    assert wide.index.tolist() == OUTCOMES
    assert wide.columns[:6].tolist() == [
        ("gender", "Women", "mean"), ("gender", "Women", "sd"), ("gender", "Women", "n"),
        ("gender", "Men", "mean"), ("gender", "Men", "sd"), ("gender", "Men", "n"),
    ]
    t = ttest_ind(survey, "q2", "gender")
    assert wide.loc["q2", ("gender", "Men", "mean")] == t.groups.loc[2, "mean"]
    assert res.table("unit").columns.get_level_values(0).unique().tolist() == ["unit"]


def test_forced_tests_and_skipped(survey):
    res = breakdown(survey, ["q1"], ["gender", "unit"], test="t")
    assert ("q1", "gender") in res.results
    assert res.skipped == [{"outcome": "q1", "group_var": "unit", "reason": res.skipped[0]["reason"]}]
    assert "exactly two groups" in res.skipped[0]["reason"]
    res = breakdown(survey, ["q1"], ["gender"], test="anova")
    a = res.results[("q1", "gender")]
    t = ttest_ind(survey, "q1", "gender")
    np.testing.assert_allclose(a.f, t.student.t ** 2, rtol=1e-12)  # F = t^2 for two groups
    with pytest.raises(AnalysisError, match="unknown test"):
        breakdown(survey, ["q1"], ["gender"], test="chi2")
    with pytest.raises(AnalysisError, match="min_group_size"):
        breakdown(survey, ["q1"], ["gender"], min_group_size=-1)


def test_group_moments_many_rows_match_groupby():
    """Vectorised sufficient statistics over 200,000 rows and 6 outcomes vs pandas."""
    rng = np.random.default_rng(0)
    n = 200_000
    df = pd.DataFrame(rng.integers(1, 7, size=(n, 6)).astype(float), columns=[f"o{i}" for i in range(6)])
    df.loc[rng.random(n) < 0.1, "o2"] = np.nan
    df["g"] = rng.integers(1, 9, n)
    m = group_moments(df, list(df.columns[:6]), "g")
    ref = df.groupby("g")[list(df.columns[:6])]
    np.testing.assert_array_equal(m.n, ref.count().to_numpy())
    np.testing.assert_allclose(m.mean, ref.mean().to_numpy(), rtol=1e-13)
    np.testing.assert_allclose(m.ss / (m.n - 1), ref.var().to_numpy(), rtol=1e-12)
    dev = (df[list(df.columns[:6])] - ref.transform("mean")).abs()
    np.testing.assert_allclose(m.absdev_mean, dev.groupby(df["g"]).mean().to_numpy(), rtol=1e-12)


def test_summary_and_dict(survey):
    res = breakdown(survey, ["q1"], ["gender", "unit"])
    json.dumps(res.to_dict(), allow_nan=False)
    assert "q1 by unit: anova" in res.summary()
