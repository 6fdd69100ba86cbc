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

from surveykit.data.prepare import load_and_recode
from surveykit.errors import SurveyError
from surveykit.pipeline.output import check_target, default_out_dir, publish, staging
from surveykit.pipeline.results import build_results, free_text_answers, results_json
from surveykit.pipeline.settings import STAGES, RunOutput, Settings
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


def run(q: Questionnaire, data_path: Path, out_dir: Path | None = None, lang: str = "nb",
        min_group_size: int | None = None, quiet: bool = False, out_of_range: str = "error",
        extra_columns: str = "error", force: bool = False) -> RunOutput:
    """The whole analysis; writes report.html, tables.xlsx, results.json and figures/ into ``out_dir``.

    ``out_dir`` (default ``reports/<meta.id>``, the id made a safe folder name) must be new, empty, or
    hold surveykit's marker from an earlier run; ``force`` allows a folder with other files in it. Only
    surveykit's own files are ever created, replaced or removed there (see docs/output.md)."""
    from surveykit.report import render_report

    plan = q.analysis
    settings = Settings(lang=lang, alpha=plan.alpha,
                        min_group_size=plan.min_group_size if min_group_size is None else min_group_size,
                        missing=plan.missing, posthoc=plan.posthoc, seed=plan.seed)
    if settings.min_group_size < 1:
        raise SurveyError(f"--min-group-size must be at least 1 (got {settings.min_group_size})")
    out_dir = Path(out_dir) if out_dir else default_out_dir(q.meta.id)
    _check_output_location(out_dir, [data_path, q.source_path])
    previous = check_target(out_dir, force)  # before the analysis: a refused folder costs no waiting

    progress = _Progress(quiet)
    progress("prepare")
    prepared = load_and_recode(q, data_path, out_of_range=out_of_range, extra_columns=extra_columns)
    results, frame = build_results(q, prepared, settings, progress)

    progress("report")
    try:
        with staging(out_dir) as tmp:
            (tmp / "results.json").write_text(results_json(results), encoding="utf-8")
            render_report(results, q, tmp, lang=lang, free_text=free_text_answers(frame, q, settings.seed))
            written = publish(tmp, out_dir, previous, force)
    finally:
        progress.close()
    files = [out_dir / name for name in written]
    return RunOutput(out_dir, results, files)


def _check_output_location(out_dir: Path, inputs: list[Path | None]) -> None:
    """Outputs never overwrite an input: refuse an output folder that holds the data or questionnaire."""
    target = out_dir.resolve()
    for path in inputs:
        if path is None:
            continue
        source = Path(path).resolve()
        if source == target or target in source.parents:
            raise SurveyError(f"output folder {out_dir} contains the input file {path}; choose another --out "
                              "(outputs are kept apart from the inputs)")
