"""Whole tables of outcomes x grouping variables (Schick 2014, Tables 11-13, 18, 20, 24) in one call."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from surveykit.errors import AnalysisError, Problem

from .anova import AnovaResult, anova_from_moments
from .groups import FrameCache, check_columns, check_min_group_size, group_moments, labels_for, to_jsonable
from .posthoc import METHODS
from .ttest import TTestResult, ttest_from_moments

TESTS = ("auto", "t", "anova")
STAT_COLUMNS = ["outcome", "group_var", "group", "label", "n", "mean", "sd", "se"]
TEST_COLUMNS = [
    "outcome",
    "group_var",
    "test",
    "statistic",
    "df1",
    "df2",
    "p",
    "effect_r",
    "n",
    "k",
    "levene_stat",
    "levene_p",
    "welch_stat",
    "welch_df2",
    "welch_p",
    "eta_sq",
    "cohen_d",
]


@dataclass(frozen=True)
class BreakdownResult:
    """Result of :func:`breakdown`.

    * ``group_stats``: long table, one row per (outcome, group_var, group) with label, n, mean,
      sd, se (suppressed groups are not in it: see ``suppressed``);
    * ``tests``: one row per (outcome, group_var) with the reported test: ``test`` is 't'
      (Student), 'welch_t' or 'anova'; ``statistic`` is t or F, ``df2`` is NaN for t;
    * ``posthoc``: long table of post hoc pairs (ANOVA rows only), keyed by outcome, group_var;
    * ``results``: the full :class:`TTestResult` / :class:`AnovaResult` per (outcome, group_var);
    * ``suppressed``: ``{variable, group, n, outcome}``; ``skipped``: combinations for which no
      test could be run, with the reason.
    """

    outcomes: tuple[str, ...]
    group_vars: tuple[str, ...]
    group_stats: pd.DataFrame
    tests: pd.DataFrame
    posthoc: pd.DataFrame
    results: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)
    suppressed: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    missing: dict = field(default_factory=dict)

    def table(self, group_var: str | None = None) -> pd.DataFrame:
        """Wide table as in the thesis: rows = outcomes; columns (group_var, group label, M/SD/N)."""
        gs = self.group_stats if group_var is None else self.group_stats[self.group_stats["group_var"] == group_var]
        wide = gs.set_index(["outcome", "group_var", "label"])[["mean", "sd", "n"]].unstack(["group_var", "label"])
        # unstack puts the statistic on top; the thesis layout is group_var > group > M, SD, N
        wide = wide.reorder_levels([1, 2, 0], axis=1)
        order = [
            (gv, lab, stat)
            for gv, lab in dict.fromkeys(zip(gs["group_var"], gs["label"]))
            for stat in ("mean", "sd", "n")
        ]
        wide = wide.reindex(columns=pd.MultiIndex.from_tuples(order, names=["group_var", "label", "stat"]))
        return wide.reindex(index=[o for o in self.outcomes if o in wide.index])

    def to_records(self) -> list[dict]:
        """The results.json contract: {outcome, group, test, statistic, df, p, effect_r, groups}.

        ``df`` is a number for t and [df1, df2] for F; ``groups`` maps label -> {n, mean, sd}.
        """
        records = []
        for (outcome, gv), res in self.results.items():
            groups = {
                str(row["label"]): {"n": int(row["n"]), "mean": row["mean"], "sd": row["sd"]}
                for _, row in res.groups.iterrows()
            }
            if isinstance(res, TTestResult):
                test = "welch_t" if res.reported == "welch" else "t"
                stat, dfv = res.t, res.df
            else:
                test, stat, dfv = "anova", res.f, [res.df_between, res.df_within]
            records.append(
                to_jsonable(
                    {
                        "outcome": outcome,
                        "group": gv,
                        "test": test,
                        "statistic": stat,
                        "df": dfv,
                        "p": res.p,
                        "effect_r": res.effect_r,
                        "groups": groups,
                    }
                )
            )
        return records

    def to_dict(self) -> dict:
        return to_jsonable(
            {
                "outcomes": self.outcomes,
                "group_vars": self.group_vars,
                "group_stats": self.group_stats,
                "tests": self.tests,
                "posthoc": self.posthoc,
                "suppressed": self.suppressed,
                "skipped": self.skipped,
                "missing": self.missing,
            }
        )

    def summary(self) -> str:
        lines = [f"Breakdown: {len(self.outcomes)} outcomes x {len(self.group_vars)} grouping variables"]
        for _, r in self.tests.iterrows():
            dfs = f"{r['df1']:.3f}" if r["test"] != "anova" else f"{r['df1']:.0f}, {r['df2']:.0f}"
            lines.append(
                f"  {r['outcome']} by {r['group_var']}: {r['test']}({dfs}) = {r['statistic']:.3f}, "
                f"p = {r['p']:.4f}, r = {r['effect_r']:.3f}, N = {r['n']}"
            )
        lines += [f"  skipped: {s}" for s in self.skipped]
        lines += [f"  suppressed: {s}" for s in self.suppressed]
        return "\n".join(lines)


def _test_row(outcome: str, gv: str, res) -> dict:
    lv = res.levene
    row = {
        "outcome": outcome,
        "group_var": gv,
        "n": res.n,
        "k": len(res.groups),
        "effect_r": res.effect_r,
        "p": res.p,
        "levene_stat": lv.statistic if lv else np.nan,
        "levene_p": lv.p if lv else np.nan,
    }
    if isinstance(res, TTestResult):
        row.update(
            test="welch_t" if res.reported == "welch" else "t",
            statistic=res.t,
            df1=res.df,
            df2=np.nan,
            welch_stat=res.welch.t,
            welch_df2=res.welch.df,
            welch_p=res.welch.p,
            eta_sq=np.nan,
            cohen_d=res.cohen_d,
        )
    else:
        w = res.welch
        row.update(
            test="anova",
            statistic=res.f,
            df1=float(res.df_between),
            df2=float(res.df_within),
            welch_stat=w.statistic if w else np.nan,
            welch_df2=w.df2 if w else np.nan,
            welch_p=w.p if w else np.nan,
            eta_sq=res.eta_sq,
            cohen_d=np.nan,
        )
    return row


def breakdown(
    df: pd.DataFrame,
    outcomes: Sequence[str],
    groups: Sequence[str],
    test: str = "auto",
    posthoc: str | None = "bonferroni",
    min_group_size: int = 5,
    labels: Mapping | None = None,
    *,
    equal_var="auto",
    alpha: float = 0.05,
    confidence: float = 0.95,
    cache: FrameCache | None = None,
) -> BreakdownResult:
    """Group means, SDs, Ns and tests for every outcome x grouping variable in one call.

    For each grouping variable the sufficient statistics of ALL outcomes are computed in one
    vectorised pass (:func:`~surveykit.compare.groups.group_moments`); the t-tests and ANOVAs
    are then computed from them by exactly the code :func:`ttest_ind` and
    :func:`anova_oneway` use, so the numbers are identical.

    ``test='auto'`` runs a t-test when two groups remain after suppression and an ANOVA
    (with ``posthoc``) for three or more; 't' or 'anova' force one (a forced t-test on a
    variable with more than two groups is skipped, with the reason in ``skipped``). A
    combination that cannot be tested (one group left, zero variance, ...) is recorded in
    ``skipped`` and the rest of the table is still computed.

    ``labels`` may be per grouping variable: ``{"gender": {1: "Women", 2: "Men"}, ...}``.

    ``cache``: a :class:`~surveykit.compare.groups.FrameCache` of ``df`` shared by several
    calls (e.g. one per comparison plan), so each grouping variable is coded and each outcome
    prepared once; the numbers are the same with or without it.

    Example
    -------
    >>> res = breakdown(df, ["q1", "q2", "scorecard"], ["gender", "unit"], labels=labels)
    >>> res.tests, res.table("unit"), res.to_records()
    """
    if test not in TESTS:
        raise AnalysisError(f"unknown test {test!r}", [Problem(f"choose one of {TESTS}")])
    if posthoc is not None and posthoc not in METHODS:
        raise AnalysisError(f"unknown post hoc method {posthoc!r}", [Problem(f"choose one of {METHODS} or None")])
    check_min_group_size(min_group_size)
    outcomes, group_vars = tuple(outcomes), tuple(groups)
    results: dict = {}
    stat_cols: dict[str, list] = {c: [] for c in STAT_COLUMNS}
    test_rows: list[dict] = []
    post_rows: list[pd.DataFrame] = []
    suppressed: list[dict] = []
    skipped: list[dict] = []
    missing: dict = {"method": "pairwise", "n_rows": len(df), "by": []}
    if cache is None:
        cache = FrameCache(df)  # each outcome is prepared once for all grouping variables
    cache.check(df)
    check_columns(df, outcomes, numeric=True)
    check_columns(df, group_vars)
    for gv in group_vars:
        moments = group_moments(df, outcomes, gv, cache=cache)
        for outcome in outcomes:
            j = moments.column(outcome)
            k_kept = int((moments.n[:, j] >= min_group_size).sum())
            use_t = test == "t" or (test == "auto" and k_kept == 2)
            try:
                if use_t:
                    res = ttest_from_moments(
                        moments, outcome, equal_var=equal_var, alpha=alpha, confidence=confidence,
                        min_group_size=min_group_size, labels=labels,
                    )
                else:
                    res = anova_from_moments(
                        moments, outcome, posthoc=posthoc, confidence=confidence,
                        min_group_size=min_group_size, labels=labels,
                    )
            except AnalysisError as err:
                skipped.append({"outcome": outcome, "group_var": gv, "reason": err.headline})
                suppressed += [
                    {**{"variable": gv, "group": key, "n": int(nn)}, "outcome": outcome}
                    for key, nn in zip(moments.keys, moments.n[:, j])
                    if nn < min_group_size
                ]
                continue
            results[(outcome, gv)] = res
            suppressed += [{**s, "outcome": outcome} for s in res.suppressed]
            missing["by"].append({"outcome": outcome, "group_var": gv, **res.missing})
            g = res.groups
            k = len(g)
            stat_cols["outcome"] += [outcome] * k
            stat_cols["group_var"] += [gv] * k
            stat_cols["group"] += list(g.index)
            for col in ("label", "n", "mean", "sd", "se"):
                stat_cols[col] += g[col].tolist()
            test_rows.append(_test_row(outcome, gv, res))
            if isinstance(res, AnovaResult) and res.posthoc is not None:
                post_rows.append(((outcome, gv, res.posthoc_method), res.posthoc))
    group_stats = pd.DataFrame(stat_cols, columns=STAT_COLUMNS)
    group_stats["group"] = group_stats["group"].astype(object)
    tests = pd.DataFrame(test_rows, columns=TEST_COLUMNS)
    if post_rows:
        post = pd.concat([f for _, f in post_rows], ignore_index=True)
        lengths = [len(f) for _, f in post_rows]
        for i, name in reversed(list(enumerate(["outcome", "group_var", "method"]))):
            post.insert(0, name, np.repeat([key[i] for key, _ in post_rows], lengths))
    else:
        post = pd.DataFrame()
    return BreakdownResult(
        outcomes=outcomes,
        group_vars=group_vars,
        group_stats=group_stats,
        tests=tests,
        posthoc=post,
        results=results,
        labels={gv: labels_for(labels, gv) for gv in group_vars},
        suppressed=suppressed,
        skipped=skipped,
        missing=missing,
    )
