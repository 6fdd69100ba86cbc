"""Multiple testing, weights and clustering from the YAML through the pipeline into results.json and the report.

The statistics themselves are tested against R elsewhere (test_multiple_testing.py: p.adjust;
test_weights.py / test_weighted.py: survey; test_clustering.py: aov and lme4). Here the numbers in
results.json must equal those functions called directly on the same data (to 1e-12: the same code path,
only the wiring differs), and the YAML keys, their checks, the population-file checks and the report
sections are tested. Data: Schick's embedded synthetic sample and tests/data/inference (a seeded
synthetic survey, make_data.py, with made-up headcounts in population.csv).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from surveykit.data.prepare import load_and_recode
from surveykit.errors import SpecError
from surveykit.pipeline.results import build_results
from surveykit.pipeline.run import settings_for
from surveykit.report.content import build_document
from surveykit.report.html import render_html
from surveykit.spec.questionnaire import load_questionnaire, questionnaire_from_dict
from surveykit.spec.yamlio import load_yaml
from surveykit.stats.multiple_testing import adjust_pvalues

REPO = Path(__file__).resolve().parents[1]
SCHICK = REPO / "questionnaires" / "schick2012.yaml"
EXAMPLE = REPO / "tests" / "data" / "inference"
TOL = 1e-12


def run(q, data_path, lang="en"):
    prepared = load_and_recode(q, data_path)
    results, frame = build_results(q, prepared, settings_for(q, lang))
    return json.loads(json.dumps(results)), frame


@pytest.fixture(scope="module")
def schick():
    q = load_questionnaire(SCHICK)
    results, frame = run(q, q.resolve(q.sample.file))
    return q, results, frame


@pytest.fixture(scope="module")
def example():
    q = load_questionnaire(EXAMPLE / "questionnaire.yaml")
    results, frame = run(q, EXAMPLE / "data.csv")
    return q, results, frame


# ------------------------------------------------------------------------------------------ the YAML
def test_keys_load(example):
    q = example[0]
    a = q.analysis
    assert a.cluster.variable == "dept" and a.cluster.k == "mean"  # the short form `cluster: dept`
    assert a.weights.method == "rake" and a.weights.margins == [["dept"], ["gender"]] and a.weights.trim == (0.3, 3)
    assert a.adjust.families[0].plans == ["by_gender", "by_dept"] and a.adjust.per_plan == "none"
    assert a.crosstabs[0].adjust == "bonferroni" and a.correlations[0].adjust == "fdr_bh"
    assert a.comparisons[0].mixed and a.regressions[0].mixed and not a.comparisons[1].mixed


def example_dict() -> dict:
    """The example questionnaire as plain dicts and lists (safe to edit; messages then carry no line)."""
    return json.loads(json.dumps(load_yaml(EXAMPLE / "questionnaire.yaml")))


def _errors(data: dict, path: Path) -> list[str]:
    with pytest.raises(SpecError) as info:
        questionnaire_from_dict(data, path)
    return [str(p) for p in info.value.problems]


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_reference_errors_are_located(tmp_path):
    text = (EXAMPLE / "questionnaire.yaml").read_text(encoding="utf-8")
    text = (text.replace("plans: [by_gender, by_dept]", "plans: [by_gender, nonsense]")
                .replace("margins: [[dept], [gender]]", "margins: [[dept], [age]]")
                .replace("      adjust: bonferroni", "      adjust: bonferroni\n      mixed: true")
                .replace("  cluster: dept\n", ""))
    path = tmp_path / "q.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_questionnaire(path)
    problems = [str(p) for p in info.value.problems]
    # `mixed` is not a key of crosstab plans: a key error (pydantic's pass), located at its line
    line = _line_of(text, "      adjust: bonferroni") + 1
    assert problems == [f"{path}:{line}: analysis.crosstabs[0].mixed: unknown key 'mixed'"]
    text = text.replace("      adjust: bonferroni\n      mixed: true", "      adjust: bonferroni")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_questionnaire(path)
    problems = [str(p) for p in info.value.problems]
    assert f"{path}:{_line_of(text, 'nonsense')}: adjustment family 'by_background' names 'nonsense', which is not " \
           "a comparison, crosstab or correlation plan" in problems
    assert f"{path}:{_line_of(text, 'margins:')}: weights: margin variable 'age' is not a categorical variable" \
           in problems
    assert any("plan 'by_gender' asks for a mixed model ('mixed: true') but analysis.cluster is not set" in p
               and p.startswith(f"{path}:{_line_of(text, '      mixed: true')}:") for p in problems)


def test_value_errors(tmp_path):
    data = example_dict()
    path = EXAMPLE / "questionnaire.yaml"

    bad = copy.deepcopy(data)
    bad["analysis"]["weights"]["trim"] = [2, 3]
    assert any("trim bounds must satisfy 0 <= lower < 1 < upper" in p for p in _errors(bad, path))
    bad = copy.deepcopy(data)
    bad["analysis"]["weights"]["method"] = "ipf"
    assert any("analysis.weights.method" in p for p in _errors(bad, path))
    bad = copy.deepcopy(data)
    bad["analysis"]["adjust"]["method"] = "sidak"
    assert any("analysis.adjust.method" in p for p in _errors(bad, path))
    bad = copy.deepcopy(data)
    bad["analysis"]["crosstabs"][0].pop("adjust")
    bad["analysis"]["adjust"]["families"].append({"id": "again", "plans": ["by_dept", "gender_dept"]})
    bad["analysis"]["comparisons"][1]["adjust"] = "holm"
    problems = _errors(bad, path)
    assert any("plan 'by_dept' is in two adjustment families ('by_background', 'again')" in p for p in problems)
    assert any("plan 'by_dept' sets its own 'adjust' and is in adjustment family 'by_background'" in p
               for p in problems)
    bad = copy.deepcopy(data)
    bad["analysis"]["cluster"] = {"variable": "office", "scores": ["engagement", "q9"]}
    problems = _errors(bad, path)
    assert any("cluster: 'office' is not a variable of the questionnaire" in p for p in problems)
    assert any("cluster: score 'q9' is not an index or item" in p for p in problems)
    bad = copy.deepcopy(data)
    bad["analysis"]["weights"]["clusterd"] = True
    assert any("analysis.weights.clusterd: unknown key 'clusterd'" in p for p in _errors(bad, path))


# ------------------------------------------------------------------------------------ multiple testing
def test_schick_holm_across_tables_11_to_13(schick):
    _q, results, _ = schick
    (family,) = results["multiple_testing"]["families"]
    assert family["id"] == "tables_11_13" and family["method"] == "holm" and family["source"] == "analysis.adjust"
    assert "addition, not in the thesis" in family["label"]
    records = [r for r in results["comparisons"] if r["plan"] in ("table11", "table12", "table13")]
    assert len(records) == 36 == family["family_size"] == family["n_tests"]  # 12 outcomes x 3 groupings
    expected = adjust_pvalues([r["p"] for r in records], "holm")
    np.testing.assert_allclose([r["p_adj"] for r in records], expected, rtol=TOL, atol=0)
    assert all(r["family"] == "tables_11_13" and r["family_size"] == 36 and r["adjust_method"] == "holm"
               for r in records)
    assert all("p_adj" not in r for r in results["comparisons"] if r["plan"] not in ("table11", "table12", "table13"))
    assert [t["p_adj"] for t in family["tests"]] == [r["p_adj"] for r in records]


def test_schick_published_numbers_untouched(schick):
    """The additions change no number the thesis printed: the run without them replicates identically."""
    q, results, _ = schick
    data = load_yaml(SCHICK)
    del data["analysis"]["adjust"], data["analysis"]["cluster"]
    plain, _ = run(questionnaire_from_dict(data, SCHICK), q.resolve(q.sample.file))
    assert results["replication"] == plain["replication"]
    strip = ("p_adj", "adjust_method", "family", "family_size")
    assert [{k: v for k, v in r.items() if k not in strip} for r in results["comparisons"]] == plain["comparisons"]
    assert "multiple_testing" not in plain and "clustering" not in plain and "weighted" not in plain


def test_per_plan_families(example):
    _, results, _ = example
    fams = {f["id"]: f for f in results["multiple_testing"]["families"]}
    assert set(fams) == {"by_background", "gender_dept", "items"}
    (xt,) = results["crosstabs"]
    assert xt["adjust_method"] == "bonferroni" and xt["family_size"] == 1 and xt["p_adj"] == pytest.approx(xt["p"])
    corr = results["correlation_tables"]["items"]
    pairs = [(a, b) for i, a in enumerate(corr["variables"]) for b in corr["variables"][i + 1:]]
    expected = adjust_pvalues([corr["p"][a][b] for a, b in pairs], "fdr_bh")
    np.testing.assert_allclose([corr["p_adj"][a][b] for a, b in pairs], expected, rtol=TOL, atol=0)
    assert all(corr["p_adj"][b][a] == corr["p_adj"][a][b] for a, b in pairs)
    assert fams["items"]["family_size"] == 6 and fams["items"]["source"] == "plan"
    records = [r for r in results["comparisons"] if r["plan"] in ("by_gender", "by_dept")]
    np.testing.assert_allclose([r["p_adj"] for r in records], adjust_pvalues([r["p"] for r in records], "holm"),
                               rtol=TOL)


# ------------------------------------------------------------------------------------------- weights
def test_weighted_estimates_equal_the_functions(example):
    from surveykit.compare.weighted import survey_design, weighted_mean, weighted_ttest
    from surveykit.measure.weights import rake

    _q, results, frame = example
    w = results["weighted"]
    population = pd.read_csv(EXAMPLE / "population.csv")
    margins = [population.groupby([v], as_index=False)["count"].sum() for v in ("dept", "gender")]
    direct = rake(frame, margins, trim=(0.3, 3))
    assert w["n"] == 240 and w["converged"] and w["within_bounds"]
    assert w["n_eff"] == pytest.approx(direct.n_eff, rel=TOL) and w["deff"] == pytest.approx(direct.deff, rel=TOL)
    assert w["n_eff"] == pytest.approx(direct.weights.sum() ** 2 / (direct.weights ** 2).sum(), rel=TOL)
    assert w["sum_weights"] == pytest.approx(850.0, rel=TOL)
    design = survey_design(frame, direct)
    means = weighted_mean(frame, ["engagement", "workload"], design).table.set_index("variable")
    for var in ("engagement", "workload"):
        for key in ("estimate", "se", "ci_low", "ci_high", "deff"):
            assert w["descriptives"][var]["mean" if key == "estimate" else key] == pytest.approx(means.loc[var, key],
                                                                                              rel=TOL)
        assert w["descriptives"][var]["mean_unweighted"] == pytest.approx(frame[var].mean(), rel=TOL)
    test = weighted_ttest(frame, "engagement", "gender", design)
    record = next(t for t in w["tests"] if t["outcome"] == "engagement")
    for key in ("mean_diff", "se", "t", "p"):
        assert record[key] == pytest.approx(getattr(test, key), rel=TOL)
    # the margins are met, and the table says so
    after = {(m["variable"], m["category"]): m["weighted_after"] for m in w["margins"]}
    assert after[("dept", "1")] == pytest.approx(300) and after[("gender", "2")] == pytest.approx(430)


def test_weighted_favourable_of_items_and_indices(tmp_path):
    from surveykit.compare.weighted import survey_design, weighted_proportion

    data = example_dict()
    data["analysis"]["descriptives"] = [{"id": "some", "variables": ["q1", "q4"]}]
    data["analysis"]["weights"].update(method="poststratify", margins=[["dept", "gender"]])
    data["analysis"]["weights"].pop("trim")
    q = questionnaire_from_dict(data, EXAMPLE / "questionnaire.yaml")
    results, frame = run(q, EXAMPLE / "data.csv")
    w = results["weighted"]
    assert w["method"] == "poststratify" and w["iterations"] == 0
    from surveykit.measure.weights import post_stratify

    direct = post_stratify(frame, pd.read_csv(EXAMPLE / "population.csv"))
    design = survey_design(frame, direct)
    q1 = weighted_proportion(frame, "q1", [4, 5], design).table.iloc[0]
    assert w["favourable"]["q1"]["pct"] == pytest.approx(100 * q1["estimate"], rel=TOL)
    assert w["favourable"]["q1"]["se"] == pytest.approx(100 * q1["se"], rel=TOL)
    assert w["favourable"]["q1"]["pct_unweighted"] == pytest.approx(100 * frame["q1"].isin([4, 5]).mean(), rel=TOL)
    eng = weighted_proportion(frame.assign(fav=(frame["engagement"] >= 4).astype(float)), "fav", [1.0], design)
    assert w["favourable"]["engagement"]["pct"] == pytest.approx(100 * eng.table.iloc[0]["estimate"], rel=TOL)
    assert w["margins"][0]["variable"] == "dept x gender" and len(w["margins"]) == 8


def test_small_categories_hidden_in_the_margins(tmp_path):
    data = example_dict()
    data["analysis"]["min_group_size"] = 70  # dept 3 (50) and 4 (55) are merged with others in the sample
    q = questionnaire_from_dict(data, EXAMPLE / "questionnaire.yaml")
    results, _ = run(q, EXAMPLE / "data.csv")
    shown = {m["category"]: m["respondents"] for m in results["weighted"]["margins"] if m["variable"] == "dept"}
    # a merged group's members are not counted one by one in the margins (that would split the group)
    assert shown == {"1": None, "2": None, "3": None, "4": None}
    counts = results["sample"]["dept"]["counts"]
    assert set(counts) == {"1", "2"} and all("merged" in c["label"] and c["n"] >= 70 for c in counts.values())


# ---------------------------------------------------------------------------------------- clustering
def test_schick_icc_by_unit(schick):
    from surveykit.measure.clustering import icc

    q, results, frame = schick
    c = results["clustering"]
    assert c["variable"] == "unit" and "addition, not in the thesis" in c["label"]
    direct = icc(frame, [i.id for i in q.indices], "unit").table.set_index("score")
    assert list(c["icc"]) == list(direct.index)
    for score, row in c["icc"].items():
        for key in ("icc1", "icc2", "design_effect", "effective_n", "f", "p", "msb", "msw"):
            assert row[key] == pytest.approx(direct.loc[score, key], rel=TOL, abs=1e-300)
        assert row["n"] == direct.loc[score, "n"] and row["n_clusters"] == 5
    assert c["n_missing_cluster"] == int(frame["unit"].isna().sum()) == 10


def test_nothing_per_cluster_is_published(schick, example):
    for q, results, frame in (schick, example):
        c = results["clustering"]
        text = json.dumps(c, ensure_ascii=False)
        labels = [q.code_label(c["variable"], code, lang) for code in q.codes_of(c["variable"]) for lang in ("en", "nb")]
        assert not [lab for lab in labels if lab in text]
        row_keys = {"label", "n", "n_clusters", "mean_cluster_size", "k", "df_between", "df_within", "msb", "msw",
                    "f", "p", "icc1", "icc2", "design_effect", "effective_n"}
        assert all(set(row) == row_keys for row in c["icc"].values())


def test_small_clusters_still_count():
    from surveykit.measure.clustering import icc

    data = example_dict()
    data["analysis"]["min_group_size"] = 60  # dept 3 (50) and 4 (55) are hidden from every table
    q2 = questionnaire_from_dict(data, EXAMPLE / "questionnaire.yaml")
    results, frame = run(q2, EXAMPLE / "data.csv")
    c = results["clustering"]
    assert c["n_clusters"] == 4 and c["n_clusters_below_min_group_size"] == 2
    assert c["icc"]["engagement"]["n_clusters"] == 4
    assert c["icc"]["engagement"]["icc1"] == pytest.approx(
        icc(frame, ["engagement"], "dept").table.loc[0, "icc1"], rel=TOL)


def test_mixed_models_equal_random_intercept(example):
    from surveykit.measure.clustering import random_intercept

    _q, results, frame = example
    mixed = results["clustering"]["mixed"]
    fit = next(m for m in mixed["by_gender"] if m["outcome"] == "engagement")
    data = pd.DataFrame({"y": frame["engagement"], "dept": frame["dept"],
                         "woman": (frame["gender"] == 2).astype(float)})
    direct = random_intercept(data, "y", "dept", ["woman"])
    assert [t["term"] for t in fit["fixed"]] == ["(Intercept)", "gender=2"] and fit["reference"] == 1
    np.testing.assert_allclose([t["estimate"] for t in fit["fixed"]], direct.fixed["estimate"], rtol=1e-10)
    np.testing.assert_allclose([t["se"] for t in fit["fixed"]], direct.fixed["se"], rtol=1e-10)
    assert fit["icc"] == pytest.approx(direct.icc, rel=1e-10) and fit["n_clusters"] == 4
    groups = next(r for r in results["comparisons"] if r["plan"] == "by_gender" and r["outcome"] == "engagement")
    assert fit["fixed"][1]["ols_estimate"] == pytest.approx(groups["groups"]["2"]["mean"]
                                                            - groups["groups"]["1"]["mean"], rel=TOL)
    reg = mixed["engagement_model"]
    assert [t["term"] for t in reg["fixed"]] == ["(Intercept)", "gender=2", "workload"]
    direct = random_intercept(data.assign(workload=frame["workload"]), "y", "dept", ["woman", "workload"])
    np.testing.assert_allclose([t["estimate"] for t in reg["fixed"]], direct.fixed["estimate"], rtol=1e-10)
    final = [c for c in results["regressions"]["engagement_model"]["coefficients"] if c["step"] == 1]
    assert [t["ols_estimate"] for t in reg["fixed"]] == [c["b"] for c in final]


def test_mixed_skips_the_cluster_variable_as_group(example):
    data = example_dict()
    data["analysis"]["comparisons"][1]["mixed"] = True
    q = questionnaire_from_dict(data, EXAMPLE / "questionnaire.yaml")
    results, _ = run(q, EXAMPLE / "data.csv")
    assert all(m["skipped"] == "the grouping variable is the cluster variable"
               for m in results["clustering"]["mixed"]["by_dept"])


# ------------------------------------------------------------------------------------------ the report
@pytest.mark.parametrize("lang, words", [
    ("en", ["Adjustment for multiple testing", "p (adj.)", "Weighted results", "effective sample size (Kish)",
            "Clusters: intraclass correlation", "ICC(1)", "random-intercept model by department",
            "Design-based (weighted) t-tests", "Weighting margins"]),
    ("nb", ["Justering for mange tester", "p (just.)", "Vektede resultater", "effektivt utvalg (Kish)",
            "Klynger: intraklassekorrelasjon", "ICC(1)", "modell med tilfeldig konstantledd etter avdeling",
            "Designbaserte t-tester", "Vektingsmarginer"]),
])
def test_report_sections(example, lang, words):
    q = example[0]
    results, _ = run(q, EXAMPLE / "data.csv", lang)
    html = render_html(build_document(results, q, lang))
    missing = [w for w in words if w not in html]
    assert not missing


def test_schick_report_marks_the_additions(schick):
    q, results, _ = schick
    html = render_html(build_document(results, q, "en"))
    assert "Tables 11–13, Holm (addition, not in the thesis)" in html
    assert "Clusters: unit (addition, not in the thesis)" in html
    assert "the 36 tests of" in html
