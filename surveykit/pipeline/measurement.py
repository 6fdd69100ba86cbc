"""Records of the measurement-model analyses (the content of results.json): confirmatory factor analysis
with measurement invariance, the invariance gate on comparisons, EFA and alpha on polychoric correlations,
and omega hierarchical.

:func:`add_measurement_results` is called once from :func:`surveykit.pipeline.results.build_results`, after
the factor analyses, reliability and comparisons are in ``results``: it adds ``results["cfa"]``, the
``ordinal`` part of ordinal factor-analysis plans, ``ordinal_alpha`` and ``omega_hierarchical`` of
reliability plans and indices, and ``invariance_ok`` on the comparison records a CFA's invariance gates.
"""

from __future__ import annotations

from contextlib import contextmanager

import pandas as pd

from surveykit.errors import AnalysisError
from surveykit.pipeline.records import plain_code
from surveykit.pipeline.settings import Settings
from surveykit.spec.elements import text_in
from surveykit.spec.measurement import CFAPlan, cfa_factors, cfa_indices, gated_outcomes
from surveykit.spec.questionnaire import Questionnaire

FIT_KEYS = ("chi2", "df", "p", "cfi", "tli", "rmsea", "rmsea_ci_lower", "rmsea_ci_upper", "rmsea_p_close", "srmr",
            "aic", "bic", "loglik", "n_parameters", "baseline_chi2", "baseline_df")
MODEL_KEYS = ("model", "chi2", "df", "p", "cfi", "tli", "rmsea", "rmsea_ci_lower", "rmsea_ci_upper", "srmr", "aic",
              "bic", "n_parameters", "delta_chi2", "delta_df", "p_delta", "delta_cfi", "delta_rmsea", "delta_srmr",
              "holds", "srmr_within")


def cfa_models(frame: pd.DataFrame, masked: pd.DataFrame, q: Questionnaire, settings: Settings) -> dict:
    """Every CFA of the plan and its invariance test, fitted (independent of the other results, so a run
    can fit them beside its other analyses): {id: (record or AnalysisError, invariance or AnalysisError)}."""
    out = {}
    for entry in q.analysis.cfa:
        try:
            record = cfa_record(frame, q, entry, settings)
        except AnalysisError as exc:
            out[entry.id] = (exc, None)
            continue
        invariance = None
        if entry.invariance is not None:
            try:
                invariance = invariance_record(frame, masked, q, entry, settings)
            except AnalysisError as exc:
                invariance = exc
        out[entry.id] = (record, invariance)
    return out


def add_measurement_results(results: dict, frame: pd.DataFrame, masked: pd.DataFrame, q: Questionnaire,
                            prepared, settings: Settings, fitted: dict | None = None) -> None:
    """Add every measurement-model result of the plan to ``results`` (in place); see the module docstring.

    ``frame`` holds the items and index scores; ``masked`` is the same frame with groups below the minimum
    size hidden, from which the invariance groups are taken (a hidden group is never analysed apart).
    ``fitted``: :func:`cfa_models` when the run fitted them already.
    """
    plan = q.analysis
    for fa in plan.factor_analyses:
        if fa.ordinal and fa.id in (results.get("factor_analyses") or {}):
            with where(prepared, f"factor analysis {fa.id!r} (ordinal)"):
                results["factor_analyses"][fa.id]["ordinal"] = ordinal_factor_record(
                    frame, q, fa, results["factor_analyses"][fa.id], settings)
    for index in q.indices:
        if getattr(index, "ordinal", False) and index.id in (results.get("indices") or {}):
            with where(prepared, f"index {index.id!r} (ordinal alpha)"):
                results["indices"][index.id]["ordinal_alpha"] = ordinal_alpha_record(
                    frame, q, list(index.items), list(index.reverse))
    for rel in plan.reliability:
        record = (results.get("reliability") or {}).get(rel.id)
        if record is None:
            continue
        if rel.ordinal:
            with where(prepared, f"reliability {rel.id!r} (ordinal alpha)"):
                record["ordinal_alpha"] = ordinal_alpha_record(frame, q, list(rel.items), list(rel.reverse))
        if rel.omega is not None:
            with where(prepared, f"reliability {rel.id!r} (omega)"):
                record["omega_hierarchical"] = omega_record(frame, q, rel, settings)
    results["cfa"] = {}
    fitted = cfa_models(frame, masked, q, settings) if fitted is None else fitted
    for entry in plan.cfa:
        record, invariance = fitted[entry.id]
        with where(prepared, f"CFA {entry.id!r}"):
            if isinstance(record, AnalysisError):
                raise record
        if entry.invariance is not None:
            if isinstance(invariance, AnalysisError):  # e.g. a group too small for its own covariances: say so
                reason = invariance.headline
                invariance = {"group": entry.invariance.group, "error": reason,
                              "metric_holds": None, "scalar_holds": None}
                results.setdefault("skipped", []).append({"where": f"cfa {entry.id} invariance", "reason": reason})
            record["invariance"] = invariance
        results["cfa"][entry.id] = record
    gate_comparisons(results, q)


