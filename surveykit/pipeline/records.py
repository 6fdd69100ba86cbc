"""Result records of each stage as plain dicts (the content of results.json), one function per kind of table.

Longer than 500 lines because it holds one short function per kind of table of every stage; splitting it
by stage is the next step when it grows (records_measure / records_compare / records_model)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from surveykit.pipeline.settings import Settings
from surveykit.spec.elements import BinRecode, text_in
from surveykit.spec.questionnaire import Questionnaire


# ------------------------------------------------------------------------------------------ helpers
def plain_code(value: Any) -> Any:
    """A category code as plain Python: numpy scalars unwrapped, whole floats as int (2.0 -> 2)."""
    value = value.item() if isinstance(value, np.generic) else value
    return int(value) if isinstance(value, float) and value.is_integer() else value


def code_key(value: Any) -> str:
    """The key of a group in results.json: its code as text ("1", "2"), the same in every report language
    (labels stand beside it, in ``label`` fields)."""
    return str(plain_code(value))


def categorical_variables(q: Questionnaire) -> list[str]:
    """Every coded background or derived variable (the ones groups are made of)."""
    names = [b.id for b in q.background if b.type != "number"]
    names += [r.id for r in q.recode_order()]
    return list(dict.fromkeys(names))


def reversed_among(q: Questionnaire, names) -> list[str]:
    """Those of ``names`` that are items declared reverse-keyed (scored in keyed direction in the results)."""
    from surveykit.measure.scoring import reversed_items

    declared = set(reversed_items(q))
    return [n for n in names if n in declared]


def _labels(q: Questionnaire, variables: list[str], lang: str) -> dict[str, dict]:
    return {v: {int(c): text_in(t, lang) for c, t in (q.codes_of(v) or {}).items()} for v in variables}


# ------------------------------------------------------------------------------------------ measure
def _reliability_items(keyed: pd.DataFrame, q: Questionnaire, items: list[str], extra_reverse: list[str]) -> pd.DataFrame:
    """The items of a reliability analysis from the keyed frame, with the items the index or plan reverses
    for itself only reverse-keyed on top (items declared ``reverse: true`` are keyed already)."""
    from surveykit.measure.scoring import reverse_key, reversed_items

    declared = set(reversed_items(q))
    data = keyed[items].astype("float64")
    for item in items:
        if item in extra_reverse and item not in declared:
            scale = q.scales[q.item_map[item].scale]
            data[item] = reverse_key(data[item], scale.min, scale.max)
    return data


def reliability_record(keyed: pd.DataFrame, q: Questionnaire, items: list[str], reverse: list[str],
                       label: str | None) -> dict:
    """Reliability of ``items`` read from the keyed frame (surveykit.measure.scoring.keyed_frame)."""
    from surveykit.measure.reliability import cronbach_alpha

    data = _reliability_items(keyed, q, items, reverse)
    rel = cronbach_alpha(data, missing="listwise")
    stats = rel.item_stats
    record = {
        "label": label, "items": list(items),
        "reverse": [i for i in items if i in reverse or q.item_map[i].reverse],
        "n": rel.n, "missing": rel.missing,
        "alpha": rel.alpha, "alpha_std": rel.alpha_std, "alpha_ci": list(rel.alpha_ci),
        "average_r": rel.average_r, "omega": rel.omega_total,
        "item_means": stats["mean"].to_dict(), "item_sds": stats["sd"].to_dict(),
        "item_total_r": stats["r_drop"].to_dict(), "alpha_if_deleted": stats["alpha_if_deleted"].to_dict(),
        "flags": {"low_item_total": list(rel.low_item_total),
                  "raises_alpha_if_deleted": list(rel.raises_alpha_if_deleted)},
        "warnings": list(rel.warnings),
    }
    if len(items) == 2:
        record.update(r=rel.pearson_r, r_p=rel.pearson_p, spearman_brown=rel.spearman_brown)
    return record


def factor_record(frame: pd.DataFrame, q: Questionnaire, plan, settings: Settings) -> dict:
    from surveykit.measure.correlations import correlation_matrix
    from surveykit.measure.efa import efa
    from surveykit.measure.factorability import factorability
    from surveykit.measure.parallel_analysis import parallel_analysis

    data = frame[list(plan.items)]
    missing = plan.missing or settings.missing
    correlation = correlation_matrix(data, missing)  # once, for all three analyses
    fac = factorability(data, missing=missing, correlation=correlation)
    pa = plan.parallel
    seed = settings.seed if pa.seed is None else pa.seed
    parallel = parallel_analysis(data, n_iter=pa.n_iter, seed=seed, percentile=pa.percentile, missing=missing,
                                 correlation=correlation)
    result = efa(data, n_factors=plan.n_factors, extraction=plan.extraction, rotation=plan.rotation,
                 missing=missing, seed=seed, correlation=correlation, normalize=plan.normalize,
                 gamma=plan.gamma, kappa=plan.kappa, parallel=parallel)
    eig = result.eigenvalues.table
    loadings = result.loadings
    oblique = result.oblique
    return {
        "label": None, "items": list(plan.items), "reversed": reversed_among(q, plan.items), "n": fac.n,
        "missing": missing,
        "n_pairwise_min": fac.n_pairwise_min, "n_pairwise_max": fac.n_pairwise_max,
        "determinant": fac.determinant, "kmo": fac.kmo, "kmo_items": fac.msa.to_dict(),
        "bartlett": {"chi2": fac.bartlett_chi2, "df": fac.bartlett_df, "p": fac.bartlett_p},
        "eigenvalues": eig["eigenvalue"].tolist(), "variance_pct": eig["pct_variance"].tolist(),
        "cumulative_pct": eig["cumulative_pct"].tolist(), "kaiser_n": result.eigenvalues.n_kaiser,
        "parallel": {"mean": parallel.table["random_mean_pca"].tolist(),
                     "p95": parallel.table["random_pct_pca"].tolist(),
                     "percentile": parallel.percentile, "n_factors": parallel.n_factors_pca,
                     "fa_mean": parallel.table["random_mean_fa"].tolist(),
                     "fa_p95": parallel.table["random_pct_fa"].tolist(), "n_factors_fa": parallel.n_factors_fa,
                     "n_iter": parallel.n_iter, "seed": parallel.seed},
        "n_factors": result.n_factors, "n_factors_rule": result.n_factors_rule,
        "extraction": result.extraction, "rotation": result.rotation, "loading_cutoff": plan.loading_cutoff,
        "rotation_options": {"normalize": plan.normalize, "gamma": plan.gamma, "kappa": plan.kappa},
        "loadings": {item: loadings.loc[item].tolist() for item in loadings.index},
        "structure": ({item: result.structure.loc[item].tolist() for item in result.structure.index}
                      if oblique else None),
        "factor_correlations": result.phi.to_numpy().tolist() if oblique else None,
        "communalities": result.communalities.iloc[:, -1].to_dict(),
        "rotated_ss": result.variance["ss_rotation"].tolist(),
        "rotated_variance": {str(c): result.variance[c].tolist() for c in result.variance.columns},
        "primary_factor": {item: int(np.argmax(np.abs(loadings.loc[item].to_numpy()))) for item in loadings.index},
        "converged": result.converged, "iterations": result.iterations, "warnings": list(result.warnings),
    }


# ------------------------------------------------------------------------------------------ compare
def sample_record(counts: dict[str, dict], hidden: dict[str, set], n_rows: int, q: Questionnaire,
                  lang: str) -> dict:
    """Counts and % per published category of each background variable (``counts``: of the published
    coding, merged groups under their smallest code). Hidden groups are left out, and so is every number
    that would give their size: with a hidden group only the shown total and "missing or hidden" are
    given, and % are of the shown total."""
    out = {}
    for name, var_counts in counts.items():
        shown = {code: n for code, n in var_counts.items() if code not in hidden.get(name, set())}
        total = sum(shown.values())
        rec = {"label": q.label_of(name, lang), "n": total}
        if hidden.get(name):
            rec["n_missing_or_hidden"] = n_rows - total
        else:
            rec["n_missing"] = n_rows - total
        rec["counts"] = {code_key(code): {"code": plain_code(code), "label": q.code_label(name, code, lang), "n": n,
                                         "pct": 100.0 * n / total if total else None}
                         for code, n in shown.items()}
        out[name] = rec
    return out


def descriptives_record(frame: pd.DataFrame, q: Questionnaire, variables: list[str], lang: str,
                        min_group_size: int, cache=None, non_substantive: dict | None = None) -> dict:
    """N, mean, SD, ... and the % of each answer per variable. ``non_substantive``: {item: {code: n}} of the
    'don't know' answers (RecodeLog.non_substantive): they are missing in ``frame`` (left out of every
    statistic) and reported beside, as n and % of those who answered the item."""
    from surveykit.compare import describe

    out = {}
    by_scale: dict[Any, list[str]] = {}
    for name in variables:
        scale = q.scale_of(name)
        key = (scale.min, scale.max, tuple(scale.favourable_values)) if scale and q.kind_of(name) == "item" else None
        by_scale.setdefault(key, []).append(name)
    for key, names in by_scale.items():
        kwargs = {}
        if key is not None:
            kwargs = {"scale_values": list(range(key[0], key[1] + 1)), "favourable": list(key[2])}
        table = describe(frame, names, min_group_size=min_group_size, cache=cache, **kwargs)
        for name in names:
            row = table.loc[name]
            rec = {"label": q.label_of(name, lang), "kind": q.kind_of(name)}
            if reversed_among(q, [name]):
                rec["reversed"] = True  # the answers below are keyed (min + max - x)
            for col in ("n", "n_missing", "mean", "sd", "variance", "se", "median", "min", "max"):
                rec[col] = row[col]
            if rec["kind"] == "number":  # a background number (age, tenure): its extremes are people
                _hide_lone_extremes(rec, frame[name], min_group_size)
            rec["modes"] = list(row["modes"]) if isinstance(row.get("modes"), tuple) else None
            if key is not None:
                rec["pct"] = {str(v): row[f"pct_{v}"] for v in range(key[0], key[1] + 1)}
                rec["top2_pct"] = row["pct_top2"]
                rec["top3_pct"] = row["pct_top3"]
                rec["favourable_pct"] = row["pct_favourable"]
            rec["suppressed"] = bool(row.get("suppressed", False))
            declared = q.non_substantive_of(name)
            if declared:
                rec.update(_non_substantive_record(declared, (non_substantive or {}).get(name, {}), rec, lang))
            out[name] = rec
    return out


def _hide_lone_extremes(rec: dict, values: pd.Series, k: int) -> None:
    """The minimum and maximum of a background number are a group of people (those of the oldest
    employees' age): each is shown only when at least k respondents have that value; otherwise it is left
    out and ``not_shown`` says why. (Answers to items are not groups of people: their extremes stay.)"""
    for col in ("min", "max"):
        value = rec.get(col)
        if value is None or not np.isfinite(value):
            continue
        if int((values == value).sum()) < k:
            rec[col] = None
            rec.setdefault("not_shown", {})[col] = f"fewer than {k} respondents have this value"


def _non_substantive_record(declared: dict, counts: dict, rec: dict, lang: str) -> dict:
    """'% don't know' of an item: n and % of those who answered it (substantive + non-substantive)."""
    n_ns = int(sum(counts.values()))
    answered = int(rec["n"]) + n_ns
    pct = lambda n: 100.0 * n / answered if answered else None  # noqa: E731
    return {
        "n_missing": int(rec["n_missing"]) - n_ns,  # not answered (the non-substantive answers are apart)
        "n_answered": answered, "n_non_substantive": n_ns, "non_substantive_pct": pct(n_ns),
        "non_substantive": {str(code): {"label": text_in(label, lang), "n": int(counts.get(code, 0)),
                                        "pct": pct(counts.get(code, 0))} for code, label in declared.items()},
    }


def favourable_record(masked: pd.DataFrame, q: Questionnaire, group_vars: list[str], lang: str,
                      min_group_size: int, cache=None) -> dict:
    """Favourable / neutral / unfavourable % of every item and index, for All and per group (HR view).

    Item: favourable answers / substantive answers (answers on the scale; missing and non-substantive
    codes are in no denominator), after reverse-keying. Index: the same over all answers to its items,
    pooled. Groups are keyed by their code (as text) with the label beside; a group is shown only when
    at least ``min_group_size`` respondents answered (the masked frame has hidden groups already missing).
    """
    from surveykit.compare.favourable import ItemCategories, favourable_shares

    def categories(item: str, reverse: bool) -> ItemCategories:
        scale = q.scales[q.item_map[item].scale]
        return ItemCategories(tuple(scale.favourable_values), tuple(scale.unfavourable_values),
                              tuple(scale.values), reverse=reverse)

    items = [i.id for i in q.items if i.id in masked.columns and i.scale in q.scales]
    # the frame is keyed already (measure.scoring.keyed_frame): reverse-keyed items are in their keyed
    # direction, so only an index's own reversals are applied here
    cats = {i: categories(i, False) for i in items}
    frame = masked
    indices: dict[str, list[str]] = {}
    extra: dict[str, pd.Series] = {}
    for index in q.indices:
        members = []
        for item in index.items:
            if item in index.reverse and not q.item_map[item].reverse:  # reversed for this index only
                alias = f"{index.id}/{item}"
                extra[alias] = masked[item]
                cats[alias] = categories(item, True)
                members.append(alias)
            else:
                members.append(item)
        indices[index.id] = members
    if extra:
        frame = masked.assign(**extra)
    codes = {gv: cache.group_codes(gv)[:2] for gv in group_vars} if cache is not None else None
    table = favourable_shares(frame, cats, indices, group_vars, codes).table
    stats = ["n", "n_answers", "pct_favourable", "pct_neutral", "pct_unfavourable"]
    out: dict = {"definition": "pooled", "group_vars": list(group_vars), "scales": {}, "items": {}, "indices": {}}
    for sid, scale in q.scales.items():
        out["scales"][sid] = {"favourable": scale.favourable_values, "neutral": scale.neutral_values,
                              "unfavourable": scale.unfavourable_values, "min": scale.min, "max": scale.max}
    index_of = {i: index.id for index in q.indices for i in index.items}
    # plain lists, row by row: a pandas filter per variable x grouping variable cost ~0.5 s on Schick's data
    columns = {c: table[c].tolist() for c in ["variable", "kind", "group_var", "group", *stats, "diff_favourable"]}
    for r in range(len(table)):
        name, kind, gv, key = (columns[c][r] for c in ("variable", "kind", "group_var", "group"))
        if name in extra:
            continue
        values = {k: columns[k][r] for k in stats}
        section = out["items" if kind == "item" else "indices"]
        if not isinstance(gv, str):  # the whole sample: the record itself
            rec = {"label": q.label_of(name, lang)}
            if kind == "item":
                rec.update(scale=q.item_map[name].scale, index=index_of.get(name), reversed=q.item_map[name].reverse)
            else:
                index = q.index_map[name]
                rec.update(scale=q.item_map[index.items[0]].scale, items=list(index.items),
                           reversed=[i for i in index.items if i in index.reverse or q.item_map[i].reverse])
            section[name] = {**rec, **values, "groups": {g: {} for g in group_vars}}
        elif values["n"] >= min_group_size:
            code = plain_code(key)
            section[name]["groups"][gv][str(code)] = {"code": code, "label": q.code_label(gv, key, lang), **values,
                                                      "diff_favourable": columns["diff_favourable"][r]}
    return out


def _records(frame: pd.DataFrame) -> list[dict]:
    """``frame.to_dict(orient="records")``, by columns (much faster for the many small tables here)."""
    columns = [frame[c].tolist() for c in frame.columns]
    return [dict(zip(frame.columns, row)) for row in zip(*columns)]


def _t_variant(stat) -> dict:
    """Student's or Welch's t with its CI of the mean difference and r = sqrt(t^2 / (t^2 + df))."""
    r = float(np.sqrt(stat.t ** 2 / (stat.t ** 2 + stat.df))) if np.isfinite(stat.t) else None
    return {"statistic": stat.t, "df": stat.df, "p": stat.p, "se": stat.se, "ci_low": stat.ci_low,
            "ci_high": stat.ci_high, "effect_r": r}


def comparison_records(masked: pd.DataFrame, q: Questionnaire, plan, settings: Settings,
                       cache=None, disclosure=None, frame: pd.DataFrame | None = None) -> tuple[list, list, list]:
    """Records of one comparison plan. ``disclosure`` (a DisclosurePlan) and ``frame`` (unmasked): pairs
    (outcome, group) whose groups are published differently for that outcome (a group with a few answers
    on it) are computed on their own, on exactly the groups shown."""
    from surveykit.compare import breakdown

    kwargs = {"test": "auto", "posthoc": plan.posthoc or settings.posthoc, "min_group_size": settings.min_group_size}
    local = [(o, g) for o in plan.outcomes for g in plan.groups
             if disclosure is not None and disclosure.has_local(o, g)]
    results = []
    if len(local) < len(plan.outcomes) * len(plan.groups):
        result = breakdown(masked, list(plan.outcomes), list(plan.groups), labels=_labels(q, list(plan.groups),
                           settings.lang), cache=cache, **kwargs)
        results.append((result, {k: v for k, v in result.results.items() if k not in local}))
    for outcome, gv in local:
        pq = disclosure.labelled(q._q if hasattr(q, "_q") else q, outcome)
        result = breakdown(disclosure.mask_for(masked, frame, outcome, gv), [outcome], [gv],
                           labels=_labels(pq, [gv], settings.lang), **kwargs)
        results.append((result, result.results))
    records, skipped, suppressed = [], [], []
    order = {(o, g): i for i, (o, g) in enumerate((o, g) for o in plan.outcomes for g in plan.groups)}
    pairs = sorted(((key, res) for _, chosen in results for key, res in chosen.items()),
                   key=lambda kv: order.get(kv[0], len(order)))
    notes = disclosure.records() if disclosure is not None else []
    for (outcome, gv), res in pairs:
        rec = _comparison_record(plan, q, outcome, gv, res)
        # what the disclosure plan merged or hid in this table, and why (never a hidden n)
        rec["disclosure"] = [{k: n[k] for k in ("group", "action", "reason", "where")} for n in notes
                             if n["variable"] == gv and n.get("outcome") in (None, outcome)]
        records.append(rec)
    for result, chosen in results:
        skipped += [{"where": f"comparison {plan.id}", **s} for s in result.skipped]
        # groups a comparison left out itself (not expected after the disclosure plan): no n
        suppressed += [{**{k: v for k, v in s.items() if k != "n"}, "n": None, "action": "hidden",
                        "reason": f"fewer than {settings.min_group_size} answers", "where": f"comparison {plan.id}"}
                       for s in result.suppressed]
    return records, suppressed, skipped


def _comparison_record(plan, q, outcome: str, gv: str, res) -> dict:
    table = res.groups  # columns as lists: DataFrame.to_dict per row costs more than the test itself
    se = table["se"].tolist() if "se" in table else [None] * len(table)
    groups = {code_key(code): {"code": plain_code(code), "label": str(label), "n": int(n), "mean": mean,
                               "sd": sd, "se": e}
              for code, label, n, mean, sd, e in zip(table.index.tolist(), table["label"].tolist(),
                                                     table["n"].tolist(), table["mean"].tolist(),
                                                     table["sd"].tolist(), se)}
    is_t = res.__class__.__name__ == "TTestResult"
    rec = {"plan": plan.id, "outcome": outcome, "group": gv, "test": "t" if is_t else "anova"}
    if reversed_among(q, [outcome]):
        rec["reversed"] = True
    if is_t:
        rec.update(statistic=res.t, df=res.df, p=res.p, effect_r=res.effect_r, reported=res.reported,
                   d=getattr(res, "cohen_d", None), g=getattr(res, "hedges_g", None),
                   mean_diff=res.mean_diff, confidence=res.confidence,
                   student=_t_variant(res.student), welch=_t_variant(res.welch))
    else:
        rec.update(statistic=res.f, df=[res.df_between, res.df_within], p=res.p, effect_r=res.effect_r,
                   eta_sq=getattr(res, "eta_sq", None), omega_sq=getattr(res, "omega_sq", None),
                   ss_between=res.ss_between, ss_within=res.ss_within, ss_total=res.ss_total,
                   ms_between=res.ms_between, ms_within=res.ms_within, df_total=res.df_total)
        welch = getattr(res, "welch", None)
        rec["welch"] = ({"statistic": welch.statistic, "df": [welch.df1, welch.df2], "p": welch.p}
                        if welch is not None else None)
        posthoc = getattr(res, "posthoc", None)
        rec["posthoc"] = (_records(posthoc) if isinstance(posthoc, pd.DataFrame) else None)
    levene = getattr(res, "levene", None)
    rec["levene"] = ({"statistic": levene.statistic, "df1": levene.df1, "df2": levene.df2, "p": levene.p}
                     if levene is not None else None)
    rec["n"] = int(sum(g["n"] for g in groups.values()))
    rec["groups"] = groups
    return rec


def crosstab_record(masked: pd.DataFrame, q: Questionnaire, plan, row: str, col: str, settings: Settings,
                    cache=None, disclosure=None, protection=None) -> dict:
    """One crosstab, protected by collapsing categories (surveykit.privacy.cells): the test and effect size
    are those of the table as shown, or withheld when cells had to be blanked. ``protection``: the
    CellProtection decided with the linked crosstabs (else the table is protected on its own)."""
    from surveykit.compare import crosstab
    from surveykit.privacy.cells import protect_table

    k = settings.min_group_size
    lang = settings.lang
    rv = masked[row].to_numpy(dtype="float64", na_value=np.nan)
    cv = masked[col].to_numpy(dtype="float64", na_value=np.nan)
    prot = protection
    if prot is None:  # on its own (the run decides its crosstabs together: no table count needed here)
        both = ~np.isnan(rv) & ~np.isnan(cv)
        rkeys, rpos = np.unique(rv[both], return_inverse=True)
        ckeys, cpos = np.unique(cv[both], return_inverse=True)
        counts = np.zeros((len(rkeys), len(ckeys)), dtype=np.int64)
        np.add.at(counts, (rpos, cpos), 1)
        ordinal = lambda v: bool(disclosure and v in disclosure.codings and disclosure.codings[v].ordinal)  # noqa: E731
        prot = protect_table(counts, k, rkeys.tolist(), ckeys.tolist(), row_ordinal=ordinal(row),
                             col_ordinal=ordinal(col))
    labels = _labels(q, [row, col], lang)
    data, merged = masked, {"rows": [], "cols": []}
    if prot.merged:
        changed = {}
        for name, groups, values, key in ((row, prot.row_groups, rv, "rows"), (col, prot.col_groups, cv, "cols")):
            out = values.copy()
            for members in groups:
                if len(members) > 1:
                    out[np.isin(values, members)] = min(members)
                    real_q = getattr(q, "_q", q)
                    text = (disclosure.merged_label(real_q, name, disclosure.original_members(name, members), lang)
                            if disclosure is not None else " / ".join(q.code_label(name, m, lang) for m in members))
                    labels[name][int(min(members))] = text
                    merged[key].append(text)
            changed[name] = out
        data = masked[[row, col]].assign(**changed)
        cache = None
    res = crosstab(data, row, col, min_group_size=1, labels=labels, cache=cache)
    hide = prot.hidden
    label = lambda name, code: labels[name].get(int(code), q.code_label(name, code, lang))  # noqa: E731

    def table(frame: pd.DataFrame) -> dict:
        values = frame.to_numpy(dtype="float64")
        return {code_key(r): {code_key(c): (None if hide[i, j] else values[i, j]) for j, c in enumerate(frame.columns)}
                for i, r in enumerate(frame.index)}

    withheld = prot.test_withheld
    test = (lambda x: None) if withheld else (lambda x: x)  # noqa: E731
    return {"plan": plan.id, "row": row, "col": col, "n": res.n, "chi2": test(res.chi2), "df": test(res.df),
            "p": test(res.p), "cramers_v": test(res.cramers_v), "phi": test(res.phi), "association": res.association,
            "fisher_p": test(res.fisher_p_two_sided), "expected_below_5_pct": test(res.pct_cells_expected_lt5),
            "expected_warning": test(res.expected_warning), "min_expected": test(res.min_expected),
            "counts": table(res.counts), "row_pct": table(res.row_pct), "col_pct": table(res.col_pct),
            "row_labels": {code_key(r): label(row, r) for r in res.counts.index},
            "col_labels": {code_key(c): label(col, c) for c in res.counts.columns},
            "hidden_cells": int(hide.sum()), "merged_rows": merged["rows"], "merged_cols": merged["cols"],
            "test_withheld": withheld}


def correlation_record(frame: pd.DataFrame, q: Questionnaire, variables: list[str], method: str,
                       computed=None) -> dict:
    """r, p and n of ``variables``. ``computed``: a Pearson correlation_matrix result holding all of them
    (pairwise r, p and n of a pair do not depend on the other variables, so its entries are the same)."""
    from surveykit.compare import correlation_matrix

    if computed is not None and method == "pearson" and set(variables) <= set(computed.r.columns):
        res = computed
    else:
        res = correlation_matrix(frame, variables, method=method)
    as_nested = lambda m: {a: {b: m.loc[a, b] for b in variables} for a in variables}  # noqa: E731
    return {"variables": list(variables), "method": method, "r": as_nested(res.r), "p": as_nested(res.p),
            "n": as_nested(res.n), "reversed": reversed_among(q, variables)}


# ------------------------------------------------------------------------------------------ regression
def regression_record(masked: pd.DataFrame, q: Questionnaire, plan, settings: Settings) -> dict:
    from surveykit.model.regression import (
        hierarchical_regression,
        predictor_correlations,
    )

    predictors = [p for b in plan.blocks for p in b.predictors]
    categorical = [p for p in predictors if q.codes_of(p) and q.kind_of(p) in ("single", "yesno", "derived")
                   and not _is_ordinal_numeric(q, p)]
    references = {p: q.reference_of(p) for p in categorical if q.reference_of(p) is not None}  # published codes
    # Dummy names are variable=code: stable across languages (labels are for the report).
    labels = {p: {int(c): str(int(c)) for c in (q.codes_of(p) or {})} for p in categorical}
    res = hierarchical_regression(masked, plan.outcome, [list(b.predictors) for b in plan.blocks],
                                  categorical=categorical, references=references, labels=labels)
    screen = predictor_correlations(masked, [plan.outcome, *[p for p in predictors if p not in categorical]],
                                    threshold=plan.screen_threshold)

    def term(name: str) -> str:
        """One key convention in results.json: '(Intercept)', 'variable=code' for a dummy, else the id."""
        for var in categorical:
            if name.startswith(f"{var}[") and name.endswith("]"):
                return f"{var}={name[len(var) + 1:-1]}"
        return name

    coefs = res.coefficients.copy()
    coefs["term"] = coefs["term"].map(term)
    steps = res.steps.copy()
    # steps are numbered from 0 in results.json (docs/results-json.md), as are all positions there
    base = int(steps["step"].min())
    steps["step"] -= base
    coefs["step"] -= base
    diag = res.diagnostics
    rename = lambda d: {term(k): v for k, v in d.items()}  # noqa: E731
    return {
        "label": text_in(plan.label, settings.lang, plan.id) if plan.label else plan.id,
        "outcome": plan.outcome, "n": res.n, "n_excluded": res.missing.n_excluded, "missing": "listwise",
        "blocks": [list(b.predictors) for b in plan.blocks],
        "reversed": reversed_among(q, [plan.outcome, *predictors]),
        "references": {k: plain_code(v) for k, v in res.references.items()},
        "steps": steps.to_dict(orient="records"),
        "coefficients": coefs.to_dict(orient="records"),
        "diagnostics": {
            "vif": rename(diag.vif.to_dict() if hasattr(diag.vif, "to_dict") else diag.vif),
            "tolerance": rename(diag.tolerance.to_dict() if hasattr(diag.tolerance, "to_dict") else diag.tolerance),
            "durbin_watson": diag.durbin_watson, "max_cooks_d": diag.max_cooks_d,
            "n_cooks_d_above_1": diag.n_cooks_d_above_1,
            "pct_zresid_beyond_2": diag.pct_zresid_beyond_2, "pct_zresid_beyond_2_5": diag.pct_zresid_beyond_2_5,
            "n_zresid_beyond_3": diag.n_zresid_beyond_3, "max_abs_dfbeta": rename(diag.dfbeta_max),
            "max_abs_sdbeta": rename(diag.sdbeta_max),
        },
        "screen": [{"x": r["x"], "y": r["y"], "r": r["r"], "n": r["n"], "flagged": bool(r["flagged"])}
                   for r in screen.pairs.to_dict(orient="records")],
    }


def _is_ordinal_numeric(q: Questionnaire, name: str) -> bool:
    """Derived variables declared without a reference category and coded 0..k ascending (e.g. start year
    coded 0 = before 2006) enter a regression as numbers, as Schick entered them."""
    rule = q.recode_map.get(name)
    return rule is not None and rule.reference is None and not isinstance(rule, BinRecode) and \
        q.reference_of(name) is None and bool(q.codes_of(name)) and min(q.codes_of(name)) == 0


