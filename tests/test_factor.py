"""Tests for surveykit.measure (correlations, factorability, parallel_analysis, extraction, rotation, efa) against published and independent references.

References used
---------------
* Field's SAQ (published SPSS values, /work/shared/data/saq/README.md).
* R psych::fa output stored in factor_analyzer's test suite (tests/data/test_factor_fa_*; see
  tests/data/test_factor_fa_SOURCE.md). Factor solutions are unique only up to column order and sign,
  so columns are matched by |inner product| and sign before comparing (the order is also checked).
  Tolerances: minres 1e-4 (R's L-BFGS-B stops early: psych's own "minres" and "uls" runs on the same data
  differ by 3e-5), ML 2e-5, rotations applied to R's own unrotated loadings 1e-10 (varimax, promax: same
  algorithm, same stopping rule) and 5e-5 (oblimin: the reference was rotated from a minres solution of an
  older psych run, which differs from the stored unrotated one by ~1e-5).
* psych fa(fm="pa") output quoted in statsmodels' test suite (statsmodels/multivariate/tests/test_factor.py).
* factor_analyzer.calculate_kmo / calculate_bartlett_sphericity / Rotator (independent Python code).
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from factor_analyzer import Rotator
from factor_analyzer.factor_analyzer import calculate_bartlett_sphericity, calculate_kmo

from surveykit.errors import AnalysisError
from surveykit.measure.correlations import correlation_matrix
from surveykit.measure.efa import efa
from surveykit.measure.factorability import factorability
from surveykit.measure.parallel_analysis import eigen_analysis, parallel_analysis
from surveykit.measure.rotation import rotate

DATA = Path(__file__).parent / "data"


def fixture(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / f"test_factor_fa_{name}.csv", index_col=0)


@pytest.fixture(scope="module")
def birthwt() -> pd.DataFrame:
    return pd.read_csv(DATA / "test_factor_birthwt.csv")


def align(mine, ref, check_order=True):
    """Match the columns of ``mine`` to ``ref`` (factor order/sign are arbitrary) and return them."""
    mine, ref = np.asarray(mine, float), np.asarray(ref, float)
    out, used, perm = np.empty_like(ref), set(), []
    for j in range(ref.shape[1]):
        i = max((abs(mine[:, i] @ ref[:, j]), i) for i in range(mine.shape[1]) if i not in used)[1]
        used.add(i)
        perm.append(i)
        out[:, j] = np.sign(mine[:, i] @ ref[:, j]) * mine[:, i]
    if check_order:
        assert perm == sorted(perm), f"factor order differs from psych's: {perm}"
    return out


# --------------------------------------------------------------------------------------------------
# Field's SAQ: published SPSS values
# --------------------------------------------------------------------------------------------------
def test_saq_factorability_matches_field(saq):
    f = factorability(saq)
    assert f.n == 2571 and f.missing == "pairwise"
    assert f.determinant == pytest.approx(0.00052710, abs=5e-9)
    assert f.kmo == pytest.approx(0.930224, abs=5e-7)
    assert f.bartlett_chi2 == pytest.approx(19334.49199, abs=5e-6)
    assert f.bartlett_df == 253
    assert f.bartlett_p < 0.001
    # same numbers with listwise deletion (no missing data in the SAQ)
    assert factorability(saq, missing="listwise").kmo == pytest.approx(f.kmo, abs=1e-14)


def test_saq_eigenvalues_match_field(saq):
    r, n = correlation_matrix(saq)
    e = eigen_analysis(r)
    np.testing.assert_allclose(e.eigenvalues[:4], [7.290, 1.739, 1.317, 1.227], atol=5e-4)
    np.testing.assert_allclose(e.table["pct_variance"].iloc[:4], [31.70, 7.56, 5.73, 5.34], atol=5e-3)
    assert e.table["cumulative_pct"].iloc[3] == pytest.approx(50.32, abs=5e-3)
    assert e.n_kaiser == 4
    assert e.eigenvalues.sum() == pytest.approx(23)
    assert (n.to_numpy() == 2571).all()


def test_kmo_bartlett_match_factor_analyzer(saq, birthwt):
    for data in (saq, birthwt):
        f = factorability(data)
        per_item, overall = calculate_kmo(data)
        chi2, p = calculate_bartlett_sphericity(data)
        assert f.kmo == pytest.approx(overall, abs=1e-12)
        np.testing.assert_allclose(f.msa.to_numpy(), per_item, atol=1e-12)
        assert f.bartlett_chi2 == pytest.approx(chi2, rel=1e-12)


def test_saq_pca_varimax_groups_items_as_fields_subscales(saq):
    """Field's four subscales are the items grouped by their highest loading (PCA, varimax, 4 factors)."""
    res = efa(saq, n_factors="kaiser", extraction="pca", rotation="varimax")
    assert res.n_factors == 4
    table = res.sorted_loadings(cutoff=0.4)
    groups = {tuple(sorted(int(q[-2:]) for q in idx)) for _, idx in table.groupby("primary").groups.items()}
    assert groups == {(6, 7, 10, 13, 14, 15, 18), (1, 3, 4, 5, 12, 16, 20, 21), (8, 11, 17), (2, 9, 19, 22, 23)}
    # PCA: extraction sums of squares are the first eigenvalues; orthogonal rotation keeps their total
    np.testing.assert_allclose(res.variance["ss_extraction"], res.eigenvalues.eigenvalues[:4], rtol=1e-12)
    assert res.variance["ss_rotation"].sum() == pytest.approx(res.variance["ss_extraction"].sum())
    assert res.variance["cum_pct_rotation"].iloc[-1] == pytest.approx(50.32, abs=5e-3)
    # suppressed cells are NaN, kept cells are >= cutoff
    vals = table[["F1", "F2", "F3", "F4"]].to_numpy()
    assert np.all(np.isnan(vals) | (np.abs(vals) >= 0.4))


