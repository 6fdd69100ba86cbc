"""Each scorecard analysis (a-h) against an independent reference: scipy / statsmodels computed here in the
test by a different route, published worked examples (Newcombe 1998), or hand counts on constructed data.
Tolerances are floating-point (1e-9 relative) unless stated."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.stats.inter_rater import cohens_kappa as sm_kappa
from statsmodels.stats.proportion import proportion_confint

from surveykit.errors import AnalysisError
from surveykit.scorecard import (
    attainment,
    audit,
    bunching,
    stability,
    survey_link,
    trends,
    validity,
)
from surveykit.scorecard.spec import Bands, Indicator
from surveykit.stats.proportions import wilson_interval


@pytest.fixture(scope="module")
def offices(repo_dir):
    return pd.read_csv(repo_dir / "questionnaires/scorecards/thomassen2016/offices.csv").set_index("office")


@pytest.fixture(scope="module")
def panel(repo_dir):
    p = pd.read_csv(repo_dir / "questionnaires/scorecards/oslo2012/panel.csv", dtype={"period": str})
    return p[["unit", "period", "indicator", "value"]]


# ----------------------------------------------------------------------------------------- (a) attainment
def test_traffic_light_rules():
    assert attainment.traffic_light(45, 45, 40) == "green"
    assert attainment.traffic_light(40, 45, 40) == "yellow"
    assert attainment.traffic_light(39.9, 45, 40) == "red"
    assert attainment.traffic_light(float("nan"), 45, 40) == "black"
    assert attainment.traffic_light(None, 45) == "black"
    assert attainment.traffic_light(8, 10, 15, "lower") == "green"
    assert attainment.traffic_light(12, 10, 15, "lower") == "yellow"
    assert attainment.traffic_light(16, 10, 15, "lower") == "red"


def test_attainment_counts_match_direct_comparison(offices):
    inds = [Indicator(id="B16", label="B16", target=45, bands=Bands(green=45, yellow=40)),
            Indicator(id="B23", label="B23", unit="count")]
    table = offices[["B16", "B23"]].astype(float).copy()
    table.loc["Ski", "B16"] = np.nan  # one missing value: black
    a = attainment.target_attainment(table, inds, offices["county"])
    counts = a.counts.set_index("indicator")
    b16 = table["B16"]
    assert counts.loc["B16", "green"] == (b16 >= 45).sum()
    assert counts.loc["B16", "yellow"] == ((b16 >= 40) & (b16 < 45)).sum()
    assert counts.loc["B16", "red"] == (b16 < 40).sum()
    assert counts.loc["B16", "black"] == 1
    # no target: green at or above the mean of the units (Thomassen's rule for B23)
    assert counts.loc["B23", "green"] == (table["B23"] >= table["B23"].mean()).sum()
    by = a.by_group.set_index(["group", "indicator"])
    for county, g in table.groupby(offices["county"]):
        assert by.loc[(county, "B16"), "n_at_target"] == (g["B16"] >= 45).sum()
        assert by.loc[(county, "B16"), "n_with_value"] == g["B16"].notna().sum()


# ------------------------------------------------------------------------------------------- (b) validity
def test_pearson_ci_against_scipy(offices):
    res = validity.pearson_ci(offices["B22"], offices["B16"])
    ref = stats.pearsonr(offices["B22"], offices["B16"])
    ci = ref.confidence_interval(0.95)  # scipy: Fisher z transformation
    assert res["r"] == pytest.approx(ref.statistic, rel=1e-12)
    assert res["p"] == pytest.approx(ref.pvalue, rel=1e-9)
    assert (res["ci_low"], res["ci_high"]) == pytest.approx((ci.low, ci.high), rel=1e-9)
    assert res["n"] == 64


def test_pearson_needs_variance_and_pairs():
    with pytest.raises(AnalysisError, match="constant"):
        validity.pearson_ci([1, 1, 1, 1, 1], [1, 2, 3, 4, 5])
    with pytest.raises(AnalysisError, match="at least 4"):
        validity.pearson_ci([1, 2, 3], [1, 2, 4])


def test_ols_against_statsmodels(offices):
    preds = ["B53", "B23", "B22_visit", "B22_meeting", "B22_jobfair", "B22_phone"]
    m = validity.ols_model(offices, "B16", preds, "m2")
    ref = sm.OLS(offices["B16"].astype(float), sm.add_constant(offices[preds].astype(float))).fit()
    coef = m.coefficients.set_index("term")
    assert coef["b"].to_numpy() == pytest.approx(ref.params.to_numpy(), rel=1e-9)
    assert coef["se"].to_numpy() == pytest.approx(ref.bse.to_numpy(), rel=1e-9)
    assert coef["p"].to_numpy() == pytest.approx(ref.pvalues.to_numpy(), rel=1e-7)
    assert (m.r2, m.adj_r2, m.f, m.f_p) == pytest.approx((ref.rsquared, ref.rsquared_adj, ref.fvalue, ref.f_pvalue), rel=1e-9)
    # standardised beta = b from the regression of z-scores
    z = (offices[["B16", *preds]] - offices[["B16", *preds]].mean()) / offices[["B16", *preds]].std()
    zref = sm.OLS(z["B16"], z[preds]).fit()
    assert coef.loc[preds, "beta"].to_numpy() == pytest.approx(zref.params.to_numpy(), rel=1e-9)


def test_lagged_correlations_against_shift(panel):
    res = validity.lagged_correlations(panel, "plans", "programmes", max_lag=2, within=True).table.set_index("lag")
    for lag in (-1, 0, 2):
        xs, ys = [], []
        for unit, g in panel.groupby("unit"):
            w = g.pivot(index="period", columns="indicator", values="value").sort_index()
            w = w - w.mean()
            xs.append(w["plans"])
            ys.append(w["programmes"].shift(-lag))  # y at t + lag (the series are complete and monthly)
        x, y = pd.concat(xs), pd.concat(ys)
        ok = y.notna()
        ref = stats.pearsonr(x[ok], y[ok])
        assert res.loc[lag, "r"] == pytest.approx(ref.statistic, rel=1e-9)
        assert res.loc[lag, "n"] == ok.sum()


# ------------------------------------------------------------------------------------------ (c) stability
def test_variance_decomposition_against_anova(panel):
    d = panel[(panel["indicator"] == "plans") & ~panel["unit"].isin(["Oslo", "Norge"])]
    d = d.iloc[:-2]  # unbalanced: drop two months of one unit
    res = stability.variance_decomposition(d, "plans")
    table = sm.stats.anova_lm(smf.ols("value ~ C(unit)", data=d).fit())
    ms_b, ms_w = table.loc["C(unit)", "mean_sq"], table.loc["Residual", "mean_sq"]
    assert (res.ms_between, res.ms_within) == pytest.approx((ms_b, ms_w), rel=1e-9)
    assert res.f == pytest.approx(table.loc["C(unit)", "F"], rel=1e-9)
    assert res.p == pytest.approx(table.loc["C(unit)", "PR(>F)"], rel=1e-7)
    n_j = d.groupby("unit").size()
    n0 = (n_j.sum() - (n_j ** 2).sum() / n_j.sum()) / (len(n_j) - 1)
    assert res.icc == pytest.approx(((ms_b - ms_w) / n0) / ((ms_b - ms_w) / n0 + ms_w), rel=1e-9)


def test_funnel_limits_by_hand():
    shares = pd.Series({"a": 0.63, "b": 0.74, "c": 0.76})
    dens = pd.Series({"a": 1300, "b": 1700, "c": 1600})
    f = stability.funnel(shares, dens, "plans", target=0.75)
    for u in shares.index:
        se = np.sqrt(0.75 * 0.25 / dens[u])
        assert f.units.loc[u, "lo95"] == pytest.approx(0.75 - stats.norm.ppf(0.975) * se, rel=1e-12)
        assert f.units.loc[u, "hi998"] == pytest.approx(0.75 + stats.norm.ppf(0.999) * se, rel=1e-12)
    assert f.units["outside998"].tolist() == [True, False, False]
    pooled = stability.funnel(shares, dens, "plans")
    assert pooled.centre == pytest.approx((shares * dens).sum() / dens.sum())


def test_rank_intervals_exact_binomial():
    x = pd.Series({"a": 90, "b": 85, "c": 50, "d": 48})
    n = pd.Series({"a": 100, "b": 100, "c": 100, "d": 100})
    r = stability.rank_intervals(x, n, "ind").units
    for u in x.index:
        ci = stats.binomtest(int(x[u]), int(n[u])).proportion_ci(0.95, method="exact")
        assert (r.loc[u, "ci_low"], r.loc[u, "ci_high"]) == pytest.approx((ci.low, ci.high), rel=1e-9)
    # a and b overlap, c and d overlap, and the two pairs are apart: by hand
    assert r.loc[["a", "b", "c", "d"], ["rank_best", "rank_worst"]].values.tolist() == [[1, 2], [1, 2], [3, 4], [3, 4]]
    assert r.loc["a", "rank"] == 1


# ------------------------------------------------------------------------------------------- (d) wear-out
def test_wear_out_against_pandas(panel):
    d = panel[~panel["unit"].isin(["Oslo", "Norge"])]
    w = trends.wear_out(d, "plans", target=75)
    g = d[d["indicator"] == "plans"].groupby("period")["value"]
    assert w.periods["sd"].to_numpy() == pytest.approx(g.std().to_numpy(), rel=1e-12)
    assert w.periods["iqr"].to_numpy() == pytest.approx((g.quantile(0.75) - g.quantile(0.25)).to_numpy(), rel=1e-12)
    assert w.periods["share_at_target"].to_numpy() == pytest.approx(g.apply(lambda v: (v >= 75).mean()).to_numpy())
    t = np.arange(len(w.periods))  # consecutive months
    assert w.sd_slope == pytest.approx(stats.linregress(t, g.std().to_numpy()).slope, rel=1e-9)
    # 003's wear-out argument: the spread of plan shares between the three offices shrank over the year
    assert w.sd_slope < 0


# ----------------------------------------------------------------------------------------- (e) decoupling
def test_decoupling_slopes_against_statsmodels(panel):
    cross = pd.DataFrame({"plans": [49, 62, 63, 65, 69], "programmes": [20, 25, 19, 22, 28]})
    dec = trends.decoupling(panel, "plans", "programmes", cross)
    row = dec.trends.set_index("unit").loc["Oslo"]
    g = panel[(panel["unit"] == "Oslo")].pivot(index="period", columns="indicator", values="value").sort_index()
    t = sm.add_constant(np.arange(len(g), dtype=float))
    fe, fh = sm.OLS(g["plans"].to_numpy(float), t).fit(), sm.OLS(g["programmes"].to_numpy(float), t).fit()
    assert row["slope_easy"] == pytest.approx(fe.params[1], rel=1e-9)
    assert row["slope_hard"] == pytest.approx(fh.params[1], rel=1e-9)
    assert row["se_difference"] == pytest.approx(np.hypot(fe.bse[1], fh.bse[1]), rel=1e-9)
    assert dec.cross_section["r"] == pytest.approx(stats.pearsonr(cross["plans"], cross["programmes"]).statistic)


# -------------------------------------------------------------------------------------- (f) audit
@pytest.mark.parametrize("x1,n1,x2,n2,low,high", [
    # Newcombe (1998), Stat Med 17:873-890, Table II, method 10, examples (a)-(d)
    (56, 70, 48, 80, 0.0524, 0.3339),
    (9, 10, 3, 10, 0.1705, 0.8090),
    (6, 7, 2, 7, 0.0582, 0.8062),
    (5, 56, 0, 29, -0.0381, 0.1926),
])
def test_newcombe_method10_published(x1, n1, x2, n2, low, high):
    d = audit.newcombe_gap(x1, n1, x2, n2)
    assert (d["ci_low"], d["ci_high"]) == pytest.approx((low, high), abs=5e-5)  # printed to 4 decimals


def test_wilson_against_statsmodels():
    for x, n in ((0, 10), (25, 100), (47, 100), (100, 100)):
        assert tuple(map(float, wilson_interval(x, n))) == pytest.approx(proportion_confint(x, n, method="wilson"), rel=1e-9, abs=1e-12)


def test_known_scorecard_share_gives_wilson_of_audit():
    d = audit.newcombe_gap(25, 100, 0.63, None)
    lo, hi = proportion_confint(25, 100, method="wilson")
    assert (d["ci_low"], d["ci_high"]) == pytest.approx((lo - 0.63, hi - 0.63), rel=1e-9)


def test_cohen_kappa_against_statsmodels(repo_dir):
    a = pd.read_csv(repo_dir / "questionnaires/scorecards/oslo2012/audit_synthetic.csv")
    pairs = a[["plan_quality", "plan_quality_coder2"]].dropna()
    table = pd.crosstab(pairs["plan_quality"], pairs["plan_quality_coder2"]).reindex(index=[0, 1, 2], columns=[0, 1, 2], fill_value=0)
    ref = sm_kappa(table.to_numpy(), wt=None)
    k = audit.cohen_kappa(a["plan_quality"], a["plan_quality_coder2"])
    assert k["kappa"] == pytest.approx(ref.kappa, rel=1e-9)
    assert k["n"] == len(pairs) == 60


def test_audit_summary_and_flag_rule():
    rows = pd.DataFrame({"unit": ["u"] * 4 + ["v"] * 4, "c": [0, 1, 2, 2, 2, 2, 2, 1], "d": [0, 1, 1, 2, 2, 1, 2, 0]})
    s = audit.audit_summary(rows, ["c", "d"], reference="d")
    sc = s.scores.set_index(["unit", "criterion"])
    assert sc.loc[("u", "c"), ["n0", "n1", "n2"]].tolist() == [1, 1, 2]
    assert sc.loc[("u", "c"), "mean"] == pytest.approx(1.25)
    assert sc.loc[("u", "c"), "strict"] == 0.5 and sc.loc[("u", "c"), "lenient"] == 0.75
    r = s.correlations.set_index("unit").loc["u", "r"]
    assert r == pytest.approx(stats.pearsonr([0, 1, 2, 2], [0, 1, 1, 2]).statistic)
    # flag only at or near target: u is far below target, v near it; both audits far below the scorecard
    many = pd.DataFrame({"unit": ["u"] * 100 + ["v"] * 100, "c": [0] * 80 + [2] * 20 + [0] * 80 + [2] * 20})
    m = audit.measured_vs_audited(pd.Series({"u": 50.0, "v": 72.0}), many, "c", "plans", 75, 5).units.set_index("unit")
    assert m["over_registration"].tolist() == [False, True]
    assert m["at_or_near_target"].tolist() == [False, True]


# ------------------------------------------------------------------------------------------ (g) bunching
def test_bunching_against_binomtest():
    # one counting period Mon 2015-03-02 .. Fri 2015-03-27 (20 weekdays), last 7 days hold 5 weekdays
    cal = [("2015-03", pd.Timestamp("2015-03-02"), pd.Timestamp("2015-03-27"))]
    days = pd.date_range("2015-03-02", "2015-03-27", freq="B")
    dates = [d for d in days for _ in range(2)]            # 2 a day: 40
    dates += [d for d in days[-5:] for _ in range(4)]      # 4 more a day in the last 5 weekdays: 20
    dates += [pd.Timestamp("2015-03-07")]                  # a Saturday: masked
    dates += [pd.Timestamp("2015-03-10")] * 3              # inside a holiday: masked
    b = bunching.deadline_bunching(pd.Series(dates), cal, last_days=7,
                                   holidays=[(pd.Timestamp("2015-03-10"), pd.Timestamp("2015-03-10"))])
    row = b.periods.iloc[0]
    assert (row["eligible_days"], row["window_days"]) == (19, 5)
    assert (row["n"], row["n_window"]) == (40 - 2 + 20, 10 + 20)
    assert b.n_masked == 1 + 3 + 2
    ref = stats.binomtest(30, 58, 5 / 19, alternative="greater")
    assert row["p"] == pytest.approx(ref.pvalue, rel=1e-9)
    assert b.overall["p"] == pytest.approx(ref.pvalue, rel=1e-9)


def test_bunching_on_synthetic_registrations(repo_dir):
    from surveykit.scorecard import load_scorecard
    from surveykit.scorecard.analyse import analyse, load_data

    card = load_scorecard(repo_dir / "questionnaires/scorecards/thomassen2016.yaml")
    res = analyse(card, load_data(card))["bunching"]
    regs = pd.read_csv(repo_dir / "questionnaires/scorecards/thomassen2016/registrations_synthetic.csv")
    assert res["overall"]["n"] + res["n_masked"] + res["n_outside"] == len(regs)  # every row accounted for
    assert res["overall"]["ratio"] > 1.5 and res["overall"]["p"] < 1e-10     # the built-in bunching is found


# --------------------------------------------------------------------------------------- (h) survey link
def _respondents(seed=7):
    rng = np.random.default_rng(seed)
    rows = []
    for k, size in enumerate([12, 9, 15, 7, 10, 3, 8, 11]):  # office 'o5' has 3 respondents: excluded
        level = rng.normal(0, 0.6)
        for _ in range(size):
            rows.append({"office": f"o{k}", "malekort": 3 + level + rng.normal(0, 1), "trivsel": 4 + rng.normal(0, 1)})
    resp = pd.DataFrame(rows)
    ind = pd.DataFrame({"B16": rng.normal(42, 5, 8), "B22": rng.normal(20, 8, 8)}, index=[f"o{k}" for k in range(8)])
    return resp, ind


def test_icc_against_anova():
    resp, _ = _respondents()
    link = survey_link.survey_scorecard_link(resp, "office", ["malekort"], _respondents()[1], min_group_size=1)
    res = link.icc.set_index("index").loc["malekort"]
    table = sm.stats.anova_lm(smf.ols("malekort ~ C(office)", data=resp).fit())
    ms_b, ms_w = table.loc["C(office)", "mean_sq"], table.loc["Residual", "mean_sq"]
    n_j = resp.groupby("office").size()
    k = (len(resp) - (n_j ** 2).sum() / len(resp)) / (len(n_j) - 1)
    assert res["icc1"] == pytest.approx((ms_b - ms_w) / (ms_b + (k - 1) * ms_w), rel=1e-9)
    assert res["icc2"] == pytest.approx((ms_b - ms_w) / ms_b, rel=1e-9)
    assert res["p"] == pytest.approx(table.loc["C(office)", "PR(>F)"], rel=1e-7)


def test_survey_link_min_group_size_correlations_and_regression():
    resp, ind = _respondents()
    link = survey_link.survey_scorecard_link(resp, "office", ["malekort", "trivsel"], ind, outcome="B16", min_group_size=5)
    assert link.excluded == ("o5",)
    assert "o5" not in set(link.offices["office"])
    assert link.icc.set_index("index").loc["malekort", "n_clusters"] == 7
    means = resp[resp["office"] != "o5"].groupby("office")[["malekort", "trivsel"]].mean().join(ind)
    c = link.correlations.set_index(["index", "indicator"]).loc[("malekort", "B16")]
    assert c["r"] == pytest.approx(stats.pearsonr(means["malekort"], means["B16"]).statistic, rel=1e-9)
    assert c["n"] == 7
    ref = sm.OLS(means["B16"], sm.add_constant(means[["malekort", "trivsel"]])).fit()
    assert link.model.adj_r2 == pytest.approx(ref.rsquared_adj, rel=1e-9)
    assert link.model.n == 7
