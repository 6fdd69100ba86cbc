"""Post-stratification, raking and trimming against R's survey package.

Fixtures: tests/r/survey_api.R exports the API stratified sample (survey package data, 200 schools)
and population counts from apipop; tests/r/survey_weights.R computes weights(postStratify / rake /
trimWeights) on them, printed with 17 digits. Tolerance 1e-8 relative: post-stratification is exact
arithmetic; raking and the trim-rake loop stop at 1e-13 of the total weight in both implementations.
Kish's n_eff and deff are computed in R from the same weights (independent arithmetic).
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from surveykit.errors import AnalysisError
from surveykit.measure.weights import (
    effective_sample_size,
    post_stratify,
    rake,
    trim_weights,
    weighting_design_effect,
)

API = Path(__file__).parent / "data" / "survey_api"
FIX = Path(__file__).parent / "data" / "survey_weights"
RTOL = 1e-8


@pytest.fixture(scope="module")
def apistrat():
    return pd.read_csv(API / "apistrat.csv")


@pytest.fixture(scope="module")
def pops():
    return {name: pd.read_csv(API / f"pop_{name}.csv") for name in ("stype", "schwide", "stype_schwide", "awards")}


@pytest.fixture(scope="module")
def r_weights():
    return pd.read_csv(FIX / "weights.csv")


@pytest.fixture(scope="module")
def r_summary():
    return pd.read_csv(FIX / "summary.csv").set_index("case")


def check(result, r_weights, r_summary, case):
    np.testing.assert_allclose(result.weights.to_numpy(), r_weights[case].to_numpy(), rtol=RTOL, atol=0)
    row = r_summary.loc[case]
    assert result.n == row["n"]
    np.testing.assert_allclose([result.sum_weights, result.n_eff, result.deff, result.min_weight, result.max_weight],
                               row[["sum_w", "n_eff", "deff", "min_w", "max_w"]].to_numpy(dtype=float), rtol=RTOL)


def test_post_stratify_one_variable(apistrat, pops, r_weights, r_summary):
    res = post_stratify(apistrat, pops["stype"], base_weights="pw")
    check(res, r_weights, r_summary, "post_stype")
    assert res.max_margin_error < 1e-9 and res.converged
    assert res.margins["respondents"].tolist() == [100, 50, 50]


def test_post_stratify_cells(apistrat, pops, r_weights, r_summary):
    res = post_stratify(apistrat, pops["stype_schwide"], base_weights="pw")
    check(res, r_weights, r_summary, "post_cells")
    assert set(res.margins["variable"]) == {"stype x sch.wide"}


@pytest.mark.parametrize("case, base", [("rake_one", None), ("rake_pw", "pw")])
def test_rake(apistrat, pops, r_weights, r_summary, case, base):
    res = rake(apistrat, [pops["stype"], pops["schwide"]], base_weights=base)
    check(res, r_weights, r_summary, case)
    assert res.converged and 0 < res.iterations < 1000
    assert res.max_margin_error < 1e-8
    assert res.calibration[-1].kind == "raking" and len(res.calibration[-1].codes) == 2


def test_trim_weights_as_trimweights(apistrat, pops, r_weights, r_summary):
    raked = rake(apistrat, [pops["schwide"], pops["awards"]], base_weights="pw")
    check(raked, r_weights, r_summary, "rake_awards")
    lo, hi = r_summary.loc["trim_once", ["trim_lower", "trim_upper"]]
    np.testing.assert_allclose([0.6 * raked.weights.mean(), 1.3 * raked.weights.mean()], [lo, hi], rtol=1e-12)
    np.testing.assert_allclose(trim_weights(raked.weights, lo, hi), r_weights["trim_once"], rtol=RTOL)
    strict = trim_weights(raked.weights, lo, hi, strict=True)
    np.testing.assert_allclose(strict, r_weights["trim_strict"], rtol=RTOL)
    assert strict.min() >= lo - 1e-9 and strict.max() <= hi + 1e-9
    np.testing.assert_allclose(strict.sum(), raked.sum_weights, rtol=1e-12)


def test_trim_and_rerake(apistrat, pops, r_weights, r_summary):
    res = rake(apistrat, [pops["schwide"], pops["awards"]], base_weights="pw", trim=(0.6, 1.3))
    check(res, r_weights, r_summary, "trim_rerake")
    assert res.trim_rounds == r_summary.loc["trim_rerake", "rerake_iterations"]
    assert res.converged and res.within_bounds and res.max_margin_error < 1e-8 and res.n_at_bounds > 0
    d = res.to_dict()
    assert d["trim"] == [0.6, 1.3] and len(d["margins"]) == 4


def test_incompatible_bounds_reported(apistrat, pops):
    # the school-type margin forces high-school weights near 15.1, below half the mean weight (31)
    res = rake(apistrat, [pops["stype"], pops["schwide"]], base_weights="pw", trim=(0.5, 2.0), max_trim_rounds=20)
    assert res.within_bounds is False and res.trim_rounds == 20
    assert res.converged and res.max_margin_error < 1e-8
    assert any("bounds" in note for note in res.notes)


def test_kish_formulas_on_r_weights(r_weights, r_summary):
    for case in ("post_cells", "rake_awards", "trim_rerake"):
        w = r_weights[case].to_numpy()
        assert effective_sample_size(w) == pytest.approx(r_summary.loc[case, "n_eff"], rel=1e-12)
        assert weighting_design_effect(w) == pytest.approx(r_summary.loc[case, "deff"], rel=1e-12)


def test_errors_name_the_problem(apistrat, pops):
    pop = pops["stype"][pops["stype"]["stype"] != "H"]
    with pytest.raises(AnalysisError, match="missing from the population table") as e:
        post_stratify(apistrat, pop)
    assert "H" in str(e.value) and "50 rows in all" in str(e.value)
    extra = pd.concat([pops["stype"], pd.DataFrame({"stype": ["X"], "count": [10]})])
    with pytest.raises(AnalysisError, match="without respondents") as e:
        rake(apistrat, [extra, pops["schwide"]])
    assert "X" in str(e.value)
    gaps = apistrat.assign(stype=apistrat["stype"].where(apistrat.index > 2))
    with pytest.raises(AnalysisError, match="missing values in a weighting variable"):
        post_stratify(gaps, pops["stype"])
    with pytest.raises(AnalysisError, match="No count column"):
        post_stratify(apistrat, pops["stype"].rename(columns={"count": "headcount"}))
    res = post_stratify(apistrat, pops["stype"].rename(columns={"count": "headcount"}), count="headcount")
    assert res.sum_weights == pytest.approx(6194)
    with pytest.raises(AnalysisError, match="Base weights must be positive"):
        post_stratify(apistrat, pops["stype"], base_weights=np.zeros(len(apistrat)))


def test_numeric_codes_match_string_population():
    df = pd.DataFrame({"unit": [1.0, 1.0, 2.0]})
    pop = pd.DataFrame({"unit": ["1", "2"], "count": [10, 30]})
    assert post_stratify(df, pop).weights.tolist() == [5.0, 5.0, 30.0]
