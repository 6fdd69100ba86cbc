"""Inference additions of a run: multiple-testing families, survey weights, ICC and random-intercept models.

:func:`add_inference` is called once by :func:`surveykit.pipeline.results.build_results`, after every
test of the plan has its record, and adds (only when the questionnaire declares them):

- ``multiple_testing``: the families of ``analysis.adjust`` and of the plans' ``adjust``; each
  comparison / crosstab record of a family gains ``p_adj``, ``adjust_method``, ``family`` and
  ``family_size`` beside its raw ``p`` (a correlation table gains a ``p_adj`` matrix and the same);
- ``weighted``: the weights of ``analysis.weights`` (population file read and checked here), Kish's
  n_eff and design effect, the margins, weighted means and favourable % with design-based SEs, and
  design-based t-tests beside the unweighted ones;
- ``clustering``: ICC(1), ICC(2) and the design effect of every index by ``analysis.cluster``, and the
  random-intercept models of plans with ``mixed: true``.

The unweighted, unadjusted results are never changed: these are additions beside them.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from surveykit.errors import AnalysisError, DataError, Problem
from surveykit.pipeline.settings import Settings
from surveykit.spec.elements import text_in
from surveykit.spec.questionnaire import Questionnaire


def add_inference(results: dict, q: Questionnaire, frame: pd.DataFrame, masked: pd.DataFrame,
                  settings: Settings, hidden: dict[str, set]) -> None:
    """Add ``multiple_testing``, ``weighted`` and ``clustering`` to ``results`` (in place) as declared."""
    plan = q.analysis
    families = adjust_families(results, q, settings.lang)
    if families:
        results["multiple_testing"] = {"families": families}
    if plan.weights is not None:
        results["weighted"] = weighted_record(results, q, frame, masked, settings, hidden)
    if plan.cluster is not None:
        results["clustering"] = clustering_record(results, q, frame, masked, settings)


# ------------------------------------------------------------------------------------ multiple testing
def _family_specs(q: Questionnaire, lang: str) -> list[dict]:
    """(id, label, method, plans, source) of every family: analysis.adjust's, then each plan's own."""
    plan = q.analysis
    adjust = plan.adjust
    specs, covered = [], set()
    for fam in (adjust.families if adjust else []):
        specs.append({"id": fam.id, "label": text_in(fam.label, lang, fam.id) if fam.label else fam.id,
                      "method": fam.method or adjust.method, "plans": list(fam.plans), "source": "analysis.adjust"})
        covered |= set(fam.plans)
    default = adjust.per_plan if adjust else "none"
    for group in (plan.comparisons, plan.crosstabs, plan.correlations):
        for p in group:
            if p.id in covered:
                continue
            method = p.adjust or default
            if method != "none":
                specs.append({"id": p.id, "label": text_in(p.label, lang, p.id) if p.label else p.id,
                              "method": method, "plans": [p.id],
                              "source": "plan" if p.adjust else "analysis.adjust.per_plan"})
    return specs


def adjust_families(results: dict, q: Questionnaire, lang: str) -> list[dict]:
    """Adjust the p-values of every family; annotate the records; return the families' records."""
    from surveykit.stats.multiple_testing import CONTROLS, adjust_pvalues

    out = []
    for spec in _family_specs(q, lang):
        plans = set(spec["plans"])
        # (record to annotate, setter of p_adj, description of the test, raw p)
        tests: list[tuple[dict, Any, dict, float]] = []
        for rec in results.get("comparisons") or []:
            if rec.get("plan") in plans:
                tests.append((rec, None, {"plan": rec["plan"], "kind": "comparison", "a": rec["outcome"],
                                          "b": rec["group"], "test": rec.get("test")}, rec.get("p")))
        for rec in results.get("crosstabs") or []:
            if rec.get("plan") in plans:
                tests.append((rec, None, {"plan": rec["plan"], "kind": "crosstab", "a": rec["row"],
                                          "b": rec["col"], "test": "chi2"}, rec.get("p")))
        for pid, table in (results.get("correlation_tables") or {}).items():
            if pid not in plans:
                continue
            variables = table["variables"]
            table["p_adj"] = {a: {b: None for b in variables} for a in variables}
            for i, a in enumerate(variables):
                for b in variables[i + 1:]:
                    tests.append((table, (a, b), {"plan": pid, "kind": "correlation", "a": a, "b": b,
                                                  "test": table.get("method")}, table["p"][a][b]))
        p = np.array([np.nan if v is None else float(v) for *_, v in tests], dtype="float64")
        p_adj = adjust_pvalues(p, spec["method"]) if len(p) else p
        size = int(np.sum(~np.isnan(p)))
        rows = []
        for (rec, pair, info, raw), adj in zip(tests, p_adj):
            value = None if np.isnan(adj) else float(adj)
            if pair is None:
                rec["p_adj"] = value
            else:
                rec["p_adj"][pair[0]][pair[1]] = rec["p_adj"][pair[1]][pair[0]] = value
            rec.update(adjust_method=spec["method"], family=spec["id"], family_size=size)
            rows.append({**info, "p": raw, "p_adj": value})
        out.append({**spec, "controls": CONTROLS[spec["method"]], "family_size": size,
                    "n_tests": len(tests), "n_missing_p": len(tests) - size, "tests": rows})
    return out


