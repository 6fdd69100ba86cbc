"""The rendered report: escaping, Excel cells, determinism, confidentiality, synthetic notice.

Inputs come from the real pipeline (see test_report_helpers.py): a simulated survey with groups and
Field's SAQ.
"""

import copy
import hashlib
from markupsafe import escape
import re

import pytest
from openpyxl import load_workbook

from surveykit.report import render_report
from surveykit.report.content import build_document
from test_report_helpers import XSS, saq_results, survey_results


@pytest.fixture(scope="module")
def survey(tmp_path_factory):
    return survey_results(tmp_path_factory, "nb")


@pytest.fixture(scope="module")
def rendered(survey, tmp_path_factory):
    results, q, free = survey
    out = tmp_path_factory.mktemp("report-nb")
    files = render_report(results, q, out, lang="nb", free_text=free)
    return files, out


def _digests(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_writes_html_excel_and_figures(rendered):
    files, out = rendered
    assert files.html == out / "report.html" and files.excel == out / "tables.xlsx"
    pngs = sorted((out / "figures").glob("*.png"))
    svgs = sorted((out / "figures").glob("*.svg"))
    assert len(pngs) == len(svgs) == files.n_figures >= 7
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)
    page = files.html.read_text(encoding="utf-8")
    # numbered tables and figures, Norwegian captions, decimal comma
    assert f"Tabell {files.n_tables}</p>" in page and f"Figur {files.n_figures}</p>" in page
    assert page.count("data:image/png;base64,") == files.n_figures
    assert "Innhold" in page and "Konfidensialitet" in page and "Publiserte og reproduserte tall" in page


def test_hostile_strings_are_escaped(rendered, survey):
    files, _ = rendered
    page = files.html.read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert str(escape(XSS)) in page  # the free-text answer, shown as text
    assert page.count(str(escape(XSS))) == 1  # once, in the free-text section


def test_english_item_text_with_script_is_escaped(survey):
    results, q, _ = survey  # item labels come from the questionnaire, here in English
    part = {k: results[k] for k in ("questionnaire", "n_respondents", "indices")}
    page = _page(part, q, "en")
    assert "<script" not in page.lower()
    assert str(escape("My manager follows up " + XSS)) in page  # an item label from the YAML
    assert "Table 1</p>" in page and "Reliability" in page


def test_self_contained(rendered):
    page = rendered[0].html.read_text(encoding="utf-8")
    # nothing is fetched: no external src/href, no stylesheet links, no scripts, no web fonts
    assert not re.search(r'(src|href)\s*=\s*"(?!data:|#)', page)
    assert "<link" not in page and "@import" not in page and "url(" not in page


def test_small_group_is_not_shown(rendered, survey):
    """'Liten enhet' (3 people) is never shown on its own: merged with the smallest other unit ('Øst'),
    under a label naming both (issue 14: merge before hide)."""
    files, out = rendered
    page = files.html.read_text(encoding="utf-8")
    results = survey[0]
    merged = [s for s in results["suppressed"] if s["variable"] == "unit"]
    assert merged and all(s["action"] == "merged" and s["n"] is None for s in merged)
    before, after = page.split('<section id="confidentiality">')
    merged_label = "Liten enhet / Øst (slått sammen)"
    assert merged_label in before
    # never alone: only in the merged group's label and in the tables' notes saying what was merged
    assert before.count("Liten enhet") == before.count(merged_label) + before.count("Liten enhet + Øst slått sammen")
    assert "Liten enhet + Øst slått sammen" in before
    assert "Liten enhet" in after
    svgs = [svg.read_text(encoding="utf-8") for svg in (out / "figures").glob("*.svg")]
    assert any("Nord" in text for text in svgs)  # figure text is searchable, so this check can fail
    assert all(text.count("Liten") == text.count("Liten enhet / Øst") for text in svgs)


def test_excel_numbers_are_numbers_and_formulas_are_text(rendered):
    wb = load_workbook(rendered[0].excel)
    names = wb.sheetnames
    answer_sheets = [n for n in names if n.startswith("S0")]  # the free-text answers shown in the report
    assert len(answer_sheets) == 1 and len(names) == rendered[0].n_tables + 1 + len(answer_sheets)
    assert len(set(n.lower() for n in names)) == len(names)
    assert all(len(n) <= 31 for n in names)
    numeric = formula_cells = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, (int, float)):
                    numeric += 1
                if isinstance(cell.value, str) and cell.value.startswith("=HYPERLINK"):
                    formula_cells += 1
                    assert cell.data_type == "s" and cell.quotePrefix
                assert cell.data_type != "f"
    assert numeric > 100 and formula_cells >= 2
    # a mean is stored unrounded, as a number
    ws = wb[[n for n in names if n.startswith("T03")][0]]
    values = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, float)]
    assert any(abs(v * 100 - round(v * 100)) > 1e-9 for v in values)


