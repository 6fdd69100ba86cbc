"""Design-based weighted estimates against R's survey package (svymean, svyvar, svyttest, svyglm, svychisq).

Fixtures: tests/r/survey_weighted.R on the API samples of the survey package (tests/data/survey_api),
svymean with deff = TRUE, for an unclustered weighted sample (apistrat, ids=~1, weights=~pw), a cluster
sample (apiclus1, ids=~dnum), the first post-stratified on school type, raked to school type and school-wide target,
and raked to school-wide target and awards with trimming and re-raking (trimWeights + rake rounds).
R printed 17 digits. Tolerance: 1e-9 relative on estimates, SEs, CIs and test statistics for every
design (all pass at 1e-10 on the machine that wrote them; raking stops at 1e-13 of the total weight in
both implementations), p of the regression to 1e-6 relative (tiny p-values, t tail evaluated
differently).
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from surveykit.compare.weighted import (
    survey_design,
    weighted_crosstab,
    weighted_mean,
    weighted_proportion,
    weighted_regression,
    weighted_ttest,
)
from surveykit.errors import AnalysisError
from surveykit.measure.weights import post_stratify, rake

API = Path(__file__).parent / "data" / "survey_api"
FIX = Path(__file__).parent / "data" / "survey_weighted" / "estimates.csv"
DESIGNS = ["plain", "cluster", "poststrat", "rake", "trim_rake"]


def pop(name):
    return pd.read_csv(API / f"pop_{name}.csv")


@pytest.fixture(scope="module")
def r_estimates():
    return pd.read_csv(FIX, na_values=["NA"]).set_index(["design", "analysis", "term"]).sort_index()


@pytest.fixture(scope="module")
def setups():
    strat = pd.read_csv(API / "apistrat.csv")
    clus = pd.read_csv(API / "apiclus1.csv")
    for d in (strat, clus):
        d["award"] = (d["awards"] == "Yes").astype(float)
    return {
        "plain": (strat, survey_design(strat, "pw")),
        "cluster": (clus, survey_design(clus, "pw", cluster="dnum")),
        "poststrat": (strat, survey_design(strat, post_stratify(strat, pop("stype"), base_weights="pw"))),
        "rake": (strat, survey_design(strat, rake(strat, [pop("stype"), pop("schwide")], base_weights="pw"))),
        "trim_rake": (strat, survey_design(strat, rake(strat, [pop("schwide"), pop("awards")], base_weights="pw",
                                                        trim=(0.6, 1.3)))),
    }


def rtol(design):
    return 1e-9


@pytest.mark.parametrize("design", DESIGNS)
def test_svymean(setups, r_estimates, design):
    data, des = setups[design]
    res = weighted_mean(data, ["api00", "ell", "acs.k3", "award"], des).table.set_index("variable")
    res_t = weighted_mean(data, ["api00", "acs.k3"], des, ci="t").table.set_index("variable")
    for var in ["api00", "ell", "acs.k3", "award"]:
        want = r_estimates.loc[(design, "mean", var)]
        got = res.loc[var]
        np.testing.assert_allclose(got[["estimate", "se", "ci_low", "ci_high"]].to_numpy(float),
                                   want[["estimate", "se", "ci_low", "ci_high"]].to_numpy(float), rtol=rtol(design))
        assert got["df"] == want["df"]
        np.testing.assert_allclose(got[["sd", "deff"]].to_numpy(float), want[["sd", "deff"]].to_numpy(float),
                                   rtol=rtol(design))
        if var in res_t.index:
            np.testing.assert_allclose(res_t.loc[var, ["ci_low", "ci_high"]].to_numpy(float),
                                       want[["ci_low_t", "ci_high_t"]].to_numpy(float), rtol=rtol(design))
    assert res.loc["acs.k3", "n"] == r_estimates.loc[(design, "mean", "acs.k3"), "n"]


@pytest.mark.parametrize("design", DESIGNS)
def test_proportion_is_svymean_of_indicator(setups, r_estimates, design):
    data, des = setups[design]
    got = weighted_proportion(data, "awards", ["Yes"], des).table.iloc[0]
    want = r_estimates.loc[(design, "mean", "award")]
    np.testing.assert_allclose([got["estimate"], got["se"]], [want["estimate"], want["se"]], rtol=rtol(design))


@pytest.mark.parametrize("design", DESIGNS)
def test_svyttest(setups, r_estimates, design):
    data, des = setups[design]
    for var in ["api00", "acs.k3"]:
        res = weighted_ttest(data, var, "awards", des)
        want = r_estimates.loc[(design, "ttest", var)]
        assert res.groups == ("No", "Yes")
        # R reports mean(Yes) - mean(No); surveykit first minus second: signs flip
        np.testing.assert_allclose([-res.mean_diff, res.se, -res.t, res.p, -res.ci_high, -res.ci_low],
                                   want[["estimate", "se", "statistic", "p", "ci_low", "ci_high"]].to_numpy(float),
                                   rtol=rtol(design))
        assert res.df == want["df"]
        gm = res.group_means.set_index("group")["mean"]
        assert gm["No"] - gm["Yes"] == pytest.approx(res.mean_diff, rel=1e-9)


@pytest.mark.parametrize("design", DESIGNS)
def test_svyglm(setups, r_estimates, design):
    data, des = setups[design]
    res = weighted_regression(data, "api00", ["ell", "meals", "mobility"], des)
    want = r_estimates.loc[design, "glm"].loc[["(Intercept)", "ell", "meals", "mobility"]]
    got = res.coefficients
    np.testing.assert_allclose(got[["estimate", "se", "t"]].to_numpy(float),
                               want[["estimate", "se", "statistic"]].to_numpy(float), rtol=rtol(design))
    np.testing.assert_allclose(got["p"], want["p"], rtol=1e-6)
    assert res.df == want["df"].iloc[0]


@pytest.mark.parametrize("design", DESIGNS)
def test_svyglm_categorical_predictors(setups, r_estimates, design):
    data, des = setups[design]
    res = weighted_regression(data, "api00", ["stype", "awards", "meals"], des)
    terms = ["(Intercept)", "stypeH", "stypeM", "awardsYes", "meals"]
    assert res.coefficients["term"].tolist() == terms
    want = r_estimates.loc[design, "glm_categorical"].loc[terms]
    np.testing.assert_allclose(res.coefficients[["estimate", "se", "t"]].to_numpy(float),
                               want[["estimate", "se", "statistic"]].to_numpy(float), rtol=rtol(design))
    assert res.df == want["df"].iloc[0]


@pytest.mark.parametrize("design", DESIGNS)
def test_svychisq_rao_scott(setups, r_estimates, design):
    data, des = setups[design]
    res = weighted_crosstab(data, "stype", "awards", des)
    want = r_estimates.loc[(design, "chisq", "stype x awards")]
    np.testing.assert_allclose([res.f, res.df1, res.df2, res.p],
                               want[["statistic", "df", "df2", "p"]].to_numpy(float), rtol=rtol(design))
    assert res.counts.to_numpy().sum() == pytest.approx(des.weights.sum())


def test_errors(setups):
    data, des = setups["plain"]
    with pytest.raises(AnalysisError, match="two groups"):
        weighted_ttest(data, "api00", "stype", des)
    with pytest.raises(AnalysisError, match="numeric"):
        weighted_mean(data, "stype", des)
    with pytest.raises(AnalysisError, match="numeric"):
        weighted_regression(data, "stype", ["ell"], des)
    with pytest.raises(AnalysisError, match="Weights must be positive"):
        survey_design(data, np.zeros(len(data)))
    with pytest.raises(AnalysisError, match="collinear"):
        weighted_regression(data.assign(e2=data["ell"] * 2), "api00", ["ell", "e2"], des)
    # a t-test on two of three groups runs, the third left out
    res = weighted_ttest(data, "api00", "stype", des, groups=("E", "H"))
    assert res.n == 150
