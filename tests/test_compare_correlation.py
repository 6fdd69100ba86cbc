"""Correlation matrix against pandas / scipy, pairwise N, stars, suppression."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from surveykit.compare import correlation_matrix, stars
from surveykit.errors import AnalysisError


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 300
    base = rng.normal(size=n)
    df = pd.DataFrame(
        {
            "a": np.round(3 + base + rng.normal(size=n)),  # Likert-like with ties
            "b": 1e6 + base + rng.normal(scale=2, size=n),  # large offset
            "c": rng.normal(size=n),
            "d": np.round(2 * base + rng.normal(size=n), 1),
        }
    )
    for col, frac in zip(df.columns, (0.05, 0.1, 0.0, 0.2)):
        df.loc[rng.random(n) < frac, col] = np.nan
    return df


@pytest.mark.parametrize("method", ["pearson", "spearman"])
def test_matches_pandas_and_scipy(data, method):
    cols = list(data.columns)
    res = correlation_matrix(data, cols, method=method)
    # pandas' pairwise algorithm loses ~1e-10 on the 1e6-offset column; scipy (per pair, two-pass)
    # and exact arithmetic (below) are the tighter references
    np.testing.assert_allclose(res.r.to_numpy(), data.corr(method=method).to_numpy(), rtol=1e-9, atol=1e-12)
    func = stats.pearsonr if method == "pearson" else stats.spearmanr
    for i, x in enumerate(cols):
        for j, y in enumerate(cols):
            if i == j:
                continue
            ok = data[[x, y]].dropna()
            ref = func(ok[x], ok[y])
            assert res.n.loc[x, y] == len(ok)
            np.testing.assert_allclose(res.r.loc[x, y], ref.statistic, rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(res.p.loc[x, y], ref.pvalue, rtol=1e-8, atol=1e-300)
    np.testing.assert_allclose(res.r_squared.to_numpy(), res.r.to_numpy() ** 2)
    assert res.missing["method"] == "pairwise"
    assert res.missing["n_missing"]["c"] == 0


def test_offset_column_exact(data):
    """r of the 1e6-offset column with another, against exact rational arithmetic."""
    from fractions import Fraction

    ok = data[["b", "c"]].dropna()
    x, y = [Fraction(v) for v in ok.b], [Fraction(v) for v in ok.c]
    mx, my = sum(x) / len(x), sum(y) / len(y)
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    sxx, syy = sum((a - mx) ** 2 for a in x), sum((b - my) ** 2 for b in y)
    exact = float(sxy) / (float(sxx) * float(syy)) ** 0.5
    res = correlation_matrix(data, ["b", "c"])
    np.testing.assert_allclose(res.r.loc["b", "c"], exact, rtol=1e-13)


def test_stars():
    assert [stars(p) for p in (0.0004, 0.001, 0.005, 0.01, 0.049, 0.05, np.nan, None)] == [
        "***", "**", "**", "*", "*", "", "", "",
    ]
    p = pd.DataFrame([[np.nan, 0.02], [0.0001, np.nan]])
    assert stars(p).values.tolist() == [["", "*"], ["***", ""]]


def test_small_pairs_suppressed_and_zero_variance():
    df = pd.DataFrame({"x": np.arange(20.0), "y": np.r_[np.arange(4.0), [np.nan] * 16], "z": np.random.default_rng(1).normal(size=20)})
    res = correlation_matrix(df, ["x", "y", "z"], min_group_size=5)
    assert np.isnan(res.r.loc["x", "y"]) and np.isnan(res.p.loc["y", "x"])
    assert {(s["variable"], s["group"], s["n"]) for s in res.suppressed} == {("x", "y", 4), ("y", "z", 4)}
    assert res.n.loc["x", "y"] == 4
    json.dumps(res.to_dict(), allow_nan=False)
    with pytest.raises(AnalysisError, match="without variance"):
        correlation_matrix(df.assign(z=1.0), ["x", "z"])
    with pytest.raises(AnalysisError, match="method"):
        correlation_matrix(df, ["x", "z"], method="kendall")


def test_saq_pearson(saq):
    """Field's SAQ (2,571 complete cases): our matrix equals numpy's corrcoef."""
    cols = list(saq.columns[:23])
    res = correlation_matrix(saq, cols)
    np.testing.assert_allclose(res.r.to_numpy(), np.corrcoef(saq[cols].to_numpy(float), rowvar=False), rtol=1e-12, atol=1e-14)
    assert int(res.n.to_numpy().min()) == 2571
    # Field's published determinant of this correlation matrix: 5.271E-04 (SAQ README)
    assert round(np.linalg.det(res.r.to_numpy()), 7) == 0.0005271


def test_mostly_missing_partner_against_scipy():
    """A column missing in most rows (its valid rows are summed directly) and one never missing."""
    rng = np.random.default_rng(3)
    n = 2000
    base = rng.normal(size=n)
    df = pd.DataFrame(
        {
            "full": 1e4 + base + rng.normal(size=n),
            "sparse": np.where(rng.random(n) < 0.8, np.nan, base + rng.normal(size=n)),
            "some": np.where(rng.random(n) < 0.1, np.nan, np.round(3 + base)),
        }
    )
    res = correlation_matrix(df, list(df.columns))
    for x in df.columns:
        for y in df.columns:
            if x != y:
                ok = df[[x, y]].dropna()
                assert res.n.loc[x, y] == len(ok)
                np.testing.assert_allclose(res.r.loc[x, y], stats.pearsonr(ok[x], ok[y]).statistic, rtol=1e-12)
    assert res.missing["n_missing"]["full"] == 0 and res.missing["n_complete_all"] == len(df.dropna())
