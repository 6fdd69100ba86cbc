"""The survey cycle in a run (issue 16): the bundled MRS example end to end, and the confidentiality rule across
the units tree.

Where the numbers come from: response rates are recounted here with pandas from wave2024.csv and units.csv
(walking each respondent's unit up its parents), independently of surveykit.data.units; the wave changes,
key drivers and engagement/eNPS figures in results.json must equal the computation modules called directly
(those are tested against R and published values in test_waves.py, test_drivers.py, test_engagement.py);
eNPS is also recounted from its definition. The change the generator builds in (feedback on results
+0.4 latent in Område Fjord, 4620, in 2024; make_data.py) must be the one flagged.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from surveykit.cli import main as cli_main
from surveykit.compare.engagement import enps
from surveykit.compare.waves import compare_waves
from surveykit.data.prepare import load_and_recode
from surveykit.data.units import read_units
from surveykit.errors import SpecError
from surveykit.jsonsafe import to_jsonable
from surveykit.measure.scoring import scored_frame
from surveykit.model.drivers import key_drivers
from surveykit.pipeline.waves import read_wave, wave_records
from surveykit.privacy.tree import unit_visibility
from surveykit.pipeline.run import settings_for
from surveykit.spec.organisation import PreviousWave, Waves, with_overrides
from surveykit.spec.questionnaire import load_questionnaire

ROOT = Path(__file__).resolve().parents[1]
YAML = ROOT / "questionnaires" / "examples" / "mrs-participation.yaml"
FOLDER = ROOT / "questionnaires" / "examples" / "mrs-participation"
K = 5
DIMENSIONS = ["goal_participation", "goal_understanding", "results_feedback", "results_routines", "room_to_act"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("hr") / "out"
    assert cli_main(["run", str(YAML), "--out", str(out), "--quiet", "--lang", "en"]) == 0
    return out, json.loads((out / "results.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def q():
    return load_questionnaire(YAML)


@pytest.fixture(scope="module")
def frames(q):
    return {y: scored_frame(load_and_recode(q, FOLDER / f"wave{y}.csv").frame, q) for y in (2022, 2023, 2024)}


def recount(units: pd.DataFrame, data: pd.DataFrame) -> dict[str, int]:
    """Respondents in each unit or below it, by walking each respondent's unit up its parents."""
    parent = dict(zip(units["code"], units["parent"]))
    counts = dict.fromkeys(units["code"], 0)
    for code, n in data["unit"].astype(str).value_counts().items():
        while isinstance(code, str):
            counts[code] += n
            code = parent.get(code)
    return counts


# ---------------------------------------------------------------------------------- response rates
def test_response_rates_for_every_unit_at_every_level(run):
    _, results = run
    units = pd.read_csv(FOLDER / "units.csv", dtype={"code": str, "parent": str})
    data = pd.read_csv(FOLDER / "wave2024.csv")
    counts = recount(units, data)
    org = results["organisation"]
    assert [u["unit"] for u in org["units"]][:1] == ["4600"]
    assert {u["unit"] for u in org["units"]} == set(units["code"])
    assert {u["level"] for u in org["units"]} == {0, 1, 2}
    given = dict(zip(units["code"], units["headcount"]))

    def headcount(code):  # the given one, else the sum of the subunits' (recursively)
        if not np.isnan(given[code]):
            return given[code]
        return sum(headcount(c) for c in units.loc[units["parent"] == code, "code"])

    for u in org["units"]:
        if counts[u["unit"]] < K:
            assert not u["shown"] and u["respondents"] is None and u["rate"] is None, u
        if u["shown"]:
            assert u["respondents"] == counts[u["unit"]]
            hc = headcount(u["unit"])
            assert u["headcount"] == hc
            assert u["headcount_source"] == ("given" if not np.isnan(given[u["unit"]]) else "subunits")
            assert u["rate"] == pytest.approx(counts[u["unit"]] / hc, rel=1e-12)
    small = [c for c, n in counts.items() if 0 < n < K]
    assert small, "the example has offices below the minimum group size"
    hidden = {h["unit"]: h["reason"] for h in org["hidden_units"]}
    assert set(small) <= set(hidden)
    assert all(hidden[c] == f"fewer than {K} respondents" for c in small)
    assert {c for c, r in hidden.items() if r.startswith("complementary")} == set(hidden) - set(small)


