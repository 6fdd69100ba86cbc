"""Tests for surveykit.model.regression: NIST StRD certified values, statsmodels cross-checks, hand-made cases."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy
import statsmodels.api as sm
from statsmodels.stats.anova import anova_lm
from statsmodels.stats.outliers_influence import OLSInfluence, variance_inflation_factor
from statsmodels.stats.stattools import durbin_watson

from surveykit.errors import AnalysisError
from surveykit.model.regression import (
    INTERCEPT,
    dummy_code,
    hierarchical_regression,
    predictor_correlations,
)

# ---------------------------------------------------------------------------------------------------------
# NIST StRD Norris: certified values parsed from the header of the file shipped with scipy's tests
# ---------------------------------------------------------------------------------------------------------

NORRIS = Path(scipy.__file__).parent / "stats/tests/data/nist_linregress/Norris.dat"
_NUM = r"([-+]?\d*\.\d+(?:[eE][-+]?\d+)?)"


def _read_norris():
    if not NORRIS.is_file():
        pytest.skip(f"NIST Norris data not found at {NORRIS}")
    text = NORRIS.read_text()
    certified = {}
    for name in ("B0", "B1"):
        est, sd = re.search(rf"^\s*{name}\s+{_NUM}\s+{_NUM}\s*$", text, re.M).groups()
        certified[name] = (float(est), float(sd))
    certified["resid_sd"] = float(re.search(rf"Standard Deviation\s+{_NUM}", text.split("Residual", 1)[1]).group(1))
    certified["r2"] = float(re.search(rf"R-Squared\s+{_NUM}", text).group(1))
    # ANOVA table row: "Regression  1  SS  MS  F"
    certified["f"] = float(re.search(rf"^Regression\s+1\s+{_NUM}\s+{_NUM}\s+{_NUM}", text, re.M).group(3))
    data_part = re.split(r"^Data:\s+y\s+x\s*$", text, flags=re.M)[1]
    rows = [line.split() for line in data_part.strip().splitlines() if line.strip()]
    data = pd.DataFrame(np.array(rows, dtype=float), columns=["y", "x"])
    return certified, data


def test_nist_norris_certified_values():
    certified, data = _read_norris()
    assert len(data) == 36  # "36 Observations" in the file header
    res = hierarchical_regression(data, "y", [["x"]])
    coef = res.step_coefficients(1).set_index("term")
    rtol = 1e-9
    np.testing.assert_allclose(coef.loc[INTERCEPT, "b"], certified["B0"][0], rtol=rtol)
    np.testing.assert_allclose(coef.loc[INTERCEPT, "se"], certified["B0"][1], rtol=rtol)
    np.testing.assert_allclose(coef.loc["x", "b"], certified["B1"][0], rtol=rtol)
    np.testing.assert_allclose(coef.loc["x", "se"], certified["B1"][1], rtol=rtol)
    np.testing.assert_allclose(res.steps.loc[0, "se_estimate"], certified["resid_sd"], rtol=rtol)
    np.testing.assert_allclose(res.steps.loc[0, "r2"], certified["r2"], rtol=rtol)
    np.testing.assert_allclose(res.steps.loc[0, "f"], certified["f"], rtol=rtol)
    np.testing.assert_allclose(res.steps.loc[0, "f_change"], certified["f"], rtol=rtol)  # one step: same F
    assert res.n == 36 and res.missing.n_excluded == 0


# ---------------------------------------------------------------------------------------------------------
# NIST StRD Longley (higher difficulty). Certified values from
# https://www.itl.nist.gov/div898/strd/lls/data/LINKS/DATA/Longley.dat, as carried in statsmodels'
# own test suite (statsmodels/regression/tests/results/results_regression.py, class Longley). Order
# x1..x6 = GNPDEFL, GNP, UNEMP, ARMED, POP, YEAR, then B0 (intercept).
# ---------------------------------------------------------------------------------------------------------

LONGLEY_PARAMS = (
    15.0618722713733, -0.358191792925910e-01, -2.02022980381683, -1.03322686717359,
    -0.511041056535807e-01, 1829.15146461355, -3482258.63459582,
)  # fmt: skip
LONGLEY_BSE = (
    84.9149257747669, 0.334910077722432e-01, 0.488399681651699, 0.214274163161675,
    0.226073200069370, 455.478499142212, 890420.383607373,
)  # fmt: skip
LONGLEY_RESID_SD = 304.854073561965
LONGLEY_R2 = 0.995479004577296
LONGLEY_X = ["GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR"]


def test_longley_certified_values_match_statsmodels_copy():
    """Guards the numbers typed above against typos (the installed statsmodels test module is optional)."""
    results = pytest.importorskip("statsmodels.regression.tests.results.results_regression")
    ref = results.Longley()
    np.testing.assert_array_equal(LONGLEY_PARAMS, ref.params)
    np.testing.assert_array_equal(LONGLEY_BSE, ref.bse)
    np.testing.assert_allclose(LONGLEY_RESID_SD**2, ref.scale, rtol=1e-14)
    assert LONGLEY_R2 == ref.rsquared


def test_nist_longley_certified_values():
    from statsmodels.datasets import longley

    dataset = longley.load_pandas()
    # NIST's variable order: y = TOTEMP, x1..x6 = GNPDEFL, GNP, UNEMP, ARMED, POP, YEAR
    assert dataset.endog.name == "TOTEMP" and list(dataset.exog.columns) == LONGLEY_X
    data = dataset.data
    res = hierarchical_regression(data, "TOTEMP", [LONGLEY_X])
    coef = res.step_coefficients().set_index("term").loc[[*LONGLEY_X, INTERCEPT]]
    rtol = 1e-10  # the QR of the centred design reaches ~13 digits here
    np.testing.assert_allclose(coef["b"], LONGLEY_PARAMS, rtol=rtol)
    np.testing.assert_allclose(coef["se"], LONGLEY_BSE, rtol=rtol)
    np.testing.assert_allclose(res.steps.loc[0, "se_estimate"], LONGLEY_RESID_SD, rtol=rtol)
    np.testing.assert_allclose(res.steps.loc[0, "r2"], LONGLEY_R2, rtol=rtol)


def test_longley_in_two_steps_matches_statsmodels_nested_models():
    """Hierarchical steps on an ill-conditioned design: step 1 is the restricted model of step 2."""
    from statsmodels.datasets import longley

    data = longley.load_pandas().data
    res = hierarchical_regression(data, "TOTEMP", [["GNPDEFL", "GNP", "UNEMP"], ["ARMED", "POP", "YEAR"]])
    restricted = sm.OLS(data["TOTEMP"], sm.add_constant(data[LONGLEY_X[:3]])).fit()
    full = sm.OLS(data["TOTEMP"], sm.add_constant(data[LONGLEY_X])).fit()
    f, p, df_diff = full.compare_f_test(restricted)
    step2 = res.steps.iloc[1]
    np.testing.assert_allclose(step2["f_change"], f, rtol=1e-8)
    np.testing.assert_allclose(step2["p_change"], p, rtol=1e-7)
    assert step2["df1"] == df_diff == 3
    np.testing.assert_allclose(res.steps.loc[0, "r2"], restricted.rsquared, rtol=1e-10)
    np.testing.assert_allclose(step2["delta_r2"], full.rsquared - restricted.rsquared, rtol=1e-8)


# ---------------------------------------------------------------------------------------------------------
# Simulated survey data in the shape of Schick's Table 29
# ---------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def survey():
    rng = np.random.default_rng(20140601)
    n = 420
    gender = rng.choice(["mann", "kvinne"], n, p=[0.3, 0.7])
    education = rng.choice([1, 2, 3], n, p=[0.2, 0.55, 0.25])  # 3 = master (reference)
    role = rng.choice(["radgiver/annet", "veileder", "leder"], n, p=[0.45, 0.45, 0.10])
    office = rng.choice(["fylke", "trondheim", "distrikt>15", "distrikt<15", "forvaltning"], n)
    started = rng.integers(0, 7, n).astype(float)
    competence = np.clip(rng.normal(4.2, 0.8, n), 1, 6)
    time_autonomy = np.clip(0.5 * competence + rng.normal(2.0, 0.9, n), 1, 6)
    values = np.clip(0.4 * competence + rng.normal(2.3, 0.9, n), 1, 6)
    outcome = (
        0.5 + 0.25 * (gender == "kvinne") + 0.15 * (education == 1) + 0.4 * (role == "veileder")
        + 0.9 * (role == "leder") + 0.2 * (office == "trondheim") - 0.1 * (office == "distrikt<15")
        + 0.04 * started + 0.19 * competence + 0.04 * time_autonomy + 0.25 * values + rng.normal(0, 1.0, n)
    )  # fmt: skip
    df = pd.DataFrame(
        {
            "malekortet": outcome,
            "kjonn": gender,
            "utdanning": education,
            "rolle": role,
            "kontor": office,
            "startet": started,
            "kompetanse": competence,
            "tid": time_autonomy,
            "verdier": values,
        }
    )
    # some item non-response, scattered over outcome and predictors
    for col, share in [("malekortet", 0.03), ("kjonn", 0.02), ("utdanning", 0.03), ("kompetanse", 0.04),
                       ("verdier", 0.02)]:  # fmt: skip
        df.loc[rng.random(n) < share, col] = np.nan
    return df


BLOCKS = [["kjonn"], ["utdanning"], ["rolle"], ["kontor", "startet"], ["kompetanse", "tid"], ["verdier"]]
CATEGORICAL = ["kjonn", "utdanning", "rolle", "kontor"]
REFERENCES = {"kjonn": "mann", "utdanning": 3, "rolle": "radgiver/annet", "kontor": "fylke"}


@pytest.fixture(scope="module")
def survey_fit(survey):
    return hierarchical_regression(
        survey, "malekortet", BLOCKS, categorical=CATEGORICAL, references=REFERENCES,
        labels={"utdanning": {1: "bachelor", 2: "hogskole"}},
    )  # fmt: skip


def _statsmodels_designs(survey):
    """Design matrices of every step, built independently with pandas.get_dummies after listwise deletion."""
    cols = ["malekortet", *[v for b in BLOCKS for v in b]]
    data = survey[cols].dropna()
    pieces = []
    for block in BLOCKS:
        parts = []
        for var in block:
            if var in CATEGORICAL:
                d = pd.get_dummies(data[var], dtype=float)  # columns = category values, sorted
                parts.append(d.drop(columns=REFERENCES[var]).add_prefix(f"{var}_"))
            else:
                parts.append(data[[var]])
        pieces.append(pd.concat(parts, axis=1))
    designs = [sm.add_constant(pd.concat(pieces[: j + 1], axis=1)) for j in range(len(pieces))]
    return data, designs


def test_listwise_deletion_is_common_to_all_steps(survey, survey_fit):
    complete = survey[["malekortet", *[v for b in BLOCKS for v in b]]].dropna()
    assert survey_fit.n == len(complete) == survey_fit.missing.n_used
    assert survey_fit.missing.n_excluded == len(survey) - len(complete) > 0
    assert survey_fit.missing.method == "listwise"
    assert survey_fit.missing.by_variable["kompetanse"] == survey["kompetanse"].isna().sum()
    assert (survey_fit.steps["n"] == survey_fit.n).all()
    assert list(survey_fit.steps["df2"]) == [survey_fit.n - k - 1 for k in survey_fit.steps["k"]]
    assert survey_fit.references == REFERENCES


def test_steps_and_coefficients_match_statsmodels(survey, survey_fit):
    data, designs = _statsmodels_designs(survey)
    y = data["malekortet"]
    fits = [sm.OLS(y, X).fit() for X in designs]
    assert list(survey_fit.steps["k"]) == [X.shape[1] - 1 for X in designs]
    previous = None
    for j, (fit, step) in enumerate(zip(fits, survey_fit.steps.itertuples()), start=1):
        np.testing.assert_allclose(step.r2, fit.rsquared, rtol=1e-10)
        np.testing.assert_allclose(step.adj_r2, fit.rsquared_adj, rtol=1e-10)
        np.testing.assert_allclose(step.f, fit.fvalue, rtol=1e-10)
        np.testing.assert_allclose(step.p, fit.f_pvalue, rtol=1e-8)
        np.testing.assert_allclose(step.se_estimate, np.sqrt(fit.scale), rtol=1e-10)
        if previous is None:
            np.testing.assert_allclose(step.delta_r2, fit.rsquared, rtol=1e-10)
            np.testing.assert_allclose(step.f_change, fit.fvalue, rtol=1e-10)
        else:
            f, p, df_diff = fit.compare_f_test(previous)
            table = anova_lm(previous, fit)
            np.testing.assert_allclose(step.f_change, f, rtol=1e-9)
            np.testing.assert_allclose(step.f_change, table["F"].iloc[1], rtol=1e-9)
            np.testing.assert_allclose(step.p_change, p, rtol=1e-8)
            np.testing.assert_allclose(step.p_change, table["Pr(>F)"].iloc[1], rtol=1e-8)
            assert step.df1 == df_diff
            np.testing.assert_allclose(step.delta_r2, fit.rsquared - previous.rsquared, rtol=1e-9)
        previous = fit

        coef = survey_fit.step_coefficients(j)
        np.testing.assert_allclose(coef["b"], fit.params.to_numpy(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(coef["se"], fit.bse.to_numpy(), rtol=1e-9)
        np.testing.assert_allclose(coef["t"], fit.tvalues.to_numpy(), rtol=1e-9)
        np.testing.assert_allclose(coef["p"], fit.pvalues.to_numpy(), rtol=1e-7)
        ci = fit.conf_int(0.05).to_numpy()
        np.testing.assert_allclose(coef[["ci_low", "ci_high"]].to_numpy(), ci, rtol=1e-9)
        # standardised beta = b * sd(x) / sd(y), computed here from the statsmodels design
        X = designs[j - 1]
        beta = fit.params.iloc[1:] * X.iloc[:, 1:].std() / y.std()
        np.testing.assert_allclose(coef["beta"].iloc[1:], beta.to_numpy(), rtol=1e-9)
        assert coef["term"].iloc[0] == INTERCEPT and np.isnan(coef["beta"].iloc[0])


def test_dummy_terms_are_named_with_labels(survey_fit):
    assert survey_fit.blocks[0] == ("kjonn[kvinne]",)
    assert survey_fit.blocks[1] == ("utdanning[bachelor]", "utdanning[hogskole]")
    assert set(survey_fit.blocks[2]) == {"rolle[leder]", "rolle[veileder]"}
    assert survey_fit.variables[3] == ("kontor", "startet")


def test_diagnostics_match_statsmodels(survey, survey_fit):
    data, designs = _statsmodels_designs(survey)
    X = designs[-1]
    fit = sm.OLS(data["malekortet"], X).fit()
    infl = OLSInfluence(fit)
    d = survey_fit.diagnostics
    terms = list(X.columns[1:])
    vif_sm = [variance_inflation_factor(X.to_numpy(), i) for i in range(1, X.shape[1])]
    np.testing.assert_allclose(list(d.vif.values()), vif_sm, rtol=1e-9)
    np.testing.assert_allclose(list(d.tolerance.values()), 1 / np.array(vif_sm), rtol=1e-9)
    np.testing.assert_allclose(d.durbin_watson, durbin_watson(fit.resid), rtol=1e-10)
    cooks = infl.cooks_distance[0]
    np.testing.assert_allclose(d.cases["cooks_d"], cooks, rtol=1e-8)
    np.testing.assert_allclose(d.max_cooks_d, cooks.max(), rtol=1e-8)
    assert d.case_max_cooks_d == cooks.idxmax()
    assert d.n_cooks_d_above_1 == int((cooks > 1).sum())
    np.testing.assert_allclose(d.cases["leverage"], infl.hat_matrix_diag, rtol=1e-9)
    np.testing.assert_allclose(d.cases["sresid"], infl.resid_studentized_internal, rtol=1e-9)
    np.testing.assert_allclose(d.dfbeta.to_numpy(), infl.dfbeta, rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(d.sdbeta.to_numpy(), infl.dfbetas, rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(list(d.sdbeta_max.values()), np.abs(infl.dfbetas).max(axis=0), rtol=1e-8)
    np.testing.assert_allclose(list(d.dfbeta_max.values()), np.abs(infl.dfbeta).max(axis=0), rtol=1e-8)
    assert list(d.dfbeta_max) == [INTERCEPT, *[t for block in survey_fit.blocks for t in block]]
    assert len(terms) == len(d.vif)
    z = fit.resid / np.sqrt(fit.scale)  # SPSS ZRESID
    np.testing.assert_allclose(d.cases["zresid"], z, rtol=1e-9)
    assert d.pct_zresid_beyond_2 == pytest.approx(100 * (np.abs(z) > 2).mean(), rel=1e-12)
    assert d.pct_zresid_beyond_2_5 == pytest.approx(100 * (np.abs(z) > 2.5).mean(), rel=1e-12)
    assert d.n_zresid_beyond_3 == int((np.abs(z) > 3).sum())
    assert list(d.cases_zresid_beyond_3) == list(z.index[np.abs(z) > 3])


def test_dfbeta_is_the_exact_change_when_deleting_a_case(survey_fit, survey):
    """DFBETA's closed form against actually refitting without one case (hand check of the definition)."""
    data, designs = _statsmodels_designs(survey)
    X, y = designs[-1], data["malekortet"]
    b_all = np.linalg.lstsq(X.to_numpy(), y.to_numpy(), rcond=None)[0]
    case = survey_fit.diagnostics.case_max_cooks_d
    keep = X.index != case
    b_without = np.linalg.lstsq(X.to_numpy()[keep], y.to_numpy()[keep], rcond=None)[0]
    np.testing.assert_allclose(survey_fit.diagnostics.dfbeta.loc[case], b_all - b_without, rtol=1e-8)


