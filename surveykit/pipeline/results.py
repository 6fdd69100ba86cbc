"""Compose the stages into the results of one run (the content of results.json)."""

from __future__ import annotations

import json
import random
from typing import Callable

import pandas as pd

from surveykit import __version__
from surveykit.data.prepare import PreparedData
from surveykit.errors import AnalysisError
from surveykit.jsonsafe import to_jsonable
from surveykit.pipeline.records import (
    categorical_variables,
    comparison_records,
    correlation_record,
    crosstab_record,
    descriptives_record,
    factor_record,
    favourable_record,
    regression_record,
    reliability_record,
    sample_record,
    score_indices,
)
from surveykit.pipeline.measurement import add_measurement_results
from surveykit.pipeline.replication import replication_records
from surveykit.pipeline.settings import Settings
from surveykit.privacy.suppression import mask_small_groups
from surveykit.spec.elements import text_in
from surveykit.spec.questionnaire import Questionnaire
from surveykit.stats.codes import code_counts


# ------------------------------------------------------------------------------------------ compose
class _Context:
    """Prefix an AnalysisError with where it happened: data file and analysis, e.g. "data.csv: index 'x': ..."."""

    def __init__(self, prepared: PreparedData, what: str):
        self.prefix = f"{prepared.path.name}: {what}: "

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if isinstance(exc, AnalysisError) and not exc.headline.startswith(self.prefix):
            raise AnalysisError(self.prefix + exc.headline, exc.problems) from None
        return False


