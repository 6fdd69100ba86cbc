"""Descriptives: hand-computed small cases, SAQ cross-check, scale distribution and favourable shares."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from surveykit.compare import describe
from surveykit.errors import AnalysisError


def test_hand_example():
    df = pd.DataFrame(
        {
            "q1": [1, 2, 2, 3, 3, 6, np.nan, 5],
            "q2": [6, 6, 5, 4, 6, 5, 2, np.nan],
        }
    )
    out = describe(df, ["q1", "q2"], scale_values=range(1, 7))
    q1 = out.loc["q1"]
    assert (q1["n"], q1["n_missing"]) == (7, 1)
    assert q1["mean"] == pytest.approx(22 / 7, rel=1e-15)
    assert q1["median"] == 3
    assert q1["modes"] == (2, 3) and q1["mode"] == 2 and q1["n_modes"] == 2
    var = sum((v - 22 / 7) ** 2 for v in [1, 2, 2, 3, 3, 6, 5]) / 6
    assert q1["variance"] == pytest.approx(var, rel=1e-14)
    assert q1["sd"] == pytest.approx(var**0.5, rel=1e-14)
    assert q1["se"] == pytest.approx((var / 7) ** 0.5, rel=1e-14)
    assert (q1["min"], q1["max"]) == (1, 6)
    assert q1["pct_2"] == pytest.approx(200 / 7)
    assert q1["pct_4"] == 0
    assert q1["pct_top3"] == pytest.approx(200 / 7)  # 5 and 6 (no 4s)
    assert q1["pct_top2"] == pytest.approx(200 / 7)
    q2 = out.loc["q2"]
    assert q2["modes"] == (6,) and q2["pct_top2"] == pytest.approx(100 * 5 / 7)
    assert q2["pct_top3"] == pytest.approx(100 * 6 / 7)
    assert out["n_out_of_scale"].tolist() == [0, 0]
    fav = describe(df, ["q2"], scale_values=range(1, 7), favourable=[4, 5, 6])
    assert fav.loc["q2", "pct_favourable"] == pytest.approx(100 * 6 / 7)


def test_saq_against_pandas(saq):
    cols = ["Question_01", "Question_03", "Question_23"]
    out = describe(saq, cols, scale_values=[1, 2, 3, 4, 5])
    for c in cols:
        s = saq[c]
        assert out.loc[c, "mean"] == pytest.approx(s.mean(), rel=1e-14)
        assert out.loc[c, "sd"] == pytest.approx(s.std(), rel=1e-14)
        assert out.loc[c, "mode"] == s.mode().min()
        shares = s.value_counts(normalize=True) * 100
        for v in range(1, 6):
            assert out.loc[c, f"pct_{v}"] == pytest.approx(shares.get(float(v), 0.0), rel=1e-13)
        np.testing.assert_allclose(sum(out.loc[c, f"pct_{v}"] for v in range(1, 6)), 100.0, rtol=1e-13)


def test_suppression_and_errors():
    df = pd.DataFrame({"q1": [1.0, 2, np.nan, np.nan, np.nan], "q2": [1.0, 2, 3, 4, 5]})
    out = describe(df, ["q1", "q2"], min_group_size=3)
    assert bool(out.loc["q1", "suppressed"]) and np.isnan(out.loc["q1", "mean"]) and out.loc["q1", "n"] == 2
    assert not out.loc["q2", "suppressed"]
    assert out.attrs["suppressed"] == [{"variable": "q1", "group": None, "n": 2}]
    with pytest.raises(AnalysisError, match="favourable"):
        describe(df, ["q2"], scale_values=[1, 2, 3], favourable=[9])
    out = describe(df, ["q2"], scale_values=[1, 2, 3])
    assert out.loc["q2", "n_out_of_scale"] == 2


def test_value_counts_equal_pandas_path():
    """The counting path (integer columns) gives pandas' numbers, on random data with missing values."""
    rng = np.random.default_rng(7)
    n = 5001  # odd: a single middle value for complete columns
    df = pd.DataFrame(
        {
            "likert": rng.integers(1, 7, n).astype(float),
            "skewed": rng.choice([1.0, 2.0, 6.0], n, p=[0.1, 0.1, 0.8]),
            "out_of_scale": rng.integers(0, 9, n).astype(float),  # 0, 7, 8 are not on the 1-6 scale
            "age": rng.integers(23, 73, n).astype(float),
            "offset": 1e12 + rng.integers(0, 6, n),
            "index": np.round(rng.integers(3, 19, n) / 3, 12),  # few non-integer values
            "continuous": rng.normal(3, 1, n),
            "bimodal": np.repeat([2.0, 5.0], [n // 2, n - n // 2]),
            "one_answer": np.where(np.arange(n) == 3, 4.0, np.nan),
            "empty": np.full(n, np.nan),
        }
    )
    for col in list(df.columns)[:7]:
        df.loc[rng.random(n) < 0.1, col] = np.nan
    df.loc[n - 1, "bimodal"] = np.nan  # 2500 x 2 and 2500 x 5: median between them, two modes
    for kwargs in ({}, {"scale_values": range(1, 7), "favourable": [4, 5, 6]}):
        fast = describe(df, list(df.columns), min_group_size=1, **kwargs)
        slow = describe(df, list(df.columns), min_group_size=1, value_counts=False, **kwargs)
        assert fast.columns.tolist() == slow.columns.tolist()
        pd.testing.assert_series_equal(fast.dtypes, slow.dtypes)
        close = ["sd", "variance", "se"]  # sum(count * square) vs a sum of n squares: a few ulp
        pd.testing.assert_frame_equal(fast.drop(columns=close), slow.drop(columns=close), check_exact=True)
        pd.testing.assert_frame_equal(fast[close], slow[close], check_exact=False, rtol=1e-14)
    assert fast.loc["bimodal", "median"] == 3.5 and fast.loc["bimodal", "modes"] == (2, 5)
    assert fast.loc["out_of_scale", "n_out_of_scale"] == slow.loc["out_of_scale", "n_out_of_scale"] > 0
    assert fast.loc["one_answer", "n"] == 1 and np.isnan(fast.loc["one_answer", "sd"])
    assert fast.loc["empty", "n"] == 0 and fast.loc["empty", "modes"] == ()
