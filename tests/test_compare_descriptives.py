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
