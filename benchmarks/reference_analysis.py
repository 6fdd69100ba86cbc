"""The reference: Schick's analysis plan scripted the ordinary way, with pandas + pingouin + statsmodels.

This is what a Python user writes without surveykit: read the CSV with pandas, recode with pandas, then
one library call per analysis (per outcome x group, per pair, per item). It is deliberately plain and
not slowed down: no per-row Python, no needless copies, nothing surveykit-specific in the analysis.
The questionnaire YAML is loaded only to read the plan (which items, recodes, outcomes, groups), so the
reference does the same work as ``surveykit run`` on the same file.

What it computes (the stages of ``surveykit run`` minus the report):
  recodes and index scores; frequencies and descriptives; factorability (KMO, Bartlett) and a principal
  axis factor analysis with oblimin rotation per plan; Cronbach's alpha with item-total r and alpha if
  item deleted; per outcome x group a t-test (or ANOVA + Welch ANOVA + Bonferroni pairwise tests) with
  Levene's test and group means; chi-square per crosstab; Pearson r per pair; the hierarchical OLS
  regression with R2 change, standardised betas, VIF, Durbin-Watson and Cook's distance.

Deviations, said plainly:
  * factor_analyzer's ``FactorAnalyzer.fit`` is broken with scikit-learn 1.9, so the extraction and
    rotation use statsmodels' ``Factor`` (method 'pa', then ``rotate('oblimin')``); factor_analyzer is
    still used for KMO and Bartlett's test.
  * No parallel analysis (a typical script does not run one; surveykit does, so this favours the
    reference) and no report, figures or files (the reference's time is analysis only).

Usage: python benchmarks/reference_analysis.py questionnaires/schick2012.yaml data.csv
"""

from __future__ import annotations

import re
import sys
import time
import warnings

import numpy as np
import pandas as pd
import pingouin as pg
import statsmodels.api as sm
from factor_analyzer.factor_analyzer import calculate_bartlett_sphericity, calculate_kmo
from statsmodels.multivariate.factor import Factor
from statsmodels.stats.outliers_influence import variance_inflation_factor
from statsmodels.stats.stattools import durbin_watson

from surveykit.spec.elements import BinRecode, CasesRecode, FreeText, KeywordRecode, MapRecode
from surveykit.spec.questionnaire import load_questionnaire

warnings.filterwarnings("ignore")  # pingouin and statsmodels warn about small groups etc.


def recode(df: pd.DataFrame, q) -> pd.DataFrame:
    """Missing codes to NaN, then each recode rule of the questionnaire, with ordinary pandas."""
    for name, entry in q.raw_variables.items():
        if not isinstance(entry, FreeText) and q.missing_codes_of(name):
            df[name] = df[name].mask(df[name].isin(q.missing_codes_of(name)))
    for rule in q.recode_order():
        if isinstance(rule, MapRecode):
            mapping = {k: v for k, v in rule.map.items()}
            new = df[rule.source].map(mapping)
            if rule.unmapped == "keep":
                new = new.where(df[rule.source].isin(list(mapping)), df[rule.source])
            df[rule.id] = new.astype("float64")
        elif isinstance(rule, KeywordRecode):
            new = df[rule.base].copy() if rule.base else pd.Series(np.nan, index=df.index)
            rows = pd.Series(True, index=df.index)
            for var, codes in rule.when.items():
                rows &= df[var].isin(codes if isinstance(codes, list) else [codes])
            text = df[rule.text].fillna("").str.lower()
            decided = pd.Series(False, index=df.index)
            for kw in rule.rules:
                hit = text.str.contains("|".join(re.escape(k.lower()) for k in kw.keywords))
                take = rows & hit & ~decided
                new[take] = np.nan if kw.value is None else kw.value
                decided |= take
            if rule.otherwise == "missing":
                new[rows & ~decided] = np.nan
            elif rule.otherwise != "keep":
                new[rows & ~decided] = rule.otherwise
            df[rule.id] = new.astype("float64")
        elif isinstance(rule, BinRecode):
            edges = [-np.inf] + [b.upper for b in rule.bins[:-1]] + [np.inf]
            df[rule.id] = pd.cut(df[rule.source], edges, labels=[b.code for b in rule.bins]).astype("float64")
        elif isinstance(rule, CasesRecode):
            conditions = []
            for case in rule.cases:
                cond = pd.Series(True, index=df.index)
                for var, codes in case.when.items():
                    cond &= df[var].isin(codes if isinstance(codes, list) else [codes])
                conditions.append(cond)
            values = [np.nan if c.value is None else c.value for c in rule.cases]
            df[rule.id] = np.select(conditions, values, default=np.nan if rule.default is None else rule.default)
    return df


def score_indices(df: pd.DataFrame, q) -> pd.DataFrame:
    for index in q.indices:
        items = df[index.items].copy()
        scale = q.scales[q.item_map[index.items[0]].scale]
        for item in index.items:
            if item in index.reverse or q.item_map[item].reverse:
                items[item] = scale.min + scale.max - items[item]
        df[index.id] = items.mean(axis=1).where(items.notna().sum(axis=1) >= index.min_valid)
    return df


def reliability(df: pd.DataFrame, q, items: list[str], reverse: list[str]) -> dict:
    data = df[items].copy()
    for item in items:
        if item in reverse or q.item_map[item].reverse:
            scale = q.scales[q.item_map[item].scale]
            data[item] = scale.min + scale.max - data[item]
    data = data.dropna()
    out = {"alpha": pg.cronbach_alpha(data=data), "item_total": {}, "if_deleted": {}}
    for item in items:
        rest = data.drop(columns=item)
        out["item_total"][item] = pg.corr(data[item], rest.sum(axis=1))
        if len(items) > 2:
            out["if_deleted"][item] = pg.cronbach_alpha(data=rest)
    return out


