"""Small groups are never shown, and hidden counts cannot be recovered from totals."""

import numpy as np
import pandas as pd

from surveykit.privacy.suppression import hidden_categories, mask_cells, mask_small_groups


def test_no_small_group_no_hiding():
    assert hidden_categories({1: 10, 2: 5, 3: 7}, 5) == set()


def test_single_small_group_gets_a_complementary_partner():
    # hiding only group 3 (n=2) would let anyone compute it as total - 10 - 6
    assert hidden_categories({1: 10, 2: 6, 3: 2}, 5) == {3, 2}


def test_two_small_groups_summing_below_k_need_a_third():
    assert hidden_categories({1: 20, 2: 9, 3: 1, 4: 2}, 5) == {3, 4, 2}


def test_two_small_groups_summing_to_k_suffice():
    assert hidden_categories({1: 20, 2: 9, 3: 3, 4: 2}, 5) == {3, 4}


def test_empty_categories_are_not_groups():
    assert hidden_categories({1: 20, 2: 0, 3: 9}, 5) == set()


def test_mask_small_groups_sets_missing_and_never_publishes_n():
    frame = pd.DataFrame({"unit": [1.0] * 10 + [2.0] * 6 + [3.0] * 2 + [np.nan], "y": range(19)})
    masked, suppressed = mask_small_groups(frame, ["unit"], 5)
    assert masked["unit"].isna().sum() == 1 + 6 + 2
    assert frame["unit"].isna().sum() == 1  # input untouched
    assert [(s["group"], s["n"]) for s in suppressed] == [(3, None), (2, None)]
    assert suppressed[1]["reason"].startswith("complementary")


def test_mask_cells_rows_and_columns():
    counts = np.array([[10, 2, 8], [9, 12, 7], [11, 10, 6]])
    hide = mask_cells(counts, 5)
    assert hide[0, 1]
    for axis in (0, 1):
        per_line = hide.sum(axis=axis)
        assert not np.any(per_line == 1), hide  # never exactly one hidden cell in a row or column
    assert (counts[hide] >= 0).all() and counts[hide].sum() >= 5


def test_codebook_hides_small_groups_like_the_report():
    from pathlib import Path

    from surveykit.data.codebook import codebook, codebook_text
    from surveykit.spec.questionnaire import load_questionnaire

    q = load_questionnaire(Path(__file__).parent / "data" / "mini.yaml")
    frame = pd.DataFrame({"q1": [1.0] * 12, "q2": [2.0] * 12, "gender": [1.0] * 9 + [2.0] * 3,
                          "age": [30.0] * 12, "role": [1.0] * 6 + [2.0] * 6,
                          "role_other": pd.array([None] * 12, dtype="string")})
    gender = next(r for r in codebook(q, frame) if r["id"] == "gender")
    # 3 women would be recoverable from N = 12 if only they were hidden: the disclosure plan merges them
    # with the men (merge before hide, issue 14), so neither count is shown on its own
    assert gender["counts"] == {1: None, 2: None} and gender["n_valid"] == 12
    assert gender["merged"] == [{"codes": [1, 2], "n": 12}]
    assert "merged" in codebook_text(q, frame)
    assert not any(line.strip().startswith("2  Woman") and line.rstrip().endswith("%")
                   for line in codebook_text(q, frame).splitlines())


def test_codebook_withholds_open_answer_counts_when_categories_are_protected(capsys, repo_dir):
    """Schick's «Annet/kombinasjon» workplace is hidden in the run (its recode would let it be worked out);
    the count of answers to its «which?» box is that category's size, so describe does not print it."""
    from surveykit.cli import main

    assert main(["describe", str(repo_dir / "questionnaires" / "schick2012.yaml"), "--sample"]) == 0
    out = capsys.readouterr().out
    block = out[out.index("workplace_other"):].split("\n")[:2]
    assert "withheld" in block[1] and "N valid" not in block[0]
