"""Scorecard statistics against R (4.2, base stats) fixtures made by tests/r/scorecard.R from the embedded
data: cor.test, lm, aov, binom.test and Cohen's kappa computed by hand in R. R writes 15 significant digits,
so values compare at rel 1e-9 (p-values of t and F distributions at rel 1e-7: different series expansions)."""

from __future__ import annotations

import pandas as pd
import pytest

from surveykit.scorecard import bunching, load_scorecard
from surveykit.scorecard.analyse import analyse, load_data


@pytest.fixture(scope="module")
def fixtures(repo_dir):
    return lambda name: pd.read_csv(repo_dir / "tests/data/scorecard" / name)


@pytest.fixture(scope="module")
def thomassen(repo_dir):
    card = load_scorecard(repo_dir / "questionnaires/scorecards/thomassen2016.yaml")
    return analyse(card, load_data(card))


@pytest.fixture(scope="module")
def oslo(repo_dir):
    card = load_scorecard(repo_dir / "questionnaires/scorecards/oslo2012.yaml")
    return card, load_data(card), analyse(card, load_data(card))


def test_cor_test(fixtures, thomassen):
    corr = thomassen["validity"]["correlations"]["correlations"]
    for row in fixtures("cor_b16.csv").itertuples():
        got = corr[row.predictor]
        assert (got["r"], got["ci_low"], got["ci_high"]) == pytest.approx((row.r, row.ci_low, row.ci_high), rel=1e-9)
        assert got["p"] == pytest.approx(row.p, rel=1e-7)
        assert got["n"] == row.n


def test_lm(fixtures, thomassen):
    models = thomassen["validity"]["models"]
    for row in fixtures("lm_b16.csv").itertuples():
        m = models[row.model]
        c = m["coefficients"][row.term]
        assert (c["b"], c["se"], c["t"]) == pytest.approx((row.b, row.se, row.t), rel=1e-9)
        assert c["p"] == pytest.approx(row.p, rel=1e-7)
        assert (m["r2"], m["adj_r2"], m["f"]) == pytest.approx((row.r2, row.adj_r2, row.f), rel=1e-9)


def test_aov(fixtures, oslo):
    v = oslo[2]["stability"]["variance"]["plans"]
    ref = fixtures("anova_plans.csv").iloc[0]
    assert (v["ms_between"], v["ms_within"], v["f"]) == pytest.approx((ref.ms_between, ref.ms_within, ref.f), rel=1e-9)
    assert v["p"] == pytest.approx(ref.p, rel=1e-6)


def test_binom_ci_for_rank_intervals(fixtures, oslo):
    units = {u["unit"]: u for u in oslo[2]["stability"]["rank_intervals"]["plans"]["units"]}
    ref = fixtures("binom_ci.csv")
    for unit, row in zip(["NAV Nordstrand", "NAV Søndre Nordstrand", "NAV Østensjø"], ref.itertuples()):
        assert (units[unit]["ci_low"], units[unit]["ci_high"]) == pytest.approx((row.ci_low, row.ci_high), rel=1e-9)


def test_cross_section_r(fixtures, oslo):
    cs = oslo[2]["decoupling"]["plans~programmes"]["cross_section"]
    ref = fixtures("cor_plans_programmes.csv").iloc[0]
    assert (cs["r"], cs["ci_low"], cs["ci_high"]) == pytest.approx((ref.r, ref.ci_low, ref.ci_high), rel=1e-9)
    assert cs["p"] == pytest.approx(ref.p, rel=1e-7)


def test_kappa(fixtures, oslo):
    kappa = oslo[2]["audit"]["kappa"]
    for row in fixtures("kappa.csv").itertuples():
        assert kappa[row.criterion]["kappa"] == pytest.approx(row.kappa, rel=1e-9)
        assert kappa[row.criterion]["n"] == row.n


def test_binom_test_bunching(fixtures):
    ref = fixtures("binom_bunching.csv").iloc[0]
    days = pd.date_range("2015-03-02", "2015-03-27", freq="B")
    # 14 weekdays before the window (the 10th is a masked holiday) x 2, and 5 window weekdays x 6: 30 of 58
    dates = [d for d in days[:15] if d != pd.Timestamp("2015-03-10") for _ in range(2)]
    dates += [d for d in days[-5:] for _ in range(6)]
    b = bunching.deadline_bunching(pd.Series(dates), [("2015-03", days[0], days[-1])], last_days=7,
                                   holidays=[(pd.Timestamp("2015-03-10"), pd.Timestamp("2015-03-10"))])
    row = b.periods.iloc[0]
    assert (row["n_window"], row["n"], row["expected_share"]) == (30, 58, pytest.approx(ref.p0))
    assert row["p"] == pytest.approx(ref.p, rel=1e-9)
