"""``surveykit run <scorecard.yaml> [DATA]``: load, analyse, and write report.html, tables.xlsx and
results.json (plus figures/) into the output folder, all or nothing: everything is written into a temporary
folder beside it, which replaces the output folder only when every file is complete (as the survey run does).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from surveykit.pipeline.results import results_json
from surveykit.pipeline.run import check_output_location, write_folder

from .analyse import analyse, load_data
from .report import render_scorecard_report
from .spec import Scorecard


@dataclass(frozen=True)
class ScorecardRun:
    out_dir: Path
    results: dict
    files: list[Path]


def run_scorecard(card: Scorecard, data: Path | None = None, out_dir: Path | None = None, lang: str | None = None,
                  min_group_size: int | None = None) -> ScorecardRun:
    """The whole scorecard analysis; ``data`` replaces the definition's unit × indicator table. ``lang``
    defaults to the scorecard's first language; ``min_group_size`` overrides the survey block's (h)."""
    lang = lang or card.scorecard.languages[0]
    out_dir = Path(out_dir) if out_dir else Path("reports") / card.scorecard.id
    loaded = load_data(card, Path(data) if data else None)
    check_output_location(out_dir, [card.source_path, *loaded.files])
    results = analyse(card, loaded, min_group_size)

    def write(folder: Path) -> None:
        (folder / "results.json").write_text(results_json(results), encoding="utf-8")
        render_scorecard_report(results, card, folder, lang, str(data) if data else "")

    files = write_folder(out_dir, write)
    return ScorecardRun(out_dir, results, files)
