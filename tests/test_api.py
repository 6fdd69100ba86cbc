"""The public Python API (surveykit/__init__.py, surveykit/api/): the workflow, Results, and statistics.

The docstring examples of surveykit.api run here (doctest), so they cannot drift; the statistics functions
are checked against pingouin / the pipeline's own results where an independent value exists.
"""

import ast
import doctest
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import surveykit as sk

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def schick():
    q = sk.read_questionnaire(REPO / "questionnaires" / "schick2012.yaml")
    data = sk.read_data(q)
    return q, data, sk.analyze(q, data, lang="nb")


@pytest.mark.parametrize("module", ["surveykit.api.workflow", "surveykit.api.statistics"])
def test_docstring_examples_run(module, schick, monkeypatch):
    import importlib

    monkeypatch.chdir(REPO)
    q, data, _ = schick
    df = sk.analyze(q, data, lang="en").frame
    mod = importlib.import_module(module)
    result = doctest.testmod(mod, extraglobs={"sk": sk, "df": df}, report=True,
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


def test_issue_one_liner_from_a_fresh_process():
    code = ("import surveykit as sk; q = sk.read_questionnaire('questionnaires/schick2012.yaml'); "
            "r = sk.analyze(q, sk.read_data(q)); print(r)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "N = 383" in out.stdout and "reliability" in out.stdout


def test_import_is_light():
    # the command's start stays fast: importing surveykit does not import pandas or the analysis modules
    code = "import sys, surveykit; print('pandas' in sys.modules, 'surveykit.api' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["False", "False"]
    assert set(sk.__all__) <= set(dir(sk))
    with pytest.raises(AttributeError):
        sk.no_such_function  # noqa: B018


def test_to_json_equals_the_command_output(schick, tmp_path):
    from surveykit.cli import main

    q, _, results = schick
    assert main(["run", str(REPO / "questionnaires" / "schick2012.yaml"), "--out", str(tmp_path / "cli"),
                 "--lang", "nb", "--quiet"]) == 0
    assert results.to_json() == (tmp_path / "cli" / "results.json").read_text(encoding="utf-8")
    files = results.write_report(tmp_path / "api")
    names = {p.relative_to(tmp_path / "api").as_posix() for p in files}
    assert {"report.html", "tables.xlsx", "results.json"} <= names
    for name in ("report.html", "results.json", "tables.xlsx"):
        assert (tmp_path / "api" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes()


def test_write_report_in_another_language(schick, tmp_path):
    _, _, results = schick
    results.write_report(tmp_path / "en", lang="en")
    html = (tmp_path / "en" / "report.html").read_text(encoding="utf-8")
    assert 'lang="en"' in html
    en = json.loads((tmp_path / "en" / "results.json").read_text(encoding="utf-8"))
    assert en["settings"]["lang"] == "en" and results.settings.lang == "nb"


def test_results_accessors_agree_with_results_json(schick):
    _, _, results = schick
    raw = results.to_dict()
    rel = results.reliability()
    assert rel.loc["malekortet", "alpha"] == raw["indices"]["malekortet"]["alpha"]
    assert rel.loc["leders_fokus_3", "source"] == "plan"
    assert rel.loc["malekortet", "alpha_ci_low"] == raw["indices"]["malekortet"]["alpha_ci"][0]
    items = results.item_statistics("malekortet")
    assert list(items.index) == raw["indices"]["malekortet"]["items"]
    fa = results.factorability()
    assert fa.loc["mrs", "kmo"] == raw["factor_analyses"]["mrs"]["kmo"]
    assert results.loadings("mrs").shape == (len(raw["factor_analyses"]["mrs"]["items"]), 2)
    assert results.eigenvalues("mrs")["eigenvalue"].iloc[0] == raw["factor_analyses"]["mrs"]["eigenvalues"][0]
    comps = results.comparisons()
    assert len(comps) == len(raw["comparisons"]) and {"plan", "outcome", "group", "p"} <= set(comps.columns)
    assert len(results.posthoc()) == sum(len(c.get("posthoc") or []) for c in raw["comparisons"])
    assert len(results.group_statistics()) == sum(len(c["groups"]) for c in raw["comparisons"])
    assert len(results.crosstabs()) == len(raw["crosstabs"])
    steps = results.regression_steps("table29")
    assert steps["r2"].tolist() == [s["r2"] for s in raw["regressions"]["table29"]["steps"]]
    assert not results.regression_coefficients("table29").empty
    assert len(results.replication()) == len(raw["replication"])
    table = next(iter(raw["correlation_tables"]))
    r = results.correlations(table)
    assert np.allclose(np.diag(r.to_numpy(dtype=float)), 1.0)
    assert not results.descriptives().empty and not results.sample().empty
    with pytest.raises(KeyError, match="there are"):
        results.loadings("nope")
    assert "<table" in results._repr_html_() and "N = 383" in str(results)


def test_unknown_setting_is_a_clear_error(schick):
    from surveykit.errors import SurveyError

    q, data, _ = schick
    with pytest.raises(SurveyError, match="unknown setting"):
        sk.analyze(q, data, colour="red")


def test_cronbach_alpha_matches_pingouin(saq):
    import pingouin as pg

    # Field's "fear of computers" subscale (../shared/data/saq/README.md: alpha .82, 0.8234 to more digits)
    items = saq[["Question_06", "Question_07", "Question_10", "Question_13", "Question_14", "Question_15",
                 "Question_18"]]
    res = sk.cronbach_alpha(items)
    alpha, ci = pg.cronbach_alpha(items)
    assert res.alpha == pytest.approx(alpha, rel=1e-12)
    assert res.alpha_ci == pytest.approx(tuple(ci), abs=5e-4)  # pingouin rounds its CI to 3 decimals
    assert round(res.alpha, 4) == 0.8234
    assert set(res.item_stats.columns) >= {"r_drop", "alpha_if_deleted"}


def test_kmo_and_bartlett_on_saq_match_field(saq):
    # Field (2013): KMO = .930, Bartlett chi2(253) = 19334.49
    table = sk.kmo(saq)
    assert round(float(table.loc["Overall", "msa"]), 3) == 0.930
    bart = sk.bartlett(saq).iloc[0]
    assert bart["df"] == 253 and round(bart["chi2"], 2) == 19334.49


def test_ttest_and_anova_match_pingouin(schick):
    import pingouin as pg

    _, _, results = schick
    df = results.frame
    res = sk.ttest(df, dv="malekortet", between="gender")
    sub = df[["malekortet", "gender"]].dropna()
    a, b = (sub.loc[sub.gender == g, "malekortet"] for g in sorted(sub.gender.unique()))
    ref = pg.ttest(a, b, correction=False)
    assert res.student.t == pytest.approx(ref["T"].iloc[0], rel=1e-10)
    aov = sk.anova(df, dv="malekortet", between="unit")
    ref = pg.anova(data=df.dropna(subset=["malekortet", "unit"]), dv="malekortet", between="unit")
    assert aov.f == pytest.approx(ref["F"].iloc[0], rel=1e-10)
    ph = sk.posthoc(df, dv="malekortet", between="unit", method="games-howell")
    ref = pg.pairwise_gameshowell(data=df.dropna(subset=["malekortet", "unit"]), dv="malekortet", between="unit")
    assert sorted(ph["p_adj"].round(6)) == pytest.approx(sorted(ref["pval"].round(6)), abs=2e-6)


def _private_names(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = {}
    bad = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("surveykit"):
            bad += [f"{path.name}:{node.lineno} from {node.module} import {a.name}" for a in node.names
                    if a.name.startswith("_") and not a.name.startswith("__")]
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("surveykit"):
                    modules[a.asname or a.name.split(".")[0]] = a.name
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("surveykit"):
            for a in node.names:
                modules.setdefault(a.asname or a.name, f"{node.module}.{a.name}")
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
                and isinstance(node.value, ast.Name) and node.value.id in modules):
            target = modules[node.value.id]
            try:
                import importlib

                is_module = hasattr(importlib.import_module(target), "__file__")
            except ImportError:
                is_module = False
            if is_module:
                bad.append(f"{path.name}:{node.lineno} {node.value.id}.{node.attr}")
    return bad


def test_no_private_names_borrowed_across_modules():
    """Shared helpers are public in their own module: nothing imports another module's _private name."""
    files = sorted((REPO / "tests").glob("*.py")) + sorted((REPO / "surveykit").rglob("*.py"))
    bad = [hit for f in files for hit in _private_names(f)]
    assert bad == []


def test_private_name_check_catches_a_borrowed_name(tmp_path):
    f = tmp_path / "t.py"
    f.write_text("from surveykit.measure.efa import _x\nimport surveykit.measure.efa as efa\nefa._y\n")
    assert len(_private_names(f)) == 2


def test_modules_stay_small():
    """No module over ~500 lines without a reason written at its top (the brief's rule)."""
    big = []
    for f in (REPO / "surveykit").rglob("*.py"):
        text = f.read_text(encoding="utf-8")
        if text.count("\n") > 520 and "Longer than 500 lines because" not in text[:2000]:
            big.append(f"{f.relative_to(REPO)} ({text.count(chr(10))} lines)")
    assert big == []
