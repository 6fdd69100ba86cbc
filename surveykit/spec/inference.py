"""Inference settings of the analysis plan: multiple-testing families, survey weights and clustering.

Three optional keys of ``analysis`` (models :class:`Adjustment`, :class:`Weights`, :class:`Clustering`)
and two keys of single plans (``adjust`` on comparison, crosstab and correlation plans; ``mixed`` on
comparison and regression plans), added to the plan models as the mixins :class:`AdjustOption`,
:class:`MixedOption` and :class:`InferenceSettings`. :func:`inference_problems` checks the names they
use against the questionnaire (plan ids, variables), as the reference pass of
:meth:`surveykit.spec.questionnaire.Questionnaire._reference_problems` does for the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import Field, model_validator

from surveykit.spec.elements import SpecModel, Text

#: Adjustment methods accepted in the YAML (the canonical names of surveykit.stats.multiple_testing).
AdjustMethod = Literal["holm", "bonferroni", "hochberg", "hommel", "fdr_bh", "fdr_by", "none"]


# ------------------------------------------------------------------------------------ per-plan options
class AdjustOption(SpecModel):
    """Mixin of the comparison, crosstab and correlation plans: adjust the plan's tests as one family."""

    adjust: AdjustMethod | None = Field(
        None, description="Adjust the p-values of this plan's tests as one family (holm, bonferroni, fdr_bh, ...)")


class MixedOption(SpecModel):
    """Mixin of the comparison and regression plans: also fit a random-intercept model by the cluster variable."""

    mixed: bool = Field(False, description="Also fit a random-intercept model by analysis.cluster (REML)")


# ------------------------------------------------------------------------------------ multiple testing
class AdjustFamily(SpecModel):
    """A family of tests adjusted together: every test of the plans named."""

    id: str
    label: Text | None = None
    plans: list[str] = Field(min_length=1, description="Comparison, crosstab and correlation plan ids")
    method: AdjustMethod | None = Field(None, description="Overrides analysis.adjust.method for this family")


class Adjustment(SpecModel):
    """``analysis.adjust``: families of tests whose p-values are adjusted together."""

    method: AdjustMethod = Field("holm", description="Method of the families that name none")
    families: list[AdjustFamily] = Field(default_factory=list)
    per_plan: AdjustMethod = Field(
        "none", description="Method for every other comparison, crosstab and correlation plan, each plan a family")


# ------------------------------------------------------------------------------------------- weights
class Weights(SpecModel):
    """``analysis.weights``: calibrate the respondents to population counts (weighted results are added)."""

    method: Literal["rake", "poststratify"] = "rake"
    population: str | list[str] = Field(
        description="Population count file(s), relative to the questionnaire: variable columns + a count column")
    count: str = Field("count", description="Name of the count column")
    margins: list[list[str]] | None = Field(
        None, description="Rake: the margins (lists of variables; default each variable column alone). "
                          "Poststratify: one list, the cell variables (default all variable columns)")
    trim: tuple[float, float] | None = Field(
        None, description="Bounds as multiples of the mean weight, e.g. [0.3, 3]; trimmed and re-calibrated")
    clustered: bool = Field(
        False, description="Use analysis.cluster as the primary sampling unit of the weighted standard errors")
    label: Text | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Weights:
        if self.trim is not None and not 0 <= self.trim[0] < 1 < self.trim[1]:
            raise ValueError(f"trim bounds must satisfy 0 <= lower < 1 < upper (got {list(self.trim)})")
        if self.method == "poststratify" and self.margins is not None and len(self.margins) != 1:
            raise ValueError("poststratify takes one margin (the cell variables); use method rake for several")
        for margin in self.margins or []:
            if not margin:
                raise ValueError("a margin names at least one variable")
        return self

    @property
    def files(self) -> list[str]:
        return [self.population] if isinstance(self.population, str) else list(self.population)


# ---------------------------------------------------------------------------------------- clustering
class Clustering(SpecModel):
    """``analysis.cluster``: the variable respondents are nested in (office, unit); ``cluster: unit`` for short."""

    variable: str
    scores: list[str] | None = Field(None, description="Indices/items whose ICC is reported (default: every index)")
    k: Literal["mean", "adjusted"] = Field("mean", description="Cluster size k in ICC(1): N/J or k0")
    label: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, value: Any) -> Any:
        return {"variable": value} if isinstance(value, str) else value


class InferenceSettings(SpecModel):
    """Mixin of :class:`surveykit.spec.plan.Analysis`: the keys ``adjust``, ``weights`` and ``cluster``."""

    adjust: Adjustment | None = None
    weights: Weights | None = None
    cluster: Clustering | None = None


# ------------------------------------------------------------------------------------------ references
def inference_problems(q: Any, bad: Callable[..., None]) -> None:
    """Report (through ``bad(message, *yaml_location)``) every name these keys use that is not defined."""
    plan = q.analysis
    testable = {p.id: kind for kind, group in (("comparison", plan.comparisons), ("crosstab", plan.crosstabs),
                                               ("correlation", plan.correlations)) for p in group}
    categorical = {r.id for r in q.recodes} | {b.id for b in q.background if b.type != "number"}
    adjust = getattr(plan, "adjust", None)
    if adjust is not None:
        owner: dict[str, str] = {}
        for f, family in enumerate(adjust.families):
            for j, pid in enumerate(family.plans):
                where = ("analysis", "adjust", "families", f, "plans", j)
                if pid not in testable:
                    bad(f"adjustment family {family.id!r} names {pid!r}, which is not a comparison, crosstab or "
                        f"correlation plan", *where)
                elif pid in owner:
                    bad(f"plan {pid!r} is in two adjustment families ({owner[pid]!r}, {family.id!r})", *where)
                owner.setdefault(pid, family.id)
        ids = [f.id for f in adjust.families]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            bad(f"adjustment family id {dup!r} is used twice", "analysis", "adjust", "families")
        for kind, group in (("comparisons", plan.comparisons), ("crosstabs", plan.crosstabs),
                            ("correlations", plan.correlations)):
            for pos, p in enumerate(group):
                if getattr(p, "adjust", None) is not None and p.id in owner:
                    bad(f"plan {p.id!r} sets its own 'adjust' and is in adjustment family {owner[p.id]!r}; "
                        "choose one", "analysis", kind, pos, "adjust")
    weights = getattr(plan, "weights", None)
    if weights is not None:
        for m, margin in enumerate(weights.margins or []):
            for j, name in enumerate(margin):
                if name not in categorical:
                    bad(f"weights: margin variable {name!r} is not a categorical variable",
                        "analysis", "weights", "margins", m, j)
    cluster = getattr(plan, "cluster", None)
    if weights is not None and weights.clustered and cluster is None:
        bad("weights: 'clustered: true' needs analysis.cluster", "analysis", "weights", "clustered")
    if cluster is not None:
        if cluster.variable not in categorical and q.kind_of(cluster.variable) is None:
            bad(f"cluster: {cluster.variable!r} is not a variable of the questionnaire", "analysis", "cluster")
        for j, name in enumerate(cluster.scores or []):
            if name not in q.index_map and name not in q.item_map:
                bad(f"cluster: score {name!r} is not an index or item", "analysis", "cluster", "scores", j)
    for kind, group in (("comparisons", plan.comparisons), ("regressions", plan.regressions)):
        for pos, p in enumerate(group):
            if getattr(p, "mixed", False) and cluster is None:
                bad(f"plan {p.id!r} asks for a mixed model ('mixed: true') but analysis.cluster is not set",
                    "analysis", kind, pos, "mixed")
