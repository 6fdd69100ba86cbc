"""Bounded input (issue 14, item 7): what the bad-input corpus cannot hold, and the limits at their edges.

The corpus (tests/bad_inputs/, checked by tests/test_bad_inputs.py) has one case per hostile input; here:
named pipes (git cannot store one), the command under ``python -W error`` (no warning may reach the
console), the exact content of inputs that must be read (a 200 kB answer, CR-only lines, a formula with a
saved value), and each limit just below and just above it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_runner import run_in_process as cli_run

from surveykit.errors import (
    LINE_CHARS,
    Problem,
    SpecError,
    SurveyError,
    shorten,
    shorten_message,
)

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
CORPUS = TESTS / "bad_inputs"
MINI = TESTS / "data" / "mini.yaml"




def subprocess_run(args: list[str], cwd: Path, *python_options: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    # the timeout only stops a hang (the bug being tested for) from hanging the suite
    return subprocess.run([sys.executable, *python_options, "-m", "surveykit", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=300, check=False)


# ------------------------------------------------------------------------------------------ named pipes
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_fifo_questionnaire_is_refused_without_waiting(tmp_path):
    os.mkfifo(tmp_path / "questionnaire.yaml")
    proc = subprocess_run(["validate", "questionnaire.yaml"], tmp_path)  # opening it would wait for a writer
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.splitlines()[0] == ("error: questionnaire.yaml: is a named pipe (FIFO), not a questionnaire "
                                           "file; give the path of a YAML file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_fifo_data_file_is_refused_without_waiting(tmp_path):
    os.mkfifo(tmp_path / "data.csv")
    proc = subprocess_run(["validate", str(MINI), "data.csv"], tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.splitlines()[0] == ("error: data.csv: is not a regular file (a device or a named pipe?); "
                                           "give the path of a data file")


# ------------------------------------------------------------------------------------------ no warnings
@pytest.mark.parametrize("case", ["run_absurd_number_before_regression", "d_nonfinite_numbers"])
def test_absurd_numbers_are_named_before_any_warning(case, tmp_path):
    """Under ``-W error`` a RuntimeWarning (overflow in the regression) would be an exit-1 internal error:
    the numbers must be refused, located, before any arithmetic."""
    work = tmp_path / case
    shutil.copytree(CORPUS / case, work)
    expected = (work / "expected.txt").read_text(encoding="utf-8")
    args = re.search(r"^args: (.*)$", expected, re.MULTILINE).group(1).replace("{mini}", str(MINI)).split(" ")
    headline = re.search(r"^headline: (.*)$", expected, re.MULTILINE).group(1)
    proc = subprocess_run(args, work, "-W", "error")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines()[0] == headline
    assert "Warning" not in proc.stderr and "Traceback" not in proc.stderr
    assert "not a finite number, or larger than 1e15" in proc.stderr


def test_infinite_and_huge_numbers_from_binary_formats(tmp_path):
    """Parquet stores numbers as numbers: inf and 1e16 are refused, NaN stays a missing answer."""
    from surveykit.data.prepare import load_and_recode
    from surveykit.spec.questionnaire import load_questionnaire

    q = load_questionnaire(MINI)
    frame = pd.DataFrame({"respondent_id": [1, 2, 3, 4], "q1": [3, 5, 1, 4], "q2": [4, 6, 2, 1],
                          "gender": [1, 2, 2, 1], "age": [34.0, np.nan, 45.0, 50.0], "role": [1, 7, 7, 2],
                          "role_other": [None, "x", None, None]})
    frame.to_parquet(tmp_path / "ok.parquet")
    assert load_and_recode(q, tmp_path / "ok.parquet").n_respondents == 4
    frame["age"] = [34.0, np.inf, 45.0, 50.0]
    frame["q1"] = [3, 5, 10**16, 4]
    frame.to_parquet(tmp_path / "bad.parquet")
    with pytest.raises(SurveyError) as err:
        load_and_recode(q, tmp_path / "bad.parquet")
    text = err.value.render()
    assert f"{tmp_path}/bad.parquet, column 'q1', row 4: not a finite number, or larger than 1e15" in text
    assert f"{tmp_path}/bad.parquet, column 'age', row 3: not a finite number" in text
    assert "outside the scale" not in text  # said once, as what it is


# ------------------------------------------------------------------------------------------ read correctly
def test_long_quoted_answer_is_read_whole():
    from surveykit.data.fileio import read_data

    raw = read_data(CORPUS / "d_long_quoted_field" / "data.csv")
    answer = raw.frame["role_other"].iloc[1]
    assert answer == "Rådgiver; " + "lang tekst, med komma og \"sitat\"\n" * 6500
    assert len(answer) > 200_000 and len(raw.frame) == 4


def test_cr_only_lines_read_as_the_same_table(tmp_path):
    from surveykit.data.fileio import read_data

    cr = read_data(CORPUS / "d_cr_only_line_endings" / "data.csv")
    lf_path = tmp_path / "data.csv"
    lf_path.write_bytes((CORPUS / "d_cr_only_line_endings" / "data.csv").read_bytes().replace(b"\r", b"\n"))
    pd.testing.assert_frame_equal(cr.frame, read_data(lf_path).frame)
    assert cr.frame["role_other"].tolist()[1] == "Rådgiver i NAV"


def test_cr_only_ragged_row_is_located(tmp_path):
    (tmp_path / "data.csv").write_bytes(
        (CORPUS / "d_cr_only_line_endings" / "data.csv").read_bytes().replace(b"\r2,5,6", b"\r2,5,6,7"))
    code, _, err = cli_run(["validate", str(MINI), "data.csv"], tmp_path)
    assert code == 2 and "data.csv, row 3: rows have a different number of fields than the header (7)" in err


def test_formula_with_a_saved_value_is_read(tmp_path):
    """Excel saves a formula's value with it: that value is the answer (no error)."""
    source = CORPUS / "d_xlsx_formula_without_value" / "data.xlsx"
    target = tmp_path / "data.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b"<f>20+31</f><v />" in data and b"<f>B2+2</f><v />" in data
                data = data.replace(b"<f>20+31</f><v />", b"<f>20+31</f><v>51</v>")
                data = data.replace(b"<f>B2+2</f><v />", b"<f>B2+2</f><v>5</v>")
            zout.writestr(item, data)
    from surveykit.data.fileio import read_data

    frame = read_data(target).frame
    assert frame["age"].tolist()[1] == 51 and frame["q1"].tolist()[3] == 5
    code, out, err = cli_run(["validate", str(MINI), "data.xlsx"], tmp_path)
    assert code == 0, err
    assert "data.xlsx: data OK — 4 respondents" in out


