"""Writes the bad-input corpus: one folder per case with its inputs and ``expected.txt``.

Run ``python tests/bad_inputs/make_corpus.py`` from the repository to rebuild it; the folders are committed,
so the tests need neither this script nor openpyxl/pyreadstat writers at test time.

``expected.txt`` holds one ``key: value`` per line (``#`` starts a comment):

* ``args:``     the command line after ``surveykit`` (split on spaces); ``{mini}`` is tests/data/mini.yaml.
* ``exit:``     the exit status (default 2).
* ``headline:`` the exact first line of stderr.
* ``detail:``   a substring that must occur in a later stderr line (any number of these).
* ``stdout:``   a substring of stdout (for cases that must succeed).
"""

from __future__ import annotations

import csv
import io
import shutil
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
MINI_HEADER = ["respondent_id", "q1", "q2", "gender", "age", "role", "role_other"]
MINI_ROWS = [
    ["1", "3", "4", "1", "34", "1", ""],
    ["2", "5", "6", "2", "51", "7", "Rådgiver i NAV"],
    ["3", "0", "2", "2", "45", "7", ""],
    ["4", "6", "1", "1", "", "2", "Økonom"],
]

# A questionnaire with a full analysis plan, for the cases that fail in the analysis stage.
ANALYSIS_YAML = """\
meta:
  id: bad-input-case
  title: {nb: Testskjema, en: Test questionnaire}
respondent_id: rid
missing_codes: [9]
scales:
  agree5: {min: 1, max: 5, labels: {en: {1: Disagree, 5: Agree}}}
items:
  - {id: q1, text: {nb: P1, en: S1}, scale: agree5}
  - {id: q2, text: {nb: P2, en: S2}, scale: agree5}
  - {id: q3, text: {nb: P3, en: S3}, scale: agree5}
  - {id: q4, text: {nb: P4, en: S4}, scale: agree5}
  - {id: q5, text: {nb: P5, en: S5}, scale: agree5}
  - {id: q6, text: {nb: P6, en: S6}, scale: agree5, reverse: true}
background:
  - {id: gender, type: single, text: {nb: Kjønn, en: Gender}, codes: {1: Man, 2: Woman}, reference: 1}
  - {id: dept, type: single, text: {nb: Avdeling, en: Department}, codes: {1: North, 2: South, 3: West, 4: East}, reference: 1}
  - {id: age, type: number, text: {nb: Alder, en: Age}, min: 18, max: 80}
free_text:
  - {id: comment, text: {nb: Kommentar, en: Comment}, in_report: true}
indices:
  - {id: engagement, label: {nb: Engasjement, en: Engagement}, items: [q1, q2, q3], min_valid: 2}
  - {id: workload, label: {nb: Arbeidsmengde, en: Workload}, items: [q4, q5, q6], min_valid: 2}
analysis:
  min_group_size: 5
  factor_analyses:
    - {id: fa, items: [q1, q2, q3, q4, q5, q6], extraction: paf, rotation: oblimin, n_factors: kaiser}
  comparisons:
    - {id: cmp, outcomes: [engagement, workload], groups: [gender, dept]}
  crosstabs:
    - {id: xt, rows: [gender], cols: [dept]}
  correlations:
    - {id: corr, variables: [engagement, workload, age]}
  regressions:
    - id: reg
      outcome: engagement
      blocks:
        - {predictors: [gender, age]}
        - {predictors: [workload]}
"""


def analysis_data(n: int = 80, seed: int = 7) -> pd.DataFrame:
    """Two-factor Likert data (q1-q3, q4-q6 with q6 reverse-worded) and background answers, as text."""
    rng = np.random.default_rng(seed)
    f1, f2 = rng.normal(size=n), rng.normal(size=n)

    def item(f):
        return np.clip(np.round(3 + 0.9 * f + rng.normal(scale=0.7, size=n)), 1, 5).astype(int)

    frame = pd.DataFrame({"rid": np.arange(1, n + 1), "q1": item(f1), "q2": item(f1), "q3": item(f1),
                          "q4": item(f2), "q5": item(f2), "q6": 6 - item(f2),
                          "gender": rng.integers(1, 3, n), "dept": rng.integers(1, 5, n),
                          "age": rng.integers(20, 66, n), "comment": ""})
    return frame.astype(str).replace({"": None})


def mini_csv(rows=MINI_ROWS, header=MINI_HEADER) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


CASES: dict[str, dict] = {}


def case(name: str, expected: str, files: dict[str, str | bytes] | None = None) -> None:
    CASES[name] = {"expected": textwrap.dedent(expected).strip() + "\n", "files": files or {}}


def q_case(name: str, yaml_text: str | bytes, headline: str, *details: str, comment: str = "") -> None:
    expected = (f"# {comment}\n" if comment else "") + "args: validate questionnaire.yaml\n" + \
        f"headline: {headline}\n" + "".join(f"detail: {d}\n" for d in details)
    CASES[name] = {"expected": expected, "files": {"questionnaire.yaml": yaml_text}}


