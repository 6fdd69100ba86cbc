"""The pipeline: paths into results, and whole runs on real reference data."""

import json
from pathlib import Path

import pytest

from surveykit.pipeline.replication import resolve_path
from surveykit.pipeline.results import build_results, results_json
from surveykit.pipeline.settings import Settings
from surveykit.data.prepare import load_and_recode
from surveykit.spec.questionnaire import load_questionnaire

REPO = Path(__file__).resolve().parents[1]
RESULTS = {
    "indices": {"m": {"alpha": 0.9}},
    "factor_analyses": {"fa": {"eigenvalues": [6.2, 1.5]}},
    "comparisons": [
        {"outcome": "m", "group": "gender", "groups": {"Mann": {"code": 1, "mean": 3.9}, "Kvinne": {"code": 2, "mean": 4.3}}},
        {"outcome": "m", "group": "unit", "groups": {}},
    ],
}


@pytest.mark.parametrize("path, expected", [
    ("indices.m.alpha", 0.9),
    ("factor_analyses.fa.eigenvalues.1", 1.5),
    ("comparisons[outcome=m,group=gender].groups[code=2].mean", 4.3),
    ("comparisons[group=gender].groups.Mann.mean", 3.9),
])
def test_resolve_path(path, expected):
    assert resolve_path(RESULTS, path) == expected


@pytest.mark.parametrize("path", ["indices.x.alpha", "comparisons[outcome=m].p", "factor_analyses.fa.eigenvalues.7"])
def test_resolve_path_errors(path):
    with pytest.raises(KeyError):
        resolve_path(RESULTS, path)


@pytest.fixture(scope="module")
def saq_results(shared_dir):
    q = load_questionnaire(REPO / "questionnaires" / "examples" / "field-saq.yaml")
    prepared = load_and_recode(q, shared_dir / "data" / "saq" / "SAQ.sav")
    results, _ = build_results(q, prepared, Settings(lang="en", seed=q.analysis.seed))
    return q, results


def test_saq_run_reproduces_field_published_values(saq_results):
    q, results = saq_results
    assert results["n_respondents"] == 2571
    replication = results["replication"]
    assert len(replication) == len(q.published) >= 15
    assert all(r["within"] for r in replication), [r for r in replication if not r["within"]]
    fa = next(iter(results["factor_analyses"].values()))
    assert fa["kmo"] == pytest.approx(0.930224, abs=5e-7)
    assert fa["bartlett"]["chi2"] == pytest.approx(19334.49199, abs=5e-6) and fa["bartlett"]["df"] == 253
    assert fa["kaiser_n"] == 4


def test_results_are_plain_json_and_deterministic(saq_results, shared_dir):
    q, results = saq_results
    text = results_json(results)
    assert json.loads(text) == results  # no NaN, only plain JSON values
    prepared = load_and_recode(q, shared_dir / "data" / "saq" / "SAQ.sav")
    again, _ = build_results(q, prepared, Settings(lang="en", seed=q.analysis.seed))
    assert results_json(again) == text


def test_rotated_sums_of_squares_are_after_rotation(saq_results):
    """rotated_ss = diag(Phi L'L) of the rotated pattern L (psych's convention), not the extraction SS."""
    import numpy as np

    _, results = saq_results
    fa = next(iter(results["factor_analyses"].values()))
    loadings = np.array(list(fa["loadings"].values()))
    phi = np.array(fa["factor_correlations"]) if fa["factor_correlations"] else np.eye(loadings.shape[1])
    expected = np.diag(phi @ loadings.T @ loadings)
    assert np.allclose(fa["rotated_ss"], expected, rtol=1e-10)
