"""One-way ANOVA with Welch's robust F, Levene's test, effect sizes and post hoc tests."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

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
from .posthoc import METHODS, bonferroni_pairs, games_howell_pairs, tukey_pairs


@dataclass(frozen=True)
class WelchAnova:
    """Welch's (1951) heteroscedastic one-way ANOVA: F(df1, df2), p."""

    statistic: float
    df1: float
    df2: float
    p: float


@dataclass(frozen=True)
class AnovaResult:
    """Result of :func:`anova_oneway`. ``effect_r`` = sqrt(eta^2), the r Schick (2014) reports."""

    outcome: str
    group_var: str
    groups: pd.DataFrame  # index = group code; label, n, mean, sd, se
    df_between: int
    df_within: int
    df_total: int
    ss_between: float
    ss_within: float
    ss_total: float
    ms_between: float
    ms_within: float
    f: float
    p: float
    eta_sq: float
    omega_sq: float
    effect_r: float
    levene: LeveneResult | None
    welch: WelchAnova | None
    posthoc_method: str | None
    posthoc: pd.DataFrame | None
    n: int
    confidence: float
    suppressed: list[dict] = field(default_factory=list)
    missing: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def r_squared(self) -> float:
        return self.eta_sq

    @property
    def residual_sd(self) -> float:
        return math.sqrt(self.ms_within)

    def to_dict(self) -> dict:
        return to_jsonable(self)

    def summary(self) -> str:
        lines = [f"One-way ANOVA: {self.outcome} by {self.group_var} (N = {self.n})"]
        for key, row in self.groups.iterrows():
            lines.append(f"  {row['label']} ({key}): n = {row['n']}, M = {row['mean']:.3f}, SD = {row['sd']:.3f}")
        lines.append(f"  Between: SS = {self.ss_between:.6g}, df = {self.df_between}, MS = {self.ms_between:.6g}")
        lines.append(f"  Within:  SS = {self.ss_within:.6g}, df = {self.df_within}, MS = {self.ms_within:.6g}")
        lines.append(f"  F({self.df_between}, {self.df_within}) = {self.f:.3f}, p = {self.p:.4f}")
        lines.append(f"  eta^2 = {self.eta_sq:.3f}, omega^2 = {self.omega_sq:.3f}, r = {self.effect_r:.3f}")
        if self.levene is not None:
            lv = self.levene
            lines.append(f"  Levene F({lv.df1}, {lv.df2}) = {lv.statistic:.3f}, p = {lv.p:.4f}")
        if self.welch is not None:
            w = self.welch
            lines.append(f"  Welch F({w.df1:.0f}, {w.df2:.3f}) = {w.statistic:.3f}, p = {w.p:.4f}")
        if self.posthoc is not None:
            lines.append(f"  Post hoc ({self.posthoc_method}):")
            for _, r in self.posthoc.iterrows():
                lines.append(f"    {r['label_a']} - {r['label_b']}: diff = {r['mean_diff']:.3f}, p = {r['p_adj']:.4f}")
        lines += [f"  suppressed: {s}" for s in self.suppressed]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def anova_from_moments(
    moments: GroupMoments,
    outcome: str,
    *,
    posthoc: str | None = "bonferroni",
    confidence: float = 0.95,
    min_group_size: int = 5,
    labels: Mapping | None = None,
) -> AnovaResult:
    """One-way ANOVA from group sufficient statistics (used by :func:`anova_oneway` and breakdown)."""
    if posthoc is not None and posthoc not in METHODS:
        raise AnalysisError(f"unknown post hoc method {posthoc!r}", [Problem(f"choose one of {METHODS} or None")])
    sel = select_groups(moments, outcome, min_group_size)
    k = len(sel.keys)
    n_total = sel.n_total
    if k < 2:
        raise AnalysisError(
            f"ANOVA needs at least two groups; {moments.group_var!r} has {k} with at least "
            f"{min_group_size} valid answers on {outcome!r}",
            [Problem(f"suppressed: {sel.suppressed}", column=moments.group_var)],
        )
    df_b, df_w = k - 1, n_total - k
    if df_w < 1:
        raise AnalysisError("ANOVA needs more cases than groups", [Problem(f"N = {n_total}, k = {k}", column=outcome)])
    n = sel.n.astype(float)
    # between-group SS from the shifted means (full relative precision, see groups.py)
    grand = math.fsum(n * sel.mean_shifted) / n_total
    ss_b = math.fsum(n * (sel.mean_shifted - grand) ** 2)
    ss_w = math.fsum(sel.ss)
    if ss_w <= 0.0:
        raise AnalysisError(
            f"{outcome!r} has no variance within groups: F is undefined", [Problem("zero within-group variance", column=outcome)]
        )
    ss_t = ss_b + ss_w
    ms_b, ms_w = ss_b / df_b, ss_w / df_w
    f = ms_b / ms_w
    eta_sq = ss_b / ss_t
    omega_sq = (ss_b - df_b * ms_w) / (ss_t + ms_w)
    notes: list[str] = []
    var = sel.var
    welch = _welch_anova(n, sel.mean_shifted, var)
    if welch is None:
        notes.append("Welch's F not computable: at least one group has zero variance")
    levene = levene_from_selection(sel)
    if levene is None:
        notes.append("Levene's test not computable: absolute deviations have no variance")
    lab = labels_for(labels, moments.group_var)
    table = None
    if posthoc == "bonferroni":
        table = bonferroni_pairs(sel.keys, n, sel.mean, ms_w, df_w, confidence=confidence, labels=lab, mean_shifted=sel.mean_shifted)
    elif posthoc == "tukey":
        table = tukey_pairs(sel.keys, n, sel.mean, ms_w, df_w, confidence=confidence, labels=lab, mean_shifted=sel.mean_shifted)
    elif posthoc == "games-howell":
        if (var > 0).all():
            table = games_howell_pairs(sel.keys, n, sel.mean, var, confidence=confidence, labels=lab, mean_shifted=sel.mean_shifted)
        else:
            notes.append("Games-Howell not computable: at least one group has zero variance")
    return AnovaResult(
        outcome=outcome,
        group_var=moments.group_var,
        groups=group_table(sel, lab),
        df_between=df_b,
        df_within=df_w,
        df_total=n_total - 1,
        ss_between=ss_b,
        ss_within=ss_w,
        ss_total=ss_t,
        ms_between=ms_b,
        ms_within=ms_w,
        f=f,
        p=float(special.fdtrc(df_b, df_w, f)),
        eta_sq=eta_sq,
        omega_sq=omega_sq,
        effect_r=math.sqrt(eta_sq),
        levene=levene,
        welch=welch,
        posthoc_method=posthoc if table is not None else None,
        posthoc=table,
        n=n_total,
        confidence=confidence,
        suppressed=sel.suppressed,
        missing=sel.missing,
        notes=notes,
    )


