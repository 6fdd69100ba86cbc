"""Issue 17 (h) inside ``run``, the units file, validate/describe and the language of scorecard runs.

(h) on the synthetic mrs-offices example is checked against an independent computation: office means with
pandas, ICC(1)/ICC(2) from the mean squares of statsmodels' one-way ANOVA (anova_lm), Pearson r from
scipy.stats.pearsonr and the regression from statsmodels OLS. Tolerance 1e-9 (the same double-precision
numbers by different routes). The index scores themselves come from the survey side (scored_frame), tested there.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

from surveykit.cli import main
from surveykit.errors import DataError, SpecError
from surveykit.scorecard import load_scorecard
from surveykit.scorecard.analyse import analyse, load_data

INDICES = ["goal_participation", "results_feedback", "engagement"]


@pytest.fixture(scope="module")
def mrs(repo_dir):
    card = load_scorecard(repo_dir / "questionnaires/scorecards/mrs-offices.yaml")
    return card, load_data(card)


def _independent(repo_dir, k):
    """Office means, ICC and the OLS of B16 computed without surveykit's scorecard code."""
    import statsmodels.formula.api as smf
    from statsmodels.stats.anova import anova_lm

    from surveykit.api.workflow import read_data, read_questionnaire
    from surveykit.measure.scoring import scored_frame

    q = read_questionnaire(repo_dir / "questionnaires/examples/mrs-participation.yaml")
    scored = scored_frame(read_data(q, repo_dir / "questionnaires/examples/mrs-participation/wave2024.csv").frame, q)
    d = scored[["unit", *INDICES]].dropna(subset=["unit"]).copy()
    d["office"] = d["unit"].astype(int).astype(str)
    sizes = d.groupby("office").size()
    d = d[d["office"].isin(sizes[sizes >= k].index)]
    icc = {}
    for i in INDICES:
        di = d[["office", i]].dropna()
        aov = anova_lm(smf.ols(f"{i} ~ C(office)", data=di).fit())
        msb, msw = aov.loc["C(office)", "mean_sq"], aov.loc["Residual", "mean_sq"]
        nj = di.groupby("office").size().to_numpy(float)
        n, j = nj.sum(), len(nj)
        k0 = (n - (nj ** 2).sum() / n) / (j - 1)
        icc[i] = ((msb - msw) / (msb + (k0 - 1) * msw), (msb - msw) / msb, int(n), j)
    offices = pd.read_csv(repo_dir / "questionnaires/scorecards/mrs-offices/offices_synthetic.csv", dtype={"office": str})
    joined = d.groupby("office")[INDICES].mean().join(offices.set_index("office"), how="inner")
    fit = smf.ols("B16 ~ " + " + ".join(INDICES), data=joined).fit()
    return icc, joined, fit, sizes


@pytest.mark.parametrize("k", [5, 10])
def test_survey_link_matches_pandas_statsmodels(repo_dir, mrs, k):
    card, data = mrs
    res = analyse(card, data, min_group_size=k)["survey_link"]
    icc, joined, fit, sizes = _independent(repo_dir, k)
    assert res["min_group_size"] == k
    assert res["n_offices_below_minimum"] == int((sizes < k).sum())
    assert res["n_respondents_below_minimum"] == int(sizes[sizes < k].sum())
    assert res["n_respondents"] == 822 and res["offices_without_scorecard"] == ["4690"]  # the county office
    for row in res["icc"]:
        icc1, icc2, n, j = icc[row["index"]]
        assert row["icc1"] == pytest.approx(icc1, abs=1e-9) and row["icc2"] == pytest.approx(icc2, abs=1e-9)
        assert (row["n"], row["n_clusters"]) == (n, j)
    offices = pd.DataFrame(res["offices"]).set_index("office")
    assert sorted(offices.index) == sorted(joined.index) and len(offices) == res["n_offices_linked"]
    assert (offices["n_respondents"] >= k).all()
    for i in INDICES:
        np.testing.assert_allclose(offices.loc[joined.index, i], joined[i], atol=1e-12)
    for row in res["correlations"]:
        r, p = stats.pearsonr(joined[row["index"]], joined[row["indicator"]])
        assert row["r"] == pytest.approx(r, abs=1e-9) and row["p"] == pytest.approx(p, abs=1e-9)
        assert row["n"] == len(joined)
    m = res["model"]
    assert m["r2"] == pytest.approx(fit.rsquared, abs=1e-9) and m["adj_r2"] == pytest.approx(fit.rsquared_adj, abs=1e-9)
    assert m["f"] == pytest.approx(fit.fvalue, abs=1e-7) and m["n"] == len(joined)
    for i in INDICES:
        assert m["coefficients"][i]["b"] == pytest.approx(fit.params[i], abs=1e-9)
        assert m["coefficients"][i]["se"] == pytest.approx(fit.bse[i], abs=1e-9)


