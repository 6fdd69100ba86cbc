"""``surveykit run --out``: surveykit deletes or replaces nothing it did not write (issue 14, item 6).

Most tests replace the analysis and the report by fast stand-ins (``fast`` fixture: the real data are
read and validated, ``build_results`` returns a small dict and ``render_report`` writes report.html,
tables.xlsx and the figures named in ``fast.figures``), because what is tested is where files go, not
what is in them; two tests run the real pipeline end to end. Every command goes through
:func:`surveykit.cli.main`, as a user would call it. The machine runs tests as root, where file
permissions do not bind, so permission errors are simulated by making the call that writes raise them.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from cli_runner import run_in_process as cli_run

from surveykit.pipeline import output
from surveykit.pipeline.output import MARKER, marker_text, safe_folder_name

CASE = Path(__file__).resolve().parent / "bad_inputs" / "run_group_of_one_is_suppressed"
RUN = ["run", "questionnaire.yaml", "data.csv", "--quiet"]
THESIS = b"PK\x03\x04 chapter 1 ... a year of work"




def hashes(folder: Path) -> dict[str, str]:
    """Every entry under ``folder``: files by content, symbolic links by target, folders as such."""
    out = {}
    for p in sorted(folder.rglob("*")):
        key = str(p.relative_to(folder))
        if p.is_symlink():
            out[key] = "link -> " + os.readlink(p)
        elif p.is_file():
            out[key] = hashlib.sha256(p.read_bytes()).hexdigest()
        else:
            out[key] = "folder"
    return out


def no_staging_left(folder: Path) -> bool:
    return not [p for p in folder.rglob(".surveykit-*") if p.name != MARKER]


@pytest.fixture
def work(tmp_path):
    folder = tmp_path / "work"
    shutil.copytree(CASE, folder)
    (folder / "expected.txt").unlink()
    return folder


class FastPipeline:
    def __init__(self):
        self.figures = ["fig-a.png", "fig-b.png"]
        self.fail_in_report: OSError | None = None


@pytest.fixture
def fast(monkeypatch):
    """The real reading and validation; a stand-in for the analysis and the report."""
    import surveykit.pipeline.run as run_module
    import surveykit.report

    state = FastPipeline()

    def build_results(q, prepared, settings, progress):
        return {"n": prepared.n_respondents}, prepared.frame

    def render_report(results, q, out, lang="nb", free_text=None):
        out = Path(out)
        (out / "report.html").write_text(f"<p>{results['n']}</p>", encoding="utf-8")
        if state.fail_in_report is not None:
            (out / "tables.xlsx").write_bytes(b"half a workbook")
            raise state.fail_in_report
        (out / "tables.xlsx").write_bytes(b"workbook")
        (out / "figures").mkdir()
        for name in state.figures:
            (out / "figures" / name).write_bytes(name.encode())

    monkeypatch.setattr(run_module, "build_results", build_results)
    monkeypatch.setattr(surveykit.report, "render_report", render_report)
    return state


def marker_files(folder: Path) -> list[str]:
    content = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    assert content["written_by"] == "surveykit"
    return content["files"]


# ------------------------------------------------------------------------------------------ foreign folders
def test_existing_folder_with_a_thesis_is_refused_and_survives(work, fast):
    out = work / "out"
    out.mkdir()
    (out / "thesis.docx").write_bytes(THESIS)
    before = hashes(work)
    code, _, err = cli_run([*RUN, "--out", "out"], work)
    assert code == 2 and "Traceback" not in err
    assert err.splitlines()[0] == (
        "error: output folder out already holds 1 file(s) or folder(s) surveykit did not write ('thesis.docx'); "
        "choose a new or empty folder, or pass --force to add surveykit's files to it (nothing else in it is "
        "replaced or deleted)")
    assert hashes(work) == before


def test_home_folder_like_out_is_refused(work, fast):
    """`--out ~`: a folder full of someone's files is refused, whatever its name."""
    home = work / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_ed25519").write_text("secret", encoding="utf-8")
    (home / "Documents").mkdir()
    (home / ".bashrc").write_text("alias ll='ls -l'\n", encoding="utf-8")
    before = hashes(work)
    code, _, err = cli_run([*RUN, "--out", "home"], work)
    assert code == 2 and "already holds 3 file(s) or folder(s)" in err
    assert "'.bashrc', '.ssh', 'Documents'" in err
    assert hashes(work) == before


