"""The HR analyst's example survey (questionnaires/examples/hr-pulse.yaml) from data to report.

Where the expected numbers come from: every count and percentage below is computed in the test itself with
pandas from the raw CSV (questionnaires/examples/hr-pulse/responses.csv, written by the seeded
hr-pulse/make_data.py), independently of surveykit's code; the factor analysis is compared with psych::fa
(tests/r/hr_pulse_efa.R -> tests/data/hr_pulse_efa/), and the R-style CSV was written by R's write.csv
(tests/r/hr_pulse_na.R -> tests/data/hr_pulse_na/responses_na.csv).
"""

from __future__ import annotations

import json
import re
from html import unescape

import numpy as np
import pandas as pd
import pytest

from surveykit.data.prepare import load_and_recode
from surveykit.errors import DataError, SpecError
from surveykit.pipeline.run import run
from surveykit.spec.questionnaire import load_questionnaire, questionnaire_from_dict
from surveykit.spec.yamlio import load_yaml

ITEMS = ["clear_goals", "feedback", "manager_support", "recognition", "workload", "resources", "cooperation",
         "voice", "proud", "recommend", "leaving", "future"]


@pytest.fixture(scope="module")
def paths(repo_dir):
    base = repo_dir / "questionnaires" / "examples"
    return {"yaml": base / "hr-pulse.yaml", "csv": base / "hr-pulse" / "responses.csv",
            "na_csv": repo_dir / "tests" / "data" / "hr_pulse_na" / "responses_na.csv",
            "efa": repo_dir / "tests" / "data" / "hr_pulse_efa"}


@pytest.fixture(scope="module")
def q(paths):
    return load_questionnaire(paths["yaml"])


@pytest.fixture(scope="module")
def raw(paths):
    """The answers as written, read by pandas alone (empty cells NaN, 9 = Don't know still 9)."""
    return pd.read_csv(paths["csv"])


@pytest.fixture(scope="module")
def runs(q, paths, tmp_path_factory):
    """The whole run with the default language (the questionnaire's: en) and with --lang nb."""
    out = tmp_path_factory.mktemp("hr-pulse")
    default = run(q, paths["csv"], out_dir=out / "default", quiet=True)
    nb = run(q, paths["csv"], out_dir=out / "nb", lang="nb", quiet=True)
    return default, nb


def test_report_language_defaults_to_the_questionnaires_first_language(runs):
    default, nb = runs
    assert default.results["settings"]["lang"] == "en"
    assert nb.results["settings"]["lang"] == "nb"


def test_reverse_keyed_item_favourable_is_the_share_who_disagree(runs, raw):
    """'I often think about leaving' (reverse: true): favourable = disagree (1 or 2) of the substantive answers."""
    answers = raw["leaving"]
    substantive = answers[answers.between(1, 5)]
    disagree = 100.0 * substantive.isin([1, 2]).sum() / len(substantive)
    rec = runs[0].results["descriptives"]["leaving"]
    assert rec["reversed"] is True
    assert rec["favourable_pct"] == pytest.approx(disagree, abs=1e-12)
    # and the keyed mean is 6 - the raw mean; % of keyed value 5 = % who strongly disagree
    assert rec["mean"] == pytest.approx(6 - substantive.mean(), abs=1e-12)
    assert rec["pct"]["5"] == pytest.approx(100.0 * (substantive == 1).mean(), abs=1e-12)
    assert rec["n"] == len(substantive)
    # an item not declared reverse-keyed is scored as answered
    plain = raw["proud"][raw["proud"].between(1, 5)]
    assert "reversed" not in runs[0].results["descriptives"]["proud"]
    assert runs[0].results["descriptives"]["proud"]["favourable_pct"] == pytest.approx(
        100.0 * plain.isin([4, 5]).mean(), abs=1e-12)


def test_reverse_keyed_item_is_keyed_in_comparisons_and_regression_records(runs, raw):
    results = runs[0].results
    leaving = [c for c in results["comparisons"] if c["outcome"] == "leaving"]
    assert leaving and all(c["reversed"] for c in leaving)
    by_tenure = next(c for c in leaving if c["group"] == "tenure")
    for code, group in by_tenure["groups"].items():
        answers = raw.loc[raw["tenure"] == int(code), "leaving"]
        answers = answers[answers.between(1, 5)]
        assert group["mean"] == pytest.approx(6 - answers.mean(), abs=1e-12)
        assert group["n"] == len(answers)
    # the engagement index: mean of proud, recommend, 6 - leaving, future (at least 3 answered)
    keyed = raw[["proud", "recommend", "leaving", "future"]].where(lambda d: d.le(5))
    keyed["leaving"] = 6 - keyed["leaving"]
    score = keyed.mean(axis=1).where(keyed.notna().sum(axis=1) >= 3)
    assert results["indices"]["engagement"]["mean"] == pytest.approx(score.mean(), abs=1e-12)
    assert results["indices"]["engagement"]["n_scored"] == int(score.notna().sum())