# --------------------------------------------------------------------------------------------------
# Extraction and rotation against R psych
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "extraction, rotation, name, atol",
    [
        ("minres", "none", "test08_minres_none_2", 1e-4),
        ("minres", "none", "test08_uls_none_2", 1e-4),
        ("minres", "promax", "test08_minres_promax_2", 1e-4),
        ("minres", "varimax", "test08_uls_varimax_2", 1e-4),
        ("ml", "none", "test08_ml_none_2", 2e-5),
        ("ml", "varimax", "test08_ml_varimax_2", 2e-5),
        ("ml", "promax", "test08_ml_promax_2", 2e-5),
    ],
)
def test_extraction_and_rotation_match_psych(birthwt, extraction, rotation, name, atol):
    res = efa(birthwt, n_factors=2, extraction=extraction, rotation=rotation)
    ref = fixture(name)
    assert list(res.loadings.index) == list(ref.index)
    np.testing.assert_allclose(align(res.loadings, ref), ref.to_numpy(), atol=atol)
    assert res.converged


def test_uniquenesses_match_psych(birthwt):
    ref = pd.read_csv(DATA / "test_factor_fa_test08_uniquenesses.csv", index_col=0)
    minres = efa(birthwt, 2, "minres", "none")
    ml = efa(birthwt, 2, "ml", "none")
    np.testing.assert_allclose(minres.uniquenesses, ref["minres_none_2"], atol=1e-4)
    np.testing.assert_allclose(minres.uniquenesses, ref["uls_none_2"], atol=1e-4)
    np.testing.assert_allclose(ml.uniquenesses, ref["ml_none_2"], atol=2e-5)


def test_heywood_case_is_warned(birthwt):
    # psych's ML solution has race's uniqueness on the lower bound 0.005 (an ultra-Heywood case)
    res = efa(birthwt, 2, "ml", "varimax")
    assert res.uniquenesses["race"] == pytest.approx(0.005, abs=1e-6)
    assert any("Heywood" in w and "race" in w for w in res.warnings)
    assert not any("Heywood" in w for w in efa(birthwt, 2, "minres", "none").warnings)


