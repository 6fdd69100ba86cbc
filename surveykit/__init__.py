"""surveykit: declarative, reproducible analysis of employee questionnaires.

Flow: spec -> data -> recode -> measure -> compare -> model -> report. The public API::

    import surveykit as sk
    q = sk.read_questionnaire("questionnaires/schick2012.yaml")
    results = sk.analyze(q, sk.read_data(q))      # Results: DataFrames per section, .to_json(), .write_report()
    sk.cronbach_alpha(items_frame)                # statistics on DataFrames, pingouin style

The names below are loaded on first use, so ``import surveykit`` (and the command's start) stays fast.
"""

__version__ = "0.1.0"

__all__ = ["Results", "analyze", "anova", "bartlett", "correlations", "cronbach_alpha", "crosstab", "efa",
           "hierarchical_regression", "kmo", "parallel_analysis", "posthoc", "read_data", "read_questionnaire",
           "ttest"]


def __getattr__(name: str):
    if name in __all__:
        from surveykit import api

        return getattr(api, name)
    raise AttributeError(f"module 'surveykit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
