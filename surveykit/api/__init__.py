"""The Python API: the questionnaire workflow (read, analyse, report) and statistics on DataFrames."""

from surveykit.api.results import Results
from surveykit.api.statistics import (
    anova,
    bartlett,
    correlations,
    cronbach_alpha,
    crosstab,
    efa,
    hierarchical_regression,
    kmo,
    parallel_analysis,
    posthoc,
    ttest,
)
from surveykit.api.workflow import analyze, read_data, read_questionnaire

__all__ = ["Results", "analyze", "anova", "bartlett", "correlations", "cronbach_alpha", "crosstab", "efa",
           "hierarchical_regression", "kmo", "parallel_analysis", "posthoc", "read_data", "read_questionnaire",
           "ttest"]
