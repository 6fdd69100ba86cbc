"""Render the report :class:`~surveykit.report.content.Document` as one self-contained HTML file.

jinja2 with autoescaping ON: every string that comes from the data or the questionnaire (labels, group
names, free-text answers) is HTML-escaped. Figures are embedded as base64 PNG data URIs, the CSS is inline,
there is no JavaScript, and a Content-Security-Policy forbids loading anything else: the file opens offline
and fetches nothing from the network.
"""

from __future__ import annotations

import base64
from functools import lru_cache
from pathlib import Path

from . import format as fmt
from .document import Document

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=1)
def _environment():
    """One environment per process: it compiles the template once (a run may render a thousand unit reports)."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_html(doc: Document) -> str:
    """The report as an HTML string."""
    images = {
        f.number: "data:image/png;base64," + base64.b64encode(f.image.png).decode("ascii") for f in doc.figures
    }
    template = _environment().get_template("report.html.j2")
    return template.render(doc=doc, s=doc.s, images=images, n_text=fmt.integer(doc.n, doc.lang))
