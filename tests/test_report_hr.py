"""The HR view and the researcher's tables of the report, on a run of the real pipeline (build_results) over a
12-item-style survey on a 1-5 agreement scale with a reverse-keyed item, and on the simulated survey of
test_report_helpers (1-6 scale, two grouping variables, a hidden small unit).

Expected numbers are recomputed here from the data with plain pandas (value_counts of the raw answers),
independently of surveykit.compare.favourable; the equality is exact (same counts) up to 1e-12."""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest
from test_report_helpers import survey_results

from surveykit.data.prepare import load_and_recode
from surveykit.pipeline.results import build_results
from surveykit.pipeline.settings import Settings
from surveykit.report import build_document
from surveykit.report.html import render_html
from surveykit.report.i18n import STRINGS
from surveykit.spec.questionnaire import questionnaire_from_dict


def agree5_spec() -> dict:
    agree = {"en": {1: "Strongly disagree", 2: "Disagree", 3: "Neither", 4: "Agree", 5: "Strongly agree"}}
    items = [{"id": f"e{i}", "scale": "agree5", "text": f"Engagement statement {i}"} for i in range(1, 4)]
    items.append({"id": "leave", "scale": "agree5", "reverse": True, "text": "I often think about leaving"})
    return {
        "meta": {"id": "hr5", "title": "HR survey", "languages": ["en"]},
        "respondent_id": "rid",
        "missing_codes": [9],
        "scales": {"agree5": {"min": 1, "max": 5, "labels": agree}},
        "items": items,
        "background": [{"id": "dept", "type": "single", "text": "Department",
                        "codes": {1: "Sales", 2: "Support", 3: "Tiny", 4: "Operations"}}],
        "indices": [{"id": "engagement", "label": "Engagement", "items": ["e1", "e2", "e3", "leave"]}],
        "analysis": {"min_group_size": 5,
                     "comparisons": [{"id": "by_dept", "label": "Table 7: Engagement by department",
                                      "outcomes": ["engagement"], "groups": ["dept"]}]},
    }