# ------------------------------------------------------------------------------------------ limits at the edge
def test_questionnaire_size_limit_edge(tmp_path, monkeypatch):
    from surveykit.spec import yamlio

    text = "meta: {id: x, title: T}\nscales: {s: {min: 1, max: 5}}\n"
    monkeypatch.setattr(yamlio, "MAX_BYTES", len(text.encode()))
    (tmp_path / "q.yaml").write_text(text, encoding="utf-8")
    assert yamlio.load_yaml(tmp_path / "q.yaml")["meta"]["id"] == "x"
    (tmp_path / "q.yaml").write_text(text + "\n", encoding="utf-8")
    n = len(text.encode())
    with pytest.raises(SpecError, match=fr"too large \({n + 1} bytes\); at most {n} bytes are read"):
        yamlio.load_yaml(tmp_path / "q.yaml")


def test_yaml_depth_limit_edge():
    from surveykit.spec.yamlio import MAX_DEPTH, load_yaml_text

    assert MAX_DEPTH == 50
    ok = load_yaml_text("[" * MAX_DEPTH + "]" * MAX_DEPTH)  # depth 50: the outer list is level 1
    depth = 0
    while isinstance(ok, list):
        depth += 1
        ok = ok[0] if ok else None
    assert depth == MAX_DEPTH
    with pytest.raises(SpecError) as err:
        load_yaml_text("a: 1\nb:\n" + "".join("  " * i + "- \n" for i in range(1, MAX_DEPTH + 1)), "q.yaml")
    assert err.value.problems[0].line == 2 + MAX_DEPTH  # the first line nested one level too deep
    assert str(err.value.problems[0]).startswith(f"q.yaml:{2 + MAX_DEPTH}: nesting deeper than 50 levels")


