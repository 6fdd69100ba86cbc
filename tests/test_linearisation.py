"""The post-stratified shortcuts of compare.linearisation against the straightforward computation.

With one post-stratification and no clusters, design_vcov and weighted_mean_parts take the variance from
sums per post-stratum instead of forming survey's residuals row by row. Here the rows are formed, as
survey::svyrecvar does (e_i = z_i - g_i sum_{j in c} (d_j / g_j) z_j / sum_{j in c} d_j, then
n / (n - 1) times the centred cross-products), on a realistic sample: offices of very different sizes,
office effects, 3 % missing answers; with equal base weights (every respondent of an office weighs the
same after post-stratifying) and with base weights that vary within offices.
"""

import numpy as np
import pandas as pd
import pytest

from surveykit.compare.linearisation import design_vcov, survey_design
from surveykit.compare.weighted import weighted_mean, weighted_means, weighted_regression, weighted_ttest
from surveykit.measure.weights import post_stratify


@pytest.fixture(scope="module")
def sample():
    rng = np.random.default_rng(20261201)
    n_offices = 40
    sizes = np.maximum(2, rng.lognormal(3.5, 0.9, n_offices).astype(int))
    office = np.repeat(np.arange(n_offices), sizes)
    n = office.size
    effect = rng.normal(0, 0.4, n_offices)[office]
    data = pd.DataFrame({"office": office, "leader": (rng.random(n) < 0.15).astype(float)})
    for i in range(4):
        latent = 3.4 + effect + 0.3 * data["leader"] + rng.normal(0, 0.9, n)
        item = np.clip(np.round(latent), 1, 5)
        item[rng.random(n) < 0.03] = np.nan
        data[f"q{i}"] = item
    data["index"] = data[["q0", "q1", "q2", "q3"]].mean(axis=1)
    data["office_level"] = (effect * 10).round(3)  # the same for every respondent of an office
    data["base"] = rng.uniform(0.5, 2.0, n)
    population = pd.DataFrame({"office": np.arange(n_offices), "count": sizes * rng.uniform(1.2, 3.0, n_offices)})
    return data, population


def designs(data, population):
    return {"equal base weights": (survey_design(data, post_stratify(data, population)), np.ones(len(data))),
            "varying base weights": (survey_design(data, post_stratify(data, population, base_weights="base")),
                                     data["base"].to_numpy())}


def reference_vcov(data, population, base, z):
    """survey's residuals formed row by row, then n / (n - 1) times their centred cross-products."""
    z = z.reshape(len(data), -1)
    cells = data["office"].to_numpy()
    d = base
    g = post_stratify(data, population, base_weights=base).weights.to_numpy()
    cell_d = np.bincount(cells, d)
    a = np.column_stack([np.bincount(cells, d / g * z[:, j]) for j in range(z.shape[1])]) / cell_d[:, None]
    e = z - g[:, None] * a[cells]
    e -= e.mean(axis=0)
    return len(data) / (len(data) - 1) * e.T @ e


def reference_mean(data, design, population, base, var):
    y = data[var].to_numpy()
    valid = ~np.isnan(y)
    w = np.where(valid, design.weights, 0.0)
    yy = np.where(valid, y, 0.0)
    mean = np.sum(w * yy) / w.sum()
    z = w * (yy - mean) / w.sum()
    return mean, np.sqrt(reference_vcov(data, population, base, z)[0, 0]), np.sum(w * (yy - mean) ** 2) / w.sum()


@pytest.mark.parametrize("which", ["equal base weights", "varying base weights"])
def test_means_and_their_se_as_formed_row_by_row(sample, which):
    data, population = sample
    design, base = designs(data, population)[which]
    variables = ["q0", "q1", "q2", "q3", "index", "leader"]
    table = weighted_mean(data, variables, design).table.set_index("variable")
    for var in variables:
        mean, se, var_w = reference_mean(data, design, population, base, var)
        n_valid = int(data[var].notna().sum())
        assert table.loc[var, "estimate"] == pytest.approx(mean, rel=1e-12)
        assert table.loc[var, "se"] == pytest.approx(se, rel=1e-10)
        assert table.loc[var, "sd"] ** 2 == pytest.approx(var_w * n_valid / (n_valid - 1), rel=1e-10)


@pytest.mark.parametrize("which", ["equal base weights", "varying base weights"])
def test_a_variable_constant_within_post_strata_falls_back_to_the_rows(sample, which):
    # its residuals are ~0: the sums per post-stratum would cancel all digits, the rows keep them
    data, population = sample
    design, base = designs(data, population)[which]
    row = weighted_mean(data, "office_level", design).table.iloc[0]
    mean, se, _ = reference_mean(data, design, population, base, "office_level")
    assert row["estimate"] == pytest.approx(mean, rel=1e-12)
    assert row["se"] == pytest.approx(se, rel=1e-6, abs=1e-12 * abs(mean))
    assert row["se"] < 1e-9 * row["sd"]


@pytest.mark.parametrize("which", ["equal base weights", "varying base weights"])
def test_regression_vcov_as_formed_row_by_row(sample, which):
    data, population = sample
    design, base = designs(data, population)[which]
    complete = data.dropna(subset=["index", "q0"]).index
    y = data["index"].to_numpy()
    x = np.column_stack([np.ones(len(data)), data["q0"].to_numpy(), data["leader"].to_numpy()])
    valid = np.isin(np.arange(len(data)), complete)
    w = np.where(valid, design.weights, 0.0)
    xx, yy = np.where(valid[:, None], x, 0.0), np.where(valid, y, 0.0)
    bread = np.linalg.inv(xx.T @ (xx * w[:, None]))
    beta = bread @ (xx.T @ (w * yy))
    z = (xx * (w * (yy - xx @ beta))[:, None]) @ bread
    want = reference_vcov(data, population, base, z)
    fit = weighted_regression(data, "index", ["q0", "leader"], design)
    np.testing.assert_allclose(fit.vcov.to_numpy(), want, rtol=1e-9)
    np.testing.assert_allclose(design_vcov(design, z), want, rtol=1e-9)


@pytest.mark.parametrize("which", ["equal base weights", "varying base weights"])
def test_ttest_is_the_regression_slope(sample, which):
    # weighted_ttest takes the difference of the two domain means; svyglm's slope on the group indicator
    data, population = sample
    design, _ = designs(data, population)[which]
    t = weighted_ttest(data, "index", "leader", design)
    slope = weighted_regression(data, "index", ["leader"], design).coefficients.set_index("term").loc["leader"]
    assert t.mean_diff == pytest.approx(-slope["estimate"], rel=1e-10)
    assert t.se == pytest.approx(slope["se"], rel=1e-10)
    assert t.p == pytest.approx(slope["p"], rel=1e-8)
    assert (t.ci_low, t.ci_high) == pytest.approx((-slope["ci_high"], -slope["ci_low"]), rel=1e-10)


def test_weighted_means_of_arrays_is_weighted_mean_of_the_frame(sample):
    data, population = sample
    design, _ = designs(data, population)["equal base weights"]
    frame = weighted_mean(data, ["q0", "index"], design).table
    arrays = weighted_means({v: data[v].to_numpy() for v in ["q0", "index"]}, design).table
    pd.testing.assert_frame_equal(frame, arrays)
