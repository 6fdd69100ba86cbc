"""The Results accessors of the survey cycle and of the additions beyond the thesis (api/results.py).

Each accessor must give the entries of results.json as a tidy table; the reference numbers are the dict
itself and independent recomputations in pandas/scipy on the bundled MRS example (tolerance 1e-12: the
same sums in another order).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from scipy import stats

import surveykit as sk
from surveykit.measure.scoring import scored_frame

ROOT = Path(__file__).resolve().parents[1]
YAML = ROOT / "questionnaires" / "examples" / "mrs-participation.yaml"
DATA = YAML.parent / "mrs-participation"


@pytest.fixture(scope="module")
def q():
    return sk.read_questionnaire(YAML)


@pytest.fixture(scope="module")
def results(q):
    return sk.analyze(q, sk.read_data(q, DATA / "wave2024.csv"))


def test_response_rates(results):
    table = results.response_rates()
    raw = pd.read_csv(DATA / "wave2024.csv", dtype={"unit": str})
    root = table.index[table["level"] == 0][0]
    assert table.loc[root, "respondents"] == len(raw)
    shown = table[table["shown"] & (table["level"] == 2)]
    counts = raw["unit"].value_counts()
    for code, row in shown.iterrows():
        assert row["respondents"] == counts.get(code, 0)
        assert row["rate"] == pytest.approx(row["respondents"] / row["headcount"], rel=1e-12)
    assert table.loc[~table["shown"], "respondents"].isna().all()  # hidden units publish no count


def test_wave_changes_and_trends(q, results):
    means = results.wave_changes()
    assert "index" not in means.columns and means["n_prev"].dtype.kind == "i"
    root = results.response_rates().index[0]
    row = means[(means["unit"] == root) & (means["variable"] == "room_to_act")].iloc[0]
    now = scored_frame(sk.read_data(q, DATA / "wave2024.csv").frame, q)["room_to_act"].dropna()
    before = scored_frame(sk.read_data(q, DATA / "wave2023.csv").frame, q)["room_to_act"].dropna()
    res = stats.ttest_ind(now, before, equal_var=False)
    assert row["t"] == pytest.approx(res.statistic, rel=1e-9) and row["p"] == pytest.approx(res.pvalue, rel=1e-6)
    assert len(results.wave_changes("favourable", previous="2022")) > 0
    with pytest.raises(KeyError, match="2019"):
        results.wave_changes(previous="2019")
    trend = results.trends()
    assert set(trend["wave"]) == {"2022", "2023", "2024"}
    at_root = trend[(trend["unit"] == root) & (trend["variable"] == "room_to_act") & (trend["wave"] == "2024")]
    assert at_root["mean"].iloc[0] == pytest.approx(now.mean(), abs=1e-12)


def test_drivers_and_engagement(results):
    drivers = results.drivers("engagement_drivers")
    entry = results.to_dict()["drivers"]["engagement_drivers"]
    assert list(drivers.index) == [r["predictor"] for r in entry["table"]]
    assert drivers["raw_weight"].sum() == pytest.approx(entry["r2"], rel=1e-12)  # relative weights sum to R²
    assert (drivers["rescaled_ci_low"] <= drivers["rescaled_weight"]).all()
    enps = results.engagement("enps")
    x = results.frame["recommend_workplace"].dropna()
    assert enps.iloc[0]["n"] == len(x)
    assert enps.iloc[0]["enps"] == pytest.approx(100 * ((x >= 9).mean() - (x <= 6).mean()), abs=1e-9)
    with pytest.raises(KeyError):
        results.engagement("nope")


def test_weighted_and_icc(results):
    tests = results.weighted()
    assert {"t", "p", "unweighted_statistic", "n"} <= set(tests.columns) and len(tests) > 0
    margins = results.weighting_margins()
    assert margins["weighted_after"].to_numpy() == pytest.approx(margins["population"].to_numpy(), rel=1e-9)
    icc = results.icc()
    assert ((icc["icc1"] > -1) & (icc["icc1"] < 1)).all()
    assert icc["design_effect"].to_numpy() == pytest.approx(
        (1 + (icc["mean_cluster_size"] - 1) * icc["icc1"]).to_numpy(), rel=1e-9)


def test_cfa_accessors_on_schick():
    q = sk.read_questionnaire(ROOT / "questionnaires" / "schick2012.yaml")
    res = sk.analyze(q, sk.read_data(q, q.resolve(q.sample.file)))
    fit = res.cfa_fit()
    assert set(fit.index) == set(res.to_dict()["cfa"])
    assert {"chi2", "df", "cfi", "tli", "rmsea", "rmsea_ci_lower", "n"} <= set(fit.columns)
    loadings = res.cfa_loadings("mrs_cfa")
    assert loadings["std_all"].between(-1, 1).all() and len(loadings) == len(res.to_dict()["cfa"]["mrs_cfa"]["loadings"])
