"""The questionnaire workflow as Python functions: read the questionnaire, read its data, analyse.

These are the functions the ``surveykit`` command runs; a notebook or script calls the same ones::

    >>> import surveykit as sk
    >>> q = sk.read_questionnaire("questionnaires/schick2012.yaml")
    >>> data = sk.read_data(q)                      # the embedded (synthetic) sample
    >>> data.n_respondents
    383
    >>> results = sk.analyze(q, data, lang="en")
    >>> float(results.reliability().loc["malekortet", "alpha"].round(3))
    0.94
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from surveykit.errors import SpecError
from surveykit.spec.questionnaire import Questionnaire, load_questionnaire

if TYPE_CHECKING:  # the data stage imports pandas: loaded when data are read, not when a questionnaire is
    from surveykit.api.results import Results
    from surveykit.data.prepare import PreparedData


def read_questionnaire(path: str | Path) -> Questionnaire:
    """Load and check a questionnaire YAML file.

    Every problem (unknown keys, wrong types, undefined references, circular recodes) is reported at once,
    each with its YAML line, as a :class:`~surveykit.errors.SpecError`.
    """
    return load_questionnaire(path)


def data_path(questionnaire: Questionnaire, path: str | Path | None = None) -> Path:
    """The data file to read: ``path``, or the questionnaire's embedded sample when ``path`` is None."""
    if path is not None:
        return Path(path)
    if questionnaire.sample is None:
        raise SpecError(f"{questionnaire.source_path}: no data file given and the questionnaire names no "
                        "embedded 'sample' file")
    return questionnaire.resolve(questionnaire.sample.file)


def read_data(questionnaire: Questionnaire, path: str | Path | None = None, *, out_of_range: str = "error",
              extra_columns: str = "error") -> PreparedData:
    """Read a data file (CSV, XLSX, SAV or Parquet), validate it against the questionnaire and recode it.

    ``path=None`` reads the questionnaire's embedded sample. ``out_of_range='missing'`` treats values outside
    a scale or code list as missing instead of as errors; ``extra_columns='ignore'`` drops columns the
    questionnaire does not define. Returns a :class:`~surveykit.data.prepare.PreparedData`: the recoded
    ``frame`` (one row per respondent), ``n_respondents`` and an account of the recodes (``recode_log``).
    Bad data raise a :class:`~surveykit.errors.DataError` listing every problem with its row and column.
    """
    from surveykit.data.prepare import load_and_recode

    return load_and_recode(questionnaire, data_path(questionnaire, path), out_of_range=out_of_range,
                           extra_columns=extra_columns)


def analyze(questionnaire: Questionnaire, data: PreparedData, **settings) -> "Results":
    """Run the questionnaire's whole analysis plan on prepared data; return a :class:`Results` object.

    Settings (all optional; default from the questionnaire's ``analysis:`` section): ``lang`` ('nb' or
    'en', the language of labels in the results; default the questionnaire's first language), ``min_group_size`` (smallest group shown), ``alpha``,
    ``missing`` ('pairwise' or 'listwise'), ``posthoc`` ('bonferroni', 'tukey', 'games-howell'), ``seed``.
    """
    from surveykit.api.results import Results
    from surveykit.pipeline.results import build_results
    from surveykit.pipeline.run import settings_for

    resolved = settings_for(questionnaire, settings.pop("lang", None), settings.pop("min_group_size", None),
                            **settings)
    results, frame = build_results(questionnaire, data, resolved)
    return Results(questionnaire, data, resolved, results, frame)
