"""The figures and the workbook: the drawing surface (canvas.py) against independent references, one
figure per comparison plan, every figure kind of the report present, well-formed SVG/XLSX. (Speed is
measured by `make bench`, never asserted in tests.)

Inputs are the simulated survey of test_report_helpers.py (real pipeline output).
"""

import io
import xml.etree.ElementTree as ET
import zipfile

import pytest
from openpyxl import load_workbook
from PIL import Image

from surveykit.report import render_report
from surveykit.report.canvas import Canvas, block_width, colour_at, ink_on, nice_ticks, text_width
from surveykit.report.content import build_document
from test_report_helpers import XSS, survey_results

SVG = "{http://www.w3.org/2000/svg}"


# ------------------------------------------------------------------------------------------- canvas
@pytest.mark.parametrize("lo, hi, target, expected", [
    (0, 5.7, 6, [0, 1, 2, 3, 4, 5, 6]),  # span 5.7 / 6 = 0.95 -> step 1
    (-55, 93, 6, [-75, -50, -25, 0, 25, 50, 75, 100]),  # 148 / 6 = 24.7 -> step 25
    (0, 100, 4, [0, 25, 50, 75, 100]),
    (-1, 1, 4, [-1, -0.5, 0, 0.5, 1]),
    (-0.22, 0.41, 6, [-0.4, -0.2, 0, 0.2, 0.4, 0.6]),  # 0.63 / 6 = 0.105 -> step 0.2
])
def test_nice_ticks_by_hand(lo, hi, target, expected):
    ticks = nice_ticks(lo, hi, target)
    assert ticks == pytest.approx(expected, abs=1e-12)
    assert ticks[0] <= lo and ticks[-1] >= hi


@pytest.mark.parametrize("palette", ["RdYlBu", "RdBu_r", "RdYlGn"])
def test_palettes_match_matplotlib(palette):
    from matplotlib import colormaps

    cmap = colormaps[palette]
    for t in (0.0, 0.1, 0.25, 0.5, 0.62, 0.9, 1.0):
        ours = colour_at(palette, t)
        rgb = [int(ours[i:i + 2], 16) for i in (1, 3, 5)]
        ref = [round(255 * c) for c in cmap(t)[:3]]  # matplotlib's 256-entry lookup table
        assert max(abs(a - b) for a, b in zip(rgb, ref)) <= 4, (t, ours, ref)


def test_ink_picks_the_more_readable_colour():
    assert ink_on("#000000") == ink_on("#a50026") == ink_on("#313695") == "#ffffff"
    assert ink_on("#ffffff") == ink_on("#ffffbf") == ink_on("#a6d96a") == "#111111"


def test_text_measures():
    assert 0 < text_width("Mann", 11) < text_width("Mann og kvinne", 11) < text_width("Mann og kvinne", 14)
    assert block_width("kort\nen lengre linje", 11) == text_width("en lengre linje", 11)


def _drawing() -> Canvas:
    c = Canvas(200, 100, scale=2)
    c.rect(10, 10, 50, 20, "#4c72b0")
    c.line([(0, 90), (200, 10)], "#222222", 1.5, dash=(4, 2))
    c.circle(100, 50, 4, "#c44e52")
    c.text(190, 50, XSS + " & Øst\x07", 11, anchor="end")  # a control character is dropped
    return c


def test_canvas_png_and_svg():
    c = _drawing()
    png, svg = c.png(), c.svg()
    assert Image.open(io.BytesIO(png)).size == (200, 100)
    root = ET.fromstring(svg)  # well-formed: the hostile label is escaped
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == [XSS + " & Øst"]
    assert b"<script" not in svg
    # same drawing, same bytes
    again = _drawing()
    assert (again.png(), again.svg()) == (png, svg)


# ------------------------------------------------------------------------------------- the report
@pytest.fixture(scope="module")
def survey(tmp_path_factory):
    return survey_results(tmp_path_factory, "en")


@pytest.fixture(scope="module")
def report(survey, tmp_path_factory):
    results, q, free = survey
    out = tmp_path_factory.mktemp("report-en")
    files = render_report(results, q, out, lang="en", free_text=free)
    return files, out