def test_to_dict_is_json_safe_and_complete(survey_fit):
    out = survey_fit.to_dict()
    json.dumps(out, allow_nan=False)
    assert {"r2", "delta_r2", "f_change", "df1", "df2", "p_change", "se_estimate"} <= set(out["steps"][0])
    assert {"step", "term", "b", "se", "beta", "t", "p", "ci_low", "ci_high"} <= set(out["coefficients"][0])
    assert out["coefficients"][0]["beta"] is None  # intercept
    assert set(out["diagnostics"]["vif"]) == set(survey_fit.blocks[-1]) | {
        t for b in survey_fit.blocks[:-1] for t in b
    }
    assert {"tolerance", "durbin_watson", "max_cooks_d", "sdbeta_max", "dfbeta_max"} <= set(out["diagnostics"])
    assert out["missing"]["method"] == "listwise"
    assert out["steps"][2]["added_variables"] == ["rolle"]
    text = survey_fit.summary()
    assert "Durbin-Watson" in text and f"N = {survey_fit.n}" in text


# ---------------------------------------------------------------------------------------------------------
# dummy coding by hand
# ---------------------------------------------------------------------------------------------------------


def test_dummy_code_by_hand():
    s = pd.Series(["b", "a", None, "c", "a", "b"], name="v", index=[10, 11, 12, 13, 14, 15])
    out = dummy_code(s, reference="a")
    expected = pd.DataFrame(
        {"v[b]": [1, 0, np.nan, 0, 0, 1], "v[c]": [0, 0, np.nan, 1, 0, 0]}, index=s.index, dtype=float
    )
    pd.testing.assert_frame_equal(out, expected)


