"""``surveykit run <scorecard.yaml> [DATA]``: load, analyse, and write report.html, tables.xlsx and
results.json (plus figures/) into the output folder, all or nothing: everything is written into a temporary
folder beside it, which replaces the output folder only when every file is complete (as the survey run does).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from surveykit.pipeline import _check_output_location, results_json

from .analyse import analyse, load_data
from .report import render_scorecard_report
from .spec import Scorecard


@dataclass(frozen=True)
class ScorecardRun:
    out_dir: Path
    results: dict
    files: list[Path]


def run_scorecard(card: Scorecard, data: Path | None = None, out_dir: Path | None = None, lang: str = "nb") -> ScorecardRun:
    """The whole scorecard analysis; ``data`` replaces the definition's unit × indicator table."""
    out_dir = Path(out_dir) if out_dir else Path("reports") / card.scorecard.id
    loaded = load_data(card, Path(data) if data else None)
    _check_output_location(out_dir, [card.source_path, *loaded.files])
    results = analyse(card, loaded)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        (tmp / "results.json").write_text(results_json(results), encoding="utf-8")
        render_scorecard_report(results, card, tmp, lang, str(data) if data else "")
        if out_dir.exists():
            backup = out_dir.with_name(f".{out_dir.name}-old-{os.getpid()}")
            out_dir.rename(backup)
            tmp.rename(out_dir)
            shutil.rmtree(backup, ignore_errors=True)
        else:
            tmp.rename(out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return ScorecardRun(out_dir, results, sorted(p for p in out_dir.rglob("*") if p.is_file()))