def test_yaml_aliases_do_not_defeat_the_depth_check():
    """An alias is a reference to a node already seen: counted once, not followed again."""
    from surveykit.spec.yamlio import load_yaml_text

    data = load_yaml_text("a: &x [[1, 2], [3]]\nb: [*x, *x, *x]\n")
    assert data["b"][2] == [[1, 2], [3]]


@pytest.mark.parametrize("top, ok", [(1000, True), (1001, False), (2_000_000_000, False)])
def test_scale_size_limit_edge(top, ok):
    from surveykit.spec.elements import Scale

    if ok:
        assert len(Scale(min=1, max=top).values) == top
    else:
        with pytest.raises(ValueError, match=f"scale 1..{top} has {top:,} values; a rating scale may have at most 1000"):
            Scale(min=1, max=top)


@pytest.mark.parametrize("field, value", [("missing_codes", ".inf"), ("missing_codes", ".nan")])
def test_non_finite_missing_codes_are_refused(tmp_path, field, value):
    (tmp_path / "q.yaml").write_text(f"meta: {{id: x, title: T}}\n{field}: [9, {value}]\nscales: {{}}\n",
                                     encoding="utf-8")
    code, _, err = cli_run(["validate", "q.yaml"], tmp_path)
    assert code == 2 and "q.yaml:2: missing_codes[1]: Input should be a finite number" in err


def test_index_id_equal_to_an_item_after_nfc_is_refused(tmp_path):
    (tmp_path / "q.yaml").write_text(
        "meta: {id: x, title: T}\nscales: {s: {min: 1, max: 5}}\n"
        "items:\n  - {id: \"\u00e5pen\", text: a, scale: s}\n  - {id: q2, text: b, scale: s}\n"
        "indices:\n  - {id: \"a\u030apen\", label: L, items: [\"\u00e5pen\", q2]}\n", encoding="utf-8")
    code, _, err = cli_run(["validate", "q.yaml"], tmp_path)
    assert code == 2
    assert "q.yaml:7: index id 'a\u030apen' equals item id '\u00e5pen' after Unicode normalisation (NFC)" in err


# ------------------------------------------------------------------------------------------ short messages
def test_shorten():
    assert shorten("x" * 80) == "x" * 80
    assert shorten("x" * 81) == "x" * 79 + "…" and len(shorten("y" * 5_000_000)) == 80


def test_shorten_message_cuts_quoted_values_only():
    long_id = "é" * 5_000_000
    text = shorten_message(f"item {long_id!r} uses undefined scale 'agree7' (it's a typo, isn't it?)")
    assert text == f"item '{'é' * 79}…' uses undefined scale 'agree7' (it's a typo, isn't it?)"
    # text between two quoted values is no quoted value, however long
    gap = "word " * 30
    assert shorten_message(f"column 'a', {gap}[values: 'b']") == f"column 'a', {gap}[values: 'b']"
    assert len(shorten_message("z" * 5000)) == LINE_CHARS


def test_problem_values_and_column_are_shortened():
    problem = Problem("text in a numeric column", file="d.csv", column="c" * 1000, rows=(2,), values=("v" * 1000,))
    text = str(problem)
    assert text == f"d.csv, column '{'c' * 79}…', row 2: text in a numeric column [values: {'v' * 79}…]"


def test_huge_id_error_is_short(tmp_path):
    """The corpus case with a 4 MB id: the whole of stderr stays a few hundred characters."""
    shutil.copytree(CORPUS / "q_huge_id_is_shortened", tmp_path / "case")
    code, _, err = cli_run(["validate", "questionnaire.yaml"], tmp_path / "case")
    assert code == 2 and len(err) < 300, len(err)


def test_internal_error_message_is_short(tmp_path, monkeypatch):
    import surveykit.api.workflow

    def broken(path):
        raise ValueError("v" * 1_000_000)

    monkeypatch.setattr(surveykit.api.workflow, "load_questionnaire", broken)
    code, _, err = cli_run(["validate", str(MINI)], tmp_path)
    assert code == 1 and len(err) < LINE_CHARS + 200
