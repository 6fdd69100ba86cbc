"""Per-unit reports (issue 16, items 2 and 6) on the bundled MRS example.

Reference numbers come from an independent pandas computation: each respondent's ancestor at every level
is found by walking the units file's ``parent`` column in pandas (not the UnitTree's arrays), and
``groupby`` gives n, mean and favourable %. Tolerance 1e-12 (the same sums, summed in another order).
The confidentiality tests attack the published files: for every parent and every statistic, the parent's
n (and sum = n x mean) minus its published children must never leave 1..K-1 respondents.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from surveykit.api.workflow import read_data, read_questionnaire
from surveykit.cli import main
from surveykit.errors import SurveyError
from surveykit.measure.scoring import scored_frame
from surveykit.pipeline.run import run
from surveykit.report.unit_report import reason_text

ROOT = Path(__file__).resolve().parents[1]
YAML = ROOT / "questionnaires" / "examples" / "mrs-participation.yaml"
DATA_DIR = YAML.parent / "mrs-participation"
K = 5


@pytest.fixture(scope="module")
def q():
    return read_questionnaire(YAML)


@pytest.fixture(scope="module")
def out(tmp_path_factory, q):
    folder = tmp_path_factory.mktemp("pu") / "out"
    run(q, DATA_DIR / "wave2024.csv", out_dir=folder, quiet=True, per_unit="all")
    return folder


@pytest.fixture(scope="module")
def reports(out):
    return {p.parent.name: json.loads(p.read_text()) for p in (out / "units").glob("*/results.json")}


@pytest.fixture(scope="module")
def units_table():
    return pd.read_csv(DATA_DIR / "units.csv", dtype={"code": str, "parent": str})


@pytest.fixture(scope="module")
def scored(q):
    prepared = read_data(q, DATA_DIR / "wave2024.csv")
    frame = scored_frame(prepared.frame, q)
    frame["_unit"] = prepared.frame["unit"].astype("Int64").astype(str)
    return frame


def _ancestors(units_table: pd.DataFrame) -> dict[str, list[str]]:
    """{code: [root, ..., code]} by walking parents in pandas."""
    parent = dict(zip(units_table["code"], units_table["parent"]))
    chains = {}
    for code in units_table["code"]:
        chain, c = [], code
        while isinstance(c, str):
            chain.append(c)
            c = parent.get(c)
        chains[code] = chain[::-1]
    return chains


# ------------------------------------------------------------------------------------------ files
def test_files_index_links_and_marker(out, reports, units_table):
    org = json.loads((out / "results.json").read_text())
    shown = {u["unit"] for u in org["organisation"]["units"] if u["shown"] and u["level"] >= 1 and u["respondents"]}
    hidden = {u["unit"] for u in org["organisation"]["units"] if not u["shown"]}
    assert hidden, "the example has small offices: some units must be hidden"
    assert set(reports) == shown
    for code in shown:
        for name in ("report.html", "tables.xlsx", "results.json"):
            assert (out / "units" / code / name).is_file()
        with zipfile.ZipFile(out / "units" / code / "tables.xlsx") as book:
            assert "xl/worksheets/sheet2.xml" in book.namelist()  # the contents sheet and the tables
    for code in hidden:
        assert not (out / "units" / code).exists()
    page = (out / "units" / "index.html").read_text()
    links = re.findall(r'href="([^"]+)"', page)
    assert {l.split("/")[0] for l in links if l.endswith("/report.html") and not l.startswith("..")} == shown
    for link in links:
        assert (out / "units" / link).resolve().is_file(), link
    for code in shown:  # the index shows each unit's response rate as the organisation record has it
        rate = next(u["rate"] for u in org["organisation"]["units"] if u["unit"] == code)
        if rate is not None:
            assert f"{100 * rate:.1f}".replace(".", ",") + " %" in page
    marker = json.loads((out / ".surveykit-output").read_text())["files"]
    for code in shown:
        assert f"units/{code}/report.html" in marker and f"units/{code}/results.json" in marker
    assert "units/index.html" in marker


def test_report_html_has_sections(out, reports):
    code = max(reports, key=lambda c: reports[c]["response"]["respondents"])
    page = (out / "units" / code / "report.html").read_text()
    for anchor in ("response", "results", "engagement", "trends", "changes", "comments", "drivers", "confidentiality"):
        assert f'id="{anchor}"' in page
    assert "<script" not in page


# ------------------------------------------------------------------------------------------ numbers
def test_numbers_equal_pandas_groupby(q, reports, scored, units_table):
    chains = _ancestors(units_table)
    checked = 0
    for level in (0, 1, 2):
        at = scored["_unit"].map(lambda c, lv=level: chains[c][lv] if len(chains[c]) > lv else None)
        for code, rec in reports.items():
            for row in rec["results"]:
                var = row["variable"]
                for role, unit in (("unit", code), ("parent", rec["parent"]), ("organisation", rec["organisation"])):
                    cell = row.get(role)
                    if cell is None or cell["n"] is None or len(chains[unit]) != level + 1:
                        continue
                    x = scored.loc[at == unit, var].dropna()
                    assert cell["n"] == len(x)
                    if not len(x):
                        assert cell["mean"] is None
                        continue
                    assert cell["mean"] == pytest.approx(x.mean(), abs=1e-12)
                    checked += 1
                    if cell.get("favourable_pct") is None:
                        continue
                    scale = q.scale_of(var)
                    items = list(q.index_map[var].items) if var in q.index_map else [var]
                    block = scored.loc[at == unit, items]
                    fav = block.isin(scale.favourable_values).to_numpy().sum()
                    answered = block.isin(scale.values).to_numpy().sum()
                    assert cell["favourable_pct"] == pytest.approx(100 * fav / answered, abs=1e-12)
                    assert cell["n_favourable"] == int(block.isin(scale.values).any(axis=1).sum())
    assert checked > 1000


def test_trend_means_equal_pandas(q, reports, units_table):
    chains = _ancestors(units_table)
    wave = pd.read_csv(DATA_DIR / "wave2023.csv", dtype={"unit": str})
    code = max(reports, key=lambda c: reports[c]["response"]["respondents"])
    rows = [r for r in reports[code]["trends"]["rows"] if r["wave"] == "2023" and r["variable"] in q.item_map]
    assert rows
    mine = wave[wave["unit"].map(lambda c: code in chains[c])]
    for r in rows:
        x = pd.to_numeric(mine[r["variable"]], errors="coerce").dropna()
        assert (r["n"], r["mean"]) == (len(x), pytest.approx(x.mean(), abs=1e-12))


def test_unit_changes_equal_scipy_welch(q, reports, scored, units_table):
    """The change since 2023 in a unit report: Welch's t-test of scipy on the unit's respondents."""
    from scipy import stats

    chains = _ancestors(units_table)
    before = read_data(q, DATA_DIR / "wave2023.csv")
    prev = scored_frame(before.frame, q)
    prev["_unit"] = before.frame["unit"].astype("Int64").astype(str)
    checked = 0
    for code in sorted(reports, key=lambda c: -reports[c]["response"]["respondents"])[:3]:
        changes = reports[code]["changes"]
        assert changes["previous"] == "2023" and changes["current"] == "2024"
        rows = {r["variable"]: r for r in changes["means"]}
        assert set(rows) & set(q.index_map) and set(rows) & set(q.item_map)
        now = scored[scored["_unit"].map(lambda c: code in chains[c])]
        then = prev[prev["_unit"].map(lambda c: code in chains[c])]
        for var, r in rows.items():
            a, b = now[var].dropna(), then[var].dropna()
            res = stats.ttest_ind(a, b, equal_var=False)
            assert (r["n_prev"], r["n_curr"]) == (len(b), len(a))
            assert r["diff"] == pytest.approx(a.mean() - b.mean(), abs=1e-12)
            assert r["t"] == pytest.approx(res.statistic, rel=1e-9)
            assert r["p"] == pytest.approx(res.pvalue, rel=1e-6)
            checked += 1
        fav = {f["item"]: f for f in changes["favourable"]}
        item = next(v for v in rows if v in q.item_map and v in fav)
        good = q.scale_of(item).favourable_values
        a, b = now[item].dropna(), then[item].dropna()
        assert fav[item]["diff"] == pytest.approx(100 * (a.isin(good).mean() - b.isin(good).mean()), abs=1e-9)
    assert checked > 50


def test_unit_engagement_and_enps_equal_pandas(q, out, reports, scored, units_table):
    chains = _ancestors(units_table)
    code = max(reports, key=lambda c: reports[c]["response"]["respondents"])
    mine = scored[scored["_unit"].map(lambda c: code in chains[c])]
    entries = {e["id"]: e for e in reports[code]["engagement"]}
    eng = entries["engaged_all"]["unit"]
    block = mine[list(q.index_map["engagement"].items)].dropna()
    assert eng["n"] == len(block)
    assert eng["pct"] == pytest.approx(100 * block.isin([4, 5]).all(axis=1).mean(), abs=1e-12)
    enps = entries["enps"]["unit"]
    x = mine["recommend_workplace"].dropna()
    assert enps["n"] == len(x)
    assert enps["enps"] == pytest.approx(100 * ((x >= 9).mean() - (x <= 6).mean()), abs=1e-9)
    org = json.loads((out / "results.json").read_text())["engagement"]
    for eid, e in entries.items():  # the same numbers as the organisation report, where it shows the unit
        shown = {u["unit"]: u for u in org[eid]["units"]}
        if code in shown:
            assert e["unit"] == {k: v for k, v in shown[code].items() if k in e["unit"]}


# ------------------------------------------------------------------------------------------ attack
def _published(out, reports):
    """{(unit, statistic): (n, sum)} over every unit results.json and the organisation results.json."""
    pub: dict = {}

    def put(key, n, total):
        if n is None:
            return
        if key in pub:
            assert pub[key][0] == n, key  # the same number wherever it is published
            if total is None:
                return
            if pub[key][1] is not None:
                assert pub[key][1] == pytest.approx(total, rel=1e-12), key
        pub[key] = (n, total)

    for code, rec in reports.items():
        roles = (("unit", code), ("parent", rec["parent"]), ("organisation", rec["organisation"]))
        for row in rec["results"]:
            for role, unit in roles:
                cell = row.get(role)
                if cell is None:
                    continue
                put((unit, row["variable"], "mean"), cell["n"], None if cell["mean"] is None or cell["n"] is None
                    else cell["n"] * cell["mean"])
                put((unit, row["variable"], "favourable"), cell.get("n_favourable"), None)
        for r in rec.get("trends", {}).get("rows", []):
            put((code, r["variable"], f"wave {r['wave']}"), r["n"], r["n"] * r["mean"])
        for c in rec["comments"]:
            if c["shown"]:
                put((code, c["question"], "comments"), c["n"], None)
                for theme in c["themes"]:
                    for x in theme["counts"]:
                        put((code, theme["variable"], f"theme {x['code']}"), x["n"], None)
        put((code, "respondents", "count"), rec["response"]["respondents"], None)
        changes = rec.get("changes") or {}
        for r in changes.get("means", []):  # the same means as the trends and results: they must agree
            put((code, r["variable"], f"wave {changes['previous']}"), int(r["n_prev"]), r["n_prev"] * r["mean_prev"])
            put((code, r["variable"], "mean"), int(r["n_curr"]), r["n_curr"] * r["mean_curr"])
        for r in changes.get("favourable", []):
            put((code, r["item"], f"favourable change {changes['previous']}"), int(r["n_prev"]), None)
            put((code, r["item"], "favourable change now"), int(r["n_curr"]), None)
        for e in rec.get("engagement", []):
            for role, unit in roles:
                if e.get(role) is not None:
                    put((unit, e["id"], "engagement"), e[role]["n"], None)
    org = json.loads((out / "results.json").read_text())
    for eid, e in org.get("engagement", {}).items():
        for u in ([e["overall"]] if e.get("overall") else []) + e["units"]:
            put((u["unit"], eid, "engagement"), u["n"], None)
    for u in org["organisation"]["units"]:
        put((u["unit"], "respondents", "count"), u["respondents"], None)
    # the organisation report's comparisons by area: the `area` recode's codes are the area units' codes,
    # so its group means are the same statistics published a second time (and must agree and be protected)
    root = next(iter(reports.values()))["organisation"]
    for cmp in org["comparisons"]:
        if cmp["group"] != "area":
            continue
        put((root, cmp["outcome"], "mean"), cmp["n"], None)
        for code, g in cmp["groups"].items():
            put((str(code), cmp["outcome"], "mean"), g["n"], g["n"] * g["mean"])
    # the organisation report's changes by unit (down to organisation.level): the same means again
    for compared in org["waves"]["compared"]:
        for r in compared["means"]:
            put((r["unit"], r["variable"], f"wave {compared['previous']}"), int(r["n_prev"]),
                r["n_prev"] * r["mean_prev"])
            put((r["unit"], r["variable"], "mean"), int(r["n_curr"]), r["n_curr"] * r["mean_curr"])
        if compared["previous"] == org["waves"]["labels"][-2]:  # the change the unit reports show
            for r in compared["favourable"]:
                put((r["unit"], r["item"], f"favourable change {compared['previous']}"), int(r["n_prev"]), None)
                put((r["unit"], r["item"], "favourable change now"), int(r["n_curr"]), None)
    return pub


def test_differencing_never_isolates_fewer_than_k(out, reports, units_table):
    pub = _published(out, reports)
    kids: dict[str, list[str]] = {}
    for code, parent in zip(units_table["code"], units_table["parent"]):
        if isinstance(parent, str):
            kids.setdefault(parent, []).append(code)
    stats = {key[1:] for key in pub}
    attacks = 0
    for parent, children in kids.items():
        for stat in stats:
            if (parent, *stat) not in pub:
                continue
            n_parent, sum_parent = pub[(parent, *stat)]
            shown = [pub[(c, *stat)] for c in children if (c, *stat) in pub]
            if stat[1].startswith("theme"):  # theme counts live inside the comment count's rule
                continue
            rest = n_parent - sum(n for n, _ in shown)
            attacks += 1
            assert rest == 0 or rest >= K, (parent, stat, rest)
            if rest == 0 and sum_parent is not None and all(s is not None for _, s in shown):
                assert sum_parent == pytest.approx(sum(s for _, s in shown))
    assert attacks > 200


def test_hidden_units_count_above_them(out, reports, scored, units_table):
    org = json.loads((out / "results.json").read_text())
    hidden = [u for u in org["organisation"]["units"] if not u["shown"]]
    root = units_table.loc[units_table["parent"].isna(), "code"].iloc[0]
    organisation_n = next(r for r in reports.values())["results"][0]["organisation"]["n"]
    first_index = next(r for r in reports.values())["results"][0]["variable"]
    assert organisation_n == scored[first_index].notna().sum()  # hidden units' respondents included
    own = set(scored["_unit"])
    assert any(u["unit"] in own for u in hidden)  # hidden offices do have respondents
    assert root not in {u["unit"] for u in hidden}


def test_each_affected_report_says_what_was_hidden(out, reports):
    affected = [c for c, r in reports.items() if r["hidden"]]
    assert affected
    for code in affected:
        page = (out / "units" / code / "report.html").read_text()
        for h in reports[code]["hidden"]:
            assert reason_text(h["reason"], reports[code]["lang"]) in page


# ------------------------------------------------------------------------------------------ comments
def test_comments_only_where_allowed(q, reports, units_table):
    chains = _ancestors(units_table)
    raw = pd.read_csv(DATA_DIR / "wave2024.csv", dtype={"unit": str, "comment_improve": str})
    raw["comment_improve"] = raw["comment_improve"].str.strip()
    raw = raw[raw["comment_improve"].fillna("") != ""]
    background = {str(v) for col in ("role", "tenure", "unit") for v in raw[col].unique()}
    seen_shown = seen_hidden = 0
    for code, rec in reports.items():
        (c,) = rec["comments"]
        mine = raw[raw["unit"].map(lambda u, c=code: c in chains[u])]
        if c["shown"]:
            seen_shown += 1
            assert c["n"] == len(mine) >= K
            assert Counter(c["answers"]) == Counter(mine["comment_improve"])
            assert not any(a in background for a in c["answers"])
            total = sum(x["n"] for t in c["themes"] for x in t["counts"])
            assert 0 < total <= c["n"]
        else:
            seen_hidden += 1
            assert c["answers"] == [] and c["n"] is None and c["themes"] == []
    assert seen_shown and seen_hidden


def test_theme_counts_equal_keyword_rules(q, reports, units_table):
    chains = _ancestors(units_table)
    raw = pd.read_csv(DATA_DIR / "wave2024.csv", dtype={"unit": str, "comment_improve": str})
    rule = next(r for r in q.recodes if r.id == "comment_theme")

    def theme(text):
        for r in rule.rules:  # first matching rule, case-insensitive substring (data/recode.py's semantics)
            if any(k.lower() in text.lower() for k in r.keywords):
                return r.value
        return None

    raw["theme"] = raw["comment_improve"].fillna("").map(lambda t: theme(t) if t.strip() else None)
    for code, rec in reports.items():
        (c,) = rec["comments"]
        if not c["shown"]:
            continue
        mine = raw[raw["unit"].map(lambda u, c=code: c in chains[u])]
        expected = mine["theme"].value_counts().to_dict()
        got = {x["code"]: x["n"] for x in c["themes"][0]["counts"]}
        assert got == {k: int(expected.get(k, 0)) for k in got}


# ------------------------------------------------------------------------------------------ failures
def test_failed_run_leaves_nothing(tmp_path, q, monkeypatch):
    from surveykit.report import unit_report

    calls = {"n": 0}
    real = unit_report.build_unit_document

    def failing(record, lang):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        return real(record, lang)

    monkeypatch.setattr(unit_report, "build_unit_document", failing)
    target = tmp_path / "out"
    with pytest.raises(SurveyError):
        run(q, DATA_DIR / "wave2024.csv", out_dir=target, quiet=True, per_unit=2)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []
    # an earlier run's folder: a failing run replaces nothing
    monkeypatch.setattr(unit_report, "build_unit_document", real)
    run(q, DATA_DIR / "wave2024.csv", out_dir=target, quiet=True, per_unit=2)
    before = {p: p.read_bytes() for p in target.rglob("*") if p.is_file()}
    calls["n"] = 0
    monkeypatch.setattr(unit_report, "build_unit_document", failing)
    with pytest.raises(SurveyError):
        run(q, DATA_DIR / "wave2024.csv", out_dir=target, quiet=True, per_unit="all")
    assert {p: p.read_bytes() for p in target.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_cli_level_checks(tmp_path, capsys):
    assert main(["run", str(YAML), "--out", str(tmp_path / "a"), "--quiet", "--per-unit", "x"]) == 2
    assert main(["run", str(YAML), "--out", str(tmp_path / "b"), "--quiet", "--per-unit", "9"]) == 2
    err = capsys.readouterr().err
    assert "'x'" in err and "levels 0" in err
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_yaml_per_unit_level_two(tmp_path, q):
    assert q.organisation.per_unit == 2
    target = tmp_path / "out"
    run(q, DATA_DIR / "wave2024.csv", out_dir=target, quiet=True)
    levels = {json.loads(p.read_text())["level"] for p in (target / "units").glob("*/results.json")}
    assert levels == {2}
    org = json.loads((target / "results.json").read_text())
    offices = {u["unit"]: u["shown"] for u in org["organisation"]["units"] if u["level"] == 2}
    assert {p.name for p in (target / "units").iterdir() if p.is_dir()} == {c for c, ok in offices.items() if ok}
    assert not all(offices.values())


def test_second_process_writes_the_same_files(tmp_path, q, out, monkeypatch):
    """Many units: half the reports are written by a second (spawned) process; the files are the same."""
    import surveykit.report.unit_report as unit_report

    monkeypatch.setattr(unit_report, "PARALLEL_MIN_UNITS", 2)
    monkeypatch.setattr(unit_report, "WORKERS", 2)
    again = tmp_path / "again"
    run(q, DATA_DIR / "wave2024.csv", out_dir=again, quiet=True, per_unit="all")
    first = sorted(p.relative_to(out / "units") for p in (out / "units").rglob("*") if p.is_file())
    second = sorted(p.relative_to(again / "units") for p in (again / "units").rglob("*") if p.is_file())
    assert first == second and len(first) > 30
    for rel in first:
        if rel.suffix == ".xlsx":  # zip entries carry no time stamps we set; compare the sheets' XML
            with zipfile.ZipFile(out / "units" / rel) as a, zipfile.ZipFile(again / "units" / rel) as b:
                assert {n: a.read(n) for n in a.namelist()} == {n: b.read(n) for n in b.namelist()}
        else:
            assert (out / "units" / rel).read_bytes() == (again / "units" / rel).read_bytes(), rel


def test_workbook_ci_bounds_are_numbers(out, reports):
    """In Excel a CI is of use as two numbers: each "[low; high]" column has its bounds as numeric columns
    beside it (equal to results.json), and the report's indentation of unit names is not in the cells."""
    import openpyxl

    code = max(reports, key=lambda c: reports[c]["response"]["respondents"])
    book = openpyxl.load_workbook(out / "units" / code / "tables.xlsx", read_only=True)
    sheets = {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames[1:]}
    enps = next(rows for name, rows in sheets.items() if "eNPS" in name)
    header = list(enps[0])
    low = header.index(next(h for h in header if h.endswith(": KI nedre")))
    row = next(r for r in enps[1:] if r[0] == reports[code]["name"])
    unit_row = next(e for e in reports[code]["engagement"] if e["id"] == "enps")["unit"]
    assert row[low] == pytest.approx(unit_row["adjusted_low"], rel=1e-12)
    assert isinstance(row[low + 1], float) and row[low + 1] == pytest.approx(unit_row["adjusted_high"], rel=1e-12)
    changes = next(rows for name, rows in sheets.items() if "Endring" in name)
    assert any(h and h.endswith(": KI øvre") for h in changes[0])
    for rows in sheets.values():
        assert not any(isinstance(v, str) and v.startswith("\u2003") for r in rows for v in r)