def _welch_anova(n, mean, var) -> WelchAnova | None:
    """Welch (1951): weights w = n / s^2; None when a group has zero variance."""
    k = len(n)
    if (var <= 0).any() or (n < 2).any():
        return None
    w = n / var
    sw = math.fsum(w)
    mw = math.fsum(w * mean) / sw
    a = math.fsum(w * (mean - mw) ** 2) / (k - 1)
    tmp = math.fsum((1.0 - w / sw) ** 2 / (n - 1))
    b = 1.0 + 2.0 * (k - 2) / (k**2 - 1) * tmp
    f = a / b
    df2 = (k**2 - 1) / (3.0 * tmp)
    return WelchAnova(statistic=f, df1=float(k - 1), df2=df2, p=float(special.fdtrc(k - 1, df2, f)))


def anova_oneway(
    df: pd.DataFrame,
    outcome: str,
    group: str,
    *,
    posthoc: str | None = "bonferroni",
    confidence: float = 0.95,
    min_group_size: int = 5,
    labels: Mapping | None = None,
) -> AnovaResult:
    """One-way between-groups ANOVA of ``outcome`` by ``group``, as SPSS ONEWAY reports it.

    :math:`SS_B=\\sum_i n_i(\\bar y_i-\\bar y)^2`, :math:`SS_W=\\sum_i\\sum_j(y_{ij}-\\bar y_i)^2`,
    :math:`F=\\frac{SS_B/(k-1)}{SS_W/(N-k)}`; :math:`\\eta^2=SS_B/SS_T`,
    :math:`\\omega^2=(SS_B-(k-1)MS_W)/(SS_T+MS_W)`, r = sqrt(eta^2). Also Levene's test
    (center = mean), Welch's F and a post hoc table ('bonferroni' as SPSS with pooled MS_within,
    'tukey', 'games-howell' or None).

    Sums of squares are computed from per-group deviations after removing a common offset (see
    :mod:`surveykit.compare.groups`), which meets the NIST StRD certified values.

    Groups with fewer than ``min_group_size`` valid answers are left out and listed in
    ``suppressed``. Missing values: pairwise (rows with valid outcome and group).

    References: Field (2013), ch. 11; NIST StRD ANOVA datasets; Welch, B. L. (1951). On the
    comparison of several mean values. *Biometrika*, 38, 330-336.

    Example
    -------
    >>> res = anova_oneway(df, "scorecard", "unit", posthoc="games-howell")
    >>> res.f, res.df_between, res.df_within, res.p, res.effect_r
    """
    moments = group_moments(df, [outcome], group)
    return anova_from_moments(
        moments, outcome, posthoc=posthoc, confidence=confidence, min_group_size=min_group_size, labels=labels
    )