def test_force_adds_surveykit_files_and_keeps_everything_else(work):
    """The real pipeline, end to end: --force into a folder with a thesis and a subfolder."""
    out = work / "out"
    (out / "notes").mkdir(parents=True)
    (out / "thesis.docx").write_bytes(THESIS)
    (out / "notes" / "draft.txt").write_text("draft", encoding="utf-8")
    foreign = hashes(out)
    code, _, err = cli_run([*RUN, "--out", "out", "--force", "--lang", "en"], work)
    assert code == 0, err
    after = hashes(out)
    assert {k: after[k] for k in foreign} == foreign  # every foreign file and folder as it was
    written = marker_files(out)
    assert {"report.html", "results.json", "tables.xlsx"} <= set(written)
    assert "thesis.docx" not in written and not any(w.startswith("notes") for w in written)
    # the marker lists exactly the files surveykit added
    added = {k for k, v in after.items() if k not in foreign and v != "folder"} - {MARKER}
    assert added == set(written)
    assert no_staging_left(work)


def test_force_replaces_a_foreign_file_only_when_it_has_a_surveykit_name(work, fast):
    out = work / "out"
    out.mkdir()
    (out / "thesis.docx").write_bytes(THESIS)
    (out / "report.html").write_text("someone else's report", encoding="utf-8")
    code, _, err = cli_run([*RUN, "--out", "out", "--force"], work)
    assert code == 0, err
    assert (out / "thesis.docx").read_bytes() == THESIS
    assert (out / "report.html").read_text(encoding="utf-8") == "<p>80</p>"
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "figures", "report.html", "results.json",
                                                     "tables.xlsx", "thesis.docx"]


def test_empty_existing_folder_is_used(work, fast):
    (work / "out").mkdir()
    code, _, err = cli_run([*RUN, "--out", "out"], work)
    assert code == 0, err
    assert marker_files(work / "out") == ["figures/fig-a.png", "figures/fig-b.png", "report.html",
                                          "results.json", "tables.xlsx"]