@contextmanager
def where(prepared, what: str):
    """Prefix an AnalysisError with the data file and the analysis ("data.csv: CFA 'x': ..."), as the
    other analyses of a run do."""
    try:
        yield
    except AnalysisError as exc:
        prefix = f"{prepared.path.name}: {what}: "
        if exc.headline.startswith(prefix):
            raise
        raise AnalysisError(prefix + exc.headline, exc.problems) from None


def keyed_items(frame: pd.DataFrame, q: Questionnaire, items: list[str], extra_reverse: list[str]) -> pd.DataFrame:
    """The items as float, keyed as the indices and Cronbach's alpha score them. The run's frame is keyed
    already (measure.scoring: items declared reverse-keyed are reversed there), so only ``extra_reverse`` (an
    index's or plan's own reverse list) is applied here, to items not reversed already."""
    from surveykit.measure.scoring import reverse_key

    data = frame[items].astype("float64")
    for item in items:
        if item in extra_reverse and not q.item_map[item].reverse:
            scale = q.scales[q.item_map[item].scale]
            data[item] = reverse_key(data[item], scale.min, scale.max)
    return data


# ------------------------------------------------------------------------------------------------ CFA
def _cfa_data(frame: pd.DataFrame, q: Questionnaire, plan: CFAPlan) -> tuple[pd.DataFrame, dict, list[str]]:
    """The items of a CFA, reverse-keyed as in the indices they stand for, with the factors and the reversed."""
    factors = cfa_factors(q, plan)
    items = list(dict.fromkeys(i for its in factors.values() for i in its))
    index_of = cfa_indices(q, plan)
    extra = [i for f, idx in index_of.items() for i in q.index_map[idx].reverse if i in factors[f]]
    data = keyed_items(frame, q, items, extra)
    reverse = [i for i in items if i in extra or q.item_map[i].reverse]
    return data, factors, reverse


def cfa_record(frame: pd.DataFrame, q: Questionnaire, plan: CFAPlan, settings: Settings) -> dict:
    """One CFA entry: fit, standardised loadings with SE, factor correlations, modification indices, CR/AVE."""
    from surveykit.measure.cfa import cfa

    data, factors, reverse = _cfa_data(frame, q, plan)
    res = cfa(data, factors, estimator=plan.estimator, missing="listwise", std_lv=plan.std_lv,
              mi_threshold=plan.mi_threshold)
    loadings = res.loadings()
    correlations = res.factor_correlations()
    residuals = res.residual_variances()
    mi = res.modification_indices.sort_values("mi", ascending=False, kind="stable")
    return {
        "label": text_in(plan.label, settings.lang, plan.id) if plan.label else plan.id,
        "factors": factors, "indices": cfa_indices(q, plan), "reverse": reverse,
        "estimator": res.estimator, "missing": res.missing, "std_lv": res.std_lv,
        "n": res.n, "n_dropped": res.n_dropped, "n_rows": len(data),
        "fit": {key: getattr(res, key) for key in FIT_KEYS},
        "robust": res.robust,
        "loadings": loadings[["factor", "item", "est", "se", "z", "p", "std_all", "se_std"]].to_dict("records"),
        "factor_correlations": correlations[["lhs", "rhs", "est", "se", "p", "std_all", "se_std", "p_std"]]
        .to_dict("records"),
        "residual_variances": residuals[["item", "est", "se", "std_all"]].to_dict("records"),
        "mi_threshold": plan.mi_threshold,
        "modification_indices": mi[["lhs", "op", "rhs", "mi", "epc", "sepc_all"]].to_dict("records"),
        "reliability": {row["factor"]: {k: row[k] for k in ("n_items", "cr", "ave", "omega")}
                        for row in res.reliability.to_dict("records")},
        "converged": res.converged, "iterations": res.iterations, "warnings": list(res.warnings),
        "invariance": None,
    }


