"""Wording of report texts built from counts and records: singular forms, hidden vs merged groups.

The expected sentences are written out here by hand from the records given; the records are in the form
results.json holds them (pipeline/records.py, privacy/plan.py)."""

from __future__ import annotations

from surveykit.report.content import Builder, build_document
from surveykit.spec.questionnaire import questionnaire_from_dict


def _questionnaire():
    return questionnaire_from_dict({
        "meta": {"id": "w", "title": {"nb": "T", "en": "T"}, "languages": ["nb", "en"]},
        "respondent_id": "rid",
        "scales": {"s": {"min": 1, "max": 5}},
        "items": [{"id": "i1", "scale": "s", "text": {"nb": "Påstand", "en": "Statement"}}],
        "background": [{"id": "dept", "type": "single", "text": {"nb": "Avdeling", "en": "Department"},
                        "codes": {1: "A", 2: "B", 3: "C", 4: "D"}}],
        "analysis": {"comparisons": [{"id": "by_dept", "label": {"nb": "Påstand etter avdeling",
                                                                 "en": "Statement by department"},
                                      "outcomes": ["i1"], "groups": ["dept"]}]},
    })


def _summary_sentence(suppressed: list[dict], lang: str) -> str:
    builder = Builder({"n_respondents": 50, "suppressed": suppressed}, _questionnaire(), lang, None)
    return builder._protection_summary(suppressed)


MERGED = {"variable": "dept", "group": [3, 4], "action": "merged", "where": "all tables, figures and tests",
          "reason": "fewer than 5 respondents, alone or by difference with a linked variable"}
HIDDEN = {"variable": "dept", "group": 2, "action": "hidden", "where": "all tables, figures and tests",
          "reason": "fewer than 5 respondents"}


def test_a_merge_is_not_called_hiding():
    assert _summary_sentence([MERGED], "nb") == (
        "For å beskytte små grupper ble 2 grupper slått sammen (Avdeling); ellers kunne færre enn 5 respondenter "
        "vises eller regnes ut fra totalene. Se avsnittet om konfidensialitet.")
    assert _summary_sentence([MERGED], "en").startswith("To protect small groups, 2 groups were merged (Department);")


def test_one_hidden_group_is_singular_and_counted_once():
    again = {**HIDDEN, "where": "comparisons of i1"}  # the same group protected in a second place
    assert _summary_sentence([HIDDEN, again], "nb").startswith("For å beskytte små grupper ble 1 gruppe skjult (")
    assert _summary_sentence([HIDDEN, again, MERGED], "en").startswith(
        "To protect small groups, 1 group was hidden and 2 groups were merged (Department);")


SKIPPED = {"where": "comparison by_dept", "outcome": "i1", "group_var": "dept",
           "reason": "a comparison needs at least two groups"}


def test_skipped_analyses_are_listed_with_their_labels():
    """A comparison the run could not do is named in the report (it used to be in results.json only)."""
    doc = build_document({"n_respondents": 50, "skipped": [SKIPPED]}, _questionnaire(), "nb")
    sec = next(sec for sec in doc.sections if sec.anchor == "skipped")
    table = next(b for b in sec.blocks if getattr(b, "key", None) == "skipped")
    cells = [c.text for c in table.rows[0].cells]
    assert cells == ["sammenligningen «Påstand etter avdeling»", "Påstand × Avdeling",
                     "a comparison needs at least two groups"]
    doc = build_document({"n_respondents": 50, "skipped": []}, _questionnaire(), "en")
    assert not any(sec.anchor == "skipped" and sec.blocks for sec in doc.sections)


def test_confidentiality_names_a_comparison_by_its_label():
    entry = {"variable": "dept", "group": 2, "action": "hidden", "where": "comparison by_dept", "n": None,
             "reason": "fewer than 5 answers"}
    doc = build_document({"n_respondents": 50, "suppressed": [entry]}, _questionnaire(), "en")
    sec = next(sec for sec in doc.sections if sec.anchor == "confidentiality")
    table = next(b for b in sec.blocks if getattr(b, "key", None) == "suppressed")
    assert [c.text for c in table.rows[0].cells] == ["Department", "B", "hidden",
                                                     "the comparison «Statement by department»",
                                                     "fewer than 5 respondents"]


def _questionnaire_with_descriptives(label: dict | None):
    plan = {"id": "my_items", "variables": ["i1"], **({"label": label} if label else {})}
    return questionnaire_from_dict({
        "meta": {"id": "w", "title": {"nb": "T", "en": "T"}, "languages": ["nb", "en"]},
        "respondent_id": "rid",
        "scales": {"s": {"min": 1, "max": 5}},
        "items": [{"id": "i1", "scale": "s", "text": {"nb": "Påstand", "en": "Statement"}},
                  {"id": "i2", "scale": "s", "text": {"nb": "Påstand 2", "en": "Statement 2"}}],
        "analysis": {"descriptives": [plan]},
    })


DESC = {"i1": {"kind": "item", "n": 50}, "i2": {"kind": "item", "n": 50}}


def test_an_unlabelled_descriptives_plan_is_not_captioned_by_its_id():
    q = _questionnaire_with_descriptives(None)
    # results.json gives such a plan its id as label (pipeline/results.py)
    record = [{"id": "my_items", "label": "my_items", "variables": ["i1"]}]
    names = [name for _, name, _ in Builder({"n_respondents": 50, "descriptives": DESC, "descriptive_plans": record},
                                            q, "en", None)._descriptive_blocks()]
    assert names[0] == "Statement" and "my_items" not in names
    labelled = _questionnaire_with_descriptives({"nb": "Mine påstander", "en": "My statements"})
    assert Builder({"n_respondents": 50, "descriptives": DESC}, labelled, "nb", None)._descriptive_blocks()[0][1] == \
        "Mine påstander"


def test_every_item_answered_by_all_reads_as_one_number():
    q = _questionnaire_with_descriptives(None)
    text = " ".join(b.text for b in Builder({"n_respondents": 50, "descriptives": DESC}, q, "nb", None)
                    .summary().blocks if hasattr(b, "text"))
    assert "Hver påstand ble besvart av 100,0 % av dem." in text and "mellom" not in text


def test_validate_summary_uses_singular_for_one(capsys):
    """hr-pulse has one free-text question and one recode rule (counted in questionnaires/examples/hr-pulse.yaml)."""
    from pathlib import Path

    from surveykit.cli import main as cli_main

    yaml_path = Path(__file__).resolve().parents[1] / "questionnaires" / "examples" / "hr-pulse.yaml"
    assert cli_main(["validate", str(yaml_path)]) == 0
    line = capsys.readouterr().out
    assert "1 free-text question," in line and "1 recode rule," in line and "3 indices" in line


def test_a_survey_without_groups_gets_no_group_wording():
    """No background questions: the summary does not claim 'no group had to be hidden' and the favourable
    section is not titled 'by unit'."""
    q = _questionnaire_with_descriptives(None)
    results = {"n_respondents": 50, "descriptives": DESC, "suppressed": [],
               "favourable": {"group_vars": [], "items": {"i1": {"label": "Statement", "pct_favourable": 40.0,
                                                                   "n": 50}}, "indices": {}}}
    builder = Builder(results, q, "en", None)
    summary = " ".join(b.text for b in builder.summary().blocks if hasattr(b, "text"))
    assert "hidden" not in summary
    assert builder.favourable().title == "Favourable answers"