def test_dummy_code_numeric_codes_labels_and_prefix():
    s = pd.Series([1.0, 2.0, 3.0, np.nan, 3.0])
    out = dummy_code(s, reference=3, labels={1: "bachelor"}, prefix="utd")
    assert list(out.columns) == ["utd[bachelor]", "utd[2]"]
    np.testing.assert_array_equal(out.to_numpy(), [[1, 0], [0, 1], [0, 0], [np.nan, np.nan], [0, 0]])


def test_dummy_code_categorical_keeps_declared_order_and_skips_absent_levels():
    s = pd.Series(pd.Categorical(["lav", "hoy", "lav"], categories=["hoy", "middels", "lav"]), name="niva")
    out = dummy_code(s, reference="lav")
    assert list(out.columns) == ["niva[hoy]"]  # 'middels' does not occur: no all-zero column


def test_dummy_code_unknown_reference():
    with pytest.raises(AnalysisError, match="Reference category 'x' does not occur in 'v'") as err:
        dummy_code(pd.Series(["a", "b"], name="v"), reference="x")
    assert err.value.problems[0].values == ("a", "b")


# ---------------------------------------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def small():
    rng = np.random.default_rng(7)
    n = 30
    df = pd.DataFrame({"x1": rng.normal(size=n), "x2": rng.normal(size=n), "g": rng.choice(["a", "b"], n)})
    df["y"] = df["x1"] + rng.normal(size=n)
    return df