def test_hidden_units_cannot_be_recovered_from_their_parent(run):
    """Parent minus its visible children leaves either nothing or >= K people in >= 2 unshown parts."""
    _, results = run
    units = results["organisation"]["units"]
    data = pd.read_csv(FOLDER / "wave2024.csv")
    own = data["unit"].astype(str).value_counts().to_dict()
    shown = {u["unit"]: u for u in units if u["shown"]}
    for p in shown.values():
        kids = [u for u in units if u["parent"] == p["unit"]]
        if not kids:
            continue
        rest = p["respondents"] - sum(shown[k["unit"]]["respondents"] for k in kids if k["unit"] in shown)
        parts = [k for k in kids if k["unit"] not in shown] + ([p] if own.get(p["unit"], 0) else [])
        if rest:
            assert rest >= K and len(parts) >= 2, (p["unit"], rest, [k["unit"] for k in parts])
    # the same with the unit counts of the sample table (respondents by their own unit): no table can be
    # subtracted from another to give a hidden unit away
    sample = {str(c["code"]): c["n"] for c in results["sample"]["unit"]["counts"].values()}
    assert not {u["unit"] for u in units if not u["shown"]} & set(sample)
    for p in shown.values():
        kids = [u["unit"] for u in units if u["parent"] == p["unit"]]
        if kids and all(k in sample or k not in shown for k in kids):  # offices: own counts = totals
            rest = p["respondents"] - sum(sample.get(k, 0) for k in kids)
            assert rest == 0 or (rest >= K and sum(k not in sample for k in kids) >= 2), p["unit"]
    # nothing of a hidden unit anywhere else in the results
    hidden = {u["unit"] for u in units if not u["shown"]}
    per_unit = [r["unit"] for c in results["waves"]["compared"] for key in ("means", "favourable") for r in c[key]]
    per_unit += [r["unit"] for e in results["engagement"].values() for r in e["units"]]
    assert not hidden & set(per_unit)


def test_unit_visibility_rule():
    """Within a parent: small units, then the complement; the parent's own respondents count as hidden."""
    from surveykit.data.units import build_tree

    def tree_with(own_root: int):
        frame = pd.DataFrame({"code": ["r", "a", "b", "c"], "parent": [None, "r", "r", "r"]})
        tree = build_tree(frame)
        sizes = {"a": 3, "b": 10, "c": 12}
        counts = np.array([own_root + sum(sizes.values())] + [sizes[c] for c in tree.codes[1:]])
        return tree, unit_visibility(tree, counts, K)

    tree, reason = tree_with(0)
    hidden = {c for c, r in zip(tree.codes, reason) if r}
    assert hidden == {"a", "b"}  # b protects a: root - c would otherwise give a away
    tree, reason = tree_with(2)
    assert {c for c, r in zip(tree.codes, reason) if r} == {"a"}  # a + 2 own = 5 people, not separable
    frame = pd.DataFrame({"code": ["r", "b", "c"], "parent": [None, "r", "r"]})
    tree = build_tree(frame)
    reason = unit_visibility(tree, np.array([24, 10, 12]), K)  # 2 own respondents alone: hide b
    assert {c for c, r in zip(tree.codes, reason) if r} == {"b"}
    reason = unit_visibility(tree, np.array([24, 10, 12]), K, forced=np.array([False, False, True]))
    assert reason.tolist() == [0, 0, 2] and unit_visibility(tree, np.array([3, 1, 2]), K).tolist() == [1, 3, 3]


# ----------------------------------------------------------------------------------------- waves
def test_built_in_change_is_flagged(run, q, frames):
    _, results = run
    waves = results["waves"]
    assert waves["labels"] == ["2022", "2023", "2024"] and waves["current"] == "2024"
    last = waves["compared"][-1]
    assert last["previous"] == "2023" and last["n_respondents"] == len(frames[2023])
    flagged = [(m["unit"], m["variable"], m["flag"]) for m in last["means"]
               if m["flag"] and m["variable"] in DIMENSIONS + ["engagement"]]
    assert flagged == [("4620", "results_feedback", "up")]
    # the same numbers as compare_waves called directly
    tree = read_units(FOLDER / "units.csv")
    direct = compare_waves(frames[2023], frames[2024], DIMENSIONS, tree=tree, unit_variable="unit",
                           previous_label="2023", current_label="2024", min_mean_change=0.2, min_pct_change=5)
    row = direct.means.set_index(["unit", "variable"]).loc[("4620", "results_feedback")]
    mine = next(m for m in last["means"] if (m["unit"], m["variable"]) == ("4620", "results_feedback"))
    for key in ("diff", "t", "df", "p", "ci_low", "ci_high", "d"):
        assert mine[key] == pytest.approx(row[key], rel=1e-12), key
    assert {m["level"] for m in last["means"]} == {0, 1}  # organisation.level = 1
    assert all(m["n_prev"] >= K and m["n_curr"] >= K for m in last["means"])
    trend = [t for t in waves["trend"] if t["unit"] == "4600" and t["variable"] == "results_feedback"]
    assert [t["wave"] for t in trend] == ["2022", "2023", "2024"]
    assert trend[-1]["mean"] == pytest.approx(frames[2024]["results_feedback"].mean(), rel=1e-12)