def test_dont_know_is_counted_and_kept_out_of_every_statistic(runs, raw):
    results = runs[0].results
    for item in ITEMS:
        answers = raw[item]
        n_dk = int((answers == 9).sum())
        substantive = answers[answers.between(1, 5)]
        rec = results["descriptives"][item]
        assert rec["n"] == len(substantive)
        assert rec["mean"] == pytest.approx((6 - substantive if item == "leaving" else substantive).mean(), abs=1e-12)
        assert rec["n_non_substantive"] == n_dk
        assert rec["non_substantive"]["9"]["label"] == "Don't know"
        assert rec["non_substantive_pct"] == pytest.approx(100.0 * n_dk / (len(substantive) + n_dk), abs=1e-12)
        assert rec["n_missing"] == int(answers.isna().sum())  # not answered, apart from Don't know
        if n_dk:
            assert results["missing_data"]["non_substantive"][item] == {"9": n_dk}
    assert sum(results["missing_data"]["non_substantive"]["recognition"].values()) > 0
    # the method text says so, generated from the questionnaire's declaration
    html = unescape((runs[0].out_dir / "report.html").read_text(encoding="utf-8"))
    total = int((raw[ITEMS] == 9).sum().sum())
    assert f"{total} answers were 'Don't know' (code 9)" in html
    assert "% Don't know" in html


def test_codebook_counts_dont_know_apart_from_unanswered(q, paths, raw):
    from surveykit.data.codebook import codebook

    prepared = load_and_recode(q, paths["csv"])
    records = {r["id"]: r for r in codebook(q, prepared.frame, "en", prepared.recode_log.non_substantive)}
    rec = records["manager_support"]
    assert rec["n_non_substantive"] == {9: int((raw["manager_support"] == 9).sum())}
    assert rec["n_missing"] == int(raw["manager_support"].isna().sum())
    assert rec["n_valid"] == int(raw["manager_support"].between(1, 5).sum())


def test_report_is_english_throughout(runs):
    html = unescape((runs[0].out_dir / "report.html").read_text(encoding="utf-8"))
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S))
    norwegian = ["og", "ikke", "Gjennomsnitt", "Tabell", "Figur", "påstand", "Påstand", "gruppe", "Antall",
                 "svar", "respondenter", "manglende", "reversert", "Metode", "Utvalg", "andel", "Vet ikke",
                 "Kjønn", "Signifikansnivået", "æ", "ø", "å"]
    found = [w for w in norwegian if re.search(rf"(?<!\w){re.escape(w)}(?!\w)" if len(w) > 1 else w, text)]
    assert not found, found
    assert "I often think about leaving (reversed)" in text
    # and the nb report is in Norwegian (the check above can fail)
    nb = (runs[1].out_dir / "report.html").read_text(encoding="utf-8")
    assert "(reversert)" in nb and "Gjennomsnitt" in nb


