"""surveykit: declarative, reproducible analysis of employee questionnaires.

Flow: spec -> data -> recode -> measure -> compare -> report.
"""

__version__ = "0.1.0"
