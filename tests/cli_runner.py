"""Run the ``surveykit`` command in this process, as a user would from ``cwd``: exit code, stdout, stderr."""

import contextlib
import io
import os
from pathlib import Path

from surveykit import cli


def run_in_process(args: list[str], cwd: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(args)
    finally:
        os.chdir(old)
    return code, out.getvalue(), err.getvalue()