def invariance_record(frame: pd.DataFrame, masked: pd.DataFrame, q: Questionnaire, plan: CFAPlan,
                      settings: Settings) -> dict:
    """Configural, metric and scalar models across the CFA's invariance group, with Chen's (2007) decision."""
    from surveykit.measure.invariance import measurement_invariance

    group = plan.invariance.group
    data, factors, _ = _cfa_data(frame, q, plan)
    data[group] = masked[group].to_numpy()
    estimator = plan.invariance.estimator or plan.estimator
    res = measurement_invariance(data, factors, group, std_lv=False, estimator=estimator)
    groups = []
    for label in res.group_labels:
        try:
            code = plain_code(float(label))
        except ValueError:
            code = label
        groups.append({"code": code, "label": q.code_label(group, code, settings.lang), "n": res.group_n[label]})
    crit = res.criteria
    return {
        "group": group, "estimator": res.estimator, "n": res.n, "n_dropped": res.n_dropped, "groups": groups,
        "models": [{k: row.get(k) for k in MODEL_KEYS} for row in res.table.to_dict("records")],
        "metric_holds": res.metric_holds, "scalar_holds": res.scalar_holds,
        "criteria": {"delta_cfi": crit.delta_cfi, "delta_rmsea": crit.delta_rmsea,
                     "delta_srmr_metric": crit.delta_srmr_metric, "delta_srmr_scalar": crit.delta_srmr_scalar,
                     "n_rule": crit.n_rule},
        "criteria_text": res.criteria_text, "converged": res.converged,
    }


def gate_comparisons(results: dict, q: Questionnaire) -> None:
    """Mark the comparison records a CFA's invariance gates: ``invariance_ok`` true, false, or null (untested).

    The comparisons are computed either way; the mark says whether the group means may be compared (the
    index measures the same construct on the same scale in every group) at the level the plan requires.
    """
    for comp in q.analysis.comparisons:
        plan, gated = gated_outcomes(q, comp)
        if plan is None or not gated:
            continue
        level = comp.require_invariance.level
        inv = (results["cfa"].get(plan.id) or {}).get("invariance") or {}
        ok = inv.get(f"{level}_holds")
        group = plan.invariance.group
        marked = []
        for rec in results.get("comparisons") or []:
            if rec.get("plan") == comp.id and rec.get("outcome") in gated and rec.get("group") == group:
                rec["invariance_ok"] = ok
                rec["invariance"] = {"cfa": plan.id, "level": level, "group": group}
                marked.append(rec["outcome"])
        results["cfa"][plan.id].setdefault("gates", []).append(
            {"plan": comp.id, "outcomes": marked, "group": group, "level": level, "invariance_ok": ok})


# ------------------------------------------------------------------------------------------- ordinal
def n_categories(q: Questionnaire, items: list[str]) -> list[int]:
    """The numbers of ordered categories of the items' scales (usually one number)."""
    return sorted({q.scale_of(i).max - q.scale_of(i).min + 1 for i in items if q.scale_of(i) is not None})


