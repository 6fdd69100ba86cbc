"""Compose the stages into the results of one run (the content of results.json)."""

from __future__ import annotations

import json
import random
from collections.abc import Callable

import pandas as pd

from surveykit import __version__
from surveykit.data.prepare import PreparedData
from surveykit.errors import AnalysisError
from surveykit.jsonsafe import to_jsonable
from surveykit.pipeline.inference import add_inference
from surveykit.pipeline.measurement import add_measurement_results, cfa_models
from surveykit.pipeline.organisation import (
    driver_records,
    hide_units,
    organisation_records,
)
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
    reversed_among,
    sample_record,
)
from surveykit.pipeline.replication import replication_records
from surveykit.pipeline.settings import Settings
from surveykit.privacy.plan import DisclosurePlan, outcome_groups
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
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from threadpoolctl import threadpool_limits

    # Key drivers (their bootstrap is the longest single analysis) start at once on a thread of their
    # own; regressions and reliability join that pool later. If the run stops on an error meanwhile,
    # the bootstrap is told to stop too (so the error is not kept waiting).
    cancel = threading.Event()
    pool = ThreadPoolExecutor(max_workers=2)
    try:
        with threadpool_limits(limits=1, user_api="blas"):
            return _build_results(q, prepared, settings, progress, pool, cancel)
    except BaseException:
        cancel.set()
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _build_results(q: Questionnaire, prepared: PreparedData, settings: Settings,
                   progress: Callable[[str], None] | None, pool, cancel) -> tuple[dict, pd.DataFrame]:
    step = progress or (lambda name: None)
    plan = q.analysis
    k = settings.min_group_size

    step("indices")
    from surveykit.compare import FrameCache
    from surveykit.measure.scoring import reversed_items, scored_frame

    # every analysis reads the keyed frame: items declared reverse-keyed scored min + max - x (one place)
    frame = scored_frame(prepared.frame, q)
    drivers_future = pool.submit(driver_records, frame, q, settings, prepared.path.name, cancel) \
        if plan.drivers else None
    keyed_items = set(reversed_items(q))
    categorical = [c for c in categorical_variables(q) if c in frame.columns]
    # group codes of every categorical variable, made once: the sample counts come from them, and
    # the comparisons reuse them for every variable suppression leaves unchanged
    # (value codes made while recoding describe the raw answers: not those of the reverse-keyed items)
    unmasked = FrameCache(frame, value_codes={k: v for k, v in prepared.value_codes.items() if k not in keyed_items})
    counts = {}
    for name in categorical:
        if pd.api.types.is_numeric_dtype(frame[name]):
            codes, keys, sizes = unmasked.group_codes(name)
            counts[name] = {float(key): int(size) for key, size in zip(keys, sizes[:-1])}
        else:
            counts[name] = code_counts(frame[name])
    # the survey cycle (issue 16: pipeline/organisation.py) first, so that a bad units file or earlier wave
    # stops the run before the long analyses. The units the tree hides (small units and the complements
    # that protect them) are missing from the unit variable before the disclosure plan is decided, so the
    # plan protects exactly what is published
    organisation, hidden_units = organisation_records(q, prepared, frame, settings, counts)
    full_frame = frame  # every respondent's own unit: weights and ICCs need it (they publish no unit alone)
    frame, suppressed = hide_units(frame, [], q, hidden_units, counts, k)
    tree_hidden = {s["variable"] for s in suppressed}
    for name in tree_hidden:
        counts[name] = code_counts(frame[name])
    # the disclosure plan: decided once, before any statistic; every table below uses its masked frame
    disclosure = DisclosurePlan.build(q, frame, k, categorical, outcome_groups(q))
    masked = disclosure.mask(frame)
    suppressed += disclosure.records()
    shown_q = disclosure.labelled(q)  # merged groups carry labels naming their members
    cache = FrameCache(masked)  # shared by descriptives, comparisons, favourable % and crosstabs
    recoded = {v for v, c in disclosure.codings.items() if c.hidden or c.merged} | tree_hidden
    cache.reuse(unmasked, [c for c in frame.columns if c not in recoded])
    del unmasked
    hidden = {v: set(c.hidden) for v, c in disclosure.codings.items() if c.hidden}
    for s in suppressed:  # units the tree hides: left out of the sample table as the plan's hidden groups are
        if s["variable"] in tree_hidden:
            hidden.setdefault(s["variable"], set()).add(s["group"])
    published_counts = {name: (code_counts(masked[name]) if name in recoded else var_counts)
                        for name, var_counts in counts.items()}

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
            "non_substantive": {item: {str(code): n for code, n in counts.items()}
                                for item, counts in prepared.recode_log.non_substantive.items()},
            "out_of_range_set_missing": prepared.out_of_range_set_missing, "recodes": prepared.recode_log.rules,
            "notes": prepared.warnings,
        },
        "sample": sample_record(published_counts, hidden, prepared.n_respondents, shown_q, settings.lang),
    }
    results.update(organisation)  # response rates, waves, drivers, engagement

    # Regressions, reliability and the CFAs need nothing the other analyses produce, and their heavy parts
    # (QR, matrix products, array arithmetic) run in numpy without the GIL: they are computed on the
    # pool's threads (beside the key drivers) while this one does the comparisons, factor analyses and
    # correlations. Results are collected in plan order below, so the output does not depend on timing.
    regression_futures, skipped_regressions = [], []
    for reg in plan.regressions:  # each on its own respondents: small categories there are merged too
        reg_frame, reg_q, reg_suppressed = disclosure.for_regression(
            q, frame, masked, reg.id, reg.outcome, [p for b in reg.blocks for p in b.predictors])
        suppressed += reg_suppressed
        single = disclosure.single_category(reg_frame, reg.outcome, [p for b in reg.blocks for p in b.predictors])
        if single:  # e.g. a two-category variable with one small category: nothing left to contrast
            skipped_regressions.append({"where": f"regression {reg.id}", "reason": "after disclosure control "
                                        f"{', '.join(single)} has a single category among the respondents"})
            continue
        regression_futures.append((reg, pool.submit(regression_record, reg_frame, reg_q, reg, settings)))
    reliability_future = pool.submit(reliability_records, frame, q, prepared, settings)
    # confirmatory factor analyses (and their invariance tests) need only the frames too
    cfa_future = pool.submit(cfa_models, frame, masked, q, settings) if plan.cfa else None

    step("descriptives")
    described = list(dict.fromkeys([v for d in plan.descriptives for v in d.variables] + list(q.index_map)))
    described = [v for v in described if q.kind_of(v) in ("item", "index", "number")]
    # on the masked frame, which holds the same items, indices and numbers (only groups are hidden)
    results["descriptives"] = descriptives_record(masked, q, described, settings.lang, k, cache,
                                                  prepared.recode_log.non_substantive)
    results["descriptive_plans"] = [{"id": d.id, "label": text_in(d.label, settings.lang, d.id) if d.label else d.id,
                                     "variables": list(d.variables)} for d in plan.descriptives]
    # filled in below from the second thread; placed here to keep results.json's order of sections
    results.update(factor_analyses=None, indices=None, reliability=None)

    step("comparisons")
    results["comparisons"], results["comparison_plans"], skipped = [], [], []
    for comp in plan.comparisons:
        with _Context(prepared, f"comparison {comp.id!r}"):
            records, extra, not_tested = comparison_records(masked, shown_q, comp, settings, cache, disclosure, frame)
        results["comparisons"] += records
        skipped += not_tested
        results["comparison_plans"].append({"id": comp.id, "label": text_in(comp.label, settings.lang, comp.id)
                                            if comp.label else comp.id, "outcomes": list(comp.outcomes),
                                            "groups": list(comp.groups)})
        suppressed += extra
    group_vars = list(dict.fromkeys(g for comp in plan.comparisons for g in comp.groups))
    results["favourable"] = favourable_record(masked, shown_q, group_vars, settings.lang, k, cache)
    for kind in ("items", "indices"):  # groups published differently for one outcome (its own coding)
        for name, entry in results["favourable"][kind].items():
            for gv in [g for g in group_vars if disclosure.has_local(name, g)]:
                own = favourable_record(disclosure.mask_for(masked, frame, name, gv), disclosure.labelled(q, name),
                                        [gv], settings.lang, k)
                entry["groups"][gv] = own[kind][name]["groups"][gv]

    step("crosstabs")
    results["crosstabs"], results["skipped"] = [], skipped + skipped_regressions
    # decided together: a crosstab and one of a linked variable must not be subtracted from each other
    protections = disclosure.crosstab_protections(
        masked, frame, [(r, c) for x in plan.crosstabs for r in x.rows for c in x.cols if r != c])
    for x in plan.crosstabs:
        for r, c in ((r, c) for r in x.rows for c in x.cols if r != c):
            try:
                results["crosstabs"].append(crosstab_record(masked, shown_q, x, r, c, settings, cache, disclosure,
                                                            protections.get((r, c))))
            except AnalysisError as exc:
                # e.g. only one category left once small groups are hidden: say so, do not stop the run
                results["skipped"].append({"where": f"crosstab {x.id}", "row": r, "col": c, "reason": exc.headline})

    del cache
    step("factor analysis")
    results["factor_analyses"] = factor_records(frame, q, prepared, settings)
    step("correlations")
    # on the masked frame: a grouping variable correlated is correlated over its shown groups only
    constant = frozenset(v for v in disclosure.codings if v in masked.columns and masked[v].nunique() < 2)
    results["correlations"], results["correlation_tables"] = correlation_records(masked, q, prepared, settings,
                                                                                 constant)
    _correlations_on_local_groups(results, masked, frame, disclosure)
    step("reliability")
    results["indices"], results["reliability"] = reliability_future.result()

    if drivers_future is not None:
        results["drivers"] = drivers_future.result()
    step("regressions")
    results["regressions"] = {}
    for reg, future in regression_futures:
        with _Context(prepared, f"regression {reg.id!r}"):
            results["regressions"][reg.id] = future.result()

    with _Context(prepared, "inference"):  # analysis.adjust / weights / cluster (pipeline/inference.py)
        # categories not published alone: hidden ones, and the members of merged groups (their own counts
        # would split the merged group)
        unpublished = {v: set(hidden.get(v, set())) for v in hidden}
        for v, c in disclosure.codings.items():
            for members in c.merged.values():
                unpublished.setdefault(v, set()).update(members)
        add_inference(results, q, full_frame, masked, settings, unpublished)
    add_measurement_results(results, frame, masked, q, prepared, settings,  # CFA, invariance, ordinal, omega
                            cfa_future.result() if cfa_future is not None else None)
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
            record = factor_record(frame, q, fa, settings)
        record["label"] = text_in(fa.label, settings.lang, fa.id) if fa.label else fa.id
        out[fa.id] = record
    return out