def build_results(q: Questionnaire, prepared: PreparedData, settings: Settings,
                  progress: Callable[[str], None] | None = None) -> tuple[dict, pd.DataFrame]:
    """Run every analysis of the plan; return the results dict and the analysis frame (with index scores).

    BLAS runs on one thread meanwhile: the matrices here are narrow (respondents x a few dozen items),
    where BLAS threads gain nothing and, spinning while they wait, take the core the second analysis
    thread needs.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        return _build_results(q, prepared, settings, progress)


def _build_results(q: Questionnaire, prepared: PreparedData, settings: Settings,
                   progress: Callable[[str], None] | None = None) -> tuple[dict, pd.DataFrame]:
    step = progress or (lambda name: None)
    plan = q.analysis
    k = settings.min_group_size

    step("indices")
    from surveykit.compare import FrameCache

    frame = score_indices(prepared.frame, q)
    categorical = [c for c in categorical_variables(q) if c in frame.columns]
    # group codes of every categorical variable, made once: the sample counts come from them, and
    # the comparisons reuse them for every variable suppression leaves unchanged
    unmasked = FrameCache(frame, value_codes=prepared.value_codes)
    counts = {}
    for name in categorical:
        if pd.api.types.is_numeric_dtype(frame[name]):
            codes, keys, sizes = unmasked.group_codes(name)
            counts[name] = {float(key): int(size) for key, size in zip(keys, sizes[:-1])}
        else:
            counts[name] = code_counts(frame[name])
    masked, suppressed = mask_small_groups(frame, categorical, k, counts)
    cache = FrameCache(masked)  # shared by descriptives, comparisons, favourable % and crosstabs
    hidden_in = {s["variable"] for s in suppressed}
    cache.reuse(unmasked, [c for c in frame.columns if c not in hidden_in])
    del unmasked
    hidden: dict[str, set] = {}
    for s in suppressed:
        hidden.setdefault(s["variable"], set()).add(float(s["group"]))
    for s in suppressed:
        s["where"] = "all tables, figures and tests"

    results: dict = {
        "surveykit_version": __version__,
        "questionnaire": {"id": q.meta.id, "title": text_in(q.meta.title, settings.lang), "citation": q.meta.citation,
                          "synthetic": bool(q.sample and q.sample.synthetic and prepared.path.resolve()
                                            == q.resolve(q.sample.file))},
        "data": {"file": prepared.path.name, "n_rows": prepared.n_respondents},
        "n_respondents": prepared.n_respondents,
        "settings": {"lang": settings.lang, "alpha": settings.alpha, "min_group_size": k,
                     "missing": settings.missing, "posthoc": settings.posthoc, "seed": settings.seed},
        "missing_data": {
            "rule": settings.missing, "reliability": "listwise", "comparisons": "pairwise (per test)",
            "regressions": "listwise", "missing_codes": prepared.recode_log.missing_codes,
            "out_of_range_set_missing": prepared.out_of_range_set_missing, "recodes": prepared.recode_log.rules,
            "notes": prepared.warnings,
        },
        "sample": sample_record(counts, hidden, prepared.n_respondents, q, settings.lang),
    }

    # Regressions and reliability need nothing the other analyses produce, and their heavy parts (QR,
    # matrix products, array arithmetic) run in numpy without the GIL: they are computed on a second
    # thread while this one does the comparisons, factor analyses and correlations (about half each).
    # Results are collected in plan order below, so the output does not depend on timing.
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=1)
    regression_futures = [(reg, pool.submit(regression_record, masked, q, reg, settings))
                          for reg in plan.regressions]
    reliability_future = pool.submit(reliability_records, frame, q, prepared, settings)
    pool.shutdown(wait=False)

    step("descriptives")
    described = list(dict.fromkeys([v for d in plan.descriptives for v in d.variables] + list(q.index_map)))
    described = [v for v in described if q.kind_of(v) in ("item", "index", "number")]
    # on the masked frame, which holds the same items, indices and numbers (only groups are hidden)
    results["descriptives"] = descriptives_record(masked, q, described, settings.lang, k, cache)
    results["descriptive_plans"] = [{"id": d.id, "label": text_in(d.label, settings.lang, d.id) if d.label else d.id,
                                     "variables": list(d.variables)} for d in plan.descriptives]
    # filled in below from the second thread; placed here to keep results.json's order of sections
    results.update(factor_analyses=None, indices=None, reliability=None)

    step("comparisons")
    results["comparisons"], results["comparison_plans"], skipped = [], [], []
    for comp in plan.comparisons:
        with _Context(prepared, f"comparison {comp.id!r}"):
            records, extra, not_tested = comparison_records(masked, q, comp, settings, cache)
        results["comparisons"] += records
        skipped += not_tested
        results["comparison_plans"].append({"id": comp.id, "label": text_in(comp.label, settings.lang, comp.id)
                                            if comp.label else comp.id, "outcomes": list(comp.outcomes),
                                            "groups": list(comp.groups)})
        suppressed += extra
    group_vars = list(dict.fromkeys(g for comp in plan.comparisons for g in comp.groups))
    results["favourable"] = favourable_record(masked, q, group_vars, settings.lang, k, cache)

    step("crosstabs")
    results["crosstabs"], results["skipped"] = [], skipped
    for x in plan.crosstabs:
        for r, c in ((r, c) for r in x.rows for c in x.cols if r != c):
            try:
                results["crosstabs"].append(crosstab_record(masked, q, x, r, c, settings, cache))
            except AnalysisError as exc:
                # e.g. only one category left once small groups are hidden: say so, do not stop the run
                results["skipped"].append({"where": f"crosstab {x.id}", "row": r, "col": c, "reason": exc.headline})

    del cache
    step("factor analysis")
    results["factor_analyses"] = factor_records(frame, q, prepared, settings)
    step("correlations")
    results["correlations"], results["correlation_tables"] = correlation_records(frame, q, prepared, settings)
    step("reliability")
    results["indices"], results["reliability"] = reliability_future.result()

    step("regressions")
    results["regressions"] = {}
    for reg, future in regression_futures:
        with _Context(prepared, f"regression {reg.id!r}"):
            results["regressions"][reg.id] = future.result()

    add_measurement_results(results, frame, masked, q, prepared, settings)  # CFA, invariance, ordinal, omega
    results["suppressed"] = _dedupe(suppressed)
    step("replication")
    results = to_jsonable(results)
    results["replication"] = replication_records(results, q) if q.published else []
    return results, frame


def reliability_records(frame: pd.DataFrame, q: Questionnaire, prepared: PreparedData,
                        settings: Settings) -> tuple[dict, dict]:
    """Reliability of every index (with its scores' summary) and of every reliability plan."""
    indices, plans = {}, {}
    for index in q.indices:
        with _Context(prepared, f"index {index.id!r}"):
            record = reliability_record(frame, q, list(index.items), list(index.reverse),
                                        text_in(index.label, settings.lang))
        scores = frame[index.id]
        record.update(n_scored=int(scores.notna().sum()), mean=float(scores.mean()), sd=float(scores.std()),
                      min=float(scores.min()), max=float(scores.max()), min_valid=index.min_valid)
        indices[index.id] = record
    for rel in q.analysis.reliability:
        with _Context(prepared, f"reliability {rel.id!r}"):
            plans[rel.id] = reliability_record(frame, q, list(rel.items), list(rel.reverse),
                                               text_in(rel.label, settings.lang, rel.id) if rel.label else rel.id)
    return indices, plans


def factor_records(frame: pd.DataFrame, q: Questionnaire, prepared: PreparedData, settings: Settings) -> dict:
    """Every factor analysis of the plan."""
    out = {}
    for fa in q.analysis.factor_analyses:
        with _Context(prepared, f"factor analysis {fa.id!r}"):
            record = factor_record(frame, fa, settings)
        record["label"] = text_in(fa.label, settings.lang, fa.id) if fa.label else fa.id
        out[fa.id] = record
    return out


def correlation_records(frame: pd.DataFrame, q: Questionnaire, prepared: PreparedData,
                        settings: Settings) -> tuple[dict, dict]:
    """The Pearson matrix of every variable the correlation plans name, and each plan's table."""
    plans = q.analysis.correlations
    corr_vars = list(dict.fromkeys(v for c in plans for v in c.variables))
    everything = None
    if corr_vars:
        from surveykit.compare import correlation_matrix

        with _Context(prepared, "correlations"):
            everything = correlation_matrix(frame, corr_vars, method="pearson")
        overall = {"variables": corr_vars, "r": everything.r.to_numpy().tolist(),
                   "p": everything.p.to_numpy().tolist(), "n": everything.n.to_numpy().tolist()}
    else:
        overall = {"variables": [], "r": [], "p": [], "n": []}
    tables = {c.id: {"label": text_in(c.label, settings.lang, c.id) if c.label else c.id,
                     **correlation_record(frame, list(c.variables), c.method, everything)} for c in plans}
    return overall, tables


def _dedupe(records: list[dict]) -> list[dict]:
    seen, out = set(), []
    for r in records:
        key = json.dumps(to_jsonable(r), sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def results_json(results: dict) -> str:
    return json.dumps(results, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def free_text_answers(frame: pd.DataFrame, q: Questionnaire, seed: int) -> dict[str, list[str]]:
    """Answers of the free-text questions the YAML shows, shuffled (seeded) and stripped of everything else."""
    out = {}
    rng = random.Random(seed)
    for ft in q.free_text:
        if not ft.in_report or ft.id not in frame:
            continue
        answers = [str(a).strip() for a in frame[ft.id].dropna().tolist() if str(a).strip()]
        rng.shuffle(answers)
        out[ft.id] = answers
    return out


