"""The bundled MRS participation example with weights and clustering (issue 18, items 6 and 7, on the
embedded example): weighted to each office's headcount (post-stratification) and ICCs by office.

The pipeline's numbers are compared with the computation functions called directly on the same data
(those are tested against R's survey and lme4 in test_weights.py, test_weighted.py, test_clustering.py);
units hidden by the organisation tree are hidden in the weighting margins as in the sample table."""

import json
from pathlib import Path

import pandas as pd
import pytest

from surveykit.cli import main as cli_main
from surveykit.compare.weighted import survey_design, weighted_mean
from surveykit.data.prepare import load_and_recode
from surveykit.measure.clustering import icc
from surveykit.measure.scoring import scored_frame
from surveykit.measure.weights import post_stratify
from surveykit.spec.questionnaire import load_questionnaire

ROOT = Path(__file__).resolve().parents[1]
YAML = ROOT / "questionnaires" / "examples" / "mrs-participation.yaml"
FOLDER = ROOT / "questionnaires" / "examples" / "mrs-participation"


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = tmp_path_factory.mktemp("mrs-inference") / "out"
    assert cli_main(["run", str(YAML), "--out", str(out), "--quiet", "--lang", "en"]) == 0
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def frame():
    q = load_questionnaire(YAML)
    return scored_frame(load_and_recode(q, FOLDER / "wave2024.csv").frame, q)


def test_weighted_means_equal_post_stratification_called_directly(results, frame):
    population = pd.read_csv(FOLDER / "population.csv")
    weights = post_stratify(frame[["unit"]], population)
    design = survey_design(frame, weights)
    direct = weighted_mean(frame, ["goals_involved", "results_feedback"], design).table.set_index("variable")
    w = results["weighted"]
    assert w["n"] == len(frame) and w["n_eff"] == pytest.approx(weights.n_eff, rel=1e-12)
    for v in ("goals_involved", "results_feedback"):
        assert w["descriptives"][v]["mean"] == pytest.approx(direct.loc[v, "estimate"], rel=1e-12)
        assert w["descriptives"][v]["se"] == pytest.approx(direct.loc[v, "se"], rel=1e-12)
    # the weighted total of each office is its headcount
    assert weights.weights.groupby(frame["unit"]).sum().round(9).to_dict() == \
        {float(c): float(n) for c, n in zip(population["unit"], population["count"])}


def test_margins_hide_the_units_the_tree_hides(results):
    hidden = {h["unit"] for h in results["organisation"]["hidden_units"]}
    assert hidden
    margins = {m["category"]: m["respondents"] for m in results["weighted"]["margins"]}
    assert all(margins[u] is None for u in hidden)
    sample = {k: v["n"] for k, v in results["sample"]["unit"]["counts"].items()}
    assert {k: v for k, v in margins.items() if v is not None} == {k: v for k, v in sample.items() if k in margins}


def test_icc_by_office_counts_every_respondent(results, frame):
    direct = icc(frame, ["results_feedback", "engagement"], "unit").table.set_index("score")
    c = results["clustering"]["icc"]
    for score in ("results_feedback", "engagement"):
        assert c[score]["icc1"] == pytest.approx(direct.loc[score, "icc1"], rel=1e-12)
        assert c[score]["n_clusters"] == 26  # small offices still count: nothing per office is published


def test_validate_checks_the_population_file(tmp_path):
    """`surveykit validate` makes the weights (summary line, the same weights as the run) and reports a
    population file that does not fit the data as a located error (exit 2), before any analysis."""
    import shutil

    from tests.cli_runner import run_in_process

    yaml = FOLDER.parent / "mrs-participation.yaml"
    code, out, err = run_in_process(["validate", str(yaml), "--sample"], tmp_path)
    assert code == 0, err
    line = next(x for x in out.splitlines() if "weights OK" in x)
    population = pd.read_csv(FOLDER / "population.csv")
    assert f"to a population of {population['count'].sum():,.0f}" in line
    copy = tmp_path / "survey"
    shutil.copytree(FOLDER.parent, copy, ignore=shutil.ignore_patterns("*.xlsx"))
    broken = population[population["unit"] != population["unit"].iloc[0]]  # one office left out
    broken.to_csv(copy / "mrs-participation" / "population.csv", index=False)
    code, out, err = run_in_process(["validate", str(copy / "mrs-participation.yaml"), "--sample"], tmp_path)
    assert code == 2 and "Traceback" not in err
    assert "population.csv" in err and str(population["unit"].iloc[0]) in err and "no population count" in err


def test_an_office_without_respondents_is_weighted_with_its_largest_sibling(tmp_path):
    """Collapsed strata: an office with employees but no respondents cannot carry its headcount; it is
    added to the sibling office (same parent in units.csv) with the most respondents, and a note says so.
    The weights then still add up to the whole population, checked against post_stratify called directly
    on the collapsed population table."""
    import shutil

    copy = tmp_path / "examples"
    shutil.copytree(YAML.parent, copy)
    data = pd.read_csv(FOLDER / "wave2024.csv", dtype=str, keep_default_na=False)
    units = pd.read_csv(FOLDER / "units.csv", dtype={"code": str, "parent": str})
    population = pd.read_csv(FOLDER / "population.csv", dtype={"unit": str})
    root = units.loc[units["parent"].isna(), "code"].iloc[0]
    parent_of = dict(zip(units["code"], units["parent"]))
    gone = next(c for c in population["unit"] if parent_of[c] != root)  # an office (its parent an area)
    data[data["unit"] != gone].to_csv(copy / "mrs-participation" / "wave2024.csv", index=False)
    out = tmp_path / "out"
    assert cli_main(["run", str(copy / "mrs-participation.yaml"), "--out", str(out), "--quiet", "--lang", "en"]) == 0
    weighted = json.loads((out / "results.json").read_text(encoding="utf-8"))["weighted"]
    parent = units.set_index("code").loc[gone, "parent"]
    siblings = [c for c in population["unit"] if parent_of[c] == parent and c != gone]
    answered = data.loc[data["unit"] != gone, "unit"].value_counts()
    target = max(siblings, key=lambda c: answered.get(c, 0))
    note = next(n for n in weighted["notes"] if n.startswith(f"unit {gone} "))
    assert f"weighted together with unit {target} " in note
    assert weighted["sum_weights"] == pytest.approx(population["count"].sum(), rel=1e-12)
    collapsed = population[population["unit"] != gone].copy()
    collapsed.loc[collapsed["unit"] == target, "count"] += population.loc[population["unit"] == gone, "count"].iloc[0]
    q = load_questionnaire(copy / "mrs-participation.yaml")
    frame = load_and_recode(q, copy / "mrs-participation" / "wave2024.csv").frame
    direct = post_stratify(frame[["unit"]], collapsed.assign(unit=collapsed["unit"].astype(float)))
    assert weighted["max_weight"] == pytest.approx(float(direct.weights.max()), rel=1e-12)
    assert weighted["n_eff"] == pytest.approx(direct.n_eff, rel=1e-12)
