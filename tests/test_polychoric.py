"""Polychoric correlations and ordinal alpha against psych 2.2.9 and polycor 0.8.1.

Reference numbers: tests/r/polychoric_fixtures.R (psych ``polychoric``, polycor ``polychor(ML=FALSE,
std.err=TRUE)``, psych ``alpha(polychoric(x)$rho)``) on Field's SAQ (../shared), stored in
tests/data/polychoric/. Tolerance 5e-4 (3 decimals): psych and polycor locate rho with R's ``optimize``
(tolerance ~1.2e-4), surveykit to 1e-10; thresholds are closed-form and agree to 1e-8. The bivariate normal
CDF is checked against scipy's (independent, Genz's adaptive integration) to 1e-12.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from surveykit.errors import AnalysisError
from surveykit.measure.polychoric import (
    bivariate_normal_cdf,
    ordinal_alpha,
    polychoric,
    polychoric_matrix,
    smooth_correlation,
)

DATA = Path(__file__).parent / "data" / "polychoric"
TOL = 5e-4


def q(*nums):
    return [f"Question_{i:02d}" for i in nums]


def saq_with_missing(saq):
    out = saq.copy()
    # the same cells as tests/r/polychoric_fixtures.R (R rows 1-based)
    out.loc[[0, 1, 2, 49, 59], "Question_01"] = np.nan
    out.loc[[2, 3, 69], "Question_02"] = np.nan
    out.loc[np.arange(9, 400, 10), "Question_06"] = np.nan
    return out


@pytest.mark.parametrize("rho", [-0.99, -0.93, -0.6, -0.2, 0.0, 0.1, 0.4, 0.8, 0.95, 0.999])
def test_bivariate_normal_cdf_against_scipy(rho):
    rng = np.random.default_rng(7)
    h, k = rng.normal(size=25) * 1.5, rng.normal(size=25) * 1.5
    ref = stats.multivariate_normal(mean=[0, 0], cov=[[1, rho], [rho, 1]]).cdf(np.c_[h, k])
    np.testing.assert_allclose(bivariate_normal_cdf(h, k, rho), ref, atol=1e-12)


def test_pairs_against_polycor(saq):
    ref = pd.read_csv(DATA / "saq_polychor_pairs.csv")
    for _, row in ref.iterrows():
        got = polychoric(saq[row.x], saq[row.y])
        assert got.rho == pytest.approx(row.rho, abs=TOL), (row.x, row.y)
        assert got.se == pytest.approx(row.se, abs=TOL)
        assert got.n == len(saq)


def test_pair_with_missing_against_polycor(saq):
    ref = pd.read_csv(DATA / "saq_na_polychor_pair.csv").iloc[0]
    data = saq_with_missing(saq)
    got = polychoric(data[ref.x], data[ref.y])
    assert got.rho == pytest.approx(ref.rho, abs=TOL)
    assert got.n == len(saq) - 5 - 39 + 1  # row 50 (0-based 49) is missing on both items


def test_matrix_against_psych(saq):
    res = polychoric_matrix(saq)
    ref = pd.read_csv(DATA / "saq_polychoric_rho.csv", index_col=0)
    np.testing.assert_allclose(res.rho.loc[ref.index, ref.columns].to_numpy(), ref.to_numpy(), atol=TOL)
    tau = pd.read_csv(DATA / "saq_polychoric_tau.csv", index_col=0)
    np.testing.assert_allclose(res.thresholds.loc[tau.index].to_numpy(), tau.to_numpy(), atol=1e-8)
    assert not res.smoothed and "not smoothed" in res.note
    assert res.min_eigenvalue == pytest.approx(0.2498711, abs=TOL)


def test_matrix_with_missing_against_psych(saq):
    data = saq_with_missing(saq)[q(1, 2, 6, 7, 10)]
    res = polychoric_matrix(data)
    ref = pd.read_csv(DATA / "saq_na_polychoric_rho.csv", index_col=0)
    np.testing.assert_allclose(res.rho.loc[ref.index, ref.columns].to_numpy(), ref.to_numpy(), atol=TOL)
    assert res.n.loc["Question_01", "Question_02"] == len(saq) - 7  # rows 1,2,3,50,60 and 4,70 (3 overlaps)


@pytest.mark.parametrize("scale,items", [("computers", (6, 7, 10, 13, 14, 15, 18)), ("peers", (2, 9, 19, 22, 23))])
def test_ordinal_alpha_against_psych(saq, scale, items):
    ref = pd.read_csv(DATA / f"ordinal_alpha_{scale}.csv").iloc[0]
    got = ordinal_alpha(saq[q(*items)])
    assert got.alpha == pytest.approx(ref.ordinal_alpha, abs=TOL)
    assert got.n_items == len(items) and "Ordinal alpha" in got.summary()


def test_efa_on_the_polychoric_matrix_against_psych(saq):
    # psych fa(saq, 4, fm = "minres", rotate = "oblimin", cor = "poly"): the project's EFA fed the polychoric
    # matrix reproduces it (psych's oblimin is unnormalised); factors matched by their largest loadings
    from surveykit.measure.efa import efa

    pc = polychoric_matrix(saq)
    res = efa(saq, n_factors=4, extraction="minres", rotation="oblimin", normalize=False, correlation=(pc.rho, pc.n))
    ref = pd.read_csv(DATA / "saq_fa_poly_minres_oblimin_4.csv", index_col=0)
    mine = res.loadings.loc[ref.index].to_numpy()
    for col in ref.columns:
        r = ref[col].to_numpy()
        j = int(np.argmax([abs(np.dot(r, mine[:, k])) for k in range(mine.shape[1])]))
        sign = np.sign(np.dot(r, mine[:, j]))
        np.testing.assert_allclose(sign * mine[:, j], r, atol=TOL)  # observed: 8e-5


def test_smoothing_of_an_indefinite_matrix():
    r = np.array([[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]])  # not positive semidefinite
    s, smoothed = smooth_correlation(r)
    assert smoothed
    assert np.linalg.eigvalsh(s).min() > 0
    np.testing.assert_allclose(np.diag(s), 1.0)
    same, flag = smooth_correlation(np.eye(3))
    assert not flag and same is not None


def test_errors():
    with pytest.raises(AnalysisError, match="fewer than 2 categories"):
        polychoric(pd.Series([1, 1, 1, 1]), pd.Series([1, 2, 1, 2]))
    with pytest.raises(AnalysisError, match="ordinal"):
        polychoric(pd.Series(np.arange(50.0)), pd.Series(np.arange(50.0) % 3))
