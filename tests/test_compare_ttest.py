"""Independent-samples t-test against scipy and pingouin, Levene choice, effect sizes, suppression."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from surveykit.compare import ttest_ind
from surveykit.errors import AnalysisError


def make(n1=40, n2=25, sd1=1.0, sd2=1.0, seed=1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = np.concatenate([rng.normal(4.9, sd1, n1), rng.normal(4.4, sd2, n2)])
    return pd.DataFrame({"score": y, "gender": np.repeat([1.0, 2.0], [n1, n2])})


@pytest.mark.parametrize("sd2", [1.0, 3.0])
def test_student_and_welch_match_scipy(sd2):
    df = make(sd2=sd2)
    a, b = df.score[df.gender == 1], df.score[df.gender == 2]
    res = ttest_ind(df, "score", "gender", labels={1: "Women", 2: "Men"})
    for variant, equal in ((res.student, True), (res.welch, False)):
        ref = stats.ttest_ind(a, b, equal_var=equal)
        ci = ref.confidence_interval(0.95)
        np.testing.assert_allclose(variant.t, ref.statistic, rtol=1e-12)
        np.testing.assert_allclose(variant.df, ref.df, rtol=1e-12)
        np.testing.assert_allclose(variant.p, ref.pvalue, rtol=1e-10)
        np.testing.assert_allclose([variant.ci_low, variant.ci_high], [ci.low, ci.high], rtol=1e-10)
    lev = stats.levene(a, b, center="mean")
    np.testing.assert_allclose(res.levene.statistic, lev.statistic, rtol=1e-12)
    np.testing.assert_allclose(res.levene.p, lev.pvalue, rtol=1e-10)
    assert (res.levene.df1, res.levene.df2) == (1, len(df) - 2)
    # 'auto' reports Welch exactly when Levene is significant
    assert res.reported == ("welch" if lev.pvalue < 0.05 else "student")
    assert res.reported == ("welch" if sd2 == 3.0 else "student")  # the data were built so
    np.testing.assert_allclose(res.mean_diff, a.mean() - b.mean(), rtol=1e-13)
    assert res.groups.loc[1, "label"] == "Women" and res.groups.loc[2, "n"] == 25


def test_effect_sizes():
    import pingouin as pg

    df = make(sd2=1.4, seed=3)
    a, b = df.score[df.gender == 1], df.score[df.gender == 2]
    res = ttest_ind(df, "score", "gender", equal_var=True)
    np.testing.assert_allclose(res.cohen_d, pg.compute_effsize(a, b, eftype="cohen"), rtol=1e-12)
    np.testing.assert_allclose(res.hedges_g, pg.compute_effsize(a, b, eftype="hedges"), rtol=1e-12)
    t, dfree = res.student.t, res.student.df
    np.testing.assert_allclose(res.effect_r, math.sqrt(t * t / (t * t + dfree)), rtol=1e-14)
    welch = ttest_ind(df, "score", "gender", equal_var=False)
    assert welch.reported == "welch"
    np.testing.assert_allclose(welch.effect_r, math.sqrt(welch.t**2 / (welch.t**2 + welch.df)), rtol=1e-14)
    assert welch.t == welch.welch.t and welch.p == welch.welch.p


def test_missing_pairwise_and_n():
    df = make()
    df.loc[[0, 1, 2], "score"] = np.nan
    df.loc[[50], "gender"] = np.nan
    res = ttest_ind(df, "score", "gender")
    assert res.n == len(df) - 4
    assert res.missing == {
        "method": "pairwise",
        "n_rows": 65,
        "n_used": 61,
        "n_missing_group": 1,
        "n_missing_outcome": 3,
        "n_suppressed": 0,
    }


def test_suppression_and_group_count():
    rng = np.random.default_rng(5)
    df = pd.DataFrame({"y": rng.normal(size=43), "g": np.repeat([1, 2, 3], [20, 20, 3])})
    res = ttest_ind(df, "y", "g", min_group_size=5)
    assert list(res.groups.index) == [1, 2]
    assert res.suppressed == [{"variable": "g", "group": 3, "n": 3}]
    ref = stats.ttest_ind(df.y[df.g == 1], df.y[df.g == 2])
    np.testing.assert_allclose(res.student.t, ref.statistic, rtol=1e-12)
    with pytest.raises(AnalysisError, match="exactly two groups"):
        ttest_ind(df, "y", "g", min_group_size=3)
    with pytest.raises(AnalysisError, match="exactly two groups"):
        ttest_ind(df[df.g != 2], "y", "g", min_group_size=5)


def test_zero_variance_raises():
    df = pd.DataFrame({"y": [3.0] * 12, "g": [1] * 6 + [2] * 6})
    with pytest.raises(AnalysisError, match="zero variance"):
        ttest_ind(df, "y", "g")


def test_bad_arguments():
    df = make()
    with pytest.raises(AnalysisError, match="equal_var"):
        ttest_ind(df, "score", "gender", equal_var="maybe")
    with pytest.raises(AnalysisError, match="min_group_size"):
        ttest_ind(df, "score", "gender", min_group_size=0)
    with pytest.raises(AnalysisError, match="numeric"):
        ttest_ind(df.assign(score=df.score.astype(str)), "score", "gender")


def test_categorical_group_and_json():
    df = make()
    df["sex"] = pd.Categorical(df.gender.map({1.0: "F", 2.0: "M"}), categories=["M", "F"])
    res = ttest_ind(df, "score", "sex")
    assert list(res.groups.index) == ["M", "F"]  # category order
    out = res.to_dict()
    json.dumps(out, allow_nan=False)
    assert out["reported"] in ("student", "welch") and out["t"] == res.t
    assert "Levene" in res.summary()
