"""The chunked pairwise sums behind every covariance, correlation, alpha and factor analysis."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import surveykit.stats.moments as moments
from surveykit.stats.distributions import chi2_sf, correlation_p, f_isf, f_sf, fisher_exact_2x2, t_ppf, t_sf, t_two_sided
from surveykit.stats.moments import complete_rows, pairwise_sums


def likert(n, k, missing, seed):
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 1))
    x = np.clip(np.rint(3.5 + latent + rng.normal(size=(n, k))), 1, 6)
    x[rng.random((n, k)) < missing] = np.nan
    return x


@pytest.mark.parametrize("missing", [0.0, 0.03, 0.4])
@pytest.mark.parametrize("chunk", [7, 1000, moments.CHUNK])
def test_pairwise_sums_match_pandas(monkeypatch, missing, chunk):
    # from no gaps to many (rows with gaps are corrected by a product over those rows), with chunk
    # boundaries falling anywhere
    monkeypatch.setattr(moments, "CHUNK", chunk)
    x = likert(2503, 6, missing, seed=1)
    frame = pd.DataFrame(x)
    sums = pairwise_sums([x[:, j] for j in range(6)])
    np.testing.assert_allclose(sums.corr(), frame.corr().to_numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(sums.cov(), frame.cov().to_numpy(), rtol=1e-12, atol=1e-14)
    present = (~np.isnan(x)).astype(float)
    np.testing.assert_array_equal(sums.n, present.T @ present)
    np.testing.assert_allclose(sums.means(), np.nanmean(x, axis=0), rtol=1e-13)
    np.testing.assert_allclose(sums.variances(), np.nanvar(x, axis=0, ddof=1), rtol=1e-12)
    np.testing.assert_array_equal(sums.lo, np.nanmin(x, axis=0))
    np.testing.assert_array_equal(sums.hi, np.nanmax(x, axis=0))


def test_listwise_rows_and_integer_columns(monkeypatch):
    monkeypatch.setattr(moments, "CHUNK", 100)
    x = likert(1000, 4, 0.05, seed=2)
    columns = [x[:, j] for j in range(4)]
    keep = complete_rows(columns)
    assert keep.sum() == (~np.isnan(x)).all(axis=1).sum()
    sums = pairwise_sums(columns, rows=keep)
    np.testing.assert_allclose(sums.cov(), np.cov(x[keep].T), rtol=1e-12)
    assert sums.n_rows == keep.sum() and (sums.n == keep.sum()).all()
    ints = [np.arange(1000) % 7, np.arange(1000) % 5]  # integer columns as the CSV reader gives them
    np.testing.assert_allclose(pairwise_sums(ints).corr(), np.corrcoef(np.array(ints, dtype=float)), rtol=1e-12)


def test_offset_data_keep_their_digits():
    # NIST-style: a huge constant in front of small deviations; the shift removes it exactly
    rng = np.random.default_rng(3)
    base = rng.integers(0, 10, size=(5000, 3)) * 0.1
    x = 1e12 + base
    sums = pairwise_sums([x[:, j] for j in range(3)])
    np.testing.assert_allclose(sums.cov(), np.cov((x - 1e12).T), rtol=1e-4)  # float spacing at 1e12 is 1.2e-4
    np.testing.assert_allclose(sums.corr(), np.corrcoef((x - 1e12).T), rtol=1e-3)


def test_constant_and_empty_columns_are_found_exactly():
    a = np.full(100, 3.0)
    b = np.where(np.arange(100) % 2 == 0, 3.0, np.nan)
    c = np.full(100, np.nan)
    d = np.r_[np.full(99, 2.0), 2.0 + 1e-12]
    sums = pairwise_sums([a, b, c, d])
    assert sums.constant().tolist() == [True, True, True, False]
    assert sums.n_valid.tolist() == [100, 50, 0, 100]


def test_distributions_equal_scipy_stats():
    x = np.array([0.0, 0.5, 1.96, 3.5, 12.0])
    np.testing.assert_allclose(t_sf(x, 7.5), stats.t.sf(x, 7.5), rtol=1e-14)
    np.testing.assert_allclose(t_two_sided(-x, 30), 2 * stats.t.sf(x, 30), rtol=1e-14)
    np.testing.assert_allclose(t_ppf(0.975, [3, 30, 3000]), stats.t.ppf(0.975, [3, 30, 3000]), rtol=1e-14)
    np.testing.assert_allclose(f_sf(x, 3, 200), stats.f.sf(x, 3, 200), rtol=1e-14)
    np.testing.assert_allclose(f_isf(0.025, 4, 120), stats.f.isf(0.025, 4, 120), rtol=1e-12)
    np.testing.assert_allclose(chi2_sf(x, 4), stats.chi2.sf(x, 4), rtol=1e-14)
    rng = np.random.default_rng(4)
    a, b = rng.normal(size=50), rng.normal(size=50)
    res = stats.pearsonr(a + b, b)
    assert correlation_p(float(res.statistic), 50) == pytest.approx(res.pvalue, rel=1e-10)
    assert correlation_p(1.0, 10) == 0.0 and np.isnan(correlation_p(0.5, 2))


def test_fisher_exact_equals_scipy_on_random_tables():
    rng = np.random.default_rng(5)
    for scale in (4, 20, 200, 20000):
        for _ in range(150):
            table = rng.integers(0, scale, (2, 2))
            if table.sum() == 0:
                continue
            for alternative in ("two-sided", "less", "greater"):
                expected = stats.fisher_exact(table, alternative=alternative).pvalue
                got = fisher_exact_2x2(table, alternative)
                # log-gamma sums over counts in the tens of thousands carry ~1e-10 relative rounding
                assert got == pytest.approx(expected, rel=1e-8, abs=1e-300), (table.tolist(), alternative)
    # a table tied in probability with one on the other side: both count (scipy's documented example)
    assert fisher_exact_2x2([[6, 2], [1, 4]]) == pytest.approx(0.10256410256410257, rel=1e-12)
    assert fisher_exact_2x2([[19, 10], [2, 14]]) == pytest.approx(stats.fisher_exact([[19, 10], [2, 14]]).pvalue, rel=1e-12)