# ------------------------------------------------------------------------------------------ marked folders
def test_marked_folder_is_reused_and_only_surveykit_files_change(work, fast):
    code, _, err = cli_run([*RUN, "--out", "out"], work)
    assert code == 0, err
    out = work / "out"
    (out / "my-notes.txt").write_text("mine", encoding="utf-8")  # added by the user between two runs
    (out / "figures" / "my-sketch.png").write_bytes(b"mine")
    fast.figures = ["fig-a.png"]  # fig-b.png is no longer written: stale, surveykit's own, removed
    code, _, err = cli_run([*RUN, "--out", "out"], work)
    assert code == 0, err
    assert (out / "my-notes.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "figures" / "my-sketch.png").read_bytes() == b"mine"
    assert not (out / "figures" / "fig-b.png").exists()
    assert marker_files(out) == ["figures/fig-a.png", "report.html", "results.json", "tables.xlsx"]
    assert no_staging_left(work)


def test_marked_folder_with_a_foreign_file_of_a_surveykit_name_is_refused(work, fast):
    code, _, err = cli_run([*RUN, "--out", "out"], work)
    assert code == 0, err
    out = work / "out"
    (out / "figures" / "fig-c.png").write_bytes(b"the user's own picture")  # not in the marker
    fast.figures = ["fig-a.png", "fig-c.png"]
    before = hashes(work)
    code, _, err = cli_run([*RUN, "--out", "out"], work)
    assert code == 2 and "Traceback" not in err
    assert err.splitlines()[0] == "error: output folder out: 1 file(s) in the way; nothing was written"
    assert "out/figures/fig-c.png: exists and surveykit did not write it (pass --force to replace it)" in err
    assert hashes(work) == before and no_staging_left(work)


def test_marker_cannot_name_files_outside_the_folder(work, fast):
    """A marker listing '../thesis.docx' or an absolute path never makes surveykit remove them."""
    (work / "thesis.docx").write_bytes(THESIS)
    victim = work / "elsewhere.txt"
    victim.write_text("keep", encoding="utf-8")
    out = work / "out"
    out.mkdir()
    (out / MARKER).write_text(marker_text([]).replace(
        '"files": []', json.dumps({"files": ["../thesis.docx", str(victim), "./../elsewhere.txt"]})[1:-1]),
        encoding="utf-8")
    assert output.read_marker(out) == []
    code, _, err = cli_run([*RUN, "--out", "out"], work)
    assert code == 0, err
    assert (work / "thesis.docx").read_bytes() == THESIS and victim.read_text(encoding="utf-8") == "keep"


def test_an_invalid_marker_makes_the_folder_foreign(work, fast):
    out = work / "out"
    out.mkdir()
    (out / MARKER).write_text("not json", encoding="utf-8")
    (out / "thesis.docx").write_bytes(THESIS)
    code, _, err = cli_run([*RUN, "--out", "out"], work)
    assert code == 2 and "surveykit did not write" in err


# ------------------------------------------------------------------------------------------ links and files
def test_symlink_out_is_refused(work, fast):
    target = work / "real"
    target.mkdir()
    (target / "thesis.docx").write_bytes(THESIS)
    (work / "out").symlink_to(target, target_is_directory=True)
    before = hashes(work)
    code, _, err = cli_run([*RUN, "--out", "out"], work)
    assert code == 2
    assert err.splitlines()[0] == ("error: output folder out is a symbolic link; surveykit writes only into a real "
                                   "folder (give the folder it points to as --out)")
    assert hashes(work) == before


def test_dangling_symlink_out_is_refused(work, fast):
    (work / "out").symlink_to(work / "nowhere")
    code, _, err = cli_run([*RUN, "--out", "out"], work)
    assert code == 2 and "is a symbolic link" in err
    assert not (work / "nowhere").exists() and (work / "out").is_symlink()


def test_symlink_inside_a_marked_folder_is_not_followed(work, fast):
    code, _, err = cli_run([*RUN, "--out", "out"], work)
    assert code == 0, err
    outside = work / "outside"
    outside.mkdir()
    (outside / "fig-a.png").write_bytes(b"not surveykit's")
    shutil.rmtree(work / "out" / "figures")
    (work / "out" / "figures").symlink_to(outside, target_is_directory=True)
    before = hashes(work)
    code, _, err = cli_run([*RUN, "--out", "out", "--force"], work)
    assert code == 2 and "out/figures: is a symbolic link or a file where surveykit writes a folder" in err
    assert hashes(work) == before


def test_file_out_is_refused(work, fast):
    (work / "out").write_bytes(THESIS)
    for extra in ([], ["--force"]):
        code, _, err = cli_run([*RUN, "--out", "out", *extra], work)
        assert code == 2
        assert err.splitlines()[0] == ("error: output folder out exists and is a file, not a folder; choose another "
                                       "--out (surveykit never replaces a file it did not write)")
        assert (work / "out").read_bytes() == THESIS


# ------------------------------------------------------------------------------------------ default folder
@pytest.mark.parametrize("given, folder", [(".", "survey"), ("..", "survey"), ("...", "survey"),
                                           ("a/b", "a_b"), ("..\\x", "_x"), ("x\x00y\n", "x_y_"),
                                           (".hidden", "hidden"), ("schick-2012_v1.0", "schick-2012_v1.0"),
                                           ("x" * 300, "x" * 100)])
def test_safe_folder_name(given, folder):
    assert safe_folder_name(given) == folder


def test_meta_id_dot_does_not_make_reports_the_target(work, fast):
    """meta.id '.' once made reports/ itself the output folder and replaced every other survey's report."""
    other = work / "reports" / "other-survey"
    other.mkdir(parents=True)
    (other / "report.html").write_text("another survey", encoding="utf-8")
    yaml = work / "questionnaire.yaml"
    text = yaml.read_text(encoding="utf-8")
    assert "  id: bad-input-case\n" in text
    yaml.write_text(text.replace("  id: bad-input-case\n", "  id: '.'\n"), encoding="utf-8")
    code, out, err = cli_run(["run", "questionnaire.yaml", "data.csv"], work)
    assert code == 0, err
    assert out.strip() == "report written to reports/survey/report.html"
    assert (other / "report.html").read_text(encoding="utf-8") == "another survey"
    assert sorted(p.name for p in (work / "reports").iterdir()) == ["other-survey", "survey"]


# ------------------------------------------------------------------------------------------ write failures
def test_permission_error_is_exit_2_with_the_path(work, fast, monkeypatch):
    def refuse(prefix=None, dir=None, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(dir))

    monkeypatch.setattr(output.tempfile, "mkdtemp", refuse)
    code, _, err = cli_run([*RUN, "--out", "a/b/out"], work)
    assert code == 2 and "Traceback" not in err
    assert err.splitlines()[0] == "error: cannot write the output folder a/b/out: permission denied; nothing was written"
    assert f"{work}/a/b: PermissionError: Permission denied" in err
    assert not (work / "a").exists()  # the parents created for it are gone again


def test_disk_full_while_writing_the_report_leaves_nothing(work, fast):
    fast.fail_in_report = OSError(errno.ENOSPC, "No space left on device", "tables.xlsx")
    code, _, err = cli_run([*RUN, "--out", "reports/out"], work)
    assert code == 2 and "Traceback" not in err
    assert err.splitlines()[0] == ("error: cannot write the output folder reports/out: the disk is full; "
                                   "nothing was written")
    assert not (work / "reports").exists()


def test_disk_full_while_replacing_a_marked_folder_restores_it(work, fast, monkeypatch):
    code, _, err = cli_run([*RUN, "--out", "out"], work)
    assert code == 0, err
    (work / "out" / "thesis.docx").write_bytes(THESIS)
    before = hashes(work)
    real_replace = os.replace
    calls = []

    def replace(src, dst):
        calls.append(dst)
        if len(calls) == 9:  # 6 old files moved aside, then the 3rd new file: the disk is full
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(output.os, "replace", replace)
    fast.figures = ["fig-a.png", "fig-b.png", "fig-c.png"]
    code, _, err = cli_run([*RUN, "--out", "out"], work)
    assert len(calls) > 9  # it failed in the middle, and then put everything back
    assert code == 2 and "the disk is full; nothing was written" in err
    assert hashes(work) == before and no_staging_left(work)


def test_over_long_name_is_exit_2_before_the_analysis(work, fast):
    name = "x" * 300
    code, _, err = cli_run([*RUN, "--out", name], work)
    assert code == 2 and "Traceback" not in err
    headline = err.splitlines()[0]
    assert headline.startswith("error: output folder xxxx") and headline.endswith(
        ": the name is too long for the file system (300 bytes, at most 255)")
    assert sorted(p.name for p in work.iterdir()) == ["data.csv", "questionnaire.yaml"]


def test_name_too_long_when_moving_into_place_is_exit_2(work, fast, monkeypatch):
    """The file system may refuse a name the early check allowed (another file system under the path)."""
    def too_long(src, dst):
        raise OSError(errno.ENAMETOOLONG, "File name too long", str(dst))

    monkeypatch.setattr(output.os, "rename", too_long)
    code, _, err = cli_run([*RUN, "--out", "out"], work)
    assert code == 2
    assert err.splitlines()[0] == ("error: cannot write the output folder out: a name is too long for the file "
                                   "system; nothing was written")
    assert sorted(p.name for p in work.iterdir()) == ["data.csv", "questionnaire.yaml"]


def test_the_new_folder_appears_whole_or_not_at_all(work, fast, monkeypatch):
    """A new --out is renamed into place in one step: before it, only a hidden staging folder exists."""
    seen = []
    real_rename = os.rename

    def rename(src, dst):
        seen.append((sorted(p.name for p in Path(src).iterdir()), os.path.lexists(dst)))
        return real_rename(src, dst)

    monkeypatch.setattr(output.os, "rename", rename)
    code, _, err = cli_run([*RUN, "--out", "out"], work)
    assert code == 0, err
    assert seen == [([MARKER, "figures", "report.html", "results.json", "tables.xlsx"], False)]


def test_output_of_a_surveykit_without_the_marker_is_reused(work, fast):
    """A folder written before the marker existed (reports/<id>/ of `make demo`) is recognised by its exact
    content and reused; one more file in it makes it someone else's folder."""
    out = work / "out"
    (out / "figures").mkdir(parents=True)
    (out / "results.json").write_text('{"surveykit_version": "0.9"}', encoding="utf-8")
    (out / "report.html").write_text("old", encoding="utf-8")
    (out / "figures" / "old-figure.png").write_bytes(b"old")
    assert output.read_legacy(out) == ["figures/old-figure.png", "report.html", "results.json"]
    (out / "thesis.docx").write_bytes(THESIS)
    assert output.read_legacy(out) is None
    code, _, err = cli_run([*RUN, "--out", "out"], work)
    assert code == 2 and "surveykit did not write ('figures', 'report.html', 'results.json', …)" in err
    (out / "thesis.docx").unlink()
    code, _, err = cli_run([*RUN, "--out", "out"], work)
    assert code == 0, err
    assert not (out / "figures" / "old-figure.png").exists()  # surveykit's own, no longer written
    assert marker_files(out) == ["figures/fig-a.png", "figures/fig-b.png", "report.html", "results.json",
                                 "tables.xlsx"]


def test_results_json_without_the_surveykit_key_is_not_taken_for_an_output(work, fast):
    out = work / "out"
    out.mkdir()
    (out / "results.json").write_text('{"mine": 1}', encoding="utf-8")
    code, _, err = cli_run([*RUN, "--out", "out"], work)
    assert code == 2 and "surveykit did not write ('results.json')" in err
    assert (out / "results.json").read_text(encoding="utf-8") == '{"mine": 1}'


def test_simulate_does_not_replace_an_existing_file_without_force(tmp_path):
    """The refusals come before the questionnaire is read; with --force the command goes on (here to the
    mini questionnaire's own error: it has no simulation targets, so the file is still not touched)."""
    mini = Path(__file__).resolve().parent / "data" / "mini.yaml"
    target = tmp_path / "sample.csv"
    target.write_bytes(THESIS)
    args = ["simulate", str(mini), "--n", "50", "--out", str(target)]
    code, _, err = cli_run(args, tmp_path)
    assert code == 2 and err.splitlines()[0] == (f"error: --out {target} already exists; choose a new file name, "
                                                 "or pass --force to replace it")
    (tmp_path / "link.csv").symlink_to(target)
    code, _, err = cli_run([*args[:-1], str(tmp_path / "link.csv"), "--force"], tmp_path)
    assert code == 2 and err.splitlines()[0] == f"error: --out {tmp_path / 'link.csv'} is a symbolic link; give a new file name"
    code, _, err = cli_run([*args, "--force"], tmp_path)
    assert code == 2 and "no 'simulation.targets' file" in err
    assert target.read_bytes() == THESIS