@pytest.mark.parametrize(
    "method, normalize, name, atol",
    [("varimax", True, "varimax", 1e-10), ("promax", True, "promax", 1e-10), ("oblimin", False, "oblimin", 5e-5)],
)
def test_rotation_of_r_loadings_matches_psych(method, normalize, name, atol):
    unrotated = fixture("test02_uls_none_3").to_numpy()
    ref = fixture(f"test02_uls_{name}_3")
    rot = rotate(unrotated, method, normalize=normalize)
    np.testing.assert_allclose(align(rot.pattern, ref, check_order=False), ref.to_numpy(), atol=atol)
    assert rot.converged


def test_rotations_agree_with_factor_analyzer_rotator():
    unrotated = fixture("test02_uls_none_3").to_numpy()
    # (Rotator applies Kaiser normalisation only to varimax/promax, so oblimin is compared unnormalised)
    for method, normalize in [("oblimin", False), ("varimax", True), ("quartimax", False)]:
        ours = rotate(unrotated, method, normalize=normalize)
        theirs = Rotator(method=method, normalize=normalize).fit_transform(unrotated)
        np.testing.assert_allclose(align(ours.pattern, theirs, check_order=False), theirs, atol=1e-4)
    # oblique: Phi = T'T has a unit diagonal and pattern = unrotated @ rotmat
    ob = rotate(unrotated, "oblimin")
    np.testing.assert_allclose(np.diag(ob.phi), 1.0, atol=1e-12)
    np.testing.assert_allclose(unrotated @ ob.rotmat, ob.pattern, atol=1e-12)


# psych fa(Y, nfactors=2, fm="pa", SMC=TRUE): loadings quoted in statsmodels' test_factor.py
SAS_DATA = pd.DataFrame(
    {
        "Basal": [2.068, 2.068, 2.09, 2.097, 2.117, 2.14, 2.045, 2.076, 2.09, 2.111, 2.093, 2.1, 2.104],
        "Occ": [2.07, 2.074, 2.09, 2.093, 2.125, 2.146, 2.054, 2.088, 2.093, 2.114, 2.098, 2.106, 2.101],
        "Max": [1.58, 1.602, 1.613, 1.613, 1.663, 1.681, 1.58, 1.602, 1.643, 1.643, 1.653, 1.623, 1.653],
        "id": np.arange(1.0, 14.0),
    }
)
PSYCH_PA_UNROTATED = np.array(
    [[0.97541115, 0.20280987], [0.97113975, 0.17207499], [0.9618705, -0.2004196], [0.37570708, -0.45821379]]
)


def test_paf_matches_psych_pa():
    # psych stops PA after max.iter = 50 eigen-decompositions ("maximum iteration exceeded"); with the
    # same 50 iterations the loadings agree to the 8 decimals printed
    res = efa(SAS_DATA, n_factors=2, extraction="paf", rotation="none", max_iter=50, tol=1e-12)
    np.testing.assert_allclose(align(res.unrotated, PSYCH_PA_UNROTATED), PSYCH_PA_UNROTATED, atol=2e-8)
    assert not res.converged
    assert any("did not converge" in w for w in res.warnings)
    # left to converge, PAF gets there and says so
    full = efa(SAS_DATA, n_factors=2, extraction="paf", rotation="none", tol=1e-10)
    assert full.converged and 50 < full.iterations < 1000
    # fully converged direct quartimin without normalisation, as psych fa(rotate="oblimin")
    ob = efa(SAS_DATA, n_factors=2, extraction="paf", rotation="oblimin", normalize=False, tol=1e-12)
    ref = np.array([[1.02834170170, 1.00178840104, 0.71824931384, -0.00013510048],
                    [0.06563421, 0.03096076, -0.39658839, -0.59261944]]).T
    np.testing.assert_allclose(align(ob.loadings, ref, check_order=False), ref, atol=1e-5)


