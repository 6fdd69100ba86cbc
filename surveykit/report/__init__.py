"""The report layer: formats the numbers in ``results.json``; it computes nothing statistical.

>>> files = render_report(results, questionnaire, "out/", lang="nb")          # doctest: +SKIP
>>> files.html, files.excel, files.figures                                    # doctest: +SKIP

Writes into ``out_dir``:

* ``report.html`` - one self-contained file (figures as data URIs, inline CSS, no scripts);
* ``tables.xlsx`` - every numbered table, one sheet each, numbers stored as numbers;
* ``figures/NN-<name>.png`` and ``.svg`` - every numbered figure.

Same inputs, same bytes: rendering twice gives identical files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from surveykit.spec.questionnaire import Questionnaire

from .content import Document, build_document
from .excel import write_workbook
from .html import render_html

__all__ = ["ReportFiles", "render_report", "build_document", "Document"]


@dataclass(frozen=True)
class ReportFiles:
    """Paths of the files :func:`render_report` wrote."""

    html: Path
    excel: Path
    figures: tuple[Path, ...]
    n_tables: int
    n_figures: int


def render_report(
    results: dict,
    q: Questionnaire,
    out_dir: str | Path,
    lang: str = "nb",
    free_text: dict[str, list[str]] | None = None,
) -> ReportFiles:
    """Write report.html, tables.xlsx and figures/*.png|svg for ``results`` into ``out_dir``.

    ``results``: the results dict as documented in docs/results-json.md. ``q``: the questionnaire
    (labels). ``free_text``: {question id: [answers]} in the order to show them (only the questions whose
    answers belong in the report; the caller shuffles them and strips any background information).
    """
    out = Path(out_dir)
    fig_dir = out / "figures"
    fig_dir.mkdir(parents=True, exist_ok=True)
    doc = build_document(results, q, lang, free_text)
    written: list[Path] = []
    for fig in doc.figures:
        stem = f"{fig.number:02d}-{fig.key}"
        for suffix, data in ((".png", fig.image.png), (".svg", fig.image.svg)):
            path = fig_dir / (stem + suffix)
            path.write_bytes(data)
            written.append(path)
    html_path = out / "report.html"
    html_path.write_text(render_html(doc), encoding="utf-8")
    excel_path = write_workbook(doc, out / "tables.xlsx")
    return ReportFiles(html_path, excel_path, tuple(written), len(doc.tables), len(doc.figures))