def agree5_data(n: int = 150, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    # the department of 3 is hidden, and with it the next smallest (complementary suppression)
    dept = rng.permutation(np.array([1] * 80 + [2] * 40 + [4] * (n - 123) + [3] * 3))
    mood = rng.normal(size=n) + 0.5 * (dept == 1)
    data = {"rid": np.arange(1, n + 1), "dept": dept}
    for i in range(1, 4):
        data[f"e{i}"] = np.clip(np.rint(3.4 + mood + rng.normal(size=n) * 0.8), 1, 5).astype(int)
    data["leave"] = np.clip(np.rint(2.6 - mood + rng.normal(size=n) * 0.8), 1, 5).astype(int)
    frame = pd.DataFrame(data)
    frame.loc[rng.choice(n, 10, replace=False), "e2"] = 9
    return frame


@pytest.fixture(scope="module")
def hr5(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hr5")
    q = questionnaire_from_dict(agree5_spec(), tmp / "hr5.yaml")
    data = agree5_data()
    data.to_csv(tmp / "hr5.csv", index=False)
    results, _ = build_results(q, load_and_recode(q, tmp / "hr5.csv"), Settings(lang="en"))
    return results, q, data


def test_reverse_keyed_item_is_favourable_when_disagreeing(hr5):
    results, q, data = hr5
    rec = results["favourable"]["items"]["leave"]
    answers = data["leave"]
    assert rec["reversed"] is True
    assert rec["pct_favourable"] == pytest.approx(100 * answers.isin([1, 2]).mean(), abs=1e-12)
    assert rec["pct_unfavourable"] == pytest.approx(100 * answers.isin([4, 5]).mean(), abs=1e-12)
    assert rec["pct_neutral"] == pytest.approx(100 * (answers == 3).mean(), abs=1e-12)


def test_index_favourable_is_pooled_over_its_items(hr5):
    results, q, data = hr5
    keyed = data[["e1", "e2", "e3", "leave"]].where(lambda d: d.isin([1, 2, 3, 4, 5]))
    keyed["leave"] = 6 - keyed["leave"]
    favourable = keyed.isin([4, 5]).to_numpy().sum()
    answered = keyed.notna().to_numpy().sum()
    rec = results["favourable"]["indices"]["engagement"]
    assert rec["n_answers"] == answered == 4 * 150 - 10  # the 'not answered' code 9 is in no denominator
    assert rec["pct_favourable"] == pytest.approx(100 * favourable / answered, abs=1e-12)
    sales = keyed[data["dept"] == 1]
    g = rec["groups"]["dept"]["1"]
    assert g["label"] == "Sales" and g["n"] == 80
    assert g["pct_favourable"] == pytest.approx(100 * sales.isin([4, 5]).to_numpy().sum() / sales.notna().to_numpy().sum())
    assert g["diff_favourable"] == pytest.approx(g["pct_favourable"] - rec["pct_favourable"], abs=1e-12)
    # the department of 3 is never shown alone: merged with another department (disclosure control)
    assert all(g["n"] >= 5 for g in rec["groups"]["dept"].values())
    assert not [g for g in rec["groups"]["dept"].values() if g["label"] == "Tiny"]


def test_notes_come_from_the_questionnaires_scale(hr5):
    results, q, _ = hr5
    doc = build_document(results, q, "en")
    tables = {t.key: t for t in doc.tables}
    note = " ".join(tables["fav-overall"].notes)
    assert "1–5 scale" in note and "4, 5 (Agree, Strongly agree) are favourable" in note
    assert "3 (Neither) neutral" in note and "1, 2 (Strongly disagree, Disagree) unfavourable" in note
    assert "5 or more" not in render_html(doc) and "1–6" not in render_html(doc)
    # every breakdown has All and the difference from it
    groups = tables["fav-groups-1"]
    assert groups.rows[0].cells[0].text == "All"
    assert [c.text for c in groups.header[1]] == ["Group", "%", "Δ", "n"]
    reversed_row = next(r for r in tables["fav-overall"].rows if r.cells[0].text.startswith("I often think"))
    assert reversed_row.cells[0].text.endswith("(reversed)")
    assert {f.key for f in doc.figures} >= {"fav-dept", "fav-items-dept"}


def test_plan_labels_keep_one_numbering(hr5):
    results, q, _ = hr5
    doc = build_document(results, q, "en")
    cmp = next(t for t in doc.tables if t.key == "cmp-by_dept")
    assert cmp.title == "Means by group: Engagement by department (Table 7 in the source)"
    page = render_html(doc)
    assert "Table 7:" not in page


def test_summary_opens_the_report(tmp_path_factory):
    for lang in ("en", "nb"):
        results, q, _ = survey_results(tmp_path_factory, lang)
        doc = build_document(results, q, lang)
        first = doc.sections[0]
        assert first.anchor == "summary" and first.title == STRINGS[lang]["sec_summary"]
        table = next(b for b in first.blocks if getattr(b, "kind", "") == "table")
        assert table.number == 1 and len(table.rows) == len(results["indices"])
        fav = results["favourable"]["indices"]
        assert [c.value for r in table.rows for c in r.cells[6:7]] == [fav[i]["pct_favourable"] for i in results["indices"]]
        text = " ".join(b.text if hasattr(b, "text") else " ".join(b.items) for b in first.blocks if b.kind in ("p", "ul"))
        assert "R² = " in text and (f"{len(results['suppressed'])} " in text)
        # the differences listed are the significant ones, largest r first
        alpha = results["settings"]["alpha"]
        significant = sorted((e for e in results["comparisons"] if e["p"] < alpha), key=lambda e: -e["effect_r"])
        bullets = next(b for b in first.blocks if b.kind == "ul").items
        assert len(bullets) == min(5, len(significant))
        assert bullets[0].startswith(q.label_of(significant[0]["outcome"], lang))


def test_regression_terms_use_one_key_convention(tmp_path_factory):
    results, _, _ = survey_results(tmp_path_factory, "en")
    reg = results["regressions"]["reg"]
    terms = {c["term"] for c in reg["coefficients"]}
    assert "(Intercept)" in terms and "gender=2" in terms
    for key in ("max_abs_dfbeta", "max_abs_sdbeta"):
        assert set(reg["diagnostics"][key]) <= terms and "(Intercept)" in reg["diagnostics"][key]
    assert set(reg["diagnostics"]["vif"]) <= terms
    assert not any("[" in t or t == "const" for t in terms | set(reg["diagnostics"]["max_abs_dfbeta"]))


def test_every_string_in_both_languages():
    assert set(STRINGS["en"]) == set(STRINGS["nb"])


def test_favourable_sheets_are_tidy_data(hr5, tmp_path):
    from openpyxl import load_workbook

    from surveykit.report import render_report

    results, q, _ = hr5
    files = render_report(results, q, tmp_path, lang="en")
    wb = load_workbook(files.excel)
    doc = build_document(results, q, "en")
    table = next(t for t in doc.tables if t.key == "fav-groups-1")
    ws = wb.worksheets[table.number]  # sheet 0 is the contents
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)]
    rec = results["favourable"]["indices"]["engagement"]
    assert rows[0]["Group"] == "All" and rows[0]["% favourable"] == rec["pct_favourable"]
    sales = next(r for r in rows if r["Group"] == "Sales")
    g = rec["groups"]["dept"]["1"]
    assert (sales["Code"], sales["n"], sales["Answers"]) == (1, g["n"], g["n_answers"])
    assert sales["Δ"] == g["diff_favourable"] and sales["% unfavourable"] == g["pct_unfavourable"]
    assert not ws.merged_cells.ranges and ws.auto_filter.ref == f"A1:J{len(rows) + 1}"