def test_every_figure_kind_once_per_plan(survey, report):
    results, q, _ = survey
    doc = build_document(results, q, "en")
    keys = [f.key for f in doc.figures]
    kinds = {k.split("-")[0] for k in keys}
    assert kinds == {"likert", "scree", "means", "corr", "coef", "fav"}
    # one means figure per comparison plan, not one per outcome x grouping variable
    plans = {e["plan"] for e in results["comparisons"]}
    assert sorted(k for k in keys if k.startswith("means-")) == sorted(f"means-{p}" for p in plans)
    # favourable %: the index x group and item x group heatmaps of the first grouping variable, and all
    # grouping variables together
    assert [k for k in keys if k.startswith("fav-")] == ["fav-gender", "fav-items-gender", "fav-all"]
    files, out = report
    assert files.n_figures == len(keys) and len(files.figures) == 2 * len(keys)


def test_means_figure_shows_every_group_and_outcome(survey, report):
    results, q, _ = survey
    files, out = report
    svg = ET.parse(next((out / "figures").glob("*-means-by_group.svg"))).getroot()
    texts = {t.text for t in svg.iter(f"{SVG}text")}
    shown = {g["label"] for e in results["comparisons"] for g in e["groups"].values()}  # groups keyed by code
    assert shown and shown <= texts  # each group label drawn (as searchable text)
    assert {"Goal clarity", "Follow-up", "Time", "Gender", "Unit"} <= texts  # legend and block headings
    assert not {"Liten enhet", "Øst"} & texts  # hidden groups stay hidden


def test_favourable_overview_has_every_grouping_variable(survey, report):
    results, q, _ = survey
    files, out = report
    svg = ET.parse(out / "figures" / f"{files.n_figures:02d}-fav-all.svg").getroot()
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    groups = next(iter(results["favourable"]["indices"].values()))["groups"]
    for gv, cells in groups.items():
        assert q.label_of(gv, "en") in texts and {c["label"] for c in cells.values()} <= set(texts)
    assert "All" in texts


def test_figure_files_are_valid(report):
    files, out = report
    for path in files.figures:
        if path.suffix == ".png":
            with Image.open(path) as image:
                image.verify()
                assert 200 <= image.size[0] <= 1200 and 100 <= image.size[1] <= 3000
        else:
            root = ET.parse(path).getroot()
            assert root.tag == f"{SVG}svg" and any(True for _ in root.iter(f"{SVG}text"))


