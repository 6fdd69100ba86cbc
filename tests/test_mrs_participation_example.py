"""The bundled MRS participation example: it loads, runs with the current pipeline, its data are what the
committed generator makes, and the change built into the generator is what the wave comparison finds.

References: the generator's own documented design (questionnaires/examples/mrs-participation/make_data.py):
feedback on results +0.4 latent (about +0.3 observed) in area 4620 in 2024, nothing else systematic.
"""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from surveykit.cli import main as cli_main
from surveykit.compare.engagement import engagement_index, enps
from surveykit.compare.waves import compare_waves
from surveykit.data.prepare import load_and_recode
from surveykit.data.units import read_units, response_rates
from surveykit.measure.scoring import score_indices
from surveykit.model.drivers import key_drivers
from surveykit.spec.questionnaire import load_questionnaire

ROOT = Path(__file__).resolve().parents[1]
YAML = ROOT / "questionnaires" / "examples" / "mrs-participation.yaml"
FOLDER = ROOT / "questionnaires" / "examples" / "mrs-participation"
WAVES = (2022, 2023, 2024)
DIMENSIONS = ["goal_participation", "goal_understanding", "results_feedback", "results_routines", "room_to_act"]


@pytest.fixture(scope="module")
def questionnaire():
    return load_questionnaire(YAML)


@pytest.fixture(scope="module")
def waves(questionnaire):
    return {y: score_indices(load_and_recode(questionnaire, FOLDER / f"wave{y}.csv").frame, questionnaire)
            for y in WAVES}


@pytest.fixture(scope="module")
def tree():
    return read_units(FOLDER / "units.csv")


def test_questionnaire_loads(questionnaire):
    ids = {i.id for i in questionnaire.items}
    assert {"lf_county_involves_me", "ef_leader_asks_input", "recommend_workplace"} <= ids
    assert {b.id for b in questionnaire.background} >= {"role", "unit", "tenure"}
    assert questionnaire.sample.synthetic
    for item in questionnaire.items:
        assert set(item.text) == {"nb", "en"}, item.id


def test_run_writes_report(tmp_path):
    assert cli_main(["run", str(YAML), str(FOLDER / "wave2024.csv"), "--out", str(tmp_path), "--quiet"]) == 0
    assert (tmp_path / "report.html").stat().st_size > 0
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert results["n_respondents"] == len(pd.read_csv(FOLDER / "wave2024.csv"))
    assert results["factor_analyses"]["dimensions"]["n_factors"] == 5


def test_data_are_what_the_generator_makes(tmp_path):
    spec = importlib.util.spec_from_file_location("make_data", FOLDER / "make_data.py")
    make_data = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_data)
    make_data.main(tmp_path)
    for y in WAVES:
        assert (tmp_path / f"wave{y}.csv").read_bytes() == (FOLDER / f"wave{y}.csv").read_bytes(), y


def test_organisation_and_response_rates(tree, waves):
    assert tree.n_units == 31 and len(tree.units_at_level(1)) == 5 and tree.depth == 2
    offices = [c for c in tree.units_at_level(2)]
    assert len(offices) == 25
    for y, frame in waves.items():
        rr = response_rates(tree, frame["unit"])
        assert rr.loc["4600", "headcount"] == 1535 and rr.loc["4600", "headcount_source"] == "subunits"
        assert 0.4 <= rr.loc["4600", "rate"] <= 0.8, y
        assert (rr.loc[offices, "respondents"] < 5).any(), y  # small offices exist in every wave
        assert not rr["over_100"].any()


def test_leader_and_employee_forms(waves):
    frame = waves[2024]
    leaders, employees = frame["role"] == 1, frame["role"] == 2
    assert frame.loc[employees, "lf_county_involves_me"].isna().all()
    assert frame.loc[leaders, "ef_leader_asks_input"].isna().all()
    assert frame.loc[leaders, "lf_county_involves_me"].notna().mean() > 0.9


def test_built_in_change_is_found(tree, waves):
    res = compare_waves(waves[2023], waves[2024], DIMENSIONS + ["engagement"], tree=tree, unit_variable="unit",
                        previous_label="2023", current_label="2024", min_mean_change=0.2)
    top = res.means[res.means["level"] <= 1]
    flagged = top[top["flag"] != ""]
    assert list(zip(flagged["unit"], flagged["variable"], flagged["flag"])) == [("4620", "results_feedback", "up")]
    row = flagged.iloc[0]
    assert 0.2 <= row["diff"] <= 0.4 and row["p"] < 0.001
    # 2022 -> 2023: nothing built in, nothing flagged at county or area level
    quiet = compare_waves(waves[2022], waves[2023], DIMENSIONS + ["engagement"], tree=tree, unit_variable="unit")
    assert (quiet.means.loc[quiet.means["level"] <= 1, "flag"] == "").all()


def test_drivers_and_engagement_run_on_the_example(tree, waves):
    kd = key_drivers(waves[2024], "engagement", DIMENSIONS, n_boot=200, seed=1)
    assert kd.r2 > 0.2 and kd.n + kd.n_excluded == len(waves[2024])
    # the two weakest drivers built in (.10 each) get the two smallest relative weights
    assert set(kd.table["raw_weight"].nsmallest(2).index) == {"goal_participation", "results_routines"}
    e = enps(waves[2024]["recommend_workplace"], tree=tree, unit_codes=waves[2024]["unit"])
    assert np.isfinite(e.table.loc["4600", "enps"])
    g = engagement_index(waves[2024], ["engaged_motivated", "engaged_mrs_useful", "engaged_proud"], [4, 5],
                         tree=tree, unit_codes=waves[2024]["unit"])
    assert 0 < g.table.loc["4600", "pct"] < 100