def _keys(node, path=""):
    out = set()
    if isinstance(node, dict):
        for key, value in node.items():
            out.add(f"{path}/{key}")
            out |= _keys(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out |= _keys(value, f"{path}[{i}]")
    return out


def test_results_json_keys_do_not_depend_on_the_language(runs):
    en = json.loads((runs[0].out_dir / "results.json").read_text(encoding="utf-8"))
    nb = json.loads((runs[1].out_dir / "results.json").read_text(encoding="utf-8"))
    assert _keys(en) == _keys(nb)
    # groups are keyed by code, with the label beside
    assert en["sample"]["tenure"]["counts"]["1"]["label"] == "Less than 2 years"
    comparison = next(c for c in en["comparisons"] if c["group"] == "tenure")
    assert set(comparison["groups"]) == {"1", "2", "3"}
    crosstab = en["crosstabs"][0]
    assert set(crosstab["counts"]) <= {"1", "2", "3", "4"} and crosstab["col_labels"]["3"] == "More than 5 years"


def test_the_small_department_is_hidden(runs):
    results = runs[0].results
    assert "4" not in results["sample"]["department"]["counts"]
    for c in results["comparisons"]:
        if c["group"] == "department":
            assert "4" not in c["groups"]


def test_r_exported_csv_with_na_reads_as_the_original(q, paths):
    original = load_and_recode(q, paths["csv"])
    exported = load_and_recode(q, paths["na_csv"])
    pd.testing.assert_frame_equal(exported.frame.drop(columns="comment"), original.frame.drop(columns="comment"),
                                  check_dtype=False)
    n_na = int(pd.read_csv(paths["na_csv"], keep_default_na=False).drop(columns="comment").eq("NA").sum().sum())
    assert n_na > 0
    assert any(f"{n_na} cell(s) holding a missing-value text" in note for note in exported.warnings)


def test_missing_text_is_configurable(q, paths, tmp_path):
    frame = pd.read_csv(paths["csv"], dtype=str, keep_default_na=False)
    frame.loc[0, "feedback"] = "missing"
    frame.loc[1, "age"] = " . "
    path = tmp_path / "marked.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(DataError) as err:  # "missing" is not a missing-value text by default
        load_and_recode(q, path)
    assert "text in a numeric column" in err.value.render() and "'missing'" in err.value.render()
    data = load_yaml(paths["yaml"])
    data["missing_text"] = ["", "NA", ".", "missing"]
    custom = questionnaire_from_dict(data, paths["yaml"])
    prepared = load_and_recode(custom, path)
    assert np.isnan(prepared.frame.loc[0, "feedback"]) and np.isnan(prepared.frame.loc[1, "age"])


def test_values_given_as_labels_are_read_back_as_codes(q, paths, tmp_path):
    frame = pd.read_csv(paths["csv"], dtype=str, keep_default_na=False)
    labels = {"1": "Strongly disagree", "2": "  disagree", "3": "Neither  agree nor DISAGREE", "4": "Agree",
              "5": "STRONGLY AGREE", "9": "don't know", "": ""}
    for item in ITEMS:
        frame[item] = frame[item].map(labels)
    frame["tenure"] = frame["tenure"].map({"1": "Less than 2 years", "2": "2 to 5 years", "3": "More than 5 years"})
    path = tmp_path / "labels.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(DataError):  # labels are text unless the questionnaire says answers may be labels
        load_and_recode(q, path)
    data = load_yaml(paths["yaml"])
    data["values_as_labels"] = True
    as_labels = questionnaire_from_dict(data, paths["yaml"])
    read = load_and_recode(as_labels, path)
    original = load_and_recode(q, paths["csv"])
    pd.testing.assert_frame_equal(read.frame.drop(columns="comment"), original.frame.drop(columns="comment"),
                                  check_dtype=False)
    assert read.recode_log.non_substantive == original.recode_log.non_substantive
    # an unknown label is reported with its row, column and value
    frame.loc[2, "voice"] = "Sort of"
    frame.to_csv(path, index=False)
    with pytest.raises(DataError) as err:
        load_and_recode(as_labels, path)
    problem = next(p for p in err.value.problems if p.column == "voice")
    assert problem.rows == (4,) and problem.values == ("'Sort of'",)
    assert "neither a code nor a label" in problem.message


def test_factor_analysis_matches_psych_with_the_plans_rotation_options(runs, paths):
    """psych::fa(minres, oblimin unnormalised) on the keyed answers, tests/r/hr_pulse_efa.R. Tolerance 5e-6:
    psych's minres stops at optim's default tolerance, which leaves differences of about 1e-6."""
    fa = runs[0].results["factor_analyses"]["pulse_efa"]
    assert fa["rotation_options"] == {"normalize": False, "gamma": 0.0, "kappa": 4.0}
    assert fa["parallel"]["n_iter"] == 50 and fa["parallel"]["seed"] == 7
    assert fa["reversed"] == ["leaving"]
    expected = pd.read_csv(paths["efa"] / "loadings.csv", skipinitialspace=True).set_index("item")
    got = pd.DataFrame(fa["loadings"], index=["F1", "F2"]).T.loc[expected.index]
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), atol=5e-6)
    phi = pd.read_csv(paths["efa"] / "phi.csv", skipinitialspace=True).to_numpy()
    np.testing.assert_allclose(np.array(fa["factor_correlations"]), phi, atol=5e-6)
    # with Kaiser normalisation (the default) the solution differs by more than the tolerance: the option
    # reached the rotation
    from surveykit.measure.efa import efa
    from surveykit.measure.scoring import scored_frame

    prepared = load_and_recode(load_questionnaire(paths["yaml"]), paths["csv"])
    items = list(expected.index)
    keyed = scored_frame(prepared.frame, load_questionnaire(paths["yaml"]))[items]
    normalised = efa(keyed, n_factors=2, extraction="minres", rotation="oblimin", normalize=True)
    assert np.abs(normalised.loadings.loc[items].to_numpy() - expected.to_numpy()).max() > 1e-4