def test_wave_with_a_missing_and_a_renamed_item(q, frames, tmp_path):
    data = pd.read_csv(FOLDER / "wave2023.csv", dtype=str, keep_default_na=False)
    data = data.drop(columns=["goals_involved"]).rename(columns={"feedback_regular": "feedback_regular_2023"})
    data["retired_item"] = "1"
    path = tmp_path / "old.csv"
    data.to_csv(path, index=False)
    waves = Waves(current="2024", previous=[PreviousWave(label="2023", file=str(path),
                                                        rename={"feedback_regular_2023": "feedback_regular"})])
    q2 = q.model_copy(update={"waves": waves})
    frame, info = read_wave(q2, "2023", str(path), waves.previous[0].rename)
    assert info["not_in_wave"] == ["goals_involved"] and info["ignored_columns"] == ["retired_item"]
    assert info["renamed"] == {"feedback_regular_2023": "feedback_regular"}
    assert "goal_participation" not in frame.columns  # its item is missing in that wave
    tree = read_units(FOLDER / "units.csv")
    hidden = unit_visibility(tree, tree.rolled_counts(tree.locate(frames[2024]["unit"])), K)
    run_data = SimpleNamespace(earlier_waves={})  # the run's cache of earlier waves (PreparedData)
    record = to_jsonable(wave_records(q2, run_data, frames[2024], tree, hidden, settings_for(q2, "en")))
    assert list(run_data.earlier_waves) == [("2023", str(path))]  # read once, kept for the per-unit reports
    compared = record["compared"][0]
    assert compared["only_in"] == {"goals_involved": "2024", "goal_participation": "2024"}
    row = next(m for m in compared["means"] if (m["unit"], m["variable"]) == ("4600", "feedback_regular"))
    assert row["mean_prev"] == pytest.approx(frames[2023]["feedback_regular"].mean(), rel=1e-12)


def test_command_line_overrides(q, tmp_path):
    over = with_overrides(q, units=str(FOLDER / "units.csv"), previous=["2023=" + str(FOLDER / "wave2023.csv")])
    assert [w.label for w in over.waves.previous] == ["2023"] and over.waves.current == "2024"
    assert Path(over.organisation.units).is_absolute() and over.resolve(over.organisation.units).is_file()
    with pytest.raises(SpecError, match="LABEL=FILE"):
        with_overrides(q, previous=["wave2023.csv"])
    with pytest.raises(SpecError, match="used twice"):
        with_overrides(q, previous=["2024=" + str(FOLDER / "wave2023.csv")])


# ------------------------------------------------------------------------------ drivers, engagement
def test_drivers_equal_key_drivers_called_directly(run, q, frames):
    _, results = run
    d = results["drivers"]["engagement_drivers"]
    direct = key_drivers(frames[2024], "engagement", DIMENSIONS, n_boot=1000, seed=q.analysis.seed, ci_level=0.95)
    assert d["n"] == direct.n and d["r2"] == pytest.approx(direct.r2, rel=1e-12) and d["seed"] == q.analysis.seed
    for row in d["table"]:
        ref = direct.table.loc[row["predictor"]]
        for key in ("r", "beta", "raw_weight", "rescaled_weight", "general_dominance", "rescaled_ci_low",
                    "rescaled_ci_high", "general_dominance_ci_low", "general_dominance_ci_high"):
            assert row[key] == pytest.approx(ref[key], rel=1e-12), (row["predictor"], key)
    assert sum(r["raw_weight"] for r in d["table"]) == pytest.approx(d["r2"], rel=1e-12)
    assert {r["quadrant"] for r in d["table"]} <= {"strengths", "priorities", "maintain", "monitor"}
    # favourable % of an index as in the favourable table: its items' answers pooled (4 and 5 on agree5)
    fav = next(r for r in d["table"] if r["predictor"] == "results_feedback")["favourable_pct"]
    items = frames[2024][["feedback_regular", "feedback_accessible", "feedback_discussed"]].stack()
    assert fav == pytest.approx(100 * items.isin([4, 5]).sum() / items.isin([1, 2, 3, 4, 5]).sum(), rel=1e-12)
    assert fav == pytest.approx(results["favourable"]["indices"]["results_feedback"]["pct_favourable"], rel=1e-12)


