"""Settings of one run and the stages it goes through."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

STAGES = ["prepare", "indices", "descriptives", "comparisons", "crosstabs", "factor analysis", "correlations",
          "reliability", "regressions", "replication", "report"]


def report_language(q, lang: str | None = None) -> str:
    """The language of a run's report and texts: ``lang`` when given (``--lang``), else the questionnaire's
    first declared language (``meta.languages``), the same for every command."""
    return lang or q.meta.languages[0]


@dataclass(frozen=True)
class Settings:
    lang: str = "nb"
    alpha: float = 0.05
    min_group_size: int = 5
    missing: str = "pairwise"
    posthoc: str = "bonferroni"
    seed: int = 0


@dataclass
class RunOutput:
    out_dir: Path
    results: dict
    files: list[Path] = field(default_factory=list)


