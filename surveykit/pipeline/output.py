"""Writing a run's files without ever deleting or replacing a file surveykit did not write.

The rules (docs/output.md):

* A new ``--out`` folder is written whole into a hidden staging folder next to it and renamed into place
  only when every file is written: a failed run leaves nothing.
* An existing folder is written into only when it is empty, when it holds the marker file
  :data:`MARKER` that surveykit writes (a JSON listing of the files it wrote there), or with ``--force``.
  Then only surveykit's own file names are created or replaced; files listed in the marker that this run
  no longer writes (figures of an analysis since removed) are removed; nothing else is touched. The
  replacement is all or nothing too: the files it replaces are moved aside first and put back if any
  step fails.
* A file or a symbolic link at ``--out``, or a non-empty folder without the marker (and without
  ``--force``), is an error naming it; so is a file surveykit would replace in a marked folder that the
  marker does not list (someone put it there), unless ``--force``.
* Write failures (permissions, a full disk, a name too long) are :class:`SurveyError` naming the path.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from surveykit.errors import Problem, SurveyError

MARKER = ".surveykit-output"
STAGING_PREFIX = ".surveykit-tmp-"
BACKUP_PREFIX = ".surveykit-old-"
DEFAULT_NAME = "survey"


# --------------------------------------------------------------------------------------------- names
def safe_folder_name(text: str) -> str:
    """A folder name from a questionnaire id: letters, digits, ``_``, ``-`` and inner dots only, at most 100
    characters, never empty, ``.``, ``..`` or hidden; other characters (separators, control characters,
    spaces) become ``_``. ``'.'`` gives ``'survey'``, so that ``reports/`` itself is never the target."""
    name = re.sub(r"[^\w.-]", "_", unicodedata.normalize("NFC", str(text)), flags=re.ASCII)
    name = name[:100].strip(".")
    return name or DEFAULT_NAME


def default_out_dir(questionnaire_id: str, root: Path = Path("reports")) -> Path:
    return root / safe_folder_name(questionnaire_id)


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        return 255


def _nearest_existing(path: Path) -> Path:
    for candidate in [path, *path.parents]:
        if os.path.lexists(candidate):
            return candidate
    return Path(".")


# --------------------------------------------------------------------------------------------- marker
def read_marker(folder: Path) -> list[str] | None:
    """The files surveykit wrote into ``folder`` last time, by the marker; None without a valid marker.
    Only plain relative paths inside the folder are kept: a marker can never name a file elsewhere."""
    path = folder / MARKER
    if os.path.islink(path) or not path.is_file():
        return None
    try:
        if path.stat().st_size > 10_000_000:
            return None
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(content, dict) or content.get("written_by") != "surveykit" \
            or not isinstance(content.get("files"), list):
        return None
    return [f for f in content["files"] if isinstance(f, str) and _is_plain_relative(f)]


def _is_plain_relative(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return (bool(parts) and "\\" not in name and "\x00" not in name and not PurePosixPath(name).is_absolute()
            and all(p not in (".", "..", "") for p in parts) and name != MARKER)


LEGACY_FILES = {"report.html", "tables.xlsx", "results.json"}
LEGACY_FIGURES = (".png", ".svg")


def read_legacy(folder: Path) -> list[str] | None:
    """The files of an output folder written before surveykit wrote a marker, or None when ``folder`` holds
    anything else. Recognised only when it holds nothing but report.html, tables.xlsx, results.json (a
    JSON object with ``surveykit_version``) and figures/ with .png/.svg files: exactly what a run writes."""
    try:
        content = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(content, dict) or "surveykit_version" not in content:
        return None
    files = []
    for entry in folder.iterdir():
        if entry.is_symlink():
            return None
        if entry.name in LEGACY_FILES and entry.is_file():
            files.append(entry.name)
        elif entry.name == "figures" and entry.is_dir():
            for figure in entry.iterdir():
                if figure.is_symlink() or not figure.is_file() or figure.suffix not in LEGACY_FIGURES:
                    return None
                files.append(f"figures/{figure.name}")
        else:
            return None
    return sorted(files)


def marker_text(files: list[str]) -> str:
    from surveykit import __version__

    return json.dumps({"written_by": "surveykit", "version": __version__,
                       "note": "surveykit replaces only the files listed here when it writes into this folder "
                               "again; delete this file to keep the folder as it is",
                       "files": sorted(files)}, indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------------------------- checks
def check_target(out_dir: Path, force: bool = False) -> list[str]:
    """Check ``out_dir`` before any work; return the files a previous run listed there (empty when new).

    Raises :class:`SurveyError` (exit 2) for a symbolic link, a file, a non-empty folder surveykit did
    not write (unless ``force``), a name longer than the file system allows, or a parent that is not a
    folder or not writable."""
    shown = str(out_dir)
    if os.path.islink(out_dir):
        raise SurveyError(f"output folder {shown} is a symbolic link; surveykit writes only into a real folder "
                          "(give the folder it points to as --out)")
    if os.path.lexists(out_dir) and not out_dir.is_dir():
        raise SurveyError(f"output folder {shown} exists and is a file, not a folder; choose another --out "
                          "(surveykit never replaces a file it did not write)")
    ancestor = _nearest_existing(out_dir.absolute().parent)
    if not ancestor.is_dir():
        raise SurveyError(f"output folder {shown}: {ancestor} is a file, not a folder")
    if len(os.fsencode(out_dir.name)) > _name_max(ancestor):
        raise SurveyError(f"output folder {shown}: the name is too long for the file system "
                          f"({len(os.fsencode(out_dir.name))} bytes, at most {_name_max(ancestor)})")
    if not out_dir.exists():
        if not os.access(ancestor, os.W_OK | os.X_OK):
            raise SurveyError(f"output folder {shown}: no permission to create it in {ancestor}")
        return []
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise SurveyError(f"output folder {shown}: no permission to write into it")
    with os.scandir(out_dir) as entries:
        names = sorted(e.name for e in entries)
    if not names:
        return []
    listed = read_marker(out_dir)
    if listed is None:
        listed = read_legacy(out_dir)  # written by a surveykit from before the marker
    if listed is not None:
        return listed
    if force:
        return []
    shown_names = ", ".join(repr(n) for n in names[:3]) + (", …" if len(names) > 3 else "")
    raise SurveyError(f"output folder {shown} already holds {len(names)} file(s) or folder(s) surveykit did not "
                      f"write ({shown_names}); choose a new or empty folder, or pass --force to add surveykit's "
                      "files to it (nothing else in it is replaced or deleted)")


# --------------------------------------------------------------------------------------------- writing
def _write_error(out_dir: Path, exc: OSError) -> SurveyError:
    reason = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is exceeded",
              errno.ENAMETOOLONG: "a name is too long for the file system",
              errno.EACCES: "permission denied", errno.EPERM: "operation not permitted",
              errno.EROFS: "the file system is read-only"}.get(exc.errno, exc.strerror or str(exc))
    where = exc.filename if exc.filename is not None else out_dir
    return SurveyError(f"cannot write the output folder {out_dir}: {reason}; nothing was written",
                       [Problem(f"{type(exc).__name__}: {exc.strerror or exc}", file=str(where))])


@contextlib.contextmanager
def staging(out_dir: Path) -> Iterator[Path]:
    """A hidden staging folder next to ``out_dir`` (its parents created when missing). On any failure the
    staging folder and every parent created for it are removed, and an OSError becomes a SurveyError
    naming the path."""
    parent = out_dir.absolute().parent
    created = [p for p in [parent, *parent.parents] if not os.path.lexists(p)]
    tmp = None
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=parent))
        yield tmp
    except BaseException as exc:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        for folder in created:  # the deepest first
            with contextlib.suppress(OSError):
                folder.rmdir()
        if isinstance(exc, OSError):
            raise _write_error(out_dir, exc) from None
        raise
    else:
        if tmp is not None and tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _staged_files(tmp: Path) -> list[str]:
    return sorted(p.relative_to(tmp).as_posix() for p in tmp.rglob("*") if p.is_file() or p.is_symlink())


def _unsafe_parent(out_dir: Path, rel: str) -> Path | None:
    """The first component between ``out_dir`` and ``rel`` that is a symbolic link or a file (writing
    through it would leave the folder), or None."""
    current = out_dir
    for part in PurePosixPath(rel).parts[:-1]:
        current = current / part
        if os.path.islink(current) or (os.path.lexists(current) and not current.is_dir()):
            return current
    return None


def publish(tmp: Path, out_dir: Path, previous: list[str], force: bool = False) -> list[str]:
    """Move the files staged in ``tmp`` into ``out_dir`` with the marker; return their relative names.

    A new folder: ``tmp`` is renamed to it (atomic). An existing one: the files this run replaces and the
    stale ones the previous marker listed are moved aside, the new ones moved in; if anything fails, the
    new ones are removed and the old ones put back."""
    files = [f for f in _staged_files(tmp) if f != MARKER]
    (tmp / MARKER).write_text(marker_text(files), encoding="utf-8")
    if not os.path.lexists(out_dir):
        os.rename(tmp, out_dir)
        return files
    check_target(out_dir, force)  # again: the folder may have changed during the analysis
    owned = set(previous)
    problems = []
    for rel in [*files, MARKER]:
        dest = out_dir / rel
        bad_parent = _unsafe_parent(out_dir, rel)
        if bad_parent is not None:
            problems.append(Problem("is a symbolic link or a file where surveykit writes a folder",
                                    file=str(bad_parent)))
        elif dest.is_dir() and not dest.is_symlink():
            problems.append(Problem("is a folder where surveykit writes a file", file=str(dest)))
        elif os.path.lexists(dest) and rel not in owned and rel != MARKER and not force:
            problems.append(Problem("exists and surveykit did not write it (pass --force to replace it)",
                                    file=str(dest)))
    if problems:
        raise SurveyError(f"output folder {out_dir}: {len(problems)} file(s) in the way; nothing was written",
                          problems)
    stale = [rel for rel in sorted(owned - set(files)) if _unsafe_parent(out_dir, rel) is None
             and (os.path.islink(out_dir / rel) or (out_dir / rel).is_file())]
    replaced = [rel for rel in [*files, MARKER] if os.path.lexists(out_dir / rel)]
    backup = Path(tempfile.mkdtemp(prefix=BACKUP_PREFIX, dir=out_dir.absolute().parent))
    moved: list[tuple[str, Path]] = []
    placed: list[str] = []
    made: list[Path] = []
    try:
        for i, rel in enumerate([*replaced, *stale]):
            aside = backup / str(i)
            os.replace(out_dir / rel, aside)
            moved.append((rel, aside))
        for rel in [*files, MARKER]:
            dest = out_dir / rel
            for folder in reversed(dest.parents):
                if folder != out_dir and out_dir in folder.parents and not folder.exists():
                    folder.mkdir()
                    made.append(folder)
            os.replace(tmp / rel, dest)
            placed.append(rel)
    except BaseException:
        for rel in reversed(placed):
            with contextlib.suppress(OSError):
                os.remove(out_dir / rel)
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        for rel, aside in reversed(moved):
            with contextlib.suppress(OSError):
                os.replace(aside, out_dir / rel)
        shutil.rmtree(backup, ignore_errors=True)
        raise
    shutil.rmtree(backup, ignore_errors=True)
    for rel in stale:  # folders left empty by stale files (figures/ of a removed analysis)
        for folder in (out_dir / rel).parents:
            if folder == out_dir or out_dir not in folder.parents:
                break
            with contextlib.suppress(OSError):
                folder.rmdir()  # only succeeds when empty
    return files

