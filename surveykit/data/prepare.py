"""The data stage of the pipeline: read, validate, recode. Inputs are only ever read."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from surveykit.data.fileio import read_data
from surveykit.data.recode import RecodeLog, recode
from surveykit.spec.questionnaire import Questionnaire
from surveykit.data.validate import validate


@dataclass
class PreparedData:
    """Recoded analysis data and an account of how it was obtained."""

    frame: pd.DataFrame
    path: Path
    n_respondents: int
    recode_log: RecodeLog
    out_of_range_set_missing: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # value codes of the answer columns read as integers, made while recoding (the analyses count with
    # them instead of coding the columns again); {column: surveykit.stats.codes.ValueCodes}
    value_codes: dict = field(default_factory=dict, repr=False)
    # earlier waves this run compares with, each read, validated and scored once and kept here for the
    # organisation report and the per-unit reports; {(label, file): (frame, info)}, filled by
    # surveykit.pipeline.waves.earlier_wave
    earlier_waves: dict = field(default_factory=dict, repr=False)


def load_and_recode(q: Questionnaire, path: str | Path, out_of_range: str = "error",
                    extra_columns: str = "error") -> PreparedData:
    # the respondent id is read as numbers when it is numbers; validation decides duplicates on the text
    raw = read_data(path)
    checked = validate(raw, q, out_of_range=out_of_range, extra_columns=extra_columns)
    value_codes: dict = {}
    frame, log = recode(checked.frame, q, checked.code_counts, value_codes)
    return PreparedData(frame, Path(path), len(frame), log, checked.out_of_range_set_missing, checked.warnings,
                        value_codes)