def test_result_conventions(saq):
    res = efa(saq, n_factors=4, extraction="paf", rotation="oblimin")
    p = res.loadings.to_numpy()
    phi = res.phi.to_numpy()
    # largest |loading| of each factor is positive; factors ordered by psych's SS loadings
    assert np.all(p[np.argmax(np.abs(p), axis=0), range(4)] > 0)
    assert np.all(np.diff(res.variance["ss_rotation"].to_numpy()) <= 0)
    np.testing.assert_allclose(res.structure.to_numpy(), p @ phi, atol=1e-12)
    np.testing.assert_allclose(phi, phi.T, atol=1e-12)
    # rotation does not change communalities: diag(P Phi P') = row sums of squared unrotated loadings
    np.testing.assert_allclose(np.einsum("ij,jk,ik->i", p, phi, p), res.communalities["extraction"], atol=1e-6)
    np.testing.assert_allclose(res.uniquenesses, 1 - res.communalities["extraction"], atol=1e-15)
    # initial communalities are the SMCs: 1 - 1/diag(R^-1)
    r = res.correlation.to_numpy()
    np.testing.assert_allclose(res.communalities["initial"], 1 - 1 / np.diag(np.linalg.inv(r)), atol=1e-12)
    assert res.converged and res.rotation_converged and res.warnings == ()
    assert res.variance["pct_rotation"].isna().all()  # oblique: % of variance not additive
    json.dumps(res.to_dict(), allow_nan=False)
    assert "Question_06" in res.summary()


def test_n_factors_rules_and_scree(saq):
    small = saq.iloc[:600]
    res = efa(small, n_factors="parallel", extraction="pca", rotation="none")
    assert res.parallel is not None and res.n_factors == res.parallel.n_factors_pca
    scree = res.scree()
    assert list(scree.columns) == ["factor", "eigenvalue", "parallel_pct_pca", "parallel_mean_pca"]
    assert efa(saq, n_factors=None).n_factors == 4
    assert "parallel_pct_pca" not in efa(saq, n_factors=4).scree().columns


# --------------------------------------------------------------------------------------------------
# Parallel analysis
# --------------------------------------------------------------------------------------------------
def test_parallel_analysis_reproducible_and_matches_plain_loop(birthwt):
    a = parallel_analysis(birthwt, n_iter=30, seed=7)
    b = parallel_analysis(birthwt, n_iter=30, seed=7)
    pd.testing.assert_frame_equal(a.table, b.table)
    assert not parallel_analysis(birthwt, n_iter=30, seed=8).table.equals(a.table)
    # the batched computation equals a plain loop over the same random stream
    rng = np.random.default_rng(7)
    sims = np.array(
        [np.sort(np.linalg.eigvalsh(np.corrcoef(rng.standard_normal((189, 9)), rowvar=False)))[::-1] for _ in range(30)]
    )
    np.testing.assert_allclose(a.table["random_mean_pca"], sims.mean(axis=0), atol=1e-12)
    np.testing.assert_allclose(a.table["random_pct_pca"], np.percentile(sims, 95, axis=0), atol=1e-12)
    np.testing.assert_allclose(a.table["observed_pca"], eigen_analysis(correlation_matrix(birthwt)[0]).eigenvalues)


def test_parallel_analysis_saq_suggests_four_components(saq):
    pa = parallel_analysis(saq, n_iter=20, seed=1)
    assert pa.n_factors_pca == 4
    assert pa.n == 2571
    json.dumps(pa.to_dict(), allow_nan=False)