def test_workbook_structure(survey, report):
    """tables.xlsx as a data file, read back with openpyxl: a contents sheet whose hyperlinks lead to every
    table's sheet, one header row per sheet with an autofilter over the data, no merged cells anywhere,
    and the statistics of a test in numeric columns of their own."""
    results, q, free = survey
    files, _ = report
    with zipfile.ZipFile(files.excel) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                ET.fromstring(z.read(name))  # every part is well-formed XML
    wb = load_workbook(files.excel)
    doc = build_document(results, q, "en", free)
    assert doc.answer_lists  # the survey has a free-text question shown in the report
    contents, sheets = wb.worksheets[0], wb.worksheets[1:files.n_tables + 1]
    lists = doc.answer_lists  # free-text answers: a sheet each after the tables ("A01 ...")
    assert contents.title == "Contents" and len(wb.worksheets) == 1 + files.n_tables + len(lists)
    assert [ws.title.split(" ")[0] for ws in sheets] == [f"T{i:02d}" for i in range(1, files.n_tables + 1)]
    for j, (answers, ws) in enumerate(zip(lists, wb.worksheets[files.n_tables + 1:]), 1):
        assert ws.title.startswith(f"A{j:02d} ")
        assert [r[0] for r in ws.iter_rows(values_only=True)] == [answers.title, *answers.items]
    assert len({ws.title.lower() for ws in wb.worksheets}) == len(wb.worksheets)
    assert all(len(ws.title) <= 31 for ws in wb.worksheets)
    links = [row[2].hyperlink for row in contents.iter_rows(min_row=2)][:files.n_tables]
    assert len(links) == files.n_tables
    for table, link, ws in zip(doc.tables, links, sheets):
        target = link.location.split("!")[0].strip("'").replace("''", "'")
        assert wb[target] is ws, (link.location, ws.title)  # every link resolves to its own table
        assert contents.cell(row=table.number + 1, column=2).value == table.title
    for ws in wb.worksheets:
        assert not ws.merged_cells.ranges, ws.title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
        assert all(c.font.b for c in ws[1] if c.value is not None)  # one bold header row
        assert not any(c.font.b for row in ws.iter_rows(min_row=2) for c in row if c.value is not None)
    table = next(t for t in doc.tables if t.key == "cmp-by_group")
    ws = sheets[table.number - 1]
    header = [c.value for c in ws[1]]
    for column in ("n", "M", "SD", "Statistic", "df1", "df2", "p", "r", "d", "η²", "ω²", "Test (text)"):
        assert column in header
    body = list(ws.iter_rows(min_row=2, values_only=True))
    entries = {(e["outcome"], e["group"]): e for e in results["comparisons"] if e["plan"] == "by_group"}
    assert len(body) == sum(len(e["groups"]) for e in entries.values())  # one row per outcome x group
    col = {name: header.index(name) for name in header}
    for row in body:
        for name in ("n", "M", "SD", "Statistic", "df1", "p", "r"):
            assert isinstance(row[col[name]], (int, float)) and not isinstance(row[col[name]], bool), (name, row)
        assert isinstance(row[col["Test (text)"]], str) and row[col["Test (text)"]][0] in "tF"
    anova = next(e for e in entries.values() if e["test"] == "anova")
    row = next(r for r in body if r[col["Statistic"]] == anova["statistic"])
    assert (row[col["df1"]], row[col["df2"]]) == tuple(anova["df"]) and row[col["η²"]] == anova["eta_sq"]
    means = [c for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, float)]
    assert means and {c.number_format for c in means} <= {"0", "0.0", "0.00", "0.000"}
    # the t-test sheet: Student and Welch rows with Levene's F, the mean difference and its CI as numbers
    ttest = next(t for t in doc.tables if t.key == "ttest-by_group")
    ws = sheets[ttest.number - 1]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)]
    t = next(e for e in entries.values() if e["test"] == "t")
    student = next(r for r in rows if r["t-test"] == "student" and r["Variable"] == q.label_of(t["outcome"], "en"))
    welch = next(r for r in rows if r["t-test"] == "welch" and r["Variable"] == q.label_of(t["outcome"], "en"))
    assert student["t"] == t["student"]["statistic"] and welch["df"] == t["welch"]["df"]
    assert student["Levene F"] == t["levene"]["statistic"] and student["CI low"] == t["student"]["ci_low"]
    assert student["Mean difference"] == t["mean_diff"] and student["d"] == t["d"]




def test_degenerate_inputs_still_draw():
    """Missing values leave gaps instead of failing; a figure is still two valid files."""
    from surveykit.report import figures as figs

    fmt = lambda x: f"{x:.1f}"  # noqa: E731
    drawn = [
        figs.group_means([("", ["a", "b"])], ["x"], [[None], [None]], [[None], [None]], fmt, "Mean"),
        figs.group_means([("G", ["a"]), ("H", ["b"])], ["x", "y"], [[2.0, None], [float("nan"), 3.5]],
                         [[0.3, None], [None, 0.0]], fmt, "Mean"),
        figs.heatmap([("", ["r1", "r2"])], ["c"], [[None], [50.0]], fmt, vmin=0, vmax=100, palette="RdYlGn"),
        figs.likert_bars(["item"], [[None, 0, 0, 100]], ["1", "2", "3", "4"], fmt, "%"),
        figs.scree([2.5, 0.9, 0.4], None, fmt, dict(xlabel="F", ylabel="E", observed="o", parallel="p", kaiser="k")),
        figs.coefficient_plot(["t"], [0.2], [None], [None], fmt, "beta"),
    ]
    for image in drawn:
        assert image.png.startswith(b"\x89PNG") and ET.fromstring(image.svg).tag == f"{SVG}svg"