# ------------------------------------------------------------------------------------------- weights
def _read_table(path: Path, shown: str) -> pd.DataFrame:
    if not path.is_file():
        raise DataError(f"{shown}: population file not found", [Problem("no such file", file=str(path))])
    try:
        if path.suffix.lower() in (".xlsx", ".xls"):
            return pd.read_excel(path, dtype=str)
        return pd.read_csv(path, sep=None, engine="python", dtype=str, encoding="utf-8-sig")
    except Exception as exc:  # noqa: BLE001 - any reader failure is a problem with the file
        raise DataError(f"{shown}: population file cannot be read", [Problem(str(exc), file=shown)]) from None


def read_population(q: Questionnaire, categorical: list[str]) -> list[tuple[str, pd.DataFrame]]:
    """Every population file of ``analysis.weights``, checked: known variables, their codes, counts >= 0.

    Values are returned as numbers (codes as floats, as in the data). All problems of a file are
    reported at once, with the file, the line (header = line 1), the column and the value.
    """
    w = q.analysis.weights
    tables = []
    for shown in w.files:
        raw = _read_table(q.resolve(shown), shown)
        raw.columns = [str(c).strip() for c in raw.columns]
        problems = []
        if w.count not in raw.columns:
            problems.append(Problem(f"no count column {w.count!r} (set weights.count)", file=shown, line=1,
                                    values=tuple(raw.columns)))
        variables = [c for c in raw.columns if c != w.count]
        for c in variables:
            if c not in categorical:
                problems.append(Problem("not a categorical variable of the questionnaire", file=shown, line=1,
                                        column=c))
        if problems:
            raise DataError(f"{shown}: {len(problems)} problem(s) in the population file", problems)
        table = pd.DataFrame(index=raw.index)
        for c in variables:
            codes = q.codes_of(c) or {}
            values = pd.to_numeric(raw[c].str.strip(), errors="coerce")
            for i in np.flatnonzero(values.isna().to_numpy() | ~values.isin(list(codes)).to_numpy()):
                problems.append(Problem(f"not a code of {c!r} (codes: {', '.join(map(str, sorted(codes)))})",
                                        file=shown, line=int(i) + 2, column=c, values=(str(raw[c].iloc[i]),)))
            table[c] = values.astype("float64")
        counts = pd.to_numeric(raw[w.count].str.strip(), errors="coerce")
        for i in np.flatnonzero(counts.isna().to_numpy() | (counts < 0).to_numpy()):
            problems.append(Problem("population count must be a number >= 0", file=shown, line=int(i) + 2,
                                    column=w.count, values=(str(raw[w.count].iloc[i]),)))
        table["count"] = counts
        dup = table[variables].duplicated(keep="first").to_numpy()
        for i in np.flatnonzero(dup):
            problems.append(Problem("category combination appears twice", file=shown, line=int(i) + 2,
                                    values=tuple(str(raw[c].iloc[i]) for c in variables)))
        if problems:
            raise DataError(f"{shown}: {len(problems)} problem(s) in the population file", problems)
        tables.append((shown, table))
    return tables