# --------------------------------------------------------------------------------------------------
# Missing data
# --------------------------------------------------------------------------------------------------
def test_pairwise_and_listwise_correlations():
    rng = np.random.default_rng(3)
    df = pd.DataFrame(rng.normal(size=(60, 4)), columns=list("abcd"))
    df.iloc[:5, 0] = np.nan
    df.iloc[3:9, 1] = np.nan
    r, n = correlation_matrix(df, "pairwise")
    mask = df["a"].notna() & df["b"].notna()
    assert r.loc["a", "b"] == pytest.approx(np.corrcoef(df.loc[mask, "a"], df.loc[mask, "b"])[0, 1], abs=1e-14)
    assert n.loc["a", "b"] == mask.sum() == 51 and n.loc["a", "a"] == 55 and n.loc["c", "d"] == 60
    rl, nl = correlation_matrix(df, "listwise")
    np.testing.assert_allclose(rl, np.corrcoef(df.dropna().to_numpy(), rowvar=False), atol=1e-14)
    assert (nl.to_numpy() == 51).all()
    assert factorability(df, "pairwise").n == 51
    res = efa(df, 1, "minres", "none", missing="pairwise")
    assert res.n == 51 and res.n_pairwise_max == 60


# --------------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------------
def test_zero_variance_and_all_missing_items_raise(birthwt):
    df = birthwt.copy()
    df["const"] = 3.0
    with pytest.raises(AnalysisError, match="unusable items") as info:
        efa(df, 2)
    assert "const" in str(info.value) and "zero variance" in str(info.value)
    df = birthwt.copy()
    df["empty"] = np.nan
    with pytest.raises(AnalysisError, match="all missing"):
        factorability(df)


def test_singular_matrix_raises_for_common_factor_methods(birthwt):
    df = birthwt[["age", "lwt", "bwt"]].copy()
    df["total"] = df["age"] + df["lwt"]
    for extraction in ("paf", "ml", "minres"):
        with pytest.raises(AnalysisError, match="singular"):
            efa(df, 1, extraction)
    with pytest.raises(AnalysisError, match="singular"):
        factorability(df)
    assert efa(df, 1, "pca").n_factors == 1  # principal components are defined for a singular R


def test_too_many_factors_and_too_few_items_raise(birthwt):
    with pytest.raises(AnalysisError, match="too many for maximum likelihood"):
        efa(birthwt, 6, "ml")  # p = 9: ((9-6)^2 - 15)/2 < 0
    assert efa(birthwt, 5, "ml", "none").n_factors == 5  # ((9-5)^2 - 14)/2 = 1 >= 0
    with pytest.raises(AnalysisError, match="at most 8"):
        efa(birthwt, 9, "paf")
    with pytest.raises(AnalysisError, match="at least 3 items"):
        efa(birthwt[["age", "lwt"]], 1)
    with pytest.raises(AnalysisError, match="at least 1"):
        efa(birthwt, 0)
    with pytest.raises(AnalysisError, match="unknown extraction"):
        efa(birthwt, 2, extraction="alpha")
    with pytest.raises(AnalysisError, match="numeric"):
        efa(birthwt.assign(race=birthwt["race"].astype(str)), 2)


def test_precomputed_correlation_gives_identical_results(saq):
    from surveykit.measure.correlations import correlation_matrix
    from surveykit.measure.efa import efa
    from surveykit.measure.factorability import factorability
    from surveykit.measure.parallel_analysis import parallel_analysis

    corr = correlation_matrix(saq, "pairwise")
    fa, fb = factorability(saq, correlation=corr), factorability(saq)
    assert (fa.kmo, fa.bartlett_chi2, fa.determinant) == (fb.kmo, fb.bartlett_chi2, fb.determinant)
    a, b = efa(saq, n_factors=4, correlation=corr), efa(saq, n_factors=4)
    assert np.array_equal(a.loadings.to_numpy(), b.loadings.to_numpy())
    pa, pb = parallel_analysis(saq, n_iter=5, seed=3, correlation=corr), parallel_analysis(saq, n_iter=5, seed=3)
    assert pa.table.equals(pb.table)
