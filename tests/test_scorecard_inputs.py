"""Bad scorecard definitions and data files give located errors (file:line, column, rows, values), and the
command runs a scorecard end to end into a fresh folder."""

from __future__ import annotations

import json
import shutil

import pytest

from surveykit.cli import main
from surveykit.errors import DataError, SpecError
from surveykit.scorecard import is_scorecard_yaml, load_scorecard
from surveykit.scorecard.analyse import load_data

MINIMAL = """\
scorecard:
  id: mini
  title: Mini
indicators:
  - id: B16
    label: Transition to work
    target: 45
    role: outcome
  - id: B22
    label: Employer assistance
    target: 20
data:
  table: {file: table.csv, unit: office}
analyses:
  validity:
    outcome: B16
    predictors: [B22]
"""

TABLE = "office,B16,B22\nA,40,20\nB,45,25\nC,50,10\nD,38,30\nE,47,22\n"


def _write(tmp_path, yaml_text=MINIMAL, table=TABLE):
    (tmp_path / "card.yaml").write_text(yaml_text, encoding="utf-8")
    (tmp_path / "table.csv").write_text(table, encoding="utf-8")
    return tmp_path / "card.yaml"


def test_unknown_key_is_located(tmp_path):
    path = _write(tmp_path, MINIMAL.replace("    target: 20\n", "    target: 20\n    colour: red\n"))
    with pytest.raises(SpecError) as err:
        load_scorecard(path)
    [problem] = err.value.problems
    assert problem.line == 12 and "unknown key 'colour'" in problem.message


def test_wrong_type_and_band_order_are_located(tmp_path):
    text = MINIMAL.replace("    target: 45\n", "    target: high\n").replace(
        "    target: 20\n", "    target: 20\n    bands: {green: 20, yellow: 25}\n")
    with pytest.raises(SpecError) as err:
        load_scorecard(_write(tmp_path, text))
    lines = sorted(p.line for p in err.value.problems)
    assert lines == [7, 9]  # the target line; the band rule names the indicator entry (its "- id:" line)
    assert any("yellow (25.0) above green (20.0)" in p.message for p in err.value.problems)


def test_undefined_indicator_reference_is_located(tmp_path):
    with pytest.raises(SpecError) as err:
        load_scorecard(_write(tmp_path, MINIMAL.replace("predictors: [B22]", "predictors: [B22, B99]")))
    [problem] = err.value.problems
    assert "'B99' is not a defined indicator" in problem.message and problem.line == 17


def test_not_a_scorecard(tmp_path):
    (tmp_path / "q.yaml").write_text("meta: {id: x}\n", encoding="utf-8")
    assert not is_scorecard_yaml(tmp_path / "q.yaml")
    with pytest.raises(SpecError, match="top-level 'scorecard:'"):
        load_scorecard(tmp_path / "q.yaml")


def test_bad_table_cells_are_located(tmp_path):
    path = _write(tmp_path, table="office,B16,B22\nA,40,20\nB,fourty,25\nA,50,10\nD,138,30\n")
    with pytest.raises(DataError) as err:
        load_data(load_scorecard(path))
    problems = {p.message: p for p in err.value.problems}
    assert problems["not a number"].rows == (3,) and problems["not a number"].values == ("fourty",)
    assert problems["unit id occurs more than once"].rows == (2, 4)
    assert problems["outside the range of a percentage (0-100)"].rows == (5,)


def test_missing_column_is_named(tmp_path):
    path = _write(tmp_path, table="kontor,B16,B22\nA,40,20\n")
    with pytest.raises(DataError, match="missing"):
        load_data(load_scorecard(path))


def test_bad_audit_scores_are_located(tmp_path, repo_dir):
    src = repo_dir / "questionnaires/scorecards"
    shutil.copytree(src / "oslo2012", tmp_path / "oslo2012")
    shutil.copy(src / "oslo2012.yaml", tmp_path / "oslo2012.yaml")
    audit = tmp_path / "oslo2012" / "audit_synthetic.csv"
    lines = audit.read_text(encoding="utf-8").splitlines()
    cells = lines[3].split(",")
    cells[5] = "3"  # plan_quality of the third case
    lines[3] = ",".join(cells)
    audit.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_data(load_scorecard(tmp_path / "oslo2012.yaml"))
    [problem] = err.value.problems
    assert problem.column == "plan_quality" and problem.rows == (4,) and problem.values == ("3",)


def test_cli_error_exit_2_without_traceback(tmp_path, capsys):
    path = _write(tmp_path, MINIMAL.replace("predictors: [B22]", "predictors: [B99]"))
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "B99" in err and "Traceback" not in err and f"{path}:17" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["thomassen2016", "oslo2012"])
def test_cli_end_to_end(tmp_path, repo_dir, name, capsys):
    out = tmp_path / "report"
    code = main(["run", str(repo_dir / f"questionnaires/scorecards/{name}.yaml"), "--out", str(out), "--lang", "en"])
    assert code == 0, capsys.readouterr().err
    for f in ("report.html", "tables.xlsx", "results.json"):
        assert (out / f).stat().st_size > 0
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["replication"] and all(r["within"] for r in results["replication"])
    import openpyxl

    book = openpyxl.load_workbook(out / "tables.xlsx")
    assert book.sheetnames[0] == "Contents"
    first = book[book.sheetnames[1]]  # the replication table
    published = [c.value for c in first["C"] if isinstance(c.value, (int, float))]
    assert published == [r["published"] for r in results["replication"]]  # numbers stored as numbers
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Published and reproduced values" in html and "data:image/png;base64," in html
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left behind


def test_cli_user_data_file(tmp_path, capsys):
    path = _write(tmp_path)
    (tmp_path / "other.csv").write_text("office,B16,B22\nA,41,20\nB,46,25\nC,52,11\nD,39,31\nE,44,12\n", encoding="utf-8")
    assert main(["run", str(path), str(tmp_path / "other.csv"), "--out", str(tmp_path / "o"), "--quiet"]) == 0
    results = json.loads((tmp_path / "o" / "results.json").read_text(encoding="utf-8"))
    assert results["descriptives"]["B16"]["mean"] == pytest.approx((41 + 46 + 52 + 39 + 44) / 5)
    assert next(c for c in results["attainment"]["counts"] if c["indicator"] == "B16")["green"] == 2


def test_groups_from_yaml_members(tmp_path):
    text = MINIMAL.replace("data:\n", "units:\n  members:\n    - {id: A, group: North}\n    - {id: B, group: North}\n"
                                      "    - {id: C, group: South}\ndata:\n")
    path = _write(tmp_path, text)
    from surveykit.scorecard.analyse import analyse

    card = load_scorecard(path)
    res = analyse(card, load_data(card))
    by = {(g["group"], g["indicator"]): g for g in res["attainment"]["by_group"]}
    assert by[("North", "B16")]["n_units"] == 2 and by[("North", "B16")]["n_at_target"] == 1  # B = 45
    assert by[("South", "B16")]["n_at_target"] == 1  # C = 50; D and E have no group and are in no group row
