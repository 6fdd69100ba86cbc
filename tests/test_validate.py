"""Validation: every problem reported at once, located by file, column, line and value."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from surveykit.data.fileio import read_data
from surveykit.errors import DataError
from surveykit.data.prepare import load_and_recode
from surveykit.spec.questionnaire import load_questionnaire
from surveykit.data.validate import validate

DATA = Path(__file__).parent / "data"
GOOD = "respondent_id,q1,q2,gender,age,role,role_other\n1,3,4,1,34,1,\n2,5,6,2,51,7,Rådgiver\n"


@pytest.fixture
def mini():
    return load_questionnaire(DATA / "mini.yaml")


def check(tmp_path, q, text, **options):
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as info:
        validate(read_data(path), q, **options)
    return info.value


def test_good_file_passes(tmp_path, mini):
    path = tmp_path / "ok.csv"
    path.write_text(GOOD, encoding="utf-8")
    checked = validate(read_data(path), mini)
    assert checked.n_rows == 2 and checked.frame["age"].tolist() == [34.0, 51.0]


def test_all_problems_at_once(tmp_path, mini):
    text = ("respondent_id,q1,q2,gender,age,role,extra\n"
            "1,3,9,1,34,1,x\n"
            "1,x,4,3,200,1,y\n"
            "3,7,4,1,30,1,z\n")
    err = check(tmp_path, mini, text)
    by_column = {p.column: p for p in err.problems if p.column and p.column != "q1"}
    q1 = [p for p in err.problems if p.column == "q1"]
    assert "1 column(s) the questionnaire defines are missing" in err.render()  # role_other
    assert "not in the questionnaire" in err.render() and "extra" in err.render()
    assert (q1[0].message, q1[0].rows) == ("text in a numeric column", (3,))
    assert "outside the scale 1..6" in q1[1].message and q1[1].rows == (4,) and q1[1].values == ("'7'",)
    assert by_column["q2"].values == ("9",) and by_column["q2"].rows == (2,)
    assert "not one of the question's codes [1, 2]" in by_column["gender"].message
    assert "outside the range" in by_column["age"].message and by_column["age"].values == ("200",)
    assert by_column["respondent_id"].rows == (2, 3)
    assert len(err.problems) == 8
    assert err.headline.startswith(str(tmp_path / "data.csv"))


def test_many_bad_rows_are_counted_not_all_listed(tmp_path, mini):
    rows = "".join(f"{i},9,4,1,30,1,\n" for i in range(1, 101))
    err = check(tmp_path, mini, "respondent_id,q1,q2,gender,age,role,role_other\n" + rows)
    problem = err.problems[0]
    assert problem.rows == (2, 3, 4, 5, 6) and problem.n_rows == 100
    assert "100 rows in all" in str(problem)


def test_out_of_range_as_missing_is_counted(tmp_path, mini):
    path = tmp_path / "data.csv"
    path.write_text("respondent_id,q1,q2,gender,age,role,role_other\n1,9,4,1,34,1,\n2,8,4,2,40,1,\n3,2,4,2,40,1,\n")
    prepared = load_and_recode(mini, path, out_of_range="missing")
    assert prepared.out_of_range_set_missing == {"q1": 2}
    assert prepared.frame["q1"].isna().sum() == 2
    assert any("q1 (2)" in w for w in prepared.warnings)


def test_header_mapping_from_question_texts(tmp_path, mini):
    q = mini.model_copy(update={"columns": {"Hva er din rolle?": "role"}})
    path = tmp_path / "data.csv"
    path.write_text(GOOD.replace(",role,", ",Hva er din rolle?,"), encoding="utf-8")
    assert validate(read_data(path), q).frame["role"].tolist() == [1.0, 7.0]


def test_empty_rows_are_dropped_and_said(tmp_path, mini):
    path = tmp_path / "data.csv"
    path.write_text(GOOD + ",,,,,,\n")
    checked = validate(read_data(path), mini)
    assert checked.n_rows == 2 and checked.dropped_empty_rows == 1
    assert any("empty row" in w for w in checked.warnings)


def test_cli_exits_2_without_traceback(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("respondent_id,q1,q2,gender,age,role,role_other\n1,x,4,1,34,1,\n")
    proc = subprocess.run([sys.executable, "-m", "surveykit", "validate", str(DATA / "mini.yaml"), str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "column 'q1', row 2: text in a numeric column" in proc.stderr


def test_ids_are_compared_as_written(tmp_path, mini):
    # ids read as numbers: "007" and "7" are different respondents, "007" twice is a duplicate shown as written
    path = tmp_path / "data.csv"
    path.write_text("respondent_id,q1,q2,gender,age,role,role_other\n007,3,4,1,34,1,\n7,5,6,2,51,7,\n")
    assert validate(read_data(path), mini).n_rows == 2
    path.write_text("respondent_id,q1,q2,gender,age,role,role_other\n007,3,4,1,34,1,\n007,5,6,2,51,7,\n8,5,6,2,51,7,\n")
    err = check(tmp_path, mini, path.read_text())
    assert [(p.message, p.rows, p.values) for p in err.problems] == [("duplicate respondent ids", (2, 3), ("'007'",))]


def test_code_counts_from_validation_give_the_same_recoding(tmp_path, mini):
    from surveykit.data.recode import recode

    path = tmp_path / "data.csv"
    path.write_text("respondent_id,q1,q2,gender,age,role,role_other\n1,0,4,1,34,1,\n2,5,,2,0,7,Rådgiver\n3,6,6,2,51,7,\n")
    checked = validate(read_data(path), mini)
    assert checked.code_counts["q1"] == {0.0: 1, 5.0: 1, 6.0: 1}
    with_counts, log1 = recode(checked.frame, mini, checked.code_counts)
    without, log2 = recode(checked.frame, mini)
    pd.testing.assert_frame_equal(with_counts, without)
    assert log1 == log2 and log1.missing_codes["q1"] == 1
    assert with_counts["q1"].dtype == "float64" and with_counts["q1"].isna().sum() == 1


def test_value_codes_made_while_recoding_equal_counting_the_recoded_columns():
    import numpy as np

    from surveykit.compare.codes import small_int_codes

    q = load_questionnaire(Path(__file__).parent.parent / "questionnaires" / "schick2012.yaml")
    prepared = load_and_recode(q, Path(__file__).parent.parent / "questionnaires" / "schick2012_synthetic_sample.csv")
    assert len(prepared.value_codes) > 30
    for name, made in prepared.value_codes.items():
        counted = small_int_codes(prepared.frame[name].to_numpy())
        assert made.codes.dtype == counted.codes.dtype and np.array_equal(made.codes, counted.codes), name
        assert np.array_equal(made.values, counted.values) and made.n_missing == counted.n_missing, name


def test_two_thread_column_work_gives_the_same_data(monkeypatch):
    # large files count codes and apply missing codes on two threads: the same frame, log and codes as one
    import numpy as np

    import surveykit.stats.parallel as parallel

    q = load_questionnaire(Path(__file__).parent.parent / "questionnaires" / "schick2012.yaml")
    data = Path(__file__).parent.parent / "questionnaires" / "schick2012_synthetic_sample.csv"
    monkeypatch.setattr(parallel, "WORKERS", 1)
    serial = load_and_recode(q, data)
    monkeypatch.setattr(parallel, "WORKERS", 2)
    monkeypatch.setattr(parallel, "MIN_ROWS", 0)
    threaded = load_and_recode(q, data)
    pd.testing.assert_frame_equal(serial.frame, threaded.frame)
    assert serial.recode_log == threaded.recode_log
    assert serial.value_codes.keys() == threaded.value_codes.keys()
    for name, codes in serial.value_codes.items():
        assert np.array_equal(codes.codes, threaded.value_codes[name].codes)
