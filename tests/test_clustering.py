"""ICC(1), ICC(2), design effects and random-intercept models against R.

Also tests/r/clustering_saq.R: the 23 SAQ items (../shared) by a seeded synthetic office variable
(60 offices of unequal size, saved in tests/data/clustering_saq/offices.csv), same tolerances.

Fixtures: tests/r/clustering.R on the API cluster sample of R's survey package (183 schools in 15
districts, tests/data/survey_api/apiclus1.csv). ICC(1)/ICC(2) are computed in R from aov()'s mean
squares with Bliese's (2000) formulas (multilevel and psychometric are not installed); compared to
1e-10 relative (same closed-form arithmetic, 17 digits printed). Random-intercept models: lme4::lmer
(REML, bobyqa with rhoend 1e-10) vs statsmodels MixedLM (REML, BFGS): the two optimisers stop at
slightly different points; tolerance 1e-5 relative on fixed effects, SEs and variance components
(observed agreement ~1e-7), 1e-9 relative on the REML log-likelihood (flat at the optimum).
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from surveykit.errors import AnalysisError
from surveykit.measure.clustering import icc, random_intercept

API = Path(__file__).parent / "data" / "survey_api"
FIX = Path(__file__).parent / "data" / "clustering"
SCORES = ["api00", "api99", "ell", "meals", "mobility", "acs.k3", "avg.ed"]


@pytest.fixture(scope="module")
def apiclus1():
    return pd.read_csv(API / "apiclus1.csv")


@pytest.fixture(scope="module")
def r_icc():
    return pd.read_csv(FIX / "icc_aov.csv").set_index("score")


@pytest.mark.parametrize("k", ["mean", "adjusted"])
def test_icc_matches_aov(apiclus1, r_icc, k):
    res = icc(apiclus1, SCORES, "dnum", k=k).table.set_index("score")
    want = r_icc.loc[SCORES]
    for col in ["n", "n_clusters", "df_between", "df_within"]:
        assert res[col].tolist() == want[col].tolist(), col
    pairs = {"msb": "msb", "msw": "msw", "f": "f", "p": "p", "icc2": "icc2", "k": f"k_{k}", "icc1": f"icc1_{k}"}
    for mine, theirs in pairs.items():
        np.testing.assert_allclose(res[mine], want[theirs], rtol=1e-10, err_msg=mine)
    np.testing.assert_allclose(res["mean_cluster_size"], want["k_mean"], rtol=1e-12)
    if k == "mean":
        np.testing.assert_allclose(res["design_effect"], want["deff_mean"], rtol=1e-10)
        np.testing.assert_allclose(res["effective_n"], want["n"] / want["deff_mean"], rtol=1e-10)


def test_icc_column_at_a_time_equals_all_at_once(apiclus1):
    together = icc(apiclus1, SCORES, "dnum").table
    one = pd.concat([icc(apiclus1, s, "dnum").table for s in SCORES], ignore_index=True)
    pd.testing.assert_frame_equal(together, one)


def test_icc_errors_and_notes():
    df = pd.DataFrame({"y": [1.0, 2.0, 1.0, 2.0], "office": list("aabb")})
    res = icc(df, "y", "office")
    assert res.table.loc[0, "icc1"] < 0 and res.notes
    assert res.to_dict()["table"][0]["score"] == "y"
    with pytest.raises(AnalysisError, match="two clusters"):
        icc(df.assign(office="a"), "y", "office")
    with pytest.raises(AnalysisError, match="not in the data"):
        icc(df, "z", "office")
    with pytest.raises(AnalysisError, match="Unknown k"):
        icc(df, "y", "office", k="harmonic")


MODELS = {"null_api00": ("api00", []), "null_acs": ("acs.k3", []), "api00_ell_meals": ("api00", ["ell", "meals"]),
          "api00_stype_awards": ("api00", ["stype", "awards", "meals"])}


@pytest.mark.parametrize("model", list(MODELS))
def test_random_intercept_matches_lmer(apiclus1, model):
    outcome, preds = MODELS[model]
    res = random_intercept(apiclus1, outcome, "dnum", preds)
    fe = pd.read_csv(FIX / "lmer_fixed.csv").query("model == @model")
    vc = pd.read_csv(FIX / "lmer_variance.csv").set_index("model").loc[model]
    assert res.fixed["term"].tolist() == fe["term"].tolist()
    np.testing.assert_allclose(res.fixed[["estimate", "se", "t"]].to_numpy(float),
                               fe[["estimate", "se", "t"]].to_numpy(float), rtol=1e-5)
    np.testing.assert_allclose([res.cluster_variance, res.residual_variance, res.icc],
                               vc[["cluster_variance", "residual_variance", "icc"]].to_numpy(float), rtol=1e-5)
    assert res.reml_loglik == pytest.approx(vc["reml_loglik"], rel=1e-9)
    assert (res.n, res.n_clusters) == (vc["n"], vc["n_clusters"]) and res.converged


def test_random_intercept_errors(apiclus1):
    with pytest.raises(AnalysisError, match="at least two clusters"):
        random_intercept(apiclus1.assign(one=1), "api00", "one")
    with pytest.raises(AnalysisError, match="not in the data"):
        random_intercept(apiclus1, "api00", "office")


SAQ_FIX = Path(__file__).parent / "data" / "clustering_saq"


@pytest.fixture(scope="module")
def saq_offices(saq):
    """SAQ (from ../shared) with the seeded synthetic office of tests/r/clustering_saq.R."""
    offices = pd.read_csv(SAQ_FIX / "offices.csv")
    assert len(offices) == len(saq)
    return saq.assign(office=offices["office"].to_numpy())


def test_icc_of_23_saq_items_at_once(saq_offices):
    items = [f"Question_{i:02d}" for i in range(1, 24)]
    want = pd.read_csv(SAQ_FIX / "icc_aov.csv").set_index("score").loc[items]
    for k in ("mean", "adjusted"):
        got = icc(saq_offices, items, "office", k=k).table.set_index("score")
        assert (got["n"] == 2571).all() and (got["n_clusters"] == 60).all()
        np.testing.assert_allclose(got["icc1"], want[f"icc1_{k}"], rtol=1e-9, atol=1e-14)
        np.testing.assert_allclose(got[["msb", "msw", "icc2"]].to_numpy(float),
                                   want[["msb", "msw", "icc2"]].to_numpy(float), rtol=1e-10)
        if k == "mean":
            np.testing.assert_allclose(got["design_effect"], want["deff_mean"], rtol=1e-10)
        else:
            np.testing.assert_allclose(got["k"], want["k_adjusted"], rtol=1e-12)
    res = icc(saq_offices, items, "office")
    assert "Question_02" in res.notes[0]  # ICC(1) below zero is reported, not hidden


def test_random_intercept_saq_matches_lmer(saq_offices):
    res = random_intercept(saq_offices, "Question_01", "office", ["Question_02", "Question_03"])
    want = pd.read_csv(SAQ_FIX / "lmer.csv")
    np.testing.assert_allclose(res.fixed[["estimate", "se"]].to_numpy(float),
                               want[["estimate", "se"]].to_numpy(float), rtol=1e-5)
    np.testing.assert_allclose([res.cluster_variance, res.residual_variance],
                               want.loc[0, ["cluster_variance", "residual_variance"]].to_numpy(float), rtol=1e-5)
    assert res.reml_loglik == pytest.approx(want.loc[0, "reml_loglik"], rel=1e-9)
