"""The office scorecard (målekort): indicator definitions, validity and gaming diagnostics, and the link to
the survey. ``surveykit run <scorecard.yaml>`` runs :func:`surveykit.scorecard.run.run_scorecard`.

Modules: spec (the YAML), data (files), attainment (a), validity (b), stability (c), trends (d, e),
audit (f), bunching (g), survey_link (h), analyse (all of them -> results.json), report and figures (HTML,
XLSX), run (the command).
"""

from surveykit.spec.yamlio import is_scorecard_yaml

from .spec import Scorecard, load_scorecard

__all__ = ["Scorecard", "is_scorecard_yaml", "load_scorecard"]
