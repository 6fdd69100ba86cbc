"""The main job: questionnaire + data -> every stage -> results.json and the report.

Flow (one direction): prepare (read, validate, recode) -> confidentiality masks -> measure (index scores,
factor analyses, reliability) -> compare (descriptives, group comparisons, crosstabs, correlations,
favourable %) -> regressions -> replication -> report. :func:`build_results` returns the plain ``results``
dict (the content of results.json); :func:`run` writes everything into a temporary folder and moves it
into place only when all of it succeeded, so a failed run never leaves half an output behind, and it
never deletes or replaces a file it did not write (:mod:`surveykit.pipeline.output`).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Callable

from surveykit.data.prepare import load_and_recode
from surveykit.errors import SurveyError
from surveykit.pipeline.output import check_target, default_out_dir, publish, staging
from surveykit.pipeline.results import build_results, free_text_answers, results_json
from surveykit.pipeline.settings import STAGES, RunOutput, Settings, report_language
from surveykit.spec.questionnaire import Questionnaire


class _Progress:
    """Stage names on a terminal (stderr); silent when not a terminal or when quiet."""

    def __init__(self, quiet: bool):
        self.enabled = not quiet and sys.stderr.isatty()
        self.start = time.perf_counter()
        self.i = 0

    def __call__(self, name: str) -> None:
        self.i += 1
        if self.enabled:
            done = int(20 * self.i / len(STAGES))
            sys.stderr.write(f"\r[{'#' * done}{'.' * (20 - done)}] {name:<20} {time.perf_counter() - self.start:5.1f}s")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


def settings_for(q: Questionnaire, lang: str | None = None, min_group_size: int | None = None,
                 **overrides) -> Settings:
    """The settings of a run: the questionnaire's analysis plan, with ``lang`` (default: the questionnaire's
    first declared language), ``min_group_size`` and any other :class:`Settings` field given here taking
    precedence."""
    plan = q.analysis
    values = dict(lang=report_language(q, lang), alpha=plan.alpha,
                  min_group_size=plan.min_group_size if min_group_size is None else min_group_size,
                  missing=plan.missing, posthoc=plan.posthoc, seed=plan.seed)
    unknown = sorted(set(overrides) - set(Settings.__dataclass_fields__))
    if unknown:
        raise SurveyError(f"unknown setting(s) {', '.join(unknown)}; the settings are "
                          f"{', '.join(Settings.__dataclass_fields__)}")
    values.update(overrides)
    settings = Settings(**values)
    if settings.min_group_size < 1:
        raise SurveyError(f"--min-group-size must be at least 1 (got {settings.min_group_size})")
    return settings


def run(q: Questionnaire, data_path: Path, out_dir: Path | None = None, lang: str | None = None,
        min_group_size: int | None = None, quiet: bool = False, out_of_range: str = "error",
        extra_columns: str = "error", force: bool = False, per_unit: int | str | None = None) -> RunOutput:
    """The whole analysis; writes report.html, tables.xlsx, results.json and figures/ into ``out_dir``.

    ``lang``: the report's language; default the questionnaire's first declared language. ``out_dir``
    (default ``reports/<meta.id>``, the id made a safe folder name) must be new, empty, or hold surveykit's
    marker from an earlier run; ``force`` allows a folder with other files in it. Only surveykit's own files
    are ever created, replaced or removed there (see docs/output.md). ``per_unit`` (a level or ``"all"``;
    default the YAML's ``organisation.per_unit``): also one report per unit in ``units/`` (issue 16)."""
    settings = settings_for(q, lang, min_group_size)
    out_dir = Path(out_dir) if out_dir else default_out_dir(q.meta.id)
    check_output_location(out_dir, [data_path, q.source_path])
    previous = check_target(out_dir, force)  # before the analysis: a refused folder costs no waiting

    progress = _Progress(quiet)
    try:
        progress("prepare")
        prepared = load_and_recode(q, data_path, out_of_range=out_of_range, extra_columns=extra_columns)
        results, frame = build_results(q, prepared, settings, progress)
        units = unit_results(q, prepared, frame, results, settings, per_unit)  # issue 16: pipeline/per_unit.py
        progress("report")
        files = write_outputs(results, q, frame, out_dir, settings, force=force, previous=previous, units=units)
    finally:
        progress.close()
    return RunOutput(out_dir, results, files)


def write_outputs(results: dict, q: Questionnaire, frame, out_dir: Path, settings: Settings, *,
                  force: bool = False, previous: list[str] | None = None, units: dict | None = None) -> list[Path]:
    """Write results.json and the report (report.html, tables.xlsx, figures/) of one run into ``out_dir``;
    with ``units`` (from :func:`unit_results`), the per-unit reports in ``units/`` in the same staging."""
    from surveykit.report import render_report

    def write(folder: Path) -> None:
        (folder / "results.json").write_text(results_json(results), encoding="utf-8")
        render_report(results, q, folder, lang=settings.lang, free_text=free_text_answers(frame, q, settings.seed))
        if units is not None:
            from surveykit.report.unit_report import write_unit_reports

            write_unit_reports(units, folder / "units", settings.lang)

    return write_folder(out_dir, write, force=force, previous=previous)


def unit_results(q: Questionnaire, prepared, frame, results: dict, settings: Settings,
                 per_unit: int | str | None = None) -> dict | None:
    """The per-unit records (surveykit.pipeline.per_unit) when ``per_unit`` or the YAML asks for them."""
    org = q.organisation
    level = per_unit if per_unit is not None else (org.per_unit if org is not None else None)
    if level is None:
        return None
    if org is None:
        raise SurveyError("--per-unit needs the questionnaire's 'organisation' part (units file and unit "
                          "variable)")
    from surveykit.pipeline.per_unit import per_unit_results

    return per_unit_results(q, prepared, frame, results, settings, level)


def write_folder(out_dir: Path, write: Callable[[Path], None], *, force: bool = False,
                 previous: list[str] | None = None) -> list[Path]:
    """Call ``write(folder)`` on a staging folder beside ``out_dir``, then move what it wrote into place
    (surveykit.pipeline.output: nothing surveykit did not write is touched; all or nothing). ``previous``:
    the files an earlier run listed in ``out_dir`` (from :func:`check_target`, checked here when None).
    Returns the files written."""
    if previous is None:
        previous = check_target(out_dir, force)
    with staging(out_dir) as tmp:
        write(tmp)
        written = publish(tmp, out_dir, previous, force)
    return [out_dir / name for name in written]


def check_output_location(out_dir: Path, inputs: list[Path | None]) -> None:
    """Outputs never overwrite an input: refuse an output folder that holds the data or questionnaire."""
    target = out_dir.resolve()
    for path in inputs:
        if path is None:
            continue
        source = Path(path).resolve()
        if source == target or target in source.parents:
            raise SurveyError(f"output folder {out_dir} contains the input file {path}; choose another --out "
                              "(outputs are kept apart from the inputs)")
