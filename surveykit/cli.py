"""The ``surveykit`` command: a thin layer over the library.

Every user error (a :class:`~surveykit.errors.SurveyError`) is printed as a headline with one line per
problem, and the command exits with status 2, without a traceback. Heavy libraries are imported inside the
commands, so that ``surveykit --help`` and ``surveykit validate`` start fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from surveykit import __version__
from surveykit.errors import SurveyError, shorten_message

EXIT_USAGE = 2


def _load(args):
    from surveykit.api.workflow import read_questionnaire

    return read_questionnaire(args.questionnaire)


def _data_path(q, data: str | None) -> Path:
    from surveykit.api.workflow import data_path

    return data_path(q, data)


def _is_scorecard(args) -> bool:
    from surveykit.spec.yamlio import (
        is_scorecard_yaml,  # without importing the scorecard package
    )

    return is_scorecard_yaml(args.questionnaire)


def _count(n: int, noun: str, plural: str | None = None) -> str:
    """'1 recode rule', '2 recode rules' (validate's summary line read '1 free-text questions')."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def cmd_validate(args) -> int:
    if _is_scorecard(args):  # a scorecard definition: surveykit/scorecard/commands.py
        from surveykit.scorecard.commands import validate_scorecard

        print(validate_scorecard(args.questionnaire, args.data))
        return 0
    q = _load(args)
    counts = [_count(len(q.items), "item"), _count(len(q.background), "background question"),
              _count(len(q.free_text), "free-text question"), _count(len(q.recodes), "recode rule"),
              _count(len(q.indices), "index", "indices")]
    print(f"{args.questionnaire}: questionnaire OK — {', '.join(counts)}")
    if args.data or args.sample:
        from surveykit.api.workflow import read_data

        prepared = read_data(q, args.data, out_of_range=args.out_of_range,
                             extra_columns="ignore" if args.ignore_extra_columns else "error")
        print(f"{prepared.path}: data OK — {prepared.n_respondents} respondents, {prepared.frame.shape[1]} variables "
              "after recoding")
        for line in prepared.warnings:
            print(f"  note: {line}")
        from surveykit.pipeline.organisation import (
            check_organisation,  # issue 16: units file, earlier waves
        )

        summary = check_organisation(q, prepared.frame, prepared.path.name)
        if summary:
            print(summary)
        if q.analysis.weights is not None:
            from surveykit.pipeline.inference import (
                check_weights,  # population files, weights
            )

            print(check_weights(q, prepared.frame))
    return 0


def cmd_describe(args) -> int:
    if _is_scorecard(args):  # the indicator codebook: surveykit/scorecard/commands.py
        from surveykit.scorecard.commands import describe_scorecard

        print(describe_scorecard(args.questionnaire, args.lang))
        return 0
    from surveykit.data.codebook import codebook_text

    q = _load(args)
    _note_language(q, args.lang)
    prepared = None
    if args.data or args.sample:
        from surveykit.api.workflow import read_data

        prepared = read_data(q, args.data, out_of_range=args.out_of_range,
                             extra_columns="ignore" if args.ignore_extra_columns else "error")
    from surveykit.pipeline.settings import report_language

    print(codebook_text(q, prepared.frame if prepared is not None else None, lang=report_language(q, args.lang),
                        non_substantive=prepared.recode_log.non_substantive if prepared is not None else None))
    return 0


def cmd_schema(args) -> int:
    from surveykit.spec.questionnaire import json_schema

    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return 0


def cmd_run(args) -> int:
    if args.min_group_size is not None and args.min_group_size < 1:
        # checked here: run() treats 0 as "not given" and would silently use the questionnaire's value
        raise SurveyError(f"--min-group-size must be at least 1 (got {args.min_group_size})")
    if _is_scorecard(args):  # a scorecard definition (top-level 'scorecard:' key)
        return _run_scorecard(args)
    from surveykit.pipeline.run import run
    from surveykit.spec.organisation import with_overrides

    q = _load(args)
    q = with_overrides(q, units=args.units, previous=args.previous)  # issue 16: spec/organisation.py
    _note_language(q, args.lang)
    result = run(q, _data_path(q, args.data), out_dir=Path(args.out) if args.out else None, lang=args.lang,
                 min_group_size=args.min_group_size, quiet=args.quiet, out_of_range=args.out_of_range,
                 extra_columns="ignore" if args.ignore_extra_columns else "error", force=args.force,
                 per_unit=_per_unit_level(args.per_unit))
    if not args.quiet:
        print(f"report written to {result.out_dir}/report.html")
        if (result.out_dir / "units" / "index.html").exists():
            print(f"per-unit reports: {result.out_dir}/units/index.html")
    return 0


def _note_language(q, lang: str | None) -> None:
    """Say so when --lang asks for a language the questionnaire has no labels in: the report's fixed
    text follows --lang, the questions and categories stay in the questionnaire's language."""
    if lang and lang not in q.meta.languages:
        print(f"note: {q.meta.id} has labels in {', '.join(q.meta.languages)} only; with --lang {lang} the "
              f"report's own text is in {lang} and the questions and answer labels stay in "
              f"{q.meta.languages[0]}", file=sys.stderr)


def _per_unit_level(value: str | None):
    """--per-unit LEVEL|all: a level number (0 = the organisation) or 'all'."""
    if value is None or value == "all":
        return value
    if not value.isdigit():
        raise SurveyError(f"--per-unit {value!r}: give a level (0, 1, 2, ...) or 'all'")
    return int(value)


def _run_scorecard(args) -> int:
    from surveykit.scorecard import load_scorecard
    from surveykit.scorecard.run import run_scorecard

    card = load_scorecard(args.questionnaire)
    if args.units or args.previous:
        raise SurveyError("--units and --previous apply to questionnaires; a scorecard names its units file in "
                          "'units: file:'")
    result = run_scorecard(card, Path(args.data) if args.data else None,
                           out_dir=Path(args.out) if args.out else None,
                           lang=args.lang,  # None: the scorecard's first language
                           min_group_size=args.min_group_size)
    if not args.quiet:
        print(f"report written to {result.out_dir}/report.html")
    return 0


def cmd_simulate(args) -> int:
    from surveykit.simulate.sample import simulate_to_file

    out = Path(args.out)
    # like run: a file surveykit did not write is never replaced without --force; a link or folder never
    if os.path.islink(out) or out.is_dir():
        raise SurveyError(f"--out {out} is a {'symbolic link' if os.path.islink(out) else 'folder'}; give a new "
                          "file name")
    if out.exists() and not args.force:
        raise SurveyError(f"--out {out} already exists; choose a new file name, or pass --force to replace it")
    q = _load(args)
    path = simulate_to_file(q, n=args.n, seed=args.seed, out=out)
    print(f"{path}: {args.n} synthetic respondents (seed {args.seed})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="surveykit", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"surveykit {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a traceback for unexpected errors")
    sub = parser.add_subparsers(dest="command", required=True)

    def data_options(p, data_help="data file (CSV, XLSX, SAV, Parquet)"):
        p.add_argument("questionnaire", help="questionnaire YAML file")
        p.add_argument("data", nargs="?", help=data_help)
        p.add_argument("--out-of-range", choices=["error", "missing"], default="error",
                       help="treat values outside a scale or code list as errors (default) or as missing")
        p.add_argument("--ignore-extra-columns", action="store_true",
                       help="drop data columns the questionnaire does not define (with a note)")

    p = sub.add_parser("validate", help="check a questionnaire, and data against it")
    data_options(p)
    p.add_argument("--sample", action="store_true", help="also validate the questionnaire's embedded sample")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("describe", help="print the codebook; with data, frequencies after recoding")
    data_options(p)
    p.add_argument("--sample", action="store_true", help="describe the questionnaire's embedded sample")
    p.add_argument("--lang", choices=["nb", "en"], default=None,
                   help="language of the texts (default: the questionnaire's first language)")
    p.set_defaults(func=cmd_describe)

    p = sub.add_parser("schema", help="print the JSON Schema of the questionnaire format")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("run", help="the whole analysis and its report")
    data_options(p, "data file; default: the questionnaire's embedded sample")
    p.add_argument("--out", help="output folder (default reports/<questionnaire id>/); must be new, empty, or "
                   "written by surveykit before")
    p.add_argument("--force", action="store_true",
                   help="also write into a folder holding other files (only surveykit's own files are "
                        "created or replaced; nothing else is deleted)")
    p.add_argument("--lang", choices=["nb", "en"], default=None,
                   help="report language (default: the questionnaire's first language)")
    p.add_argument("--min-group-size", type=int, default=None,
                   help="smallest group shown in any table or figure (default: the questionnaire's, else 5)")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.add_argument("--units", help="units file (code, name, parent, headcount); overrides organisation.units")
    p.add_argument("--previous", action="append", metavar="LABEL=FILE",
                   help="an earlier wave, e.g. 2023=resp2023.csv (repeatable; replaces the YAML's waves.previous)")
    p.add_argument("--per-unit", metavar="LEVEL|all",
                   help="also write one report per unit at this level of the units file (or every level: all) "
                        "into units/; overrides organisation.per_unit")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("simulate", help="draw synthetic respondents in the questionnaire's raw format")
    p.add_argument("questionnaire")
    p.add_argument("--n", type=int, default=383)
    p.add_argument("--seed", type=int, default=2012)
    p.add_argument("--out", required=True, help="output file: .csv, .xlsx, .sav or .parquet (a new file)")
    p.add_argument("--force", action="store_true", help="replace the --out file if it exists")
    p.set_defaults(func=cmd_simulate)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except SurveyError as exc:
        print(f"error: {exc.render()}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # an unexpected failure is a bug: say so plainly
        if args.debug:
            raise
        print(f"internal error: {type(exc).__name__}: {shorten_message(str(exc))}\n(this is a bug in surveykit; rerun with "
              "--debug for a traceback and report it)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
