"""docs/python-api.md runs: its python blocks execute in order (one namespace, from the repository's top
folder), and each ```text block that follows a python block equals what that block printed."""

import contextlib
import io
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "python-api.md"


def blocks(text: str) -> list[tuple[str, str]]:
    return re.findall(r"```(python|text)\n(.*?)```", text, flags=re.S)


def test_python_api_doc_runs_and_prints_what_it_shows(monkeypatch):
    if not (REPO.parent / "shared" / "data" / "saq" / "SAQ.sav").is_file():
        pytest.skip("the SAQ examples need ../shared/data/saq/SAQ.sav")
    monkeypatch.chdir(REPO)
    namespace: dict = {}
    printed = None
    checked = 0
    for kind, body in blocks(DOC.read_text(encoding="utf-8")):
        if kind == "python":
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(body, str(DOC), "exec"), namespace)  # noqa: S102 - our own documentation
            printed = out.getvalue()
        else:
            assert printed is not None, "a text block must follow a python block"
            assert [line.rstrip() for line in printed.splitlines()] == [line.rstrip() for line in body.splitlines()]
            printed = None
            checked += 1
    assert checked >= 6


def test_blocks_are_found():
    assert len([k for k, _ in blocks(DOC.read_text(encoding="utf-8")) if k == "python"]) >= 6