def d_case(name: str, filename: str, content: str | bytes, headline: str, *details: str, comment: str = "") -> None:
    expected = (f"# {comment}\n" if comment else "") + f"args: validate {{mini}} {filename}\n" + \
        f"headline: {headline}\n" + "".join(f"detail: {d}\n" for d in details)
    CASES[name] = {"expected": expected, "files": {filename: content}}


def run_case(name: str, data: pd.DataFrame | bytes, headline: str, *details: str, yaml_text: str = ANALYSIS_YAML,
             comment: str = "", extra_args: str = "") -> None:
    content = data if isinstance(data, bytes) else data.to_csv(index=False, lineterminator="\n")
    expected = (f"# {comment}\n" if comment else "") + \
        f"args: run questionnaire.yaml data.csv --out out --quiet{extra_args}\n" + \
        f"headline: {headline}\n" + "".join(f"detail: {d}\n" for d in details)
    CASES[name] = {"expected": expected, "files": {"questionnaire.yaml": yaml_text, "data.csv": content}}


GOOD_META = "meta: {id: x, title: T}\n"
GOOD_SCALES = "scales:\n  agree5: {min: 1, max: 5}\n"
GOOD_ITEMS = "items:\n  - {id: q1, text: a, scale: agree5}\n  - {id: q2, text: b, scale: agree5}\n"


