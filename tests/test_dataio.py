"""Reading every supported format, with encodings and delimiters as real exports have them."""

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from surveykit.data.fileio import read_data, write_data
from surveykit.errors import DataError
from surveykit.data.prepare import load_and_recode
from surveykit.spec.questionnaire import load_questionnaire

DATA = Path(__file__).parent / "data"

ROWS = [
    ["1", "3", "4", "1", "34", "1", ""],
    ["2", "5", "6", "2", "51,5", "7", "Rådgiver i NAV, Bærum"],
    ["3", "0", "2", "2", "45", "7", ""],
    ["4", "6", "1", "1", "", "2", "Økonom"],
]
HEADER = ["respondent_id", "q1", "q2", "gender", "age", "role", "role_other"]


@pytest.fixture
def mini():
    return load_questionnaire(DATA / "mini.yaml")


def write_csv(path, delimiter, encoding, decimal=",", bom=False):
    lines = [delimiter.join(HEADER)]
    for row in ROWS:
        cells = [c.replace(",", decimal) if c.replace(",", "").isdigit() else c for c in row]
        cells = [f'"{c}"' if delimiter in c else c for c in cells]
        lines.append(delimiter.join(cells))
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def test_windows_1252_semicolon_csv_with_decimal_commas(tmp_path, mini):
    path = write_csv(tmp_path / "export.csv", ";", "cp1252", decimal=",")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    raw = read_data(path)
    assert (raw.encoding, raw.delimiter, raw.decimal) == ("cp1252", ";", ",")
    assert raw.frame.loc[1, "role_other"] == "Rådgiver i NAV, Bærum"
    prepared = load_and_recode(mini, path)
    assert prepared.frame.loc[1, "age"] == 51.5
    assert prepared.frame.loc[3, "role_other"] == "Økonom"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # input never modified


@pytest.mark.parametrize("encoding, bom", [("utf-8", False), ("utf-8", True), ("utf-16", False)])
def test_utf8_bom_and_utf16_decode_norwegian_letters(tmp_path, mini, encoding, bom):
    path = write_csv(tmp_path / "export.csv", ",", encoding, decimal=".", bom=bom)
    raw = read_data(path)
    assert raw.delimiter == ","
    assert list(raw.frame.columns) == HEADER  # no BOM glued to the first header
    assert raw.frame.loc[3, "role_other"] == "Økonom"
    assert load_and_recode(mini, path).frame.loc[1, "age"] == 51.5


def test_tab_delimited(tmp_path, mini):
    path = write_csv(tmp_path / "export.tsv", "\t", "utf-8", decimal=".")
    assert read_data(path).delimiter == "\t"
    assert load_and_recode(mini, path).n_respondents == 4


def test_excel_and_parquet_round_trip(tmp_path, mini):
    frame = pd.DataFrame(ROWS, columns=HEADER)
    frame["age"] = frame["age"].str.replace(",", ".")
    numeric = frame.copy()
    for col in ["q1", "q2", "gender", "age", "role"]:
        numeric[col] = pd.to_numeric(numeric[col])
    for name, data in [("x.xlsx", numeric), ("x.parquet", numeric)]:
        path = write_data(data, tmp_path / name)
        prepared = load_and_recode(mini, path)
        assert prepared.n_respondents == 4
        assert prepared.frame.loc[1, "age"] == 51.5
        assert np.isnan(prepared.frame.loc[2, "q1"])  # 0 = unanswered
        assert prepared.frame.loc[1, "role_r"] == 3  # 'Rådgiver' keyword rule


def test_spss_file_with_labels(saq):
    raw = read_data(Path(__file__).resolve().parents[2] / "shared" / "data" / "saq" / "SAQ.sav")
    assert raw.format == "spss"
    assert raw.frame.shape == (2571, 23)
    assert raw.value_labels["Question_01"][1] == "Strongly agree"


def test_spss_user_missing_values_become_missing(tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    frame = pd.DataFrame({"a": [1.0, 2.0, 9.0, 3.0]})
    path = tmp_path / "m.sav"
    pyreadstat.write_sav(frame, str(path), missing_ranges={"a": [9]})
    raw = read_data(path)
    assert raw.frame["a"].isna().sum() == 1
    assert any("user-missing" in note for note in raw.notes)


@pytest.mark.parametrize("content, expected", [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (b"q1,q2\n", "no respondents"),
    (b"\x00\x01\x02binary\x00", "binary"),
    (b"a,b,c\n1,2,3\n1,2\n4,5,6,7\n", "different number of fields"),
    (b"a,a,b\n1,2,3\n", "duplicated column names"),
    ("a,b\n1,\u00e6\n".encode() + "2,\u00f8\n".encode("cp1252"), "mixed text encodings"),
])
def test_unreadable_csv_files(tmp_path, content, expected):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(DataError) as info:
        read_data(path)
    assert expected in info.value.render()
    assert str(path) in info.value.render()


def test_ragged_rows_are_listed_with_line_numbers(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("a,b,c\n1,2,3\n1,2\n4,5,6,7\n")
    with pytest.raises(DataError) as info:
        read_data(path)
    problem = info.value.problems[0]
    assert problem.rows == (3, 4)


def test_unknown_extension_and_missing_file(tmp_path):
    with pytest.raises(DataError, match="unknown data file type"):
        read_data(tmp_path / "x.docx") if (tmp_path / "x.docx").write_text("x") else None
    with pytest.raises(DataError, match="not found"):
        read_data(tmp_path / "nope.csv")


def _long_file(tail: bytes) -> bytes:
    """An ASCII CSV longer than the 1 MB head decoded up front, ending in ``tail``."""
    rows = b"".join(b"%d,3,4,1,34,1,\r\n" % i for i in range(1, 80_001))
    return ",".join(HEADER).encode() + b"\r\n" + rows + tail


def test_windows_1252_after_a_long_ascii_head(tmp_path):
    # the head is plain ASCII (valid UTF-8): pandas meets the 1252 byte far down, and the file is read as 1252
    path = tmp_path / "late.csv"
    path.write_bytes(_long_file("80001,5,6,2,51,7,Rådgiver\r\n".encode("cp1252")))
    raw = read_data(path)
    assert raw.encoding == "cp1252" and len(raw.frame) == 80_001
    assert raw.frame["role_other"].iloc[-1] == "Rådgiver"
    assert raw.frame["q1"].dtype.kind == "i"


def test_mixed_encodings_after_a_long_head_are_refused(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(_long_file("80001,5,6,2,51,7,Rådgiver\r\n".encode("utf-8") + "80002,5,6,2,51,7,Økonom\r\n".encode("cp1252")))
    with pytest.raises(DataError, match="mixed text encodings"):
        read_data(path)