def test_number_variable_as_a_group_is_refused_with_a_bins_hint(paths):
    data = load_yaml(paths["yaml"])
    data["analysis"]["comparisons"][0]["groups"] = ["age"]
    data["analysis"]["crosstabs"][0]["cols"] = ["age"]
    with pytest.raises(SpecError) as err:
        questionnaire_from_dict(data, paths["yaml"])
    messages = [p.message for p in err.value.problems]
    assert len(messages) == 2 and all("'age' is a number" in m and "'bins' recode" in m for m in messages)


def test_non_substantive_code_inside_the_scale_is_refused(paths):
    data = load_yaml(paths["yaml"])
    data["scales"]["agree5"]["non_substantive"] = {3: "Don't know"}
    with pytest.raises(SpecError) as err:
        questionnaire_from_dict(data, paths["yaml"])
    assert "inside the scale 1..5" in err.value.render()


def test_every_command_defaults_to_the_questionnaires_first_language(paths, repo_dir, tmp_path, capsys):
    from surveykit.cli import main

    assert main(["describe", str(paths["yaml"]), "--sample"]) == 0
    out = capsys.readouterr().out
    assert "Don't know (9)" in out and "not answered" in out and "Strongly disagree" in out
    schick = repo_dir / "questionnaires" / "schick2012.yaml"  # languages: [nb, en]
    assert main(["describe", str(schick)]) == 0
    assert "Kjønn" in capsys.readouterr().out
    assert main(["describe", str(schick), "--lang", "en"]) == 0
    assert "Gender" in capsys.readouterr().out
    assert main(["run", str(paths["yaml"]), "--out", str(tmp_path / "cli"), "--quiet"]) == 0
    results = json.loads((tmp_path / "cli" / "results.json").read_text(encoding="utf-8"))
    assert results["settings"]["lang"] == "en"


def test_unknown_language_is_refused(paths):
    data = load_yaml(paths["yaml"])
    data["meta"]["languages"] = ["de"]
    with pytest.raises(SpecError) as err:
        questionnaire_from_dict(data, paths["yaml"])
    assert "unknown language(s) ['de']" in err.value.render()


def test_excel_cells_with_na_and_a_per_question_missing_text(q, paths, tmp_path):
    frame = pd.read_csv(paths["na_csv"], keep_default_na=False, dtype=str)
    frame = frame.apply(lambda col: col if col.name in ("respondent", "comment") else
                        col.map(lambda v: v if v in ("NA", "") else int(v)))
    frame.loc[5, "voice"] = "n/a"
    path = tmp_path / "answers.xlsx"
    frame.to_excel(path, index=False)
    read = load_and_recode(q, path)
    original = load_and_recode(q, paths["csv"])
    pd.testing.assert_frame_equal(read.frame.drop(columns="comment"), original.frame.drop(columns="comment")
                                  .assign(voice=original.frame["voice"].mask(original.frame.index == 5)),
                                  check_dtype=False)
    # a question's own list replaces the global one: "NA" is then an answer that is not a number
    data = load_yaml(paths["yaml"])
    data["items"][7]["missing_text"] = ["", "-"]
    assert data["items"][7]["id"] == "voice"
    with pytest.raises(DataError) as err:
        load_and_recode(questionnaire_from_dict(data, paths["yaml"]), path)
    problem = next(p for p in err.value.problems if p.column == "voice")
    assert "'n/a'" in problem.values


def test_lang_without_labels_in_that_language_is_said(paths, tmp_path):
    """--lang nb on an English-only questionnaire works, and says the labels stay in English."""
    from tests.cli_runner import run_in_process

    code, _, err = run_in_process(["run", str(paths["yaml"]), "--lang", "nb", "--quiet", "--out",
                                   str(tmp_path / "nb")], tmp_path)
    assert code == 0
    assert "labels in en only" in err and "--lang nb" in err
    code, _, err = run_in_process(["run", str(paths["yaml"]), "--quiet", "--out", str(tmp_path / "en")], tmp_path)
    assert code == 0 and "note:" not in err