def build_cases() -> None:
    # ------------------------------------------------------------------ questionnaires
    q_case("q_yaml_syntax_error", GOOD_META + "scales:\n  agree5: {min: 1, max: 5\nitems: []\n",
           "error: questionnaire.yaml: the questionnaire is not valid YAML",
           "questionnaire.yaml:4: YAML syntax error", comment="an unclosed flow mapping")
    q_case("q_yaml_bad_indentation", GOOD_META + GOOD_SCALES + "items:\n  - id: q1\n   text: a\n",
           "error: questionnaire.yaml: the questionnaire is not valid YAML", "questionnaire.yaml:6: YAML syntax error")
    q_case("q_yaml_tab_indentation", GOOD_META + "scales:\n\tagree5: {min: 1, max: 5}\n",
           "error: questionnaire.yaml: the questionnaire is not valid YAML", "questionnaire.yaml:3: YAML syntax error",
           "a tab character: indent YAML with spaces")
    q_case("q_duplicate_key", GOOD_META + GOOD_SCALES + GOOD_ITEMS + "scales: {}\n",
           "error: questionnaire.yaml: 1 duplicate key(s) in the YAML", "questionnaire.yaml:7: duplicate key 'scales'")
    q_case("q_duplicate_nested_key", GOOD_META + "scales:\n  agree5: {min: 1, max: 5, min: 2}\n" + GOOD_ITEMS,
           "error: questionnaire.yaml: 1 duplicate key(s) in the YAML", "questionnaire.yaml:3: duplicate key 'min'")
    q_case("q_python_object_tag", GOOD_META + GOOD_SCALES + "items: !!python/object/apply:os.system ['echo PWNED']\n",
           "error: questionnaire.yaml: YAML tag '!!python/object/apply:os.system' is not allowed "
           "(a questionnaire holds plain data only)", "questionnaire.yaml:4: remove the tag",
           comment="security: a tag that would run a shell command when loaded with yaml.unsafe_load")
    q_case("q_python_name_tag", "!!python/name:os.system\n",
           "error: questionnaire.yaml: YAML tag '!!python/name:os.system' is not allowed "
           "(a questionnaire holds plain data only)", "questionnaire.yaml:1")
    q_case("q_unknown_key", GOOD_META + GOOD_SCALES + GOOD_ITEMS + "indexes: []\n",
           "error: questionnaire.yaml: 1 problem(s) in the questionnaire",
           "questionnaire.yaml:7: indexes: unknown key 'indexes'")
    q_case("q_unknown_nested_key", GOOD_META + GOOD_SCALES +
           "items:\n  - {id: q1, text: a, scale: agree5, reversed: true}\n",
           "error: questionnaire.yaml: 1 problem(s) in the questionnaire",
           "questionnaire.yaml:5: items[0].reversed: unknown key 'reversed'")
    q_case("q_wrong_type", GOOD_META + "scales:\n  agree5:\n    min: one\n    max: 5\n" + GOOD_ITEMS,
           "error: questionnaire.yaml: 1 problem(s) in the questionnaire",
           "questionnaire.yaml:4: scales.agree5.min: Input should be a valid integer", "(got 'one')")
    q_case("q_wrong_type_list_for_text", GOOD_META + GOOD_SCALES +
           "items:\n  - {id: q1, text: a, scale: agree5, reverse: maybe}\n",
           "error: questionnaire.yaml: 1 problem(s) in the questionnaire",
           "questionnaire.yaml:5: items[0].reverse: Input should be a valid boolean", "(got 'maybe')")
    q_case("q_missing_required_key", GOOD_META + GOOD_ITEMS,
           "error: questionnaire.yaml: 1 problem(s) in the questionnaire", "scales: required key 'scales' is missing")
    q_case("q_index_unknown_item", GOOD_META + GOOD_SCALES + GOOD_ITEMS +
           "indices:\n  - id: idx\n    label: Idx\n    items: [q1, q2, q3]\n",
           "error: questionnaire.yaml: 1 problem(s) in the questionnaire",
           "questionnaire.yaml:10: index 'idx' names unknown item 'q3'")
    q_case("q_item_undefined_scale", GOOD_META + GOOD_SCALES + "items:\n  - {id: q1, text: a, scale: agree7}\n",
           "error: questionnaire.yaml: 1 problem(s) in the questionnaire",
           "questionnaire.yaml:5: item 'q1' uses undefined scale 'agree7'")
    background = ("background:\n  - {id: role, type: single, text: Rolle, codes: {1: A, 2: B}}\n"
                  "free_text:\n  - {id: role_other, text: Annet}\n")
    q_case("q_recode_circular", GOOD_META + GOOD_SCALES + GOOD_ITEMS + background +
           "recodes:\n  - {id: a, type: map, from: b, map: {1: 1}}\n  - {id: b, type: map, from: a, map: {1: 1}}\n",
           "error: questionnaire.yaml: 1 problem(s) in the questionnaire",
           "questionnaire.yaml:12: derived variables depend on each other in a circle: a -> b -> a")
    q_case("q_recode_undefined_variable", GOOD_META + GOOD_SCALES + GOOD_ITEMS + background +
           "recodes:\n  - {id: role2, type: map, from: rolle, map: {1: 1, 2: 1}}\n",
           "error: questionnaire.yaml: 1 problem(s) in the questionnaire",
           "questionnaire.yaml:12: recode 'role2' uses undefined variable 'rolle'")
    q_case("q_scale_min_above_max", GOOD_META + "scales:\n  agree5: {min: 5, max: 1}\n" + GOOD_ITEMS,
           "error: questionnaire.yaml: 1 problem(s) in the questionnaire",
           "questionnaire.yaml:3: scales.agree5: scale min (5) must be below max (1)")
    q_case("q_reference_category_missing", GOOD_META + GOOD_SCALES + GOOD_ITEMS +
           "background:\n  - id: gender\n    type: single\n    text: Gender\n    codes: {1: Man, 2: Woman}\n"
           "    reference: 3\n",
           "error: questionnaire.yaml: 1 problem(s) in the questionnaire",
           "questionnaire.yaml:12: question 'gender': reference category 3 is not one of its codes [1, 2]")
    q_case("q_recode_reference_missing", GOOD_META + GOOD_SCALES + GOOD_ITEMS + background +
           "recodes:\n  - {id: role2, type: map, from: role, map: {1: 1, 2: 1}, codes: {1: Alle}, reference: 2}\n",
           "error: questionnaire.yaml: 1 problem(s) in the questionnaire",
           "questionnaire.yaml:12: recode 'role2': reference category 2 is not one of its codes [1]")
    q_case("q_duplicate_item_id", GOOD_META + GOOD_SCALES +
           "items:\n  - {id: q1, text: a, scale: agree5}\n  - {id: q1, text: b, scale: agree5}\n",
           "error: questionnaire.yaml: 1 problem(s) in the questionnaire", "items: id 'q1' is defined twice")
    q_case("q_too_many_factors", GOOD_META + GOOD_SCALES + GOOD_ITEMS.replace(
           "  - {id: q2, text: b, scale: agree5}\n",
           "  - {id: q2, text: b, scale: agree5}\n  - {id: q3, text: c, scale: agree5}\n") +
           "analysis:\n  factor_analyses:\n    - {id: fa, items: [q1, q2, q3], n_factors: 3}\n",
           "error: questionnaire.yaml: 1 problem(s) in the questionnaire",
           "questionnaire.yaml:10: factor analysis 'fa' asks for 3 factors from 3 items (at most 2)")
    q_case("q_cfa_unknown_item", GOOD_META + GOOD_SCALES + GOOD_ITEMS +
           "analysis:\n  cfa:\n    - id: cfa1\n      factors:\n        f1: [q1, q2,\n             q9]\n",
           "error: questionnaire.yaml: 1 problem(s) in the questionnaire",
           "questionnaire.yaml:12: CFA 'cfa1': factor 'f1' names unknown item 'q9'",
           comment="the item list spans two lines: the line named is the unknown item's")
    q_case("q_top_level_list", "- meta\n- scales\n",
           "error: questionnaire.yaml: a questionnaire must be a YAML mapping (keys such as meta, scales, items), "
           "found a list")
    q_case("q_empty_file", "", "error: questionnaire.yaml: the questionnaire file is empty")
    q_case("q_only_comments", "# nothing here yet\n\n",
           "error: questionnaire.yaml: a questionnaire must be a YAML mapping (keys such as meta, scales, items), "
           "found nothing")
    q_case("q_not_utf8", (GOOD_META + GOOD_SCALES + "items:\n  - {id: q1, text: 'Kj\u00f8nn', scale: agree5}\n")
           .encode("cp1252"),
           "error: questionnaire.yaml: the questionnaire is not UTF-8 text; save it as UTF-8",
           "questionnaire.yaml:5: byte 0xf8 (column 23) is not valid UTF-8", comment="saved as Windows-1252")

    # ------------------------------------------------------------------ data, read stage
    d_case("d_empty_file", "data.csv", b"", "error: data.csv: the data file is empty (0 bytes)")
    d_case("d_whitespace_only", "data.csv", "\n  \n\n", "error: data.csv: the data file is empty (only white space)")
    d_case("d_header_only", "data.csv", ",".join(MINI_HEADER) + "\n",
           "error: data.csv: the file has a header but no respondents (0 data rows)")
    garbage = bytes(np.random.default_rng(1).integers(0, 256, 512, dtype=np.uint8)) + b"\x00\x00\x01"
    d_case("d_binary_garbage", "data.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + garbage,
           "error: data.csv: looks binary (NUL bytes), not a text CSV file; if it is UTF-16 without a byte-order "
           "mark, save it as UTF-8", comment="a PNG renamed to .csv")
    d_case("d_utf16_without_bom", "data.csv", mini_csv().encode("utf-16-le"),
           "error: data.csv: looks like UTF-16 (little-endian) text without a byte-order mark; save it as UTF-8 "
           "(or as UTF-16 with a byte-order mark, as Excel's 'Unicode text' does)",
           comment="UTF-16 WITH a BOM is read fine (tests/test_dataio.py); without one it is refused")
    d_case("d_utf16be_without_bom", "data.csv", mini_csv().encode("utf-16-be"),
           "error: data.csv: looks like UTF-16 (big-endian) text without a byte-order mark; save it as UTF-8 "
           "(or as UTF-16 with a byte-order mark, as Excel's 'Unicode text' does)")
    text = mini_csv()
    lines = text.splitlines(keepends=True)
    mixed = "".join(lines[:3]).encode("utf-8") + "".join(lines[3:]).encode("cp1252")
    d_case("d_mixed_encodings", "data.csv", mixed,
           "error: data.csv: mixed text encodings (UTF-8 and Windows-1252 in one file); first non-UTF-8 byte on line 5",
           "data.csv:5: save the file with a single encoding (UTF-8)",
           comment="line 3 has 'Rådgiver' in UTF-8, line 5 'Økonom' in Windows-1252")
    ragged = mini_csv().splitlines()
    ragged[2] = "2,5,6,2,51"
    ragged[4] = ragged[4] + ",extra"
    d_case("d_ragged_rows", "data.csv", "\n".join(ragged) + "\n",
           "error: data.csv: the CSV file cannot be read as a table",
           "data.csv, rows 3, 5: rows have a different number of fields than the header (7)",
           "line 3: 5 fields, line 5: 8 fields")
    d_case("d_duplicated_headers", "data.csv",
           mini_csv(header=["respondent_id", "q1", "q1", "gender", "age", "role", "role_other"]),
           "error: data.csv: the CSV file cannot be read as a table",
           "data.csv:1: duplicated column names in the header [values: q1]")
    d_case("d_blank_header_name", "data.csv",
           mini_csv(header=["respondent_id", "q1", "", "gender", "age", "role", "role_other"]),
           "error: data.csv: the CSV file cannot be read as a table",
           "data.csv:1: header has empty column names at positions [3]")
    d_case("d_excel_merged_header", "data.xlsx", _merged_header_xlsx(),
           "error: data.xlsx: the sheet cannot be read as a table",
           "data.xlsx:1: the header looks like merged cells over two rows", "B1:C1",
           comment="a real workbook: 'Statements' merged over q1..q2 above a second header row")
    d_case("d_corrupt_xlsx", "data.xlsx", _good_xlsx()[:700],
           "error: data.xlsx: cannot read as an Excel workbook (damaged, or not an .xlsx file)",
           "data.xlsx: BadZipFile: File is not a zip file", comment="a valid workbook cut after 700 bytes")
    d_case("d_xlsx_is_csv", "data.xlsx", mini_csv(),
           "error: data.xlsx: cannot read as an Excel workbook (damaged, or not an .xlsx file)",
           "data.xlsx: BadZipFile: File is not a zip file", comment="a CSV file renamed to .xlsx")
    d_case("d_corrupt_sav", "data.sav", _good_sav()[:300],
           "error: data.sav: cannot read as an SPSS .sav file (damaged, or not a .sav file)",
           "data.sav: ReadstatError", comment="a valid .sav cut after 300 bytes")
    d_case("d_parquet_not_parquet", "data.parquet", mini_csv(),
           "error: data.parquet: cannot read as a Parquet file (damaged, or not a Parquet file)",
           "Parquet magic bytes not found")
    d_case("d_unknown_extension", "data.json", '{"q1": [1, 2]}\n',
           "error: data.json: unknown data file type '.json'; use one of .csv, .parquet, .pq, .sav, .tsv, .txt, "
           ".xlsm, .xlsx, .zsav")

    # ------------------------------------------------------------------ data, validation stage
    rows = [r[:] for r in MINI_ROWS]
    rows[1][1], rows[3][5] = "9", "5"
    d_case("d_out_of_range_codes", "data.csv", mini_csv(rows), "error: data.csv: 2 problem(s) in the data",
           "data.csv, column 'q1', row 3: value(s) outside the scale 1..6 [values: 9]",
           "data.csv, column 'role', row 5: value(s) not one of the question's codes [1, 2, 3, 7] [values: 5]")
    rows = [r[:] for r in MINI_ROWS]
    rows[0][1], rows[2][4] = "tre", "45 år"
    d_case("d_text_in_numeric", "data.csv", mini_csv(rows), "error: data.csv: 2 problem(s) in the data",
           "data.csv, column 'q1', row 2: text in a numeric column [values: 'tre']",
           "data.csv, column 'age', row 4: text in a numeric column [values: '45 år']")
    rows = [r[:] for r in MINI_ROWS]
    rows[3][0] = "2"
    d_case("d_duplicate_ids", "data.csv", mini_csv(rows), "error: data.csv: 1 problem(s) in the data",
           "data.csv, column 'respondent_id', rows 3, 5: duplicate respondent ids [values: '2']")
    keep = [0, 1, 3, 4, 6]
    d_case("d_missing_columns", "data.csv",
           mini_csv([[r[i] for i in keep] for r in MINI_ROWS], [MINI_HEADER[i] for i in keep]),
           "error: data.csv: 1 problem(s) in the data",
           "data.csv: 2 column(s) the questionnaire defines are missing from the data [values: q2, role]")
    d_case("d_extra_columns", "data.csv", mini_csv([r + ["x"] for r in MINI_ROWS], MINI_HEADER + ["Tidsstempel"]),
           "error: data.csv: 1 problem(s) in the data",
           "data.csv: 1 column(s) in the data are not in the questionnaire", "[values: Tidsstempel]")

    # ------------------------------------------------------------------ analysis stage (surveykit run)
    good = analysis_data()
    bad = good.copy()
    bad["q2"] = None
    run_case("run_all_missing_item", bad, "error: data.csv: factor analysis 'fa': Correlation matrix cannot be computed: unusable items",
             "column 'q2': item has no valid answers (all missing)", comment="q2 left empty by every respondent")
    bad = good.copy()
    bad["q2"] = "9"
    run_case("run_item_all_missing_codes", bad, "error: data.csv: factor analysis 'fa': Correlation matrix cannot be computed: unusable items",
             "column 'q2': item has no valid answers (all missing)", comment="every answer is the missing code 9")
    bad = good.copy()
    bad["q2"] = "3"
    run_case("run_constant_item", bad, "error: data.csv: factor analysis 'fa': Correlation matrix cannot be computed: unusable items",
             "column 'q2': item has zero variance (every respondent gave the same answer)")
    bad = good.copy()
    bad["q5"] = bad["q4"]
    run_case("run_singular_correlation_matrix", bad,
             "error: data.csv: factor analysis 'fa': KMO and Bartlett's test: the correlation matrix is singular (smallest eigenvalue",
             "items involved in the linear dependency:", "q4", "q5",
             comment="q5 is a copy of q4: the headline is matched up to the eigenvalue, which is ~1e-16")
    run_case("run_too_many_factors_for_ml", good,
             "error: data.csv: factor analysis 'fa': EFA: 3 factors are too many for maximum likelihood with 4 items",
             "degrees of freedom ((p-k)^2 - (p+k))/2 = -3 < 0",
             yaml_text=ANALYSIS_YAML.replace(
                 "{id: fa, items: [q1, q2, q3, q4, q5, q6], extraction: paf, rotation: oblimin, n_factors: kaiser}",
                 "{id: fa, items: [q1, q2, q3, q4], extraction: ml, rotation: varimax, n_factors: 3}"))
    bad = good.copy()
    bad["age"] = (bad["gender"].astype(int) * 10 + 20).astype(str)
    run_case("run_collinear_regression_block", bad,
             "error: data.csv: regression 'reg': Perfectly collinear predictors: their separate effects cannot be estimated",
             "column 'age': is a linear combination of gender[2] (and the intercept)",
             comment="age is 30 for every man and 40 for every woman")
    bad = good.copy()
    bad.loc[3, "q3"] = "7"
    run_case("run_bad_data_writes_nothing", bad, "error: data.csv: 1 problem(s) in the data",
             "data.csv, column 'q3', row 5: value(s) outside the scale 1..5 [values: 7]")
    CASES["run_out_contains_inputs"] = {
        "expected": "# outputs never share a folder with the inputs: refuse an output folder that holds an input\n"
                    "args: run questionnaire.yaml data.csv --out . --quiet\n"
                    "headline: error: output folder . contains the input file data.csv; choose another --out "
                    "(outputs are kept apart from the inputs)\n",
        "files": {"questionnaire.yaml": ANALYSIS_YAML, "data.csv": good.to_csv(index=False, lineterminator="\n")}}
    run_case("run_min_group_size_zero", good, "error: --min-group-size must be at least 1 (got 0)",
             extra_args=" --min-group-size 0")
    # A single person in a department is suppressed (with a complementary department), never an error.
    one = good.copy()
    one["dept"] = one["dept"].replace("4", "3")
    one.loc[0, "dept"] = "4"
    CASES["run_group_of_one_is_suppressed"] = {
        "expected": "# one respondent in department 4: hidden with the next smallest department, not an error\n"
                    "args: run questionnaire.yaml data.csv --out out --quiet\nexit: 0\n",
        "files": {"questionnaire.yaml": ANALYSIS_YAML, "data.csv": one.to_csv(index=False, lineterminator="\n")}}
    organisation_cases(good)


