"""Wording of report texts built from counts and records: singular forms, hidden vs merged groups.

The expected sentences are written out here by hand from the records given; the records are in the form
results.json holds them (pipeline/records.py, privacy/plan.py)."""

from __future__ import annotations

from surveykit.report.content import Builder
from surveykit.spec.questionnaire import questionnaire_from_dict


def _questionnaire():
    return questionnaire_from_dict({
        "meta": {"id": "w", "title": {"nb": "T", "en": "T"}, "languages": ["nb", "en"]},
        "respondent_id": "rid",
        "scales": {"s": {"min": 1, "max": 5}},
        "items": [{"id": "i1", "scale": "s", "text": {"nb": "Påstand", "en": "Statement"}}],
        "background": [{"id": "dept", "type": "single", "text": {"nb": "Avdeling", "en": "Department"},
                        "codes": {1: "A", 2: "B", 3: "C", 4: "D"}}],
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
