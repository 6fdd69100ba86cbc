"""The analysis plan of a questionnaire (factor analyses, reliability, descriptives, comparisons, crosstabs, correlations, regressions), its published values, embedded sample and metadata."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from surveykit.spec.elements import LANGUAGES, SpecModel, Text
from surveykit.spec.inference import AdjustOption, InferenceSettings, MixedOption
from surveykit.spec.organisation import DriverPlan, EngagementPlan
from surveykit.spec.measurement import CFAPlan, InvarianceRequirement, OmegaPlan


# --------------------------------------------------------------------------------------- analysis plan
class ParallelSettings(SpecModel):
    """Horn's parallel analysis: random data sets drawn, the percentile compared with, and the seed."""

    n_iter: int = Field(100, ge=10, le=10_000, description="Random data sets")
    percentile: float = Field(95, gt=0, lt=100, description="Percentile of the random eigenvalues")
    seed: int | None = Field(None, description="Seed (default: analysis.seed)")


class FactorAnalysisPlan(SpecModel):
    id: str
    label: Text | None = None
    items: list[str] = Field(min_length=3)
    extraction: Literal["paf", "minres", "ml", "pca"] = "paf"
    rotation: Literal["oblimin", "promax", "varimax", "none"] = "oblimin"
    n_factors: int | Literal["kaiser", "parallel"] = "kaiser"
    loading_cutoff: float = Field(0.1, ge=0, lt=1)
    missing: Literal["pairwise", "listwise"] | None = None
    normalize: bool = Field(True, description="Kaiser normalisation before rotation (SPSS's default; psych's "
                                              "oblimin rotates without it: false)")
    gamma: float = Field(0.0, description="Oblimin gamma (0 = quartimin)")
    kappa: float = Field(4.0, gt=1, description="Promax power")
    parallel: ParallelSettings = Field(default_factory=lambda: ParallelSettings(),
                                       description="Parallel-analysis settings")
    ordinal: bool = Field(False, description="Also an EFA on the polychoric correlations (spec/measurement.py)")


class ReliabilityPlan(SpecModel):
    """A scale checked for reliability that is not (or not in this form) an index."""

    id: str
    label: Text | None = None
    items: list[str] = Field(min_length=2)
    reverse: list[str] = Field(default_factory=list)
    ordinal: bool = Field(False, description="Ordinal alpha (polychoric) beside Cronbach's alpha")
    omega: OmegaPlan | None = Field(None, description="Omega hierarchical and total (spec/measurement.py)")


class DescriptivesPlan(SpecModel):
    id: str
    label: Text | None = None
    variables: list[str] = Field(min_length=1)


class ComparisonPlan(AdjustOption, MixedOption):  # + adjust, mixed (spec/inference.py)
    id: str
    label: Text | None = None
    outcomes: list[str] = Field(min_length=1)
    groups: list[str] = Field(min_length=1)
    posthoc: Literal["bonferroni", "tukey", "games-howell"] | None = None
    require_invariance: InvarianceRequirement | None = None


class CrosstabPlan(AdjustOption):  # + adjust (spec/inference.py)
    id: str
    label: Text | None = None
    rows: list[str] = Field(min_length=1)
    cols: list[str] = Field(min_length=1)


class CorrelationPlan(AdjustOption):  # + adjust (spec/inference.py)
    id: str
    label: Text | None = None
    variables: list[str] = Field(min_length=2)
    method: Literal["pearson", "spearman"] = "pearson"


class RegressionBlock(SpecModel):
    label: Text | None = None
    predictors: list[str] = Field(min_length=1)


class RegressionPlan(MixedOption):  # + mixed (spec/inference.py)
    id: str
    label: Text | None = None
    outcome: str
    blocks: list[RegressionBlock] = Field(min_length=1)
    screen_threshold: float = Field(0.7, gt=0, le=1, description="Flag predictor pairs with |r| above this")


class Analysis(InferenceSettings):  # + adjust, weights, cluster (spec/inference.py)
    missing: Literal["pairwise", "listwise"] = Field(
        "pairwise", description="Missing-data rule for correlations and factor analysis"
    )
    alpha: float = Field(0.05, gt=0, lt=1, description="Significance level")
    posthoc: Literal["bonferroni", "tukey", "games-howell"] = "bonferroni"
    min_group_size: int = Field(5, ge=1, description="Smallest group shown in any table or figure")
    seed: int = Field(20121201, description="Seed for parallel analysis and any other random step")
    descriptives: list[DescriptivesPlan] = Field(default_factory=list)
    factor_analyses: list[FactorAnalysisPlan] = Field(default_factory=list)
    reliability: list[ReliabilityPlan] = Field(default_factory=list)
    comparisons: list[ComparisonPlan] = Field(default_factory=list)
    crosstabs: list[CrosstabPlan] = Field(default_factory=list)
    correlations: list[CorrelationPlan] = Field(default_factory=list)
    regressions: list[RegressionPlan] = Field(default_factory=list)
    drivers: list[DriverPlan] = Field(default_factory=list)  # issue 16: surveykit/spec/organisation.py
    engagement: list[EngagementPlan] = Field(default_factory=list)
    cfa: list[CFAPlan] = Field(default_factory=list, description="Confirmatory factor analyses (spec/measurement.py)")


class PublishedValue(SpecModel):
    """A number printed in the publication being replicated, located in results.json by a dotted path."""

    table: str
    quantity: str
    path: str = Field(description="Dotted path into results.json, e.g. indices.malekortet.alpha")
    value: float
    tolerance: float = Field(ge=0)


class Sample(SpecModel):
    file: str = Field(description="Data file, relative to the questionnaire file")
    synthetic: bool = True
    description: Text | None = None


class Simulation(SpecModel):
    targets: str = Field(description="Calibration targets file, relative to the questionnaire file")
    n: int = Field(383, ge=1)
    seed: int = 2012


class Metadata(SpecModel):
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    title: Text
    citation: str | None = None
    description: Text | None = None
    languages: list[str] = Field(default_factory=lambda: list(LANGUAGES), min_length=1,
                                 description="Languages the texts are given in; the first is the report's default")

    @field_validator("languages")
    @classmethod
    def _known_languages(cls, value: list[str]) -> list[str]:
        unknown = [lang for lang in value if lang not in LANGUAGES]
        if unknown:
            raise ValueError(f"unknown language(s) {unknown}; surveykit writes reports in {list(LANGUAGES)}")
        return value