# The survey cycle (issue 16): the departments as units of an organisation, and a key-driver analysis.
ORGANISATION_YAML = ANALYSIS_YAML.replace("respondent_id: rid\n", "respondent_id: rid\n"
                                          "organisation: {units: units.csv, unit_variable: dept}\n")
UNITS_CSV = "code,name,parent,headcount\n0,Org,,\n1,North,0,30\n2,South,0,30\n3,West,0,30\n4,East,0,30\n"


def organisation_cases(good: pd.DataFrame) -> None:
    data = good.to_csv(index=False, lineterminator="\n")

    def org_case(name, units, headline, *details, comment=""):
        CASES[name] = {"expected": (f"# {comment}\n" if comment else "")
                       + "args: run questionnaire.yaml data.csv --out out --quiet\n" + f"headline: {headline}\n"
                       + "".join(f"detail: {d}\n" for d in details),
                       "files": {"questionnaire.yaml": ORGANISATION_YAML, "data.csv": data, "units.csv": units}}

    org_case("run_units_file_problems",
             "code,name,parent,headcount\n0,Org,,\n1,North,0,30\n2,South,0,30\n2,West,0,ten\n4,East,7,30\n",
             "error: units.csv: the units file has 4 problem(s)",
             "units.csv, column 'code', rows 4, 5: unit code '2' appears 2 times [values: 2]",
             "units.csv, column 'parent', row 6: parent is not a unit code in the file [values: 7]",
             "units.csv, column 'headcount', row 5: headcount must be a whole number of employees, 0 or more "
             "[values: ten]",
             "data.csv, column 'dept', rows 2, 9, 12", "unit code not in the units file [values: 3]",
             comment="every problem of the units file at once, each with its line, and the respondents in unit 3, "
                     "which the file lacks")
    org_case("run_unknown_unit_code", UNITS_CSV.replace("4,East,0,30\n", ""),
             "error: data.csv: respondents in units the units file does not have",
             "data.csv, column 'dept', rows", "unit code not in the units file [values: 4]",
             comment="department 4 is not in the units file")
    q_case("q_drivers_unknown_predictor", ORGANISATION_YAML + "  drivers:\n"
           "    - {id: kd, outcome: engagement, predictors: [workload, age, nope]}\n",
           "error: questionnaire.yaml: 1 problem(s) in the questionnaire",
           "questionnaire.yaml:42: drivers 'kd' names unknown predictor 'nope' (predictors are items or indices)",
           comment="a predictor the questionnaire does not define, located by its YAML line")

    # ------------------------------------------------------------------ population file of analysis.weights
    weighted_yaml = ANALYSIS_YAML.replace("  min_group_size: 5\n", "  min_group_size: 5\n  weights: {method: rake, "
                                          "population: population.csv, margins: [[dept], [gender]]}\n")
    populations = {
        "run_population_unknown_variable": (
            "dept,region,count\n1,1,100\n2,1,100\n3,1,100\n4,1,100\n",
            "error: population.csv: 1 problem(s) in the population file",
            ["population.csv:1, column 'region': not a categorical variable of the questionnaire"]),
        "run_population_bad_rows": (
            "dept,gender,count\n1,1,50\n1,2,50\n2,1,50\n2,2,50\n3,1,50\n3,2,-5\n4,1,50\n7,2,50\n",
            "error: population.csv: 2 problem(s) in the population file",
            ["population.csv:9, column 'dept': not a code of 'dept' (codes: 1, 2, 3, 4) [values: 7]",
             "population.csv:7, column 'count': population count must be a number >= 0 [values: -5]"]),
        "run_population_category_missing": (
            "dept,gender,count\n1,1,50\n1,2,50\n2,1,50\n2,2,50\n3,1,50\n3,2,50\n",
            "error: population.csv: 1 problem(s) in the population file",
            ["population.csv, column 'dept': category 'East' of 'dept' occurs in the data", "[values: 4]"]),
    }
    for name, (population, headline, details) in populations.items():
        run_case(name, good, headline, *details, yaml_text=weighted_yaml)
        CASES[name]["files"]["population.csv"] = population
    hostile_inputs()