def test_collinear_block_names_the_variables(small):
    df = small.assign(total=small["x1"] + 2 * small["x2"])
    with pytest.raises(AnalysisError, match="Perfectly collinear") as err:
        hierarchical_regression(df, "y", [["x1", "x2"], ["total"]])
    (problem,) = err.value.problems
    assert problem.column == "total" and "x1" in problem.message and "x2" in problem.message


def test_dummy_set_collinear_with_its_complement(small):
    df = small.assign(is_a=(small["g"] == "a").astype(float))
    with pytest.raises(AnalysisError, match="Perfectly collinear") as err:
        hierarchical_regression(df, "y", [["g"], ["is_a"]], categorical=["g"], references={"g": "a"})
    assert err.value.problems[0].column == "is_a" and "g[b]" in err.value.problems[0].message


def test_constant_predictor_after_listwise_deletion(small):
    df = small.assign(c=np.where(small.index < 5, np.nan, 4.0))
    with pytest.raises(AnalysisError, match="Constant predictor") as err:
        hierarchical_regression(df, "y", [["x1"], ["c"]])
    assert err.value.problems[0].column == "c"


def test_unknown_reference_category(small):
    with pytest.raises(AnalysisError, match="Reference category 'z'"):
        hierarchical_regression(small, "y", [["g"]], categorical=["g"], references={"g": "z"})