def factor_analysis(df: pd.DataFrame, items: list[str]) -> dict:
    data = df[items]
    corr = data.corr()  # pairwise, as the plan says
    kmo_items, kmo = calculate_kmo(data.dropna())
    chi2, p = calculate_bartlett_sphericity(data.dropna())
    eigenvalues = np.linalg.eigvalsh(corr.to_numpy())[::-1]
    k = int((eigenvalues > 1).sum())  # Kaiser's criterion
    fa = Factor(corr=corr.to_numpy(), n_factor=k, method="pa", nobs=len(data.dropna())).fit()
    if k > 1:
        fa.rotate("oblimin")
    return {"kmo": kmo, "bartlett": (chi2, p), "eigenvalues": eigenvalues, "loadings": fa.loadings}


def compare(df: pd.DataFrame, outcome: str, group: str, min_n: int) -> dict:
    d = df[[outcome, group]].dropna()
    sizes = d[group].value_counts()
    d = d[d[group].isin(sizes.index[sizes >= min_n])]
    out = {"groups": d.groupby(group)[outcome].agg(["count", "mean", "std"]),
           "levene": pg.homoscedasticity(d, dv=outcome, group=group)}
    levels = sorted(d[group].unique())
    if len(levels) == 2:
        out["ttest"] = pg.ttest(d.loc[d[group] == levels[0], outcome], d.loc[d[group] == levels[1], outcome])
    elif len(levels) > 2:
        out["anova"] = pg.anova(data=d, dv=outcome, between=group, detailed=True)
        out["welch"] = pg.welch_anova(data=d, dv=outcome, between=group)
        out["posthoc"] = pg.pairwise_tests(data=d, dv=outcome, between=group, padjust="bonf")
    return out


def hierarchical_regression(df: pd.DataFrame, q, plan) -> dict:
    predictors = [p for block in plan.blocks for p in block.predictors]
    d = df[[plan.outcome, *predictors]].dropna()  # listwise, as SPSS REGRESSION
    columns = {}
    for p in predictors:
        if q.reference_of(p) is not None:  # categorical: dummies against the reference category
            dummies = pd.get_dummies(d[p], prefix=p, dtype=float)
            columns[p] = dummies.drop(columns=f"{p}_{float(q.reference_of(p))}")
        else:
            columns[p] = d[[p]]
    y = d[plan.outcome]
    steps, previous, entered = [], None, []
    for block in plan.blocks:
        entered += block.predictors
        x = pd.concat([columns[p] for p in entered], axis=1)
        fit = sm.OLS(y, sm.add_constant(x)).fit()
        z = (x - x.mean()) / x.std()
        betas = sm.OLS((y - y.mean()) / y.std(), z).fit().params
        change = fit.compare_f_test(previous) if previous is not None else (fit.fvalue, fit.f_pvalue, None)
        steps.append({"r2": fit.rsquared, "adj_r2": fit.rsquared_adj, "f_change": change, "betas": betas})
        previous = fit
    exog = sm.add_constant(x).to_numpy()
    vif = [variance_inflation_factor(exog, i) for i in range(1, exog.shape[1])]
    influence = previous.get_influence()
    return {"steps": steps, "vif": vif, "durbin_watson": durbin_watson(previous.resid),
            "max_cooks_d": float(np.max(influence.cooks_distance[0]))}


def main(questionnaire: str, data: str) -> dict:
    q = load_questionnaire(questionnaire)
    plan = q.analysis
    min_n = plan.min_group_size
    df = pd.read_csv(data)
    df = score_indices(recode(df, q), q)
    results: dict = {}

    categorical = [b.id for b in q.background if b.type != "number"] + [r.id for r in q.recode_order()]
    results["sample"] = {v: df[v].value_counts(normalize=True) for v in dict.fromkeys(categorical)}
    described = dict.fromkeys([v for d in plan.descriptives for v in d.variables] + list(q.index_map))
    results["descriptives"] = {v: (df[v].describe(), df[v].value_counts(normalize=True)) for v in described}

    results["factor"] = {fa.id: factor_analysis(df, fa.items) for fa in plan.factor_analyses}
    results["reliability"] = {i.id: reliability(df, q, i.items, i.reverse) for i in [*q.indices, *plan.reliability]}

    results["comparisons"] = {(c.id, o, g): compare(df, o, g, min_n)
                              for c in plan.comparisons for o in c.outcomes for g in c.groups}
    results["crosstabs"] = {(r, c): pg.chi2_independence(df, x=r, y=c)
                            for x in plan.crosstabs for r in x.rows for c in x.cols if r != c}
    results["correlations"] = {(a, b): pg.corr(df[a], df[b])
                               for c in plan.correlations for i, a in enumerate(c.variables)
                               for b in c.variables[i + 1:]}
    results["regressions"] = {r.id: hierarchical_regression(df, q, r) for r in plan.regressions}
    return results


if __name__ == "__main__":
    start = time.perf_counter()
    res = main(sys.argv[1], sys.argv[2])
    print(f"reference analysis: {len(res['comparisons'])} comparisons, {len(res['crosstabs'])} crosstabs, "
          f"{len(res['correlations'])} correlations in {time.perf_counter() - start:.1f} s")