def hostile_inputs() -> None:
    """Hostile but plausible inputs (issue 14, item 7, and the --out cases of item 6): each gets exit 2 with a
    located message, or a correct exit 0."""
    from surveykit.errors import shorten

    # ------------------------------------------------------------------ questionnaire: bounded reading
    padding = "".join(f"# {i:07d} " + "-" * 89 + "\n" for i in range(50_001))  # 100 bytes a line
    big = GOOD_META + GOOD_SCALES + GOOD_ITEMS + padding
    q_case("q_too_large", big,
           f"error: questionnaire.yaml: the questionnaire file is too large ({len(big.encode()):,} bytes); at most "
           "5,000,000 bytes are read (a questionnaire is usually well under 1 MB)",
           comment="over 5 MB (comments): refused before it is read")
    CASES["q_dev_zero"] = {
        "expected": "# an endless device: refused before it is opened (it would be read forever)\n"
                    "args: validate /dev/zero\n"
                    "headline: error: /dev/zero: is a device, not a questionnaire file; give the path of a YAML "
                    "file\n", "files": {}}
    q_case("q_nested_250_deep", GOOD_META + GOOD_SCALES + "items: " + "[" * 250 + "]" * 250 + "\n",
           "error: questionnaire.yaml: the questionnaire nests lists and mappings more than 50 levels deep",
           "questionnaire.yaml:4: nesting deeper than 50 levels starts here",
           comment="lists nested 250 deep: once a RecursionError while building the Python objects")
    q_case("q_scale_two_billion", GOOD_META + "scales:\n  agree5: {min: 1, max: 2000000000}\n" + GOOD_ITEMS,
           "error: questionnaire.yaml: 1 problem(s) in the questionnaire",
           "questionnaire.yaml:3: scales.agree5: scale 1..2000000000 has 2,000,000,000 values; a rating scale may "
           "have at most 1000", comment="once exhausted the memory listing the scale's values")
    age = "background:\n  - {id: age, type: number, text: Alder, min: 18, max: 80}\n"
    q_case("q_bins_upper_nan", GOOD_META + GOOD_SCALES + GOOD_ITEMS + age +
           "recodes:\n  - id: age2\n    type: bins\n    from: age\n"
           "    bins: [{code: 1, upper: .nan, label: young}, {code: 2, label: old}]\n",
           "error: questionnaire.yaml: 1 problem(s) in the questionnaire",
           "questionnaire.yaml:13: recodes[0].bins[0].upper: Input should be a finite number (got nan)",
           comment="NaN compares false with everything: every age would fall in no bin")
    q_case("q_item_and_background_same_id", GOOD_META + GOOD_SCALES + GOOD_ITEMS +
           "background:\n  - {id: q2, type: single, text: Kjønn, codes: {1: Mann, 2: Kvinne}}\n",
           "error: questionnaire.yaml: 1 problem(s) in the questionnaire",
           "questionnaire.yaml:8: background question id 'q2' is also the id of an item; every question needs its "
           "own id", comment="both would be read from one data column")
    q_case("q_ids_equal_after_nfc", GOOD_META + GOOD_SCALES + GOOD_ITEMS +
           "background:\n  - {id: \"\u00e5r\", type: number, text: År}\n"
           "free_text:\n  - {id: \"a\u030ar\", text: Kommentar}\n",
           "error: questionnaire.yaml: 1 problem(s) in the questionnaire",
           "questionnaire.yaml:10: free-text question id 'a\u030ar' equals background question id '\u00e5r' after "
           "Unicode normalisation (NFC)",
           comment="'år' precomposed and 'a' + combining ring: the same on screen, two ids to the program")
    huge = "x" * 4_000_000
    q_case("q_huge_id_is_shortened", GOOD_META + GOOD_SCALES + f"items:\n  - {{id: {huge}, text: a, scale: agree7}}\n",
           "error: questionnaire.yaml: 1 problem(s) in the questionnaire",
           f"questionnaire.yaml:5: item {shorten(huge)!r} uses undefined scale 'agree7'",
           comment="a 4 MB id is echoed as 80 characters")

    # ------------------------------------------------------------------ data: reading
    CASES["d_cr_only_line_endings"] = {
        "expected": "# lines ended by CR alone (classic Mac OS): read as lines\n"
                    "args: validate {mini} data.csv\nexit: 0\nstdout: data.csv: data OK — 4 respondents\n",
        "files": {"data.csv": mini_csv().replace("\n", "\r")}}
    rows = [r[:] for r in MINI_ROWS]
    rows[1][6] = "Rådgiver; " + "lang tekst, med komma og \"sitat\"\n" * 6500  # ~200 kB, quoted, line breaks
    assert len(rows[1][6]) > 200_000
    CASES["d_long_quoted_field"] = {
        "expected": "# a quoted free-text answer of 200 kB with line breaks (over the csv module's default limit)\n"
                    "args: validate {mini} data.csv\nexit: 0\nstdout: data.csv: data OK — 4 respondents\n",
        "files": {"data.csv": mini_csv(rows)}}
    d_case("d_parquet_nested_columns", "data.parquet", _nested_parquet(),
           "error: data.parquet: 3 column(s) hold lists, structs or maps, not single values",
           "data.parquet, column 'role': column of type list<element: int64>; store one answer per cell",
           "data.parquet, column 'age': column of type struct<years: int64, months: int64>",
           "data.parquet, column 'role_other': column of type map<string, string")
    d_case("d_xlsx_formula_without_value", "data.xlsx", _formula_xlsx(),
           "error: data.xlsx: 2 formula cell(s) have no saved value (the workbook was written by a program that "
           "does not calculate); open and save it in Excel, or paste the values",
           "data.xlsx:3, column 'age': formula without a saved value [values: E3 =20+31]",
           "data.xlsx:5, column 'q1': formula without a saved value [values: B5 =B2+2]",
           comment="written by openpyxl, which saves formulas but never their values")
    d_case("d_only_delimiters", "data.csv", ",,,,,,\n,,,,,,\n,,,,,,\n",
           "error: data.csv: the CSV file cannot be read as a table",
           "data.csv:1: header has empty column names at positions [1, 2, 3, 4, 5, 6, 7]")
    d_case("d_header_and_empty_rows", "data.csv", ",".join(MINI_HEADER) + "\n" + ",,,,,,\n" * 3,
           "error: data.csv: no respondents: all 3 data row(s) are empty (only delimiters or blanks)",
           "data.csv, rows 2, 3, 4: every cell of every data row is empty",
           comment="once accepted as a survey of 0 respondents")

    # ------------------------------------------------------------------ data: numbers
    rows = [r[:] for r in MINI_ROWS]
    rows[0][4], rows[1][4], rows[2][4], rows[3][4] = "inf", "1e300", "nan", "-inf"
    d_case("d_nonfinite_numbers", "data.csv", mini_csv(rows), "error: data.csv: 1 problem(s) in the data",
           "data.csv, column 'age', rows 2, 3, 4, 5: not a finite number, or larger than 1e15 in absolute value "
           "(no answer is that large) [values: 'inf', '1e300', 'nan', '-inf']")
    bad = analysis_data()
    bad.loc[2, "age"], bad.loc[5, "age"] = "1e300", "inf"
    run_case("run_absurd_number_before_regression", bad, "error: data.csv: 1 problem(s) in the data",
             "data.csv, column 'age', rows 4, 7: not a finite number, or larger than 1e15 in absolute value",
             yaml_text=ANALYSIS_YAML.replace("type: number, text: {nb: Alder, en: Age}, min: 18, max: 80",
                                             "type: number, text: {nb: Alder, en: Age}"),
             comment="age without min/max: 1e300 once reached the regression as 'collinear predictors'")

    # ------------------------------------------------------------------ --out (issue 14, item 6)
    good_files = {"questionnaire.yaml": ANALYSIS_YAML, "data.csv": analysis_data().to_csv(index=False, lineterminator="\n")}
    CASES["run_out_is_a_file"] = {
        "expected": "# --out names an existing file: never moved aside or replaced\n"
                    "args: run questionnaire.yaml data.csv --out out --quiet\n"
                    "headline: error: output folder out exists and is a file, not a folder; choose another --out "
                    "(surveykit never replaces a file it did not write)\n",
        "files": {**good_files, "out": "someone's file\n"}}
    CASES["run_out_foreign_folder"] = {
        "expected": "# --out names a folder surveykit did not write: its files are never deleted\n"
                    "args: run questionnaire.yaml data.csv --out out --quiet\n"
                    "headline: error: output folder out already holds 1 file(s) or folder(s) surveykit did not "
                    "write ('thesis.docx'); choose a new or empty folder, or pass --force to add surveykit's files "
                    "to it (nothing else in it is replaced or deleted)\n",
        "files": {**good_files, "out/thesis.docx": b"PK\x03\x04 a year of work"}}