def test_too_few_cases(small):
    with pytest.raises(AnalysisError, match="Too few complete cases: 3 cases for 2 predictors"):
        hierarchical_regression(small.head(3), "y", [["x1"], ["x2"]])


def test_text_predictor_must_be_declared_categorical(small):
    with pytest.raises(AnalysisError, match="declared categorical") as err:
        hierarchical_regression(small, "y", [["g"]])
    assert err.value.problems[0].column == "g"


def test_default_reference_is_first_category_and_recorded(small):
    res = hierarchical_regression(small, "y", [["x1"], ["g"]], categorical=["g"])
    assert res.references == {"g": "a"} and res.blocks[1] == ("g[b]",)


def test_constant_outcome(small):
    with pytest.raises(AnalysisError, match="outcome is constant"):
        hierarchical_regression(small.assign(y=1.0), "y", [["x1"]])


def test_unknown_column(small):
    with pytest.raises(AnalysisError, match="not found") as err:
        hierarchical_regression(small, "y", [["x1", "nope"]])
    assert err.value.problems[0].column == "nope"


def test_singleton_category_has_no_deletion_statistics(small):
    df = small.copy()
    df.loc[0, "g"] = "solo"  # alone in its category: leverage 1
    res = hierarchical_regression(df, "y", [["x1"], ["g"]], categorical=["g"], references={"g": "a"})
    d = res.diagnostics
    assert d.n_leverage_one == 1
    assert np.isnan(d.cases["cooks_d"].loc[0]) and np.isfinite(d.max_cooks_d)
    json.dumps(res.to_dict(), allow_nan=False)


