"""Group comparisons, crosstabs, correlations and descriptives (the "compare" stage).

Every function takes ``min_group_size`` (default 5): groups with fewer valid respondents are left
out of the test and listed in the result's ``suppressed`` list as ``{variable, group, n}``,
because small groups identify people in employee surveys. Missing values are handled pairwise
and every result reports its N and a ``missing`` summary. Results carry numbers only; formatting
is the report layer's job.
"""

from .anova import AnovaResult, WelchAnova, anova_from_moments, anova_oneway
from .breakdown import BreakdownResult, breakdown
from .correlation import CorrelationResult, correlation_matrix, stars
from .crosstab import CrosstabResult, crosstab
from .descriptives import describe
from .groups import FrameCache, GroupMoments, LeveneResult, group_moments
from .posthoc import bonferroni_pairs, games_howell_pairs, tukey_pairs
from .ttest import TStatistic, TTestResult, ttest_from_moments, ttest_ind

__all__ = [
    "AnovaResult",
    "BreakdownResult",
    "CorrelationResult",
    "CrosstabResult",
    "FrameCache",
    "GroupMoments",
    "LeveneResult",
    "TStatistic",
    "TTestResult",
    "WelchAnova",
    "anova_from_moments",
    "anova_oneway",
    "bonferroni_pairs",
    "breakdown",
    "correlation_matrix",
    "crosstab",
    "describe",
    "games_howell_pairs",
    "group_moments",
    "stars",
    "ttest_from_moments",
    "ttest_ind",
    "tukey_pairs",
]