def test_rendering_twice_gives_identical_files(survey, rendered, tmp_path):
    results, q, free = survey
    render_report(copy.deepcopy(results), q, tmp_path, lang="nb", free_text=free)
    first, second = _digests(rendered[1]), _digests(tmp_path)
    assert first == second and any(k.endswith(".svg") for k in first) and "tables.xlsx" in first


def test_synthetic_notice(survey, rendered):
    assert "Syntetiske data" not in rendered[0].html.read_text(encoding="utf-8")
    results, q, _ = survey
    part = {"questionnaire": {**results["questionnaire"], "synthetic": True}, "n_respondents": 240}
    page = _page(part, q)
    assert 'class="synthetic"' in page and "Syntetiske data" in page
    assert page.index("Syntetiske data") < page.index('<nav class="toc"')  # on the first page


def _page(results, q, lang="nb"):
    from surveykit.report.html import render_html

    return render_html(build_document(results, q, lang))


def test_missing_parts_are_left_out(survey):
    results, q, _ = survey
    minimal = {"questionnaire": {"title": "T", "synthetic": False}, "n_respondents": 10}
    page = _page(minimal, q, "en")
    assert "Respondents analysed: 10" in page and "Factor analysis" not in page
    sections = [sec.anchor for sec in build_document(results, q, "nb").sections]
    assert "favourable" in sections
    no_favourable = {k: v for k, v in results.items() if k != "favourable"}
    assert "favourable" not in [sec.anchor for sec in build_document(no_favourable, q, "nb").sections]


def test_saq_factor_analysis_tables(saq, tmp_path):
    results, q = saq_results("en")
    doc = build_document(results, q, "en")
    fa = results["factor_analyses"]["saq"]
    pattern = next(t for t in doc.tables if t.key == "fa-pattern-saq")
    cutoff = fa["loading_cutoff"]
    shown = [c for row in pattern.rows[:-1] for c in row.cells[1:-2] if c.text]  # F1..Fk (not h², MSA)
    hidden = [v for v in fa["loadings"].values() for x in v for v in [x] if abs(x) < cutoff]
    assert hidden and all(abs(c.value) >= cutoff for c in shown)
    assert len(shown) == sum(abs(x) >= cutoff for v in fa["loadings"].values() for x in v)
    # rows grouped by primary factor, sorted by size within it
    firsts = [max(range(4), key=lambda j: abs(fa["loadings"][r.cells[0].text and _item(q, r.cells[0].text)][j]))
              for r in pattern.rows[:-1]]
    assert firsts == sorted(firsts)
    text = " ".join(b.text for sec in doc.sections for b in sec.blocks if b.kind == "p")
    assert "KMO = .930" in text and "\u03c7\u00b2(253) = 19,334.49, p < .001" in text
    rep = next(t for t in doc.tables if t.key == "replication")
    assert len(rep.rows) == len(results["replication"])
    assert f"{sum(e['within'] is True for e in results['replication'])} of {len(results['replication'])}" in text


def _item(q, label):
    return next(i.id for i in q.items if i.text == label)


def test_many_answers_are_sampled_in_the_report_and_all_in_the_workbook(survey, tmp_path, monkeypatch):
    """With more answers than the report shows, the report says how many of how many (the first of the
    shuffled answers: a random selection) and tables.xlsx has them all."""
    import surveykit.report.content as content

    results, q, free = survey
    qid, answers = next((k, v) for k, v in free.items() if len(v) > 1)
    monkeypatch.setattr(content, "MAX_ANSWERS_SHOWN", 1)
    files = render_report(copy.deepcopy(results), q, tmp_path, lang="en", free_text=free)
    page = files.html.read_text(encoding="utf-8")
    assert f"Showing 1 of {len(answers)} answers" in page
    wb = load_workbook(files.excel)
    sheet = next(ws for ws in wb.worksheets if ws.title.startswith("A01"))
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == [str(a).strip() for a in answers
                                                                          if str(a).strip()]