def test_enps_and_engagement_index(run, frames):
    _, results = run
    e = results["engagement"]["enps"]
    x = frames[2024]["recommend_workplace"].dropna()
    assert e["overall"]["n"] == len(x)
    assert e["overall"]["enps"] == pytest.approx(100 * ((x >= 9).mean() - (x <= 6).mean()), rel=1e-12)
    tree = read_units(FOLDER / "units.csv")
    direct = enps(frames[2024]["recommend_workplace"], tree=tree, unit_codes=frames[2024]["unit"]).table
    for u in e["units"]:
        assert u["level"] == 1 and u["n"] >= K
        assert u["enps"] == pytest.approx(direct.loc[u["unit"], "enps"], rel=1e-12)
    g = results["engagement"]["engaged_all"]
    items = frames[2024][["engaged_motivated", "engaged_mrs_useful", "engaged_proud"]].dropna()
    assert g["overall"]["n"] == len(items)
    assert g["overall"]["pct"] == pytest.approx(100 * items.isin([4, 5]).all(axis=1).mean(), rel=1e-12)


def test_report_has_the_sections_and_figures(run):
    out, _ = run
    html = (out / "report.html").read_text(encoding="utf-8")
    for anchor in ("response-rates", "waves", "drivers", "engagement"):
        assert f'id="{anchor}"' in html
    figures = {p.name for p in (out / "figures").iterdir()}
    assert any(n.endswith("-trend.png") for n in figures) and any("-matrix-" in n for n in figures)
    assert "NAV Holmavik" in html  # named as hidden, with no number (8 employees, 2 respondents in 2024)


def test_waves_drivers_engagement_without_organisation(q, frames):
    """Without a units file: changes, eNPS and engagement for the whole sample only; the report builds."""
    from surveykit.pipeline.results import build_results
    from surveykit.report.content import build_document

    q2 = q.model_copy(update={"organisation": None,
                              "waves": q.waves.model_copy(update={"previous": q.waves.previous[-1:]})})
    q2.__dict__.pop("_checked_problems", None)
    prepared = load_and_recode(q2, FOLDER / "wave2024.csv")
    results, _ = build_results(q2, prepared, settings_for(q2, "nb"))
    assert "organisation" not in results
    means = results["waves"]["compared"][0]["means"]
    assert {m["unit"] for m in means} == {"all"}
    row = next(m for m in means if m["variable"] == "results_feedback")
    assert row["mean_prev"] == pytest.approx(frames[2023]["results_feedback"].mean(), rel=1e-12)
    assert row["mean_curr"] == pytest.approx(frames[2024]["results_feedback"].mean(), rel=1e-12)
    assert results["engagement"]["enps"]["units"] == [] and results["engagement"]["enps"]["overall"]["n"] > 0
    doc = build_document(results, q2, "nb")
    titles = [sec.title for sec in doc.sections]
    assert "Endring over tid" in titles and "Nøkkeldrivere" in titles and "Svarprosent per enhet" not in titles
    assert [f.key for f in doc.figures if f.key == "trend"] == ["trend"]


def test_data_file_that_is_an_earlier_wave_is_refused(tmp_path, capsys):
    code = cli_main(["run", str(YAML), str(FOLDER / "wave2023.csv"), "--out", str(tmp_path / "out"), "--quiet"])
    assert code == 2 and not (tmp_path / "out").exists()
    assert "the data file is the earlier wave '2023'" in capsys.readouterr().err


def test_validate_checks_the_units_file_and_the_waves(capsys):
    assert cli_main(["validate", str(YAML), "--sample"]) == 0
    out = capsys.readouterr().out
    assert "mrs-participation/units.csv: units OK — 31 units, depth 2" in out
    assert "wave 2022 OK — 982 respondents" in out and "wave 2023 OK — 885 respondents" in out


def test_spec_problems_are_located(tmp_path):
    """Unknown unit variable, eNPS item not on 0-10, unknown index and outcome: all at once, with YAML lines."""
    text = YAML.read_text(encoding="utf-8")
    text = text.replace("  unit_variable: unit ", "  unit_variable: office ")
    text = text.replace("      item: recommend_workplace ", "      item: engaged_proud ")
    text = text.replace("      index: engagement\n", "      index: engagment\n")
    text = text.replace("      outcome: engagement\n      predictors", "      outcome: engagment\n      predictors")
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as err:
        load_questionnaire(path)
    lines = text.splitlines()
    found = {p.message: p.line for p in err.value.problems}
    expected = {
        "organisation: unit_variable 'office' is not a variable of the questionnaire": "unit_variable: office",
        "drivers 'engagement_drivers': outcome 'engagment' is not an item or index": "outcome: engagment",
        "engagement 'engaged_all' names unknown index 'engagment'": "index: engagment",
        "engagement 'enps': eNPS needs an item on a 0-10 scale; 'engaged_proud' is on 1..5": "item: engaged_proud",
    }
    assert set(found) == set(expected)
    for message, line_text in expected.items():
        assert lines[found[message] - 1].strip().startswith(line_text), message