def population_margins(q: Questionnaire, tables: list[tuple[str, pd.DataFrame]],
                       frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The margins to calibrate to, each summed from the first file holding all its variables; a
    category in the data without a population count is an error naming the file, variable and code."""
    w = q.analysis.weights
    if w.margins is not None:
        margins = [list(m) for m in w.margins]
    elif w.method == "poststratify":
        margins = [[c for c in tables[0][1].columns if c != "count"]]
    else:
        margins = [[c] for _, t in tables for c in t.columns if c != "count"]
        margins = [m for i, m in enumerate(margins) if m not in margins[:i]]
    out = []
    for margin in margins:
        source = next(((name, t) for name, t in tables if set(margin) <= set(t.columns)), None)
        if source is None:
            raise DataError("weights: no population file has every variable of a margin",
                            [Problem(f"margin {' x '.join(margin)}", file=", ".join(w.files))])
        name, table = source
        summed = table.groupby(margin, as_index=False)["count"].sum()
        problems = []
        for var in margin:
            known = set(summed[var])
            present = frame[var].dropna()
            for code, n in present[~present.isin(known)].value_counts().sort_index().items():
                problems.append(Problem(f"category {q.code_label(var, code, 'en')!r} of {var!r} occurs in the data "
                                        f"({n} respondents) but has no population count", file=name, column=var,
                                        values=(str(int(code)) if float(code).is_integer() else str(code),)))
        if problems:
            raise DataError(f"{name}: {len(problems)} problem(s) in the population file", problems)
        out.append((name, summed))
    return out


def _hide_small(table: pd.DataFrame, hidden: dict[str, set], k: int) -> pd.DataFrame:
    """Respondent counts (and unweighted totals) of categories hidden in the sample, or below k, as None."""
    table = table.copy()
    hide = table["respondents"].to_numpy() < k
    for pos, (var, cat) in enumerate(zip(table["variable"], table["category"])):
        if " x " not in var and var in hidden:
            try:
                hide[pos] |= float(cat) in hidden[var]
            except ValueError:
                pass
    for col in ("respondents", "weighted_before"):
        table[col] = table[col].astype(object).where(~hide, None)
    return table


def calibrated_weights(q: Questionnaire, frame: pd.DataFrame):
    """The weights of ``analysis.weights`` for the respondents of ``frame`` (post-stratified or raked to the
    population files), and the margins used: (WeightingResult, [margin tables])."""
    from surveykit.measure.weights import post_stratify, rake
    from surveykit.pipeline.records import categorical_variables

    w = q.analysis.weights
    margins = population_margins(q, read_population(q, categorical_variables(q)), frame)
    populations, notes = [], []
    for _, margin in margins:
        margin, collapsed = _collapse_empty_units(q, margin, frame)
        populations.append(margin)
        notes += collapsed
    try:
        if w.method == "poststratify":
            res = post_stratify(frame, populations[0], trim=w.trim)
        else:
            res = rake(frame, populations, trim=w.trim)
    except AnalysisError as exc:
        raise AnalysisError(f"weights ({', '.join(w.files)}): {exc.headline}", exc.problems) from None
    return (replace(res, notes=tuple(notes) + tuple(res.notes)) if notes else res), populations


def _collapse_empty_units(q: Questionnaire, margin: pd.DataFrame, frame: pd.DataFrame):
    """A unit of the organisation with employees but no respondents cannot carry its own population count:
    its count goes to the sibling unit with the most respondents (or, when no sibling has any, the
    nearest unit with respondents below the same ancestor) - collapsed strata, said in a note. Only for
    a margin on the organisation's unit variable alone; other empty cells stay an error."""
    org = q.organisation
    if org is None or list(margin.columns) != [org.unit_variable, "count"]:
        return margin, []
    var = org.unit_variable
    answered = frame[var].value_counts()
    margin = margin.copy()
    responding = margin[var].map(answered).fillna(0).to_numpy()
    empty = np.flatnonzero((responding == 0) & (margin["count"].to_numpy() > 0))
    if not len(empty):
        return margin, []
    from surveykit.data.units import code_text
    from surveykit.pipeline.organisation import read_unit_tree

    tree = read_unit_tree(q, frame, "data")
    position = {code_text(c): i for i, c in enumerate(margin[var])}
    carriers = {code_text(c): n for c, n in zip(margin[var], responding) if n > 0}
    above = {c: set(tree.ancestors(c)) for c in carriers}  # each carrier's ancestors, found once
    notes, moved = [], {}
    for i in empty:  # the units without respondents (few): shaping, not a loop over respondents
        code = code_text(margin[var].iloc[i])
        target, ancestor = None, code
        while target is None and tree.parent_index[tree.index_of(ancestor)] >= 0:
            ancestor = tree.codes[tree.parent_index[tree.index_of(ancestor)]]
            below = [c for c in carriers if ancestor in above[c]]
            target = max(below, key=lambda c: (carriers[c], -position[c]), default=None)
        if target is None:
            continue  # nobody anywhere: post-stratification reports the empty cell
        moved[i] = position[target]
        notes.append(f"unit {code} ({tree.name(code)}, {int(margin['count'].iloc[i])} employees) has no respondents: "
                     f"weighted together with unit {target} ({tree.name(target)})")
    counts = margin["count"].to_numpy(dtype="float64").copy()
    for i, j in moved.items():
        counts[j] += counts[i]
    keep = np.ones(len(margin), dtype=bool)
    keep[list(moved)] = False
    margin["count"] = counts
    return margin[keep].reset_index(drop=True), notes


def check_weights(q: Questionnaire, frame: pd.DataFrame) -> str:
    """For ``surveykit validate``: the population files checked and the weights made; a summary line."""
    res, _ = calibrated_weights(q, frame)
    files = ", ".join(q.analysis.weights.files)
    line = (f"{files}: weights OK — {res.method} of {res.n} respondents to a population of "
            f"{res.sum_weights:,.0f}; weights {res.min_weight:.3g} to {res.max_weight:.3g}, "
            f"design effect {res.deff:.2f}, effective n {res.n_eff:,.0f}")
    return "\n".join([line, *(f"  note: {n}" for n in res.notes)])


def weighted_record(results: dict, q: Questionnaire, frame: pd.DataFrame, masked: pd.DataFrame,
                    settings: Settings, hidden: dict[str, set]) -> dict:
    from surveykit.compare.weighted import (
        survey_design,
        weighted_mean,
        weighted_means,
        weighted_ttest,
    )

    w = q.analysis.weights
    lang, k = settings.lang, settings.min_group_size
    res, populations = calibrated_weights(q, frame)
    # clusters as primary sampling units only when asked for (weights.clustered): with few clusters, or
    # clusters that are also a weighting margin, the design df and SEs become meaningless
    cluster = q.analysis.cluster.variable if w.clustered else None
    notes = list(res.notes)
    if cluster is not None and frame[cluster].isna().any():
        raise AnalysisError("weights: 'clustered: true' needs a cluster for every respondent",
                            [Problem("missing cluster", column=cluster, n_rows=int(frame[cluster].isna().sum()),
                                     rows=tuple(np.flatnonzero(frame[cluster].isna().to_numpy())[:5].tolist()))])
    design = survey_design(frame, res, cluster=cluster)

    record: dict[str, Any] = {
        "label": text_in(w.label, lang) if w.label else None, "method": res.method, "population": w.files,
        "margins_used": [m.columns.drop("count").tolist() for m in populations], "cluster": cluster,
        **{key: value for key, value in res.to_dict().items() if key not in ("margins", "notes", "method")},
        "margins": _hide_small(res.margins, hidden, k).to_dict(orient="records"), "notes": notes,
    }
    # weighted means of everything described, with the unweighted mean beside
    described = [v for v in (results.get("descriptives") or {}) if q.kind_of(v) in ("item", "index", "number")]
    est = weighted_mean(frame, described, design).table if described else pd.DataFrame()
    record["descriptives"] = {
        row["variable"]: {"label": q.label_of(row["variable"], lang), "n": row["n"],
                          "mean_unweighted": results["descriptives"][row["variable"]].get("mean"),
                          "mean": row["estimate"], "se": row["se"], "ci_low": row["ci_low"],
                          "ci_high": row["ci_high"], "sd": row["sd"], "deff": row["deff"]}
        for row in est.to_dict(orient="records")}
    # favourable %: items on their scale's favourable values, indices at or above the lowest of them
    indicators, unweighted = {}, {}
    for v in described:
        scale = q.scale_of(v)
        if scale is None:
            continue
        y = frame[v].to_numpy(dtype="float64")  # numeric: weighted_mean above took it
        if q.kind_of(v) == "item":
            favourable = np.isin(y, scale.favourable_values)
            unweighted[v] = results["descriptives"][v].get("favourable_pct")
        else:
            favourable = y >= min(scale.favourable_values)
            unweighted[v] = ((results.get("favourable") or {}).get(v) or {}).get("overall_pct")
        indicators[v] = np.where(np.isnan(y), np.nan, favourable)  # 1 favourable, 0 not, NaN no answer
    record["favourable"] = {}
    if indicators:
        fav = weighted_means(indicators, design).table
        for row in fav.to_dict(orient="records"):
            record["favourable"][row["variable"]] = {
                "label": q.label_of(row["variable"], lang), "n": row["n"], "pct_unweighted": unweighted[row["variable"]],
                "pct": 100 * row["estimate"], "se": 100 * row["se"], "ci_low": 100 * row["ci_low"],
                "ci_high": 100 * row["ci_high"]}
    # design-based t-tests beside every two-group comparison
    record["tests"], record["skipped"] = [], []
    for rec in results.get("comparisons") or []:
        if rec.get("test") != "t":
            continue
        try:
            t = weighted_ttest(masked, rec["outcome"], rec["group"], design)
        except AnalysisError as exc:
            record["skipped"].append({"plan": rec["plan"], "outcome": rec["outcome"], "group": rec["group"],
                                      "reason": exc.headline})
            continue
        labels = [q.code_label(rec["group"], g, lang) for g in t.groups]
        record["tests"].append({
            "plan": rec["plan"], "outcome": rec["outcome"], "group": rec["group"], "groups": labels,
            "group_means": {lab: {"n": m["n"], "sum_weights": m["sum_weights"], "mean": m["mean"]}
                            for lab, m in zip(labels, t.group_means.to_dict(orient="records"))},
            "mean_diff": t.mean_diff, "se": t.se, "t": t.t, "df": t.df, "p": t.p, "ci_low": t.ci_low,
            "ci_high": t.ci_high, "n": t.n, "unweighted_statistic": rec.get("statistic"),
            "unweighted_p": rec.get("p")})
    return record


# ---------------------------------------------------------------------------------------- clustering
def clustering_record(results: dict, q: Questionnaire, frame: pd.DataFrame, masked: pd.DataFrame,
                      settings: Settings) -> dict:
    """ICC of every index (or the declared scores) by the cluster variable, and the plans' mixed models.

    Every cluster counts, also those below the minimum group size: the ICC and the models publish
    variance components and coefficients, never a number of one cluster.
    """
    from surveykit.measure.clustering import icc

    c = q.analysis.cluster
    lang = settings.lang
    scores = list(c.scores) if c.scores is not None else [i.id for i in q.indices]
    sizes = frame[c.variable].value_counts()
    record: dict[str, Any] = {
        "label": text_in(c.label, lang) if c.label else None, "variable": c.variable, "k_method": c.k,
        "n_clusters": int(sizes.size), "n_clusters_below_min_group_size": int((sizes < settings.min_group_size).sum()),
        "n_missing_cluster": int(frame[c.variable].isna().sum()), "min_group_size": settings.min_group_size,
        "icc": {}, "notes": [], "mixed": {},
    }
    if scores:
        res = icc(frame, scores, c.variable, k=c.k)
        record["notes"] = list(res.notes)
        for row in res.table.to_dict(orient="records"):
            score = row.pop("score")
            record["icc"][score] = {"label": q.label_of(score, lang), **row}
    for plan in q.analysis.comparisons:
        if plan.mixed:
            record["mixed"][plan.id] = _mixed_comparison(results, q, frame, masked, plan, c.variable)
    for plan in q.analysis.regressions:
        if plan.mixed:
            record["mixed"][plan.id] = _mixed_regression(results, q, frame, masked, plan, c.variable)
    return record


def _dummy(values: pd.Series, code: float) -> pd.Series:
    return (values == code).astype("float64").where(values.notna())


def _fit(data: pd.DataFrame, outcome: str, cluster: str, predictors: list[str]) -> dict:
    from surveykit.measure.clustering import random_intercept

    fit = random_intercept(data, outcome, cluster, predictors=predictors)
    fixed = fit.fixed  # terms as in results.json: "(Intercept)", "variable=code"
    return {"fixed": fixed.to_dict(orient="records"), "cluster_variance": fit.cluster_variance,
            "residual_variance": fit.residual_variance, "icc": fit.icc, "reml_loglik": fit.reml_loglik,
            "n": fit.n, "n_clusters": fit.n_clusters, "converged": fit.converged, "notes": list(fit.notes)}


def _mixed_comparison(results: dict, q: Questionnaire, frame: pd.DataFrame, masked: pd.DataFrame, plan,
                      cluster: str) -> list[dict]:
    """outcome ~ group dummies + (1 | cluster) for every test of the plan, beside its t-test / ANOVA.

    The groups are those the comparison shows (hidden groups are left out, as there); every cluster
    counts. ``ols_estimate`` is the group's mean minus the reference group's mean: the OLS coefficient
    of the dummy in the one-way model, so the two columns compare like with like."""
    out = []
    for rec in results.get("comparisons") or []:
        if rec.get("plan") != plan.id:
            continue
        base = {"outcome": rec["outcome"], "group": rec["group"], "test": rec.get("test"),
                "statistic": rec.get("statistic"), "df": rec.get("df"), "p": rec.get("p")}
        if rec["group"] == cluster:
            out.append({**base, "skipped": "the grouping variable is the cluster variable"})
            continue
        groups = rec.get("groups") or {}
        codes = [g["code"] for g in groups.values()]
        ref = q.reference_of(rec["group"])
        ref = ref if ref in codes else min(codes)
        ref_mean = next(g["mean"] for g in groups.values() if g["code"] == ref)
        data = pd.DataFrame({rec["outcome"]: masked[rec["outcome"]], cluster: frame[cluster]})
        terms, ols = [], {}
        for g in groups.values():
            if g["code"] != ref:
                term = f"{rec['group']}={g['code']}"
                data[term] = _dummy(masked[rec["group"]], float(g["code"]))
                terms.append(term)
                ols[term] = g["mean"] - ref_mean
        data.loc[masked[rec["group"]].isna() | ~masked[rec["group"]].isin(codes), rec["outcome"]] = np.nan
        try:
            fit = _fit(data, rec["outcome"], cluster, terms)
        except AnalysisError as exc:
            out.append({**base, "skipped": exc.headline})
            continue
        for row in fit["fixed"]:
            row["ols_estimate"] = ols.get(row["term"])
        out.append({**base, "reference": ref, **fit})
    return out


def _mixed_regression(results: dict, q: Questionnaire, frame: pd.DataFrame, masked: pd.DataFrame, plan,
                      cluster: str) -> dict:
    """The last step's model with a random intercept by cluster: the same terms (dummies against the
    same reference categories) as the OLS model, whose b and SE are put beside."""
    reg = (results.get("regressions") or {}).get(plan.id) or {}
    coefs = reg.get("coefficients") or []
    last = max((c["step"] for c in coefs), default=0)
    final = {c["term"]: c for c in coefs if c["step"] == last}
    data = pd.DataFrame({plan.outcome: masked[plan.outcome], cluster: frame[cluster]})
    terms = []
    for term in final:
        if term == "(Intercept)":
            continue
        if "=" in term:
            var, code = term.split("=", 1)
            data[term] = _dummy(masked[var], float(code))
        else:
            data[term] = masked[term]
        terms.append(term)
    fit = _fit(data, plan.outcome, cluster, terms)
    for row in fit["fixed"]:
        ols = final.get(row["term"]) or {}
        row["ols_estimate"], row["ols_se"] = ols.get("b"), ols.get("se")
    return {"outcome": plan.outcome, "ols_n": reg.get("n"), **fit}
