"""Independent-samples t-test (Student and Welch) as SPSS reports it, with effect sizes."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd
from scipy import special

from surveykit.errors import AnalysisError, Problem

from .groups import (
    GroupMoments,
    LeveneResult,
    group_moments,
    group_table,
    labels_for,
    levene_from_selection,
    select_groups,
    to_jsonable,
)

EqualVar = Literal["auto"] | bool


@dataclass(frozen=True)
class TStatistic:
    """One variant of the t-test: t, df, two-sided p, SE of the mean difference and its CI."""

    t: float
    df: float
    p: float
    se: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class TTestResult:
    """Result of :func:`ttest_ind`.

    ``mean_diff`` is mean(first group) - mean(second group), groups in code order.
    ``reported`` names the variant a reader should quote ('student' or 'welch'); ``t``, ``df``,
    ``p`` and ``effect_r`` refer to it.
    """

    outcome: str
    group_var: str
    groups: pd.DataFrame  # index = group code; label, n, mean, sd, se
    mean_diff: float
    student: TStatistic
    welch: TStatistic
    levene: LeveneResult | None
    reported: str
    effect_r: float
    cohen_d: float
    hedges_g: float
    n: int
    confidence: float
    alpha: float
    suppressed: list[dict] = field(default_factory=list)
    missing: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def chosen(self) -> TStatistic:
        return self.welch if self.reported == "welch" else self.student

    @property
    def t(self) -> float:
        return self.chosen.t

    @property
    def df(self) -> float:
        return self.chosen.df

    @property
    def p(self) -> float:
        return self.chosen.p

    def to_dict(self) -> dict:
        out = to_jsonable(self)
        out["t"], out["df"], out["p"] = to_jsonable(self.t), to_jsonable(self.df), to_jsonable(self.p)
        return out

    def summary(self) -> str:
        g = self.groups
        lines = [f"Independent-samples t-test: {self.outcome} by {self.group_var} (N = {self.n})"]
        for key, row in g.iterrows():
            lines.append(f"  {row['label']} ({key}): n = {row['n']}, M = {row['mean']:.3f}, SD = {row['sd']:.3f}")
        if self.levene is not None:
            lv = self.levene
            lines.append(f"  Levene F({lv.df1}, {lv.df2}) = {lv.statistic:.3f}, p = {lv.p:.4f}")
        for name, s in (("Student", self.student), ("Welch", self.welch)):
            mark = "  <- reported" if name.lower() == self.reported else ""
            lines.append(
                f"  {name}: t({s.df:.3f}) = {s.t:.3f}, p = {s.p:.4f}, diff = {self.mean_diff:.3f} "
                f"[{s.ci_low:.3f}, {s.ci_high:.3f}]{mark}"
            )
        lines.append(f"  r = {self.effect_r:.3f}, d = {self.cohen_d:.3f}, g = {self.hedges_g:.3f}")
        lines += [f"  suppressed: {s}" for s in self.suppressed]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def ttest_from_moments(
    moments: GroupMoments,
    outcome: str,
    *,
    equal_var: EqualVar = "auto",
    alpha: float = 0.05,
    confidence: float = 0.95,
    min_group_size: int = 5,
    labels: Mapping | None = None,
) -> TTestResult:
    """t-test from group sufficient statistics (used by :func:`ttest_ind` and breakdown)."""
    if equal_var not in ("auto", True, False):
        raise AnalysisError("equal_var must be 'auto', True or False", [Problem(f"got {equal_var!r}")])
    sel = select_groups(moments, outcome, min_group_size)
    if len(sel.keys) != 2:
        raise AnalysisError(
            f"a t-test needs exactly two groups; {moments.group_var!r} has {len(sel.keys)} "
            f"with at least {min_group_size} valid answers on {outcome!r}",
            [Problem(f"groups kept: {list(sel.keys)}; suppressed: {sel.suppressed}", column=moments.group_var)],
        )
    n1, n2 = (int(v) for v in sel.n)
    if min(n1, n2) < 2:
        raise AnalysisError("a t-test needs at least 2 cases per group", [Problem(f"n = {n1}, {n2}", column=outcome)])
    v1, v2 = (float(v) for v in sel.var)
    ss_pooled = float(sel.ss[0] + sel.ss[1])
    if ss_pooled <= 0.0:
        raise AnalysisError(
            f"{outcome!r} has zero variance in both groups: t is undefined", [Problem("zero variance", column=outcome)]
        )
    diff = float(sel.mean_shifted[0] - sel.mean_shifted[1])
    q = 1.0 - (1.0 - confidence) / 2.0

    df_s = n1 + n2 - 2
    var_pooled = ss_pooled / df_s
    se_s = math.sqrt(var_pooled * (1.0 / n1 + 1.0 / n2))
    student = _tstat(diff, se_s, df_s, q)

    a, b = v1 / n1, v2 / n2
    se_w = math.sqrt(a + b)
    df_w = (a + b) ** 2 / (a**2 / (n1 - 1) + b**2 / (n2 - 1))
    welch = _tstat(diff, se_w, df_w, q)

    notes: list[str] = []
    levene = levene_from_selection(sel)
    if equal_var == "auto":
        if levene is None:
            reported = "student"
            notes.append("Levene's test not computable (no spread in absolute deviations); Student's t reported")
        else:
            reported = "welch" if levene.p < alpha else "student"
    else:
        reported = "student" if equal_var else "welch"
    chosen = welch if reported == "welch" else student
    effect_r = math.sqrt(chosen.t**2 / (chosen.t**2 + chosen.df))
    cohen_d = diff / math.sqrt(var_pooled)
    # Hedges & Olkin small-sample correction, as pingouin's compute_effsize
    hedges_g = cohen_d * (1.0 - 3.0 / (4.0 * (n1 + n2) - 9.0))
    return TTestResult(
        outcome=outcome,
        group_var=moments.group_var,
        groups=group_table(sel, labels_for(labels, moments.group_var)),
        mean_diff=diff,
        student=student,
        welch=welch,
        levene=levene,
        reported=reported,
        effect_r=effect_r,
        cohen_d=cohen_d,
        hedges_g=hedges_g,
        n=n1 + n2,
        confidence=confidence,
        alpha=alpha,
        suppressed=sel.suppressed,
        missing=sel.missing,
        notes=notes,
    )


def _tstat(diff: float, se: float, df: float, q: float) -> TStatistic:
    t = diff / se
    half = special.stdtrit(df, q) * se
    return TStatistic(
        t=t, df=float(df), p=float(2.0 * special.stdtr(df, -abs(t))), se=se, ci_low=diff - half, ci_high=diff + half
    )


def ttest_ind(
    df: pd.DataFrame,
    outcome: str,
    group: str,
    *,
    equal_var: EqualVar = "auto",
    alpha: float = 0.05,
    confidence: float = 0.95,
    min_group_size: int = 5,
    labels: Mapping | None = None,
) -> TTestResult:
    """Independent-samples t-test of ``outcome`` between the two groups of ``group``.

    Both variants are computed, as in SPSS's "Independent Samples Test" table:

    * Student: :math:`t = (\\bar y_1-\\bar y_2)/\\sqrt{s_p^2(1/n_1+1/n_2)}`, df = n1 + n2 - 2;
    * Welch: :math:`t = (\\bar y_1-\\bar y_2)/\\sqrt{s_1^2/n_1+s_2^2/n_2}` with
      Welch-Satterthwaite df.

    Levene's test (center = mean) decides which is ``reported`` when ``equal_var='auto'``
    (Welch when p < ``alpha``). Effect sizes: :math:`r=\\sqrt{t^2/(t^2+df)}` (Field 2013) of the
    reported variant, Cohen's d = diff / s_p, Hedges' g = d (1 - 3/(4(n1+n2)-9)).

    Groups with fewer than ``min_group_size`` valid answers are left out and listed in
    ``suppressed``; exactly two groups must remain. Missing values are handled pairwise (rows
    where both outcome and group are valid).

    References: Field, A. (2013). *Discovering Statistics Using IBM SPSS Statistics*, 4th ed.;
    IBM SPSS Statistics Algorithms, T-TEST.

    Example
    -------
    >>> res = ttest_ind(df, "q1", "gender", labels={1: "Women", 2: "Men"})
    >>> res.reported, res.t, res.df, res.p, res.effect_r
    """
    moments = group_moments(df, [outcome], group)
    return ttest_from_moments(
        moments,
        outcome,
        equal_var=equal_var,
        alpha=alpha,
        confidence=confidence,
        min_group_size=min_group_size,
        labels=labels,
    )
