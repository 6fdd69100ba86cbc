"""Realistic inputs for the report tests, built by the real pipeline (surveykit.pipeline.run.build_results).

* ``saq_results``: Field's SAQ (2,571 x 23, real data) with the example questionnaire
  questionnaires/examples/field-saq.yaml: factor analysis, reliability, correlations, replication.
* ``survey_results``: a small simulated employee survey (seeded) with background variables, so that
  comparisons (t-test and ANOVA with post hoc), crosstabs, regressions, favourable % per unit, a suppressed
  small group and free-text answers are all present. Labels and answers carry hostile strings
  (``<script>``, ``=HYPERLINK(...)``) to test escaping and formula-injection protection.

Other test_report_*.py files import these builders (pytest puts tests/ on sys.path).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from surveykit.pipeline.results import build_results, free_text_answers
from surveykit.pipeline.settings import Settings
from surveykit.data.prepare import load_and_recode
from surveykit.spec.questionnaire import load_questionnaire, questionnaire_from_dict

REPO = Path(__file__).resolve().parents[1]
SAQ_YAML = REPO / "questionnaires" / "examples" / "field-saq.yaml"

XSS = "<script>document.title='pwned';alert(1)</script>"
FORMULA = '=HYPERLINK("http://example.invalid","click")'
N = 240


def survey_spec() -> dict:
    agree = {"nb": {1: "Helt uenig", 2: "Uenig", 3: "Litt uenig", 4: "Litt enig", 5: "Enig", 6: "Helt enig"},
             "en": {1: "Strongly disagree", 2: "Disagree", 3: "Slightly disagree", 4: "Slightly agree",
                    5: "Agree", 6: "Strongly agree"}}
    items = [{"id": f"a{i}", "scale": "agree6", "question": 18,
              "text": {"nb": f"Målene er tydelige ({i})", "en": f"Goals are clear ({i})"}} for i in range(1, 5)]
    items += [{"id": f"b{i}", "scale": "agree6", "question": 19,
               "text": {"nb": f"Leder følger opp ({i})", "en": f"My manager follows up ({i})"}} for i in range(1, 4)]
    items[-1]["text"]["en"] = "My manager follows up " + XSS  # hostile item text
    items += [{"id": f"c{i}", "scale": "agree6", "question": 20, "text": f"Tid til oppgavene ({i})"} for i in (1, 2)]
    return {
        "meta": {"id": "sim", "title": {"nb": "Medarbeiderundersøkelse", "en": "Employee survey"},
                 "citation": "Simulated data for the surveykit report tests."},
        "respondent_id": "rid",
        "missing_codes": [9],
        "scales": {"agree6": {"min": 1, "max": 6, "labels": agree}},
        "items": items,
        "background": [
            {"id": "gender", "type": "single", "text": {"nb": "Kjønn", "en": "Gender"},
             "codes": {1: {"nb": "Mann", "en": "Man"}, 2: {"nb": "Kvinne", "en": "Woman"}}, "reference": 1},
            {"id": "unit", "type": "single", "text": {"nb": "Enhet", "en": "Unit"},
             "codes": {1: "Nord", 2: "Sør", 3: FORMULA, 4: "Liten enhet", 5: "Øst"}},
        ],
        "free_text": [{"id": "comment", "text": {"nb": "Kommentar", "en": "Comment"}, "in_report": True}],
        "indices": [
            {"id": "goals", "label": {"nb": "Målklarhet", "en": "Goal clarity"}, "items": ["a1", "a2", "a3", "a4"]},
            {"id": "followup", "label": {"nb": "Oppfølging", "en": "Follow-up"}, "items": ["b1", "b2", "b3"]},
            {"id": "time", "label": {"nb": "Tid", "en": "Time"}, "items": ["c1", "c2"]},
        ],
        "analysis": {
            "min_group_size": 5,
            "descriptives": [{"id": "q18", "label": {"nb": "Mål", "en": "Goals"}, "variables": ["a1", "a2", "a3", "a4"]}],
            "factor_analyses": [{"id": "fa", "label": {"nb": "Mål og oppfølging", "en": "Goals and follow-up"},
                                 "items": ["a1", "a2", "a3", "a4", "b1", "b2", "b3"], "n_factors": "parallel",
                                 "rotation": "oblimin", "loading_cutoff": 0.3}],
            "comparisons": [{"id": "by_group", "label": {"nb": "Indekser", "en": "Indices"},
                             "outcomes": ["goals", "followup", "time"], "groups": ["gender", "unit"]}],
            "crosstabs": [{"id": "xt", "rows": ["unit"], "cols": ["gender"]}],
            "correlations": [{"id": "corr", "variables": ["goals", "followup", "time"]}],
            "regressions": [{"id": "reg", "outcome": "goals",
                             "blocks": [{"predictors": ["gender"]}, {"predictors": ["followup", "time"]}]}],
        },
        "published": [{"table": "T1", "quantity": "alpha goals", "path": "indices.goals.alpha",
                       "value": 0.85, "tolerance": 0.05}],
    }


def survey_data(n: int = N, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    gender = rng.integers(1, 3, n)
    # unit 4 has 3 people (below the minimum); the pipeline also hides the next smallest (5) to protect it
    unit = rng.permutation(np.array([1] * 80 + [2] * 70 + [3] * 50 + [5] * (n - 203) + [4] * 3))
    f1 = rng.normal(size=n) + 0.4 * (gender == 2) + 0.3 * (unit == 2)
    f2 = 0.5 * f1 + rng.normal(size=n) * 0.85
    f3 = rng.normal(size=n)

    def item(f, shift):
        return np.clip(np.rint(3.6 + shift + 0.9 * f + rng.normal(size=n) * 0.8), 1, 6).astype(int)

    data = {"rid": np.arange(1, n + 1), "gender": gender, "unit": unit}
    for i in range(1, 5):
        data[f"a{i}"] = item(f1, 0.1 * i)
    for i in range(1, 4):
        data[f"b{i}"] = item(f2, -0.2 * i)
    for i in (1, 2):
        data[f"c{i}"] = item(f3, 0.0)
    frame = pd.DataFrame(data)
    frame.loc[rng.choice(n, 12, replace=False), "b2"] = 9  # 'not answered'
    comments = [""] * n
    comments[3], comments[10], comments[20] = XSS, "Bedre oppfølging, takk & hilsen", FORMULA
    frame["comment"] = comments
    return frame


@functools.lru_cache(maxsize=None)
def _survey(tmp: str, lang: str) -> tuple[str, str]:
    q = questionnaire_from_dict(survey_spec(), Path(tmp) / "sim.yaml")
    path = Path(tmp) / "sim.csv"
    survey_data().to_csv(path, index=False)
    prepared = load_and_recode(q, path)
    results, frame = build_results(q, prepared, Settings(lang=lang, seed=q.analysis.seed))
    return json.dumps(results), json.dumps(free_text_answers(frame, q, 1))


def survey_results(tmp_path_factory, lang: str = "en"):
    """(results, questionnaire, free_text) of the simulated survey."""
    tmp = tmp_path_factory.getbasetemp() / "sim-survey"
    tmp.mkdir(exist_ok=True)
    results, free = _survey(str(tmp), lang)
    return json.loads(results), questionnaire_from_dict(survey_spec(), tmp / "sim.yaml"), json.loads(free)


@functools.lru_cache(maxsize=None)
def _saq(lang: str) -> str:
    q = load_questionnaire(SAQ_YAML)
    results, _ = build_results(q, load_and_recode(q, q.resolve(q.sample.file)), Settings(lang=lang))
    return json.dumps(results)


def saq_results(lang: str = "en"):
    q = load_questionnaire(SAQ_YAML)
    if not q.resolve(q.sample.file).exists():
        pytest.skip(f"SAQ data not found at {q.resolve(q.sample.file)}")
    return json.loads(_saq(lang)), q


# ------------------------------------------------------------------------- checks of the inputs
def test_survey_results_have_every_part_the_report_shows(tmp_path_factory):
    results, q, free = survey_results(tmp_path_factory)
    tests = {c["test"] for c in results["comparisons"]}
    assert "anova" in tests and tests & {"t", "welch_t"}
    assert any(c.get("posthoc") for c in results["comparisons"])
    assert results["crosstabs"] and results["regressions"]["reg"]["steps"]
    assert any(s["variable"] == "unit" for s in results["suppressed"])
    # the small unit is not in any comparison
    assert all("Liten enhet" not in c["groups"] for c in results["comparisons"])
    assert XSS in free["comment"] and len(free["comment"]) == 3


def test_saq_results_match_field(saq):
    results, _ = saq_results()
    fa = results["factor_analyses"]["saq"]
    assert len(saq) == results["n_respondents"] == 2571
    assert round(fa["kmo"], 3) == 0.930  # Field (2013), ch. 17