def test_confidence_intervals_reach_the_workbook_as_numbers(tmp_path_factory, tmp_path):
    """A CI shown as "[.80; .90]" in the report has its bounds in numeric columns of their own in
    tables.xlsx (the text stays beside them)."""
    from openpyxl import load_workbook

    from surveykit.report import render_report

    results, q, free = survey_results(tmp_path_factory, "en")
    files = render_report(results, q, tmp_path, lang="en", free_text=free)
    wb = load_workbook(files.excel)
    doc = build_document(results, q, "en")
    for key, check in (("reliability", "alpha"), ("reg-coef-reg", "coef")):
        table = next(t for t in doc.tables if t.key == key)
        ws = wb.worksheets[table.number]
        header = [c.value for c in ws[1]]
        rows = [dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)]
        low = next(h for h in header if h and h.endswith("CI low"))
        high = next(h for h in header if h and h.endswith("CI high"))
        if check == "alpha":  # flattened from the report's table: the bounds beside the text "[.80; .90]"
            assert header.index(low) == header.index(low.split(": CI low")[0]) + 1
            goals = next(r for r in rows if r["Scale"] == "Goal clarity")
            assert [goals[low], goals[high]] == results["indices"]["goals"]["alpha_ci"]
        else:
            coefs = results["regressions"]["reg"]["coefficients"]
            assert (rows[0][low], rows[0][high]) == (coefs[0]["ci_low"], coefs[0]["ci_high"])
            assert [r["Key"] for r in rows] == [c["term"] for c in coefs]  # the keys of results.json


def test_crosstab_sheet_keeps_hidden_cells_empty(tmp_path_factory, tmp_path):
    from openpyxl import load_workbook

    from surveykit.report import render_report

    results, q, free = survey_results(tmp_path_factory, "en")
    files = render_report(results, q, tmp_path, lang="en", free_text=free)
    wb = load_workbook(files.excel)
    doc = build_document(results, q, "en")
    xt, table = results["crosstabs"][0], next(t for t in doc.tables if t.key.startswith("xt-1-"))
    ws = wb.worksheets[table.number]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == sum(len(r) for r in xt["counts"].values())
    for r in rows:
        assert r["n"] == xt["counts"][r["Unit"]][r["Gender"]]  # None (empty cell) where the report hides it
        assert r["χ²"] == xt["chi2"] and r["df"] == xt["df"] and r["p"] == xt["p"]
