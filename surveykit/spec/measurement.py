"""Measurement-model entries of the analysis plan: confirmatory factor analysis (with measurement invariance),
the invariance requirement of a comparison, and omega hierarchical on a reliability plan.

``analysis.cfa`` holds :class:`CFAPlan` entries; a comparison plan may carry ``require_invariance``
(:class:`InvarianceRequirement`); a reliability plan may carry ``omega`` (:class:`OmegaPlan`). The
``ordinal`` switches of factor-analysis and reliability plans and of indices are plain booleans on those
models. :func:`measurement_problems` is the reference check of all of them, called from
``Questionnaire._reference_problems``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import Field, model_validator

from surveykit.spec.elements import SpecModel, Text


class InvariancePlan(SpecModel):
    """Configural, metric and scalar invariance of a CFA across the groups of one categorical variable."""

    group: str = Field(description="Categorical variable whose groups are compared (e.g. gender)")
    estimator: Literal["ML", "MLM"] | None = Field(
        None, description="ML or MLM (robust); default: the CFA's estimator")


class CFAPlan(SpecModel):
    """A confirmatory factor analysis (lavaan ``cfa()`` conventions: ML, marker variables, listwise)."""

    id: str
    label: Text | None = None
    factors: dict[str, list[str]] | list[str] | None = Field(
        None, description="Factor -> its items; or a list of index ids (each index a factor); "
                          "default: every index of the questionnaire")
    estimator: Literal["ML", "MLM"] = Field("ML", description="ML, or MLM (robust SEs, Satorra-Bentler chi2)")
    std_lv: bool = Field(False, description="Identify factors by unit variances instead of marker loadings")
    mi_threshold: float = Field(3.84, gt=0, description="Report modification indices at or above this")
    invariance: InvariancePlan | None = None


class InvarianceRequirement(SpecModel):
    """A comparison's group means of a CFA's indices are compared only if invariance holds (else flagged)."""

    cfa: str = Field(description="Id of a CFA entry that has an 'invariance' block")
    level: Literal["metric", "scalar"] = Field("scalar", description="Invariance level required")


class OmegaPlan(SpecModel):
    """Omega hierarchical and total from a Schmid-Leiman bifactor solution (psych ``omega``)."""

    n_factors: int = Field(3, ge=2, description="Group factors (psych default 3)")
    n_boot: int = Field(0, ge=0, description="Bootstrap resamples for percentile CIs (0 = none)")
    ci: float = Field(0.95, gt=0, lt=1, description="Confidence level of the bootstrap intervals")

    @model_validator(mode="after")
    def _enough_resamples(self) -> OmegaPlan:
        if 0 < self.n_boot < 100:
            raise ValueError(f"omega n_boot {self.n_boot} is too few for a percentile interval (0, or 100 or more)")
        return self


# ------------------------------------------------------------------------------------ reference checks
def cfa_factors(q: Any, plan: CFAPlan) -> dict[str, list[str]]:
    """The factors of a CFA entry as factor -> items (indices stand for their items)."""
    if isinstance(plan.factors, dict):
        return {name: list(items) for name, items in plan.factors.items()}
    names = plan.factors if plan.factors is not None else [index.id for index in q.indices]
    return {name: list(q.index_map[name].items) for name in names if name in q.index_map}


def cfa_indices(q: Any, plan: CFAPlan) -> dict[str, str]:
    """Factor -> the index it measures: an index of the same id, or the index with exactly its items."""
    out = {}
    for name, items in cfa_factors(q, plan).items():
        if name in q.index_map:
            out[name] = name
            continue
        same = [index.id for index in q.indices if set(index.items) == set(items)]
        if same:
            out[name] = same[0]
    return out


def gated_outcomes(q: Any, comparison: Any) -> tuple[CFAPlan | None, list[str]]:
    """For a comparison with ``require_invariance``: the CFA entry and the outcomes (index ids) it gates."""
    need = getattr(comparison, "require_invariance", None)
    if need is None:
        return None, []
    plan = next((c for c in q.analysis.cfa if c.id == need.cfa), None)
    if plan is None or plan.invariance is None:
        return plan, []
    indices = set(cfa_indices(q, plan).values())
    return plan, [o for o in comparison.outcomes if o in indices]


def measurement_problems(q: Any, bad: Callable[..., None], categorical: set[str]) -> None:
    """Report (through ``bad(message, *yaml_location)``) every undefined name or inconsistency in the CFA
    entries, the comparisons' invariance requirements and the omega options."""
    plan = q.analysis
    other_ids = {p.id for group in (plan.descriptives, plan.factor_analyses, plan.reliability, plan.comparisons,
                                    plan.crosstabs, plan.correlations, plan.regressions) for p in group}
    seen: set[str] = set()
    for pos, entry in enumerate(plan.cfa):
        where = ("analysis", "cfa", pos)
        if entry.id in seen or entry.id in other_ids:
            bad(f"analysis plan id {entry.id!r} is used twice", *where, "id")
        seen.add(entry.id)
        if isinstance(entry.factors, dict):
            for name, items in entry.factors.items():
                for j, item in enumerate(items):
                    if item not in q.item_map:
                        bad(f"CFA {entry.id!r}: factor {name!r} names unknown item {item!r}",
                            *where, "factors", name, j)
                if len(set(items)) != len(items):
                    bad(f"CFA {entry.id!r}: factor {name!r} lists an item twice", *where, "factors", name)
        else:
            names = entry.factors if entry.factors is not None else [index.id for index in q.indices]
            if not names:
                bad(f"CFA {entry.id!r} has no factors: give 'factors' or define indices", *where)
            for j, name in enumerate(entry.factors or []):
                if name not in q.index_map:
                    bad(f"CFA {entry.id!r}: {name!r} is not an index (a list of factors names indices; "
                        f"give a mapping factor: [items] otherwise)", *where, "factors", j)
        factors = cfa_factors(q, entry)
        for name, items in factors.items():
            if len(items) < 2 or (len(factors) == 1 and len(items) < 3):
                bad(f"CFA {entry.id!r}: factor {name!r} has {len(items)} item(s); a factor needs at least 2 "
                    "(3 when it is the only factor)", *where, "factors")
        if entry.invariance is not None and (entry.invariance.group not in categorical
                                             or q.kind_of(entry.invariance.group) == "number"):
            bad(f"CFA {entry.id!r}: invariance group {entry.invariance.group!r} is not a categorical variable",
                *where, "invariance", "group")
    for pos, rel in enumerate(plan.reliability):
        if rel.omega is not None and len(rel.items) < 2 * rel.omega.n_factors + 1:
            bad(f"reliability {rel.id!r}: omega with {rel.omega.n_factors} group factors needs at least "
                f"{2 * rel.omega.n_factors + 1} items, the plan has {len(rel.items)}",
                "analysis", "reliability", pos, "omega", "n_factors")
    by_id = {entry.id: entry for entry in plan.cfa}
    for pos, comp in enumerate(plan.comparisons):
        need = getattr(comp, "require_invariance", None)
        if need is None:
            continue
        where = ("analysis", "comparisons", pos, "require_invariance")
        target = by_id.get(need.cfa)
        if target is None:
            bad(f"comparison {comp.id!r}: require_invariance names unknown CFA {need.cfa!r} "
                f"(CFA entries: {sorted(by_id)})", *where, "cfa")
            continue
        if target.invariance is None:
            bad(f"comparison {comp.id!r}: CFA {need.cfa!r} has no 'invariance' block to require", *where, "cfa")
            continue
        _, gated = gated_outcomes(q, comp)
        if not gated or target.invariance.group not in comp.groups:
            bad(f"comparison {comp.id!r}: require_invariance of CFA {need.cfa!r} applies to the means of its "
                f"indices ({', '.join(sorted(set(cfa_indices(q, target).values()))) or 'none'}) by "
                f"{target.invariance.group!r}; this comparison compares none of them by that group", *where)
