"""Tests for surveykit.reliability.

References: Field's SAQ subscale alphas (published SPSS values, /work/shared/data/saq/README.md);
psych::alpha values quoted in pingouin's cronbach_alpha docstring (data set cronbach_wide_missing);
pingouin.cronbach_alpha (alpha and Feldt CI); a small case computed with exact fractions; scipy.stats.
"""

import json
from fractions import Fraction
from statistics import variance

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats

from surveykit.errors import AnalysisError
from surveykit.measure.reliability import cronbach_alpha, omega_total
from surveykit.measure.scoring import reverse_key, score_index

SUBSCALES = {
    "computers": ([6, 7, 10, 13, 14, 15, 18], 0.8234),
    "statistics": ([1, 3, 4, 5, 12, 16, 20, 21], 0.8208),
    "mathematics": ([8, 11, 17], 0.8194),
    "peers": ([2, 9, 19, 22, 23], 0.5699),
}


def cols(numbers):
    return [f"Question_{i:02d}" for i in numbers]


@pytest.fixture(scope="module")
def saq_keyed(saq):
    out = saq.copy()
    out["Question_03"] = reverse_key(out["Question_03"], 1, 5)
    return out


@pytest.mark.parametrize("name", list(SUBSCALES))
def test_saq_subscale_alphas_match_field(saq_keyed, name):
    items, published = SUBSCALES[name]
    res = cronbach_alpha(saq_keyed[cols(items)])
    assert res.alpha == pytest.approx(published, abs=5e-5)
    assert res.n == 2571 and res.missing == "listwise"
    # pingouin: same alpha, Feldt CI (pingouin rounds the CI to 3 decimals)
    pg_alpha, pg_ci = pg.cronbach_alpha(saq_keyed[cols(items)])
    assert res.alpha == pytest.approx(pg_alpha, abs=1e-12)
    np.testing.assert_allclose(res.alpha_ci, pg_ci, atol=5e-4 + 1e-12)
    json.dumps(res.to_dict(), allow_nan=False)


def test_psych_published_alpha_pairwise_and_listwise():
    data = pg.read_dataset("cronbach_wide_missing")
    # psych::alpha(data, use="pairwise") and psych::alpha(data, use="complete.obs")
    assert cronbach_alpha(data, missing="pairwise").alpha == pytest.approx(0.732660835214447, abs=1e-12)
    listwise = cronbach_alpha(data, missing="listwise")
    assert listwise.alpha == pytest.approx(0.8016949152542373, abs=1e-12)
    assert listwise.n == len(data.dropna()) and listwise.n_total == len(data)
    pairwise = cronbach_alpha(data, missing="pairwise")
    counts = data.notna().astype(int)
    assert pairwise.n == int((counts.T @ counts).to_numpy().min())


def test_small_case_by_hand():
    a, b, c = [1, 2, 3, 4, 5], [2, 2, 3, 5, 4], [1, 3, 3, 4, 5]
    df = pd.DataFrame({"a": a, "b": b, "c": c})
    total = [x + y + z for x, y, z in zip(a, b, c)]
    item_var = sum(variance([Fraction(v) for v in col]) for col in (a, b, c))
    expected = Fraction(3, 2) * (1 - item_var / variance([Fraction(v) for v in total]))
    res = cronbach_alpha(df)
    assert res.alpha == pytest.approx(float(expected), abs=1e-14)
    # standardised alpha = alpha of z-scored items; average r = mean of the 3 correlations
    z = (df - df.mean()) / df.std()
    assert res.alpha_std == pytest.approx(cronbach_alpha(z).alpha, abs=1e-12)
    r = df.corr().to_numpy()
    assert res.average_r == pytest.approx(r[np.triu_indices(3, 1)].mean(), abs=1e-14)