# ---------------------------------------------------------------------------------------------------------
# correlation screen
# ---------------------------------------------------------------------------------------------------------


def test_predictor_correlations_flags_pairs_above_threshold(survey):
    df = survey.assign(lederfokus=survey["malekortet"] * 0.9 + np.random.default_rng(1).normal(0, 0.3, len(survey)))
    cols = ["malekortet", "lederfokus", "kompetanse", "tid", "verdier"]
    screen = predictor_correlations(df, cols, threshold=0.7)
    flagged = screen.flagged
    assert len(flagged) == 1 and {flagged.loc[0, "x"], flagged.loc[0, "y"]} == {"malekortet", "lederfokus"}
    # every pair against scipy on its pairwise complete cases
    assert len(screen.pairs) == 10
    for row in screen.pairs.itertuples():
        pair = df[[row.x, row.y]].dropna()
        ref = scipy.stats.pearsonr(pair[row.x], pair[row.y])
        assert row.n == len(pair)
        np.testing.assert_allclose(row.r, ref.statistic, rtol=1e-10)
        np.testing.assert_allclose(row.p, ref.pvalue, rtol=1e-6, atol=1e-300)
    assert (screen.pairs["flagged"] == (screen.pairs["r"].abs() > 0.7)).all()
    json.dumps(screen.to_dict(), allow_nan=False)


def test_influence_maxima_are_the_same_in_chunks_of_cases(monkeypatch, survey):
    # the DFBETA/SDBETA maxima are gathered chunk by chunk of cases: any chunk size gives the full-matrix answer
    import surveykit.model.regression_diagnostics as regression_diagnostics

    monkeypatch.setattr(regression_diagnostics, "CASE_CHUNK", 13)
    d = hierarchical_regression(survey, "malekortet", BLOCKS, categorical=CATEGORICAL, references=REFERENCES,
                                labels={"utdanning": {1: "bachelor", 2: "hogskole"}}).diagnostics
    assert d.n > 13 * 10
    np.testing.assert_allclose(list(d.dfbeta_max.values()), np.abs(d.dfbeta.to_numpy()).max(axis=0), rtol=1e-12)
    np.testing.assert_allclose(list(d.sdbeta_max.values()), np.abs(d.sdbeta.to_numpy()).max(axis=0), rtol=1e-12)
    assert d.n_sdbeta_above_1 == int((np.abs(d.sdbeta.to_numpy()) > 1).any(axis=1).sum())