def test_comments_are_in_the_workbook_where_the_report_shows_them(out, reports):
    """An HR analyst reads comments in Excel: each free-text question the report shows has a sheet with
    the same answers in the same (shuffled) order, listed on the contents sheet with its n."""
    import openpyxl

    shown = [(code, c) for code, rec in reports.items() for c in rec["comments"] if c["shown"]]
    assert shown
    for code, c in shown[:5]:
        book = openpyxl.load_workbook(out / "units" / code / "tables.xlsx", read_only=True)
        sheet = next(name for name in book.sheetnames if name.startswith("S0"))
        rows = [r[0] for r in book[sheet].iter_rows(values_only=True)]
        assert rows[0] == c["label"] and rows[1:] == c["answers"]
        contents = list(book[book.sheetnames[0]].iter_rows(values_only=True))
        assert any(r[2] == sheet and r[3] == f"n = {len(c['answers'])}" for r in contents)
    hidden = [code for code, rec in reports.items() if rec["comments"] and not rec["comments"][0]["shown"]]
    for code in hidden[:5]:  # no comments shown, no sheet of them
        book = openpyxl.load_workbook(out / "units" / code / "tables.xlsx", read_only=True)
        assert not any(name.startswith("S0") for name in book.sheetnames)


def test_a_hidden_engagement_row_shows_a_dash(out, reports):
    """A unit whose engagement index is hidden (too few complete answers) shows '–' in its row, with the
    reason in the report's last part."""
    hidden = [(code, e) for code, rec in reports.items() for e in rec.get("engagement", []) if e["unit"] is None]
    assert hidden, "the example has a small office whose engagement index is hidden"
    code, e = hidden[0]
    page = (out / "units" / code / "report.html").read_text()
    title = f"{e['label']}: {reports[code]['name']} "
    table = page.split(title, 1)[1].split("</table>", 1)[0]
    row = next(r for r in table.split("<tr>") if f'<td class="label">{reports[code]["name"]}</td>' in r)
    assert row.count("–") >= 3
    hidden = next(h for h in reports[code]["hidden"] if h["variable"] == e["id"])
    assert f"<li>{e['label']} (" in page and hidden["label"] == e["label"]  # the label, not the id