def test_item_statistics_match_direct_computation(saq_keyed):
    df = saq_keyed[cols(SUBSCALES["computers"][0])]
    res = cronbach_alpha(df)
    for item in df.columns:
        rest = df.drop(columns=item)
        r_drop = np.corrcoef(df[item], rest.sum(axis=1))[0, 1]
        assert res.item_stats.loc[item, "r_drop"] == pytest.approx(r_drop, abs=1e-12)
        assert res.item_stats.loc[item, "alpha_if_deleted"] == pytest.approx(cronbach_alpha(rest).alpha, abs=1e-12)
        assert res.item_stats.loc[item, "alpha_std_if_deleted"] == pytest.approx(
            cronbach_alpha(rest).alpha_std, abs=1e-12
        )
    np.testing.assert_allclose(res.item_stats["mean"], df.mean(), atol=1e-14)
    np.testing.assert_allclose(res.item_stats["sd"], df.std(), atol=1e-14)
    assert res.raises_alpha_if_deleted == tuple(
        i for i in df.columns if cronbach_alpha(df.drop(columns=i)).alpha > res.alpha
    )


def test_flags_low_item_total(saq_keyed):
    res = cronbach_alpha(saq_keyed[cols(SUBSCALES["peers"][0])])
    assert res.low_item_total == ("Question_23",)
    assert res.item_stats.loc["Question_23", "r_drop"] < 0.30


def test_two_item_scale():
    rng = np.random.default_rng(5)
    x = rng.normal(size=200)
    df = pd.DataFrame({"q1": x + rng.normal(size=200), "q2": x + rng.normal(size=200)})
    res = cronbach_alpha(df)
    r, p = stats.pearsonr(df.q1, df.q2)
    assert res.pearson_r == pytest.approx(r, abs=1e-14) and res.pearson_p == pytest.approx(p, rel=1e-10)
    assert res.spearman_brown == pytest.approx(2 * r / (1 + r), abs=1e-14)
    assert res.alpha_std == pytest.approx(res.spearman_brown, abs=1e-12)  # identity for two items
    assert res.omega_total is None and res.item_stats["alpha_if_deleted"].isna().all()


def test_omega_total_on_exact_one_factor_matrix():
    lam = np.array([0.8, 0.7, 0.6, 0.5])
    r = np.outer(lam, lam)
    np.fill_diagonal(r, 1.0)
    expected = lam.sum() ** 2 / (lam.sum() ** 2 + np.sum(1 - lam**2))  # 6.76 / 9.02
    assert omega_total(r) == pytest.approx(expected, abs=1e-6)
    assert expected == pytest.approx(6.76 / 9.02)


def test_reliability_errors():
    df = pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 2, 2, 2], "c": [1, 3, 2, 4]})
    with pytest.raises(AnalysisError, match="zero variance"):
        cronbach_alpha(df)
    with pytest.raises(AnalysisError, match="at least 2 items"):
        cronbach_alpha(df[["a"]])
    with pytest.raises(AnalysisError, match="missing must be"):
        cronbach_alpha(df[["a", "c"]], missing="mean")


# --------------------------------------------------------------------------------------------------
# Reverse keying and scale scores
# --------------------------------------------------------------------------------------------------
def test_reverse_key_and_score_index():
    df = pd.DataFrame({"a": [1, 2, np.nan, 5], "b": [5, np.nan, np.nan, 1], "c": [3, 3, 4, np.nan]})
    assert reverse_key(df["b"], 1, 5).tolist()[::3] == [1.0, 5.0]
    scores = score_index(df, ["a", "b", "c"], reverse=["b"], scale_min=1, scale_max=5, min_valid=2)
    expected = pd.Series([(1 + 1 + 3) / 3, (2 + 3) / 2, np.nan, (5 + 5) / 2])
    pd.testing.assert_series_equal(scores, expected, check_names=False)
    assert score_index(df, ["a", "b", "c"], min_valid=1).iloc[2] == 4.0
    assert df["b"].tolist()[0] == 5  # input not modified


def test_score_index_errors():
    df = pd.DataFrame({"a": [1, 9], "b": [2, 3]})
    with pytest.raises(AnalysisError, match="outside the scale"):
        reverse_key(df["a"], 1, 5)
    with pytest.raises(AnalysisError, match="outside the scale"):
        score_index(df, ["a", "b"], reverse=["a"], scale_min=1, scale_max=5)
    with pytest.raises(AnalysisError, match="scale_min and scale_max"):
        score_index(df, ["a", "b"], reverse=["a"])
    with pytest.raises(AnalysisError, match="not in the data"):
        score_index(df, ["a", "zz"])
    with pytest.raises(AnalysisError, match="min_valid"):
        score_index(df, ["a", "b"], min_valid=3)