def correlation_records(frame: pd.DataFrame, q: Questionnaire, prepared: PreparedData,
                        settings: Settings, constant: frozenset = frozenset()) -> tuple[dict, dict]:
    """The Pearson matrix of every variable the correlation plans name, and each plan's table.
    ``constant``: grouping variables left with a single published group (disclosure control): their r
    and p are null, their n the pairs answered."""
    plans = q.analysis.correlations
    corr_vars = list(dict.fromkeys(v for c in plans for v in c.variables))
    computed = [v for v in corr_vars if v not in constant]
    everything = None
    if len(computed) >= 2:
        from surveykit.compare import correlation_matrix

        with _Context(prepared, "correlations"):
            everything = correlation_matrix(frame, computed, method="pearson")

    def pairs_n(a: str, b: str) -> int:
        return int(frame[[a, b]].notna().all(axis=1).sum()) if a != b else int(frame[a].notna().sum())

    def entry(m, key: str, a: str, b: str):
        if a in computed and b in computed and m is not None:
            return getattr(m, key).loc[a, b]
        return pairs_n(a, b) if key == "n" else None

    overall = {"variables": corr_vars, **{key: [[entry(everything, key, a, b) for b in corr_vars] for a in corr_vars]
                                          for key in ("r", "p", "n")}}
    tables = {}
    for c in plans:
        shown = [v for v in c.variables if v not in constant]
        record = correlation_record(frame, q, shown, c.method, everything) if len(shown) >= 2 else None
        variables = list(c.variables)
        nested = {key: {a: {b: (record[key][a][b] if record and a in shown and b in shown
                                else (pairs_n(a, b) if key == "n" else None)) for b in variables} for a in variables}
                  for key in ("r", "p", "n")}
        tables[c.id] = {"label": text_in(c.label, settings.lang, c.id) if c.label else c.id,
                        "variables": variables, "method": c.method, **nested,
                        "reversed": reversed_among(q, variables)}
    return overall, tables