def ordinal_factor_record(frame: pd.DataFrame, q: Questionnaire, plan, pearson: dict, settings: Settings) -> dict:
    """The plan's EFA on the polychoric correlations (psych ``fa(cor="poly")``).

    The number of factors: the plan's number; Kaiser's rule on the polychoric eigenvalues; or, for
    ``parallel``, the number the (Pearson) parallel analysis retained.
    """
    from surveykit.measure.efa import efa
    from surveykit.measure.factorability import factorability
    from surveykit.measure.polychoric import polychoric_matrix

    data = frame[list(plan.items)].astype("float64")
    missing = plan.missing or settings.missing
    used = data.dropna() if missing == "listwise" else data
    pc = polychoric_matrix(used)
    n_factors = plan.n_factors if plan.n_factors != "parallel" else pearson.get("n_factors")
    result = efa(used, n_factors=n_factors, extraction=plan.extraction, rotation=plan.rotation,
                 missing=missing, seed=settings.seed, correlation=(pc.rho, pc.n))
    fac = factorability(used, missing=missing, correlation=(pc.rho, pc.n))
    eig = result.eigenvalues.table
    loadings = result.loadings
    n = pc.n.to_numpy()
    return {
        "correlation": "polychoric", "n_categories": n_categories(q, list(plan.items)), "missing": missing,
        "n": len(used) if missing == "listwise" else int(n.min()),
        "n_pairwise_min": int(n.min()), "n_pairwise_max": int(n.max()),
        "smoothed": pc.smoothed, "min_eigenvalue": pc.min_eigenvalue, "kmo": fac.kmo,
        "eigenvalues": eig["eigenvalue"].tolist(), "variance_pct": eig["pct_variance"].tolist(),
        "n_factors": result.n_factors,
        "n_factors_rule": "parallel (Pearson)" if plan.n_factors == "parallel" else result.n_factors_rule,
        "extraction": result.extraction, "rotation": result.rotation,
        "loadings": {item: loadings.loc[item].tolist() for item in loadings.index},
        "factor_correlations": result.phi.to_numpy().tolist() if result.oblique else None,
        "communalities": result.communalities.iloc[:, -1].to_dict(),
        "rotated_ss": result.variance["ss_rotation"].tolist(),
        "converged": result.converged, "warnings": list(result.warnings),
    }


def ordinal_alpha_record(frame: pd.DataFrame, q: Questionnaire, items: list[str], reverse: list[str]) -> dict:
    """Ordinal alpha on the respondents Cronbach's alpha uses (listwise complete), reverse-keyed alike."""
    from surveykit.measure.polychoric import ordinal_alpha

    data = keyed_items(frame, q, items, reverse).dropna()
    res = ordinal_alpha(data)
    return {"alpha": res.alpha, "n": len(data), "n_items": res.n_items, "missing": "listwise",
            "n_categories": n_categories(q, items), "smoothed": res.polychoric.smoothed,
            "min_eigenvalue": res.polychoric.min_eigenvalue}


def omega_record(frame: pd.DataFrame, q: Questionnaire, plan, settings: Settings) -> dict:
    """Omega hierarchical and total (psych ``omega``), on the plan's items reverse-keyed as for alpha."""
    from surveykit.measure.omega import omega

    data = keyed_items(frame, q, list(plan.items), list(plan.reverse))
    opts = plan.omega
    res = omega(data, n_factors=opts.n_factors, missing=settings.missing, ordinal=plan.ordinal,
                n_boot=opts.n_boot, ci=opts.ci, seed=settings.seed)
    sl = res.schmid_leiman
    return {
        "omega_h": res.omega_h, "omega_total": res.omega_total, "omega_limit": res.omega_limit,
        "alpha": res.alpha, "ecv": res.ecv, "n": res.n, "missing": res.missing, "ordinal": res.ordinal,
        "n_factors": res.n_factors, "flipped": list(res.flipped),
        "general_loadings": sl["g"].to_dict(), "communalities": sl["h2"].to_dict(),
        "group_factor_correlations": res.phi.to_numpy().tolist(),
        "ci": {k: list(v) for k, v in res.ci.items()}, "ci_level": res.ci_level, "n_boot": res.n_boot,
        "seed": res.seed if res.n_boot else None, "warnings": list(res.warnings),
    }
