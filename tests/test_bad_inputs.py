"""Every broken input in tests/bad_inputs/ gets its exact, located error: exit 2, no traceback, nothing written.

Each case folder holds the inputs and ``expected.txt`` (format: see tests/bad_inputs/make_corpus.py). A case
runs in a copy of its folder, so that outputs and accidents stay in a temporary folder. Every case goes
through :func:`surveykit.cli.main` in-process (fast); a representative case of every kind also goes through
a real ``python -m surveykit`` subprocess, and ``SURVEYKIT_ALL_SUBPROCESS=1`` sends every case through one.

Also here: inputs are never modified, outputs stay inside --out, a failed run leaves no output (or leaves an
existing output folder as it was), and the security checks (no YAML object tags, no eval/exec, HTML escaping
and Excel formula neutralisation end to end).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from cli_runner import run_in_process

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
CORPUS = TESTS / "bad_inputs"
MINI = TESTS / "data" / "mini.yaml"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "expected.txt").is_file())
# one case of every kind also runs in a real subprocess (the whole corpus takes ~40 s that way)
SUBPROCESS_CASES = ["q_yaml_syntax_error", "q_python_object_tag", "d_excel_merged_header", "d_corrupt_sav",
                    "run_out_contains_inputs"]
if os.environ.get("SURVEYKIT_ALL_SUBPROCESS"):
    SUBPROCESS_CASES = CASES


# ------------------------------------------------------------------------------------------ helpers
def parse_expected(path: Path) -> dict:
    spec: dict = {"exit": 2, "detail": [], "stdout": []}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, _, value = line.partition(": ")
        key = key.rstrip(":")
        if key in ("detail", "stdout"):
            spec[key].append(value)
        elif key == "exit":
            spec[key] = int(value)
        elif key in ("args", "headline"):
            spec[key] = value
        else:
            raise AssertionError(f"{path}: unknown key {key!r}")
    assert "args" in spec, f"{path}: no args"
    return spec


def case_args(spec: dict) -> list[str]:
    return [a.replace("{mini}", str(MINI)) for a in spec["args"].split(" ")]


def tree_hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def copy_case(name: str, tmp_path: Path) -> Path:
    work = tmp_path / name
    shutil.copytree(CORPUS / name, work)
    (work / "expected.txt").unlink()
    return work




def run_subprocess(args: list[str], cwd: Path) -> tuple[int, str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run([sys.executable, "-m", "surveykit", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


def check_case(name: str, tmp_path: Path, runner) -> None:
    spec = parse_expected(CORPUS / name / "expected.txt")
    work = copy_case(name, tmp_path)
    before = tree_hashes(work)
    mini_before = hashlib.sha256(MINI.read_bytes()).hexdigest()
    code, out, err = runner(case_args(spec), work)
    assert "Traceback" not in err and "Traceback" not in out
    assert code == spec["exit"], f"exit {code}, stderr:\n{err}"
    if spec["exit"] == 2:
        lines = err.splitlines()
        assert lines, "nothing on stderr"
        if name == "run_singular_correlation_matrix":  # the eigenvalue (~1e-16) is rounding noise
            assert lines[0].startswith(spec["headline"]), err
        else:
            assert lines[0] == spec["headline"], err
        for detail in spec["detail"]:
            assert any(detail in line for line in lines[1:]), f"{detail!r} not in\n{err}"
        for line in lines[1:]:
            assert line.startswith("  - "), f"detail lines are indented bullets: {line!r}"
    for text in spec["stdout"]:
        assert text in out
    # inputs are never modified; a failed command writes nothing at all next to them
    after = tree_hashes(work)
    assert {k: v for k, v in after.items() if k in before} == before
    if spec["exit"] != 0:
        assert after == before, f"files written by a failed command: {sorted(set(after) - set(before))}"
        assert sorted(p.name for p in work.iterdir()) == sorted(p.name for p in (CORPUS / name).iterdir()
                                                                  if p.name != "expected.txt")
    elif spec["args"].startswith("run "):
        new = set(after) - set(before)
        assert new and all(k.startswith("out" + os.sep) for k in new), sorted(new)
    else:  # a successful validate or describe writes nothing
        assert after == before
    assert hashlib.sha256(MINI.read_bytes()).hexdigest() == mini_before


# ------------------------------------------------------------------------------------------ the corpus
def test_corpus_is_complete():
    assert len(CASES) >= 40
    for name in CASES:
        spec = parse_expected(CORPUS / name / "expected.txt")
        assert spec["exit"] == 0 or spec.get("headline"), name
        for arg in case_args(spec)[1:]:
            if arg.endswith((".yaml", ".csv", ".xlsx", ".sav", ".parquet", ".json")) and arg != str(MINI):
                assert (CORPUS / name / arg).is_file(), f"{name}: input {arg} missing"


@pytest.mark.parametrize("name", [c for c in CASES if c != "run_group_of_one_is_suppressed"])  # see good_run
def test_bad_input(name, tmp_path):
    check_case(name, tmp_path, run_in_process)


@pytest.mark.parametrize("name", SUBPROCESS_CASES)
def test_bad_input_subprocess(name, tmp_path):
    check_case(name, tmp_path, run_subprocess)


def test_unexpected_exception_is_reported_without_traceback(tmp_path, monkeypatch):
    """A bug (not a SurveyError) gives exit 1 and a one-line 'internal error', not a traceback."""
    import surveykit.api.workflow

    def broken(path):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(surveykit.api.workflow, "load_questionnaire", broken)
    code, out, err = run_in_process(["validate", str(MINI)], tmp_path)
    assert code == 1 and "Traceback" not in err
    assert err.splitlines()[0] == "internal error: ZeroDivisionError: division by zero"


# ------------------------------------------------------------------------------------------ output folder
GOOD_RUN = "run_group_of_one_is_suppressed"  # a valid questionnaire + data pair with the whole analysis plan


def test_failed_run_leaves_existing_output_folder_unchanged(tmp_path):
    work = copy_case("run_constant_item", tmp_path)
    out = work / "out"
    out.mkdir()
    (out / "report.html").write_text("<p>last year's report</p>", encoding="utf-8")
    from surveykit.pipeline.output import MARKER, marker_text

    (out / MARKER).write_text(marker_text(["report.html"]), encoding="utf-8")  # written by surveykit last year
    before = tree_hashes(work)
    code, _, err = run_in_process(["run", "questionnaire.yaml", "data.csv", "--out", "out", "--quiet"], work)
    assert code == 2 and err.startswith("error: data.csv: factor analysis 'fa': Correlation matrix cannot be computed")
    assert tree_hashes(work) == before
    assert sorted(p.name for p in work.iterdir()) == ["data.csv", "out", "questionnaire.yaml"]


@pytest.mark.parametrize("out", [".", "..", "sub/.."])
def test_run_refuses_output_folder_holding_the_inputs(tmp_path, out):
    work = copy_case(GOOD_RUN, tmp_path / "nest")
    before = tree_hashes(tmp_path)
    code, _, err = run_in_process(["run", "questionnaire.yaml", "data.csv", "--out", out, "--quiet"], work)
    assert code == 2 and "contains the input file" in err and "Traceback" not in err
    assert tree_hashes(tmp_path) == before


SCRIPT = "<script>alert(1)</script>"
FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1:A2)"]


@pytest.fixture(scope="module")
def good_run(tmp_path_factory):
    """One successful ``surveykit run`` of the corpus' valid pair (with a one-person department), made
    hostile: free-text answers and YAML labels carry HTML and spreadsheet formulas."""
    import pandas as pd

    work = copy_case(GOOD_RUN, tmp_path_factory.mktemp("good"))
    yaml_text = (work / "questionnaire.yaml").read_text(encoding="utf-8")
    yaml_text = yaml_text.replace("label: {nb: Engasjement, en: Engagement}",
                                  f"label: {{nb: '{SCRIPT}', en: '{SCRIPT}'}}")
    yaml_text = yaml_text.replace("codes: {1: Man, 2: Woman}", "codes: {1: '=1+1', 2: '<b>Woman</b>'}")
    (work / "questionnaire.yaml").write_text(yaml_text, encoding="utf-8")
    data = pd.read_csv(work / "data.csv", dtype=str, keep_default_na=False)
    answers = [SCRIPT, *FORMULAS]
    data["comment"] = [answers[i % len(answers)] for i in range(len(data))]
    data.to_csv(work / "data.csv", index=False)
    before = tree_hashes(work)
    code, out, err = run_in_process(["run", "questionnaire.yaml", "data.csv", "--out", "out", "--quiet",
                                     "--lang", "en"], work)
    return {"work": work, "code": code, "err": err, "before": before}


def _need_report(good_run):
    assert good_run["code"] == 0, good_run["err"]


def test_successful_run_writes_only_inside_out(good_run):
    _need_report(good_run)
    work = good_run["work"]
    after = tree_hashes(work)
    assert {k: after[k] for k in good_run["before"]} == good_run["before"]  # inputs untouched
    new = sorted(set(after) - set(good_run["before"]))
    assert new and all(Path(k).parts[0] == "out" for k in new), new
    assert {"report.html", "results.json", "tables.xlsx"} <= {Path(k).name for k in new}
    assert sorted(p.name for p in work.iterdir()) == ["data.csv", "out", "questionnaire.yaml"]  # no temp left


def _withheld(results: dict) -> set:
    """(variable, code) of every category merged or hidden by the disclosure plan (issue 14: a small group is
    merged with its smallest neighbour before anything is hidden)."""
    out = set()
    for s in results["suppressed"]:
        groups = s.get("group")
        for code in (groups if isinstance(groups, list) else [groups]):
            if code is not None:
                out.add((s["variable"], code))
    return out


def test_group_of_one_is_suppressed_not_an_error(good_run):
    """Department 4 has one respondent: it is never shown on its own (merged with the smallest other one)."""
    _need_report(good_run)
    results = json.loads((good_run["work"] / "out" / "results.json").read_text(encoding="utf-8"))
    hidden = _withheld(results)
    assert ("dept", 4) in hidden
    assert [c["code"] for c in results["sample"]["dept"]["counts"].values()].count(4) == 0
    for comp in results["comparisons"]:
        assert all(g["n"] >= 5 for g in comp["groups"].values())
        if comp["group"] == "dept":
            assert 4 not in [g["code"] for g in comp["groups"].values()]


def test_group_of_one_in_build_results():
    """The same check without the report stage (build_results), so it runs while the report is unfinished."""
    from surveykit.data.prepare import load_and_recode
    from surveykit.pipeline.results import build_results
    from surveykit.pipeline.settings import Settings
    from surveykit.spec.questionnaire import load_questionnaire

    q = load_questionnaire(CORPUS / GOOD_RUN / "questionnaire.yaml")
    results, _ = build_results(q, load_and_recode(q, CORPUS / GOOD_RUN / "data.csv"), Settings(min_group_size=5))
    hidden = _withheld(results)
    assert ("dept", 4) in hidden and len({g for v, g in hidden if v == "dept"}) >= 2
    assert all(c["n"] >= 5 for c in results["sample"]["dept"]["counts"].values())
    assert all(s["n"] is None for s in results["suppressed"])


def test_group_of_one_with_three_categories_is_not_an_error():
    """With three departments, the one-person group is merged with the smaller other department (issue 14:
    merge before hide), so two groups remain and the crosstab gender x dept is computed on them."""
    from surveykit.data.prepare import load_and_recode
    from surveykit.pipeline.results import build_results
    from surveykit.pipeline.settings import Settings
    from surveykit.spec.questionnaire import load_questionnaire

    q = load_questionnaire(CORPUS / GOOD_RUN / "questionnaire.yaml")
    prepared = load_and_recode(q, CORPUS / GOOD_RUN / "data.csv")
    frame = prepared.frame.copy()
    frame["dept"] = frame["dept"].where(frame["dept"] != 3, 2)  # departments 1, 2 and the single 4
    prepared.frame = frame
    results, _ = build_results(q, prepared, Settings(min_group_size=5))
    assert [(s["row"], s["col"]) for s in results["skipped"] if s["where"] == "crosstab xt"] == []
    merged = [s for s in results["suppressed"] if s["variable"] == "dept" and s["action"] == "merged"]
    assert merged and 4 in merged[0]["group"] and len(merged[0]["group"]) == 2
    counts = results["sample"]["dept"]["counts"]
    assert len(counts) == 2 and all(c["n"] >= 5 for c in counts.values())
    (xt,) = results["crosstabs"]
    assert all(v is None or v == 0 or v >= 5 for row in xt["counts"].values() for v in row.values())


# ------------------------------------------------------------------------------------------ security
def test_no_eval_or_exec_in_the_package():
    pattern = re.compile(r"(?<![\w.])(eval|exec)\s*\(|__import__\s*\(|yaml\.(unsafe_)?load\s*\(|pickle\.loads?\s*\(")
    offenders = []
    for path in sorted((REPO / "surveykit").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if pattern.search(code):
                offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert offenders == []


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system ['touch pwned']",
                                 "!!python/object/new:subprocess.Popen [['touch', 'pwned']]",
                                 "!!python/name:os.system", "!!python/module:os"])
def test_yaml_object_tags_are_rejected_and_never_run(tmp_path, tag):
    path = tmp_path / "questionnaire.yaml"
    path.write_text(f"meta:\n  id: x\n  title: {tag}\nscales: {{}}\n", encoding="utf-8")
    code, _, err = run_in_process(["validate", "questionnaire.yaml"], tmp_path)
    assert code == 2 and "Traceback" not in err
    assert err.splitlines()[0].startswith("error: questionnaire.yaml: YAML tag '!!python/")
    assert "is not allowed" in err.splitlines()[0] and "questionnaire.yaml:3" in err
    assert not (tmp_path / "pwned").exists()


def test_html_report_escapes_data_and_labels(good_run):
    _need_report(good_run)
    html = (good_run["work"] / "out" / "report.html").read_text(encoding="utf-8")
    assert SCRIPT not in html and "<b>Woman</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text: the free-text answer and the label


def test_excel_tables_neutralise_formulas(good_run):
    """No cell of tables.xlsx is a formula, and no text cell starts with = + - @ unless quoted as text."""
    _need_report(good_run)
    import openpyxl

    book = openpyxl.load_workbook(good_run["work"] / "out" / "tables.xlsx")
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    assert any("=1+1" in t for t in texts), "the label '=1+1' should appear (as text) in the tables"
    with zipfile.ZipFile(good_run["work"] / "out" / "tables.xlsx") as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                assert "<f>" not in z.read(name).decode("utf-8"), name