def _correlations_on_local_groups(results: dict, masked: pd.DataFrame, frame: pd.DataFrame, disclosure) -> None:
    """A grouping variable correlated with an outcome whose tables show it differently (a group with few
    answers on that outcome, merged or hidden there) is correlated in that coding: r, p and n of the pair
    are then computed on exactly the groups the outcome's tables show (r and p null when a single group
    is left)."""
    from surveykit.compare import correlation_matrix

    def pair_stats(a: str, b: str, method: str) -> tuple:
        data = disclosure.mask_for(masked, frame, b, a)
        try:
            res = correlation_matrix(data, [a, b], method=method)
            return res.r.loc[a, b], res.p.loc[a, b], res.n.loc[a, b]
        except AnalysisError:  # no variance left in the shown groups: nothing to correlate
            return None, None, int(data[[a, b]].notna().all(axis=1).sum())

    overall = results["correlations"]
    names = overall["variables"]
    for a in names:
        for b in names:
            if a == b or not disclosure.has_local(b, a):
                continue
            stats = {"pearson": pair_stats(a, b, "pearson")}
            i, j = names.index(a), names.index(b)
            for key, value in zip(("r", "p", "n"), stats["pearson"]):
                overall[key][i][j] = overall[key][j][i] = value
            for table in results["correlation_tables"].values():
                if a in table["variables"] and b in table["variables"]:
                    method = table["method"]
                    if method not in stats:
                        stats[method] = pair_stats(a, b, method)
                    for key, value in zip(("r", "p", "n"), stats[method]):
                        table[key][a][b] = table[key][b][a] = value


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


