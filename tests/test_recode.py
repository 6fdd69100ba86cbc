"""Every recode rule type, on small data where the right answer is plain."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from surveykit.data.recode import apply_missing_codes, recode
from surveykit.spec.questionnaire import load_questionnaire, questionnaire_from_dict

DATA = Path(__file__).parent / "data"


@pytest.fixture
def mini():
    return load_questionnaire(DATA / "mini.yaml")


def frame(**cols):
    return pd.DataFrame(cols)


def test_missing_codes_become_missing_and_are_counted(mini):
    df = frame(q1=[0.0, 3, 6], q2=[1.0, 0, 0], gender=[1.0, 2, 1], age=[30.0, 40, 50],
               role=[1.0, 2, 3], role_other=pd.array([None, None, None], dtype="string"))
    out, counts = apply_missing_codes(df, mini)
    assert counts == {"q1": 1, "q2": 2}
    assert out["q1"].isna().tolist() == [True, False, False]
    assert df["q1"].tolist() == [0.0, 3, 6]  # the input frame is untouched


def test_keyword_map_and_bins(mini):
    df = frame(q1=[1.0] * 6, q2=[1.0] * 6, gender=[1.0] * 6,
               age=[18.0, 35, 35.5, 50, 51, np.nan],
               role=[1.0, 2, 3, 7, 7, 7],
               role_other=pd.array([None, None, None, "Seniorrådgiver", "RÅDGIVER", "kombinasjon"], dtype="string"))
    out, log = recode(df, mini)
    # keywords: case-insensitive substring, only on rows with role == 7; otherwise -> missing
    assert out["role_r"].tolist()[:5] == [1, 2, 3, 3, 3] and np.isnan(out["role_r"].iloc[5])
    # map: 1,2 -> 1; 3 -> 2; role_r 3 (rådgiver) -> 2
    assert out["role3"].tolist()[:5] == [1, 1, 2, 2, 2]
    # bins: x <= 35 -> 1; 35 < x <= 50 -> 2; above -> 3; NaN stays NaN
    assert out["age3"].tolist()[:5] == [1, 1, 2, 2, 3] and np.isnan(out["age3"].iloc[5])
    assert {r["id"]: r["n_missing"] for r in log.rules} == {"role_r": 1, "role3": 1, "age3": 1}
    assert len(out) == len(df)


def test_map_unmapped_missing_and_null_targets():
    data = yaml.safe_load((DATA / "mini.yaml").read_text(encoding="utf-8"))
    data["recodes"] = [
        {"id": "r", "type": "map", "from": "role", "map": {1: 10, 2: None}, "unmapped": "missing"},
        {"id": "k", "type": "map", "from": "role", "map": {1: 10}},
    ]
    q = questionnaire_from_dict(data)
    df = frame(q1=[1.0] * 4, q2=[1.0] * 4, gender=[1.0] * 4, age=[30.0] * 4, role=[1.0, 2, 3, np.nan],
               role_other=pd.array([None] * 4, dtype="string"))
    out, _ = recode(df, q)
    assert out["r"].tolist()[0] == 10 and out["r"].isna().tolist() == [False, True, True, True]
    assert out["k"].tolist()[:3] == [10, 2, 3] and np.isnan(out["k"].iloc[3])


def test_cases_from_several_variables():
    data = yaml.safe_load((DATA / "mini.yaml").read_text(encoding="utf-8"))
    data["recodes"] = [{
        "id": "c", "type": "cases", "default": 9,
        "cases": [
            {"when": {"gender": 1, "role": [1, 2]}, "value": 1},
            {"when": {"gender": 2}, "value": 2},
            {"when": {"role": 3}, "value": None},
        ],
    }]
    q = questionnaire_from_dict(data)
    df = frame(q1=[1.0] * 5, q2=[1.0] * 5, gender=[1.0, 1, 2, 1, np.nan], age=[30.0] * 5,
               role=[2.0, 3, 3, 7, 1], role_other=pd.array([None] * 5, dtype="string"))
    out, _ = recode(df, q)
    got = out["c"].tolist()
    assert got[0] == 1 and np.isnan(got[1]) and got[2] == 2 and got[3] == 9 and got[4] == 9


def test_keyword_otherwise_code_and_keep():
    data = yaml.safe_load((DATA / "mini.yaml").read_text(encoding="utf-8"))
    data["recodes"] = [
        {"id": "a", "type": "keywords", "text": "role_other", "base": "role", "when": {"role": 7},
         "rules": [{"keywords": ["leder"], "value": 2}], "otherwise": 5},
        {"id": "b", "type": "keywords", "text": "role_other", "base": "role", "when": {"role": 7},
         "rules": [{"keywords": ["leder"], "value": 2}], "otherwise": "keep"},
    ]
    q = questionnaire_from_dict(data)
    df = frame(q1=[1.0] * 3, q2=[1.0] * 3, gender=[1.0] * 3, age=[30.0] * 3, role=[7.0, 7, 1],
               role_other=pd.array(["Teamleder", "annet", "leder"], dtype="string"))
    out, _ = recode(df, q)
    assert out["a"].tolist() == [2, 5, 1]  # row 3 is not role 7: untouched although its text says leder
    assert out["b"].tolist() == [2, 7, 1]