def test_run_cli_min_group_size_and_language(tmp_path, repo_dir, capsys):
    path = repo_dir / "questionnaires/scorecards/mrs-offices.yaml"
    assert main(["run", str(path), "--out", str(tmp_path / "a"), "--quiet", "--min-group-size", "10"]) == 0
    res = json.loads((tmp_path / "a" / "results.json").read_text(encoding="utf-8"))["survey_link"]
    assert res["min_group_size"] == 10 and res["n_offices_below_minimum"] == 8  # 2, 3, 5, 6, 6, 7, 8, 9 respondents
    html = (tmp_path / "a" / "report.html").read_text(encoding="utf-8")
    assert "Medarbeiderundersøkelse og målekort" in html and 'lang="nb"' in html  # the first declared language
    assert "færre enn 10 svar" in html
    assert main(["run", str(path), "--out", str(tmp_path / "b"), "--quiet", "--lang", "en"]) == 0
    assert "Employee survey and scorecard" in (tmp_path / "b" / "report.html").read_text(encoding="utf-8")
    assert main(["run", str(path), "--out", str(tmp_path / "c"), "--min-group-size", "0"]) == 2
    assert main(["run", str(path), "--out", str(tmp_path / "c"), "--units", "x.csv"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_first_declared_language_is_the_default(tmp_path, repo_dir):
    text = (repo_dir / "questionnaires/scorecards/oslo2012.yaml").read_text(encoding="utf-8")
    text = text.replace("languages: [nb, en]", "languages: [en, nb]")
    for name in ("oslo2012",):
        (tmp_path / name).symlink_to(repo_dir / "questionnaires/scorecards" / name)
    (tmp_path / "card.yaml").write_text(text, encoding="utf-8")
    assert main(["run", str(tmp_path / "card.yaml"), "--out", str(tmp_path / "o"), "--quiet"]) == 0
    assert "Published and reproduced values" in (tmp_path / "o" / "report.html").read_text(encoding="utf-8")


def _texts(node, where=""):
    if isinstance(node, dict):
        if "en" in node and set(node) <= {"nb", "en"}:
            yield where, node
        for key, value in node.items():
            yield from _texts(value, f"{where}.{key}")
    elif isinstance(node, list):
        for k, value in enumerate(node):
            yield from _texts(value, f"{where}[{k}]")


@pytest.mark.parametrize("name", ["thomassen2016", "oslo2012", "mrs-offices"])
def test_every_english_text_has_a_norwegian_one(repo_dir, name):
    data = yaml.safe_load((repo_dir / f"questionnaires/scorecards/{name}.yaml").read_text(encoding="utf-8"))
    assert data["scorecard"]["languages"][0] == "nb"
    missing = [where for where, text in _texts(data) if not text.get("nb")]
    assert missing == []


def test_nb_report_is_norwegian(tmp_path, repo_dir):
    out = tmp_path / "t"
    assert main(["run", str(repo_dir / "questionnaires/scorecards/thomassen2016.yaml"), "--out", str(out), "--quiet"]) == 0
    html = (out / "report.html").read_text(encoding="utf-8")
    for english in ("B16 Transition to work", "offices at B16 target", "Counted from registers", "Summer holiday",
                    "mean of units"):
        assert english not in html
    assert "kontor som når B16-målet" in html and "Telles fra registre" in html


# ---------------------------------------------------------------------------------------------- units file
UNITS = "code,name_nb,name_en,parent,headcount\n1,Fylket,County,,\n10,Område Nord,Area North,1,\n11,NAV A,NAV A,10,10\n" \
        "12,NAV B,NAV B,10,10\n20,Område Sør,Area South,1,\n21,NAV C,NAV C,20,10\n22,NAV D,NAV D,20,10\n"
CARD = """\
scorecard: {id: u, title: U}
indicators:
  - {id: B16, label: {nb: Overgang, en: Transition}, target: 45}
units: {file: units.csv}
data:
  table: {file: table.csv, unit: office}
"""


def _card(tmp_path, table="office,B16\n11,40\n12,46\n21,50\n22,30\n", units=UNITS, card=CARD):
    (tmp_path / "units.csv").write_text(units, encoding="utf-8")
    (tmp_path / "table.csv").write_text(table, encoding="utf-8")
    (tmp_path / "card.yaml").write_text(card, encoding="utf-8")
    return tmp_path / "card.yaml"


def test_units_file_gives_the_groups(tmp_path):
    card = load_scorecard(_card(tmp_path))
    res = analyse(card, load_data(card))
    by = {g["group"]: g for g in res["attainment"]["by_group"]}
    assert (by["Område Nord"]["n_units"], by["Område Nord"]["n_at_target"]) == (2, 1)  # 46 >= 45
    assert (by["Område Sør"]["n_units"], by["Område Sør"]["n_at_target"]) == (2, 1)   # 50


def test_office_not_in_units_file_and_bad_units_file(tmp_path, capsys):
    card = load_scorecard(_card(tmp_path, table="office,B16\n11,40\n99,46\n"))
    with pytest.raises(DataError) as err:
        load_data(card)
    assert err.value.problems[0].values == ("99",)
    path = _card(tmp_path, units=UNITS + "23,NAV E,NAV E,77,5\n")  # unknown parent: the survey side's check
    assert main(["validate", str(path)]) == 2
    e = capsys.readouterr().err
    assert "77" in e and "units.csv" in e and "Traceback" not in e


# ------------------------------------------------------------------------------------- validate / describe
def test_validate_and_describe(repo_dir, capsys):
    path = repo_dir / "questionnaires/scorecards/mrs-offices.yaml"
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "scorecard OK — 3 indicators" in out and "25 units × 3 indicators" in out
    assert "822 respondents in 26 offices" in out and "24 offices with at least 5 respondents, 23 of them" in out
    assert main(["describe", str(repo_dir / "questionnaires/scorecards/thomassen2016.yaml"), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "B16  B16 Transition to work" in out and "green ≥ 45, yellow ≥ 40" in out
    assert "B23  B23 Number of placements" in out and "green at or beyond the mean of the units" in out
    assert main(["describe", str(path)]) == 0
    assert "B16  B16 Overgang til arbeid" in capsys.readouterr().out  # nb: the first language


def test_validate_errors_exit_2_located(tmp_path, capsys):
    path = _card(tmp_path, card=CARD.replace("target: 45}", "target: 45, colour: red}"))
    assert main(["validate", str(path)]) == 2
    e = capsys.readouterr().err
    assert f"{path}:3" in e and "colour" in e and "Traceback" not in e
    path = _card(tmp_path, table="office,B16\n11,forty\n12,46\n")
    assert main(["validate", str(path)]) == 2
    e = capsys.readouterr().err
    assert "forty" in e and "table.csv" in e


def test_survey_block_errors(tmp_path, repo_dir, capsys):
    q = repo_dir / "questionnaires/examples/mrs-participation.yaml"
    text = CARD + (f"survey: {{questionnaire: {q}, data: {q.parent / 'mrs-participation/wave2024.csv'}, "
                   "office_variable: office, indices: [goal_participation, nope], outcome: B99}\n")
    path = _card(tmp_path, card=text)
    with pytest.raises(SpecError) as err:  # reference check of the scorecard: outcome B99
        load_scorecard(path)
    assert "B99" in str(err.value.problems[0]) and err.value.problems[0].line == 7
    path = _card(tmp_path, card=text.replace("outcome: B99", "outcome: B16"))
    assert main(["validate", str(path)]) == 2
    e = capsys.readouterr().err
    assert "office_variable 'office'" in e and "'nope'" in e and "Traceback" not in e


def test_scorecard_sniffing_never_reads_a_device(tmp_path):
    from surveykit.scorecard import is_scorecard_yaml

    assert is_scorecard_yaml("/dev/zero") is False  # an endless device: never opened
    assert is_scorecard_yaml(tmp_path) is False       # a folder
    (tmp_path / "a.yaml").write_bytes(b"\xef\xbb\xbf# c\nscorecard:\n  id: x\n")
    assert is_scorecard_yaml(tmp_path / "a.yaml") is True


def test_validate_with_a_data_file_in_place_of_the_table(tmp_path, capsys):
    path = _card(tmp_path)
    (tmp_path / "other.csv").write_text("office,B16\n11,40\n12,46\n21,50\n", encoding="utf-8")
    assert main(["validate", str(path), str(tmp_path / "other.csv")]) == 0
    out = capsys.readouterr().out
    assert "other.csv: 3 units × 1 indicators (B16), 2 groups" in out
    (tmp_path / "bad.csv").write_text("office,B16\n11,40\n11,46\n", encoding="utf-8")
    assert main(["validate", str(path), str(tmp_path / "bad.csv")]) == 2
    err = capsys.readouterr().err
    assert "occurs more than once" in err and "bad.csv" in err
