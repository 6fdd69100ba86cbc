"""Open report.html in headless Chromium: it renders, a <script> in a free-text answer does not run, and
the console shows no errors. Skipped (saying why) only when no chromium binary is found."""

import os
import shutil
import subprocess

import pytest

from surveykit.report import render_report
from test_report_helpers import XSS, survey_results

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="module")
def browser():
    path = _chromium()
    if path is None:
        pytest.skip("no chromium binary on PATH (apt-get install chromium); the browser test needs one")
    return path


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    results, q, free = survey_results(tmp_path_factory, "nb")
    out = tmp_path_factory.mktemp("browser-report")
    return render_report(results, q, out, lang="nb", free_text=free).html


def _run(browser, tmp_path, *args):
    env = {**os.environ, "HOME": str(tmp_path)}
    cmd = [browser, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)


def _console_problems(stderr: str) -> list[str]:
    """Uncaught errors and any console message from the page (it has no scripts, so any message means
    something went wrong: a blocked script or resource shows up here as a Content Security Policy line)."""
    return [line for line in stderr.splitlines()
            if "Uncaught" in line or ":CONSOLE" in line or "Content Security Policy" in line]


def test_report_renders_in_chromium(browser, report, tmp_path):
    shot = tmp_path / "shot.png"
    proc = _run(browser, tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", report.as_uri())
    assert shot.exists(), proc.stderr[-2000:]
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 50_000  # a page with text, tables and a figure
    assert not _console_problems(proc.stderr), _console_problems(proc.stderr)


def test_script_in_free_text_does_not_run(browser, report, tmp_path):
    proc = _run(browser, tmp_path, "--dump-dom", report.as_uri())
    dom = proc.stdout
    assert "<title>Medarbeiderundersøkelse</title>" in dom, proc.stderr[-2000:]  # the script would set 'pwned'
    assert "pwned" not in dom.split("</title>")[0]
    # the answer is in the page as text: serialised back with its < and > escaped
    assert "&lt;script&gt;document.title='pwned';alert(1)&lt;/script&gt;" in dom
    assert XSS not in dom  # never as markup
    assert not _console_problems(proc.stderr), _console_problems(proc.stderr)


A4_PRINTABLE_PX = 718  # 210 mm minus Chromium's default 10 mm print margins = 190 mm = 718 px at 96 dpi


def _probe_widths(browser, html_path, tmp_path) -> list[list]:
    """Open a copy of the report laid out as it prints on A4 (the print CSS applied on screen, the page
    718 px wide) with a probe script that measures every table; the report itself has no scripts and its
    Content-Security-Policy forbids them, so the copy drops that policy."""
    import html
    import json
    import re

    page = html_path.read_text(encoding="utf-8")
    page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
    assert "@media print {" in page
    page = page.replace("@media print {", "@media all {")
    probe = (f"<style>html,body{{width:{A4_PRINTABLE_PX}px!important;max-width:{A4_PRINTABLE_PX}px!important;"
             "margin:0!important;padding:0!important}</style>"
             "<script>window.addEventListener('load',function(){var out=[];"
             "document.querySelectorAll('table').forEach(function(t){var b=t.closest('.table-block');"
             "out.push([b?b.id:'?',Math.ceil(Math.max(t.scrollWidth,t.getBoundingClientRect().width))]);});"
             "document.title=JSON.stringify(out);});</script>")
    copy = tmp_path / "probe.html"
    copy.write_text(page.replace("</head>", probe + "</head>"), encoding="utf-8")
    proc = _run(browser, tmp_path, f"--window-size={A4_PRINTABLE_PX},2000", "--virtual-time-budget=5000",
                "--dump-dom", copy.as_uri())
    title = re.search(r"<title>(.*?)</title>", proc.stdout, re.S)
    assert title, proc.stderr[-2000:]
    return json.loads(html.unescape(title.group(1)))


def test_every_table_fits_an_a4_page(browser, report, tmp_path):
    """No table is wider than an A4 page's printable width: comparisons with several grouping variables are
    stacked (one block of rows per grouping variable) instead of spreading across ~3,400 px."""
    widths = _probe_widths(browser, report, tmp_path)
    assert len(widths) >= 20  # every table measured (the probe ran)
    too_wide = [(table, width) for table, width in widths if width > A4_PRINTABLE_PX]
    assert not too_wide, too_wide