def _nested_parquet() -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({
        "respondent_id": [1, 2], "q1": [3, 5], "q2": [4, 6], "gender": [1, 2],
        "age": pa.array([{"years": 34, "months": 2}, {"years": 51, "months": 0}]),
        "role": pa.array([[1], [7, 2]]),
        "role_other": pa.array([[("a", "b")], []], type=pa.map_(pa.string(), pa.string())),
    })
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def _formula_xlsx() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(MINI_HEADER)
    for row in MINI_ROWS:
        ws.append([int(v) if v.isdigit() else (v or None) for v in row])
    ws["E3"] = "=20+31"
    ws["B5"] = "=B2+2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _merged_header_xlsx() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["respondent_id", "Statements", None, "gender", "age", "role", "role_other"])
    ws.append([None, "q1", "q2", None, None, None, None])
    ws.merge_cells("B1:C1")
    for col in "ADEFG":
        ws.merge_cells(f"{col}1:{col}2")
    for row in MINI_ROWS:
        ws.append([int(v) if v.isdigit() else (v or None) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _good_xlsx() -> bytes:
    buf = io.BytesIO()
    pd.DataFrame(MINI_ROWS, columns=MINI_HEADER).to_excel(buf, index=False, engine="openpyxl")
    return buf.getvalue()


def _good_sav() -> bytes:
    import tempfile

    import pyreadstat

    frame = pd.DataFrame(MINI_ROWS, columns=MINI_HEADER)
    for col in MINI_HEADER[:-1]:
        frame[col] = pd.to_numeric(frame[col])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "good.sav"
        pyreadstat.write_sav(frame, str(path))
        return path.read_bytes()


def main() -> None:
    build_cases()
    for old in HERE.iterdir():
        if old.is_dir() and (old / "expected.txt").exists():
            shutil.rmtree(old)
    for name, spec in CASES.items():
        folder = HERE / name
        folder.mkdir()
        (folder / "expected.txt").write_text(spec["expected"], encoding="utf-8")
        for filename, content in spec["files"].items():
            (folder / filename).parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, str):
                (folder / filename).write_bytes(content.encode("utf-8"))
            else:
                (folder / filename).write_bytes(content)
    print(f"{len(CASES)} cases written to {HERE}")


if __name__ == "__main__":
    main()
