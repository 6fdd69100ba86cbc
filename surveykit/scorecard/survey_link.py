"""(h) The survey and the scorecard together: do offices whose employees score an index higher also
score better on the scorecard? (e.g. Schick's *Målekortet* index against B16).

Respondents' index scores are aggregated per office, for offices with at least ``min_group_size``
respondents only (smaller offices are left out of every table, for confidentiality and because their means
are unreliable). Whether an office mean is a meaningful office property is judged by ICC(1) and ICC(2)
(Bliese 2000): the share of individual variance due to the office, and the reliability of the office mean.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from surveykit.errors import AnalysisError
from surveykit.jsonsafe import to_jsonable
from surveykit.measure.clustering import icc as office_icc

from .validity import ols_model, pearson_ci


@dataclass(frozen=True)
class SurveyLink:
    """``icc``: per index; ``offices``: office means (with n respondents) joined to the indicators;
    ``correlations``: per index × indicator r with CI, p, n offices; ``model``: OLS of ``outcome`` on the
    index means (None when not requested or too few offices); ``excluded``: offices below the minimum."""

    min_group_size: int
    icc: pd.DataFrame
    offices: pd.DataFrame
    correlations: pd.DataFrame
    model: object
    excluded: tuple

    def summary(self) -> pd.DataFrame:
        return self.correlations

    def to_dict(self) -> dict:
        return to_jsonable({"min_group_size": self.min_group_size, "icc": self.icc, "offices": self.offices,
                            "correlations": self.correlations, "excluded_offices": len(self.excluded),
                            "model": self.model.to_dict() if self.model is not None else None})


def survey_scorecard_link(respondents: pd.DataFrame, office: str, indices: list[str], indicators: pd.DataFrame,
                          outcome: str | None = None, min_group_size: int = 5,
                          confidence: float = 0.95) -> SurveyLink:
    """Aggregate ``indices`` per ``office`` (respondent rows), join to ``indicators`` (index = office code),
    correlate every index mean with every indicator, and regress ``outcome`` on the index means."""
    if min_group_size < 1:
        raise AnalysisError(f"min_group_size must be at least 1 (got {min_group_size})")
    d = respondents[[office, *indices]].dropna(subset=[office])
    d = d.assign(**{office: d[office].astype(str)})
    sizes = d.groupby(office).size()
    keep = sizes[sizes >= min_group_size].index
    excluded = tuple(sorted(set(sizes.index) - set(keep)))
    d = d[d[office].isin(keep)]
    # ICC(1)/ICC(2) with Bliese's adjusted group size for unbalanced offices (surveykit.measure.clustering)
    icc = office_icc(d, list(indices), office, k="adjusted").table.rename(columns={"score": "index"})
    means = d.groupby(office)[indices].mean()
    means["n_respondents"] = sizes.reindex(means.index)
    ind = indicators.copy()
    ind.index = ind.index.astype(str)
    joined = means.join(ind, how="inner")
    joined.index.name = "office"
    rows = []
    for i in indices:
        for c in [c for c in ind.columns if pd.api.types.is_numeric_dtype(ind[c])]:
            try:
                rows.append({"index": i, "indicator": c, **pearson_ci(joined[i], joined[c], confidence)})
            except AnalysisError as exc:
                rows.append({"index": i, "indicator": c, "r": np.nan, "n": int(joined[[i, c]].dropna().shape[0]),
                             "note": str(exc)})
    model = ols_model(joined, outcome, indices, "survey_link") if outcome is not None else None
    return SurveyLink(min_group_size, icc, joined.reset_index(), pd.DataFrame(rows), model, excluded)
