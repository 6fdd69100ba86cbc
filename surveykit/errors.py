"""Errors surveykit raises on purpose.

Every error that reaches the command line is a :class:`SurveyError`: the CLI prints its message
(one headline, then one detail line per problem) and exits with status 2, without a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SHOWN_CHARS = 80  # an echoed value (an id, a cell, a YAML value) is cut to this many characters
LINE_CHARS = 1000  # and a whole message line to this many: an input can never flood the console


def shorten(value: object, limit: int = SHOWN_CHARS) -> str:
    """``str(value)``, cut to ``limit`` characters with "…" when longer (a 5 MB id prints as 80 characters)."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# a repr in a message: a quote not preceded by a letter, digit or quote, and a closing quote not followed by one
_LONG = "{" + str(SHOWN_CHARS + 1) + ",}"
_QUOTED = re.compile(r"(?<![\w'\"])(?:'[^'\n]" + _LONG + r"'|\"[^\"\n]" + _LONG + r"\")(?![\w'\"])")


def shorten_message(text: str) -> str:
    """A message with every quoted value (``{x!r}`` in an f-string) longer than :data:`SHOWN_CHARS` cut, and
    the whole cut to :data:`LINE_CHARS` characters: the one place that bounds what the console shows."""
    if len(text) > SHOWN_CHARS:
        text = _QUOTED.sub(lambda m: m.group(0)[0] + shorten(m.group(0)[1:-1]) + m.group(0)[0], text)
    return shorten(text, LINE_CHARS)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows."""

    message: str
    file: str | None = None
    line: int | None = None
    column: str | None = None
    rows: tuple[int, ...] = ()
    n_rows: int | None = None
    values: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file + (f":{self.line}" if self.line else ""))
        if self.column:
            where.append(f"column {self.column!r}")
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows)
            total = self.n_rows if self.n_rows is not None else len(self.rows)
            more = f" ({total} rows in all)" if total > len(self.rows) else ""
            where.append(f"row{'s' if total > 1 else ''} {shown}{more}")
        text = ": ".join([", ".join(where), self.message]) if where else self.message
        if self.values:
            text += " [values: " + ", ".join(shorten(v) for v in self.values) + "]"
        return shorten_message(text)


class SurveyError(Exception):
    """Base class: a problem with the user's input or request, reported without a traceback."""

    def __init__(self, headline: str, problems: list[Problem] | tuple[Problem, ...] = ()):
        self.headline = headline
        self.problems = tuple(problems)
        super().__init__(self.render())

    def render(self) -> str:
        lines = [shorten_message(self.headline)]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


class SpecError(SurveyError):
    """The questionnaire YAML is malformed or inconsistent."""


class DataError(SurveyError):
    """The data file cannot be read or does not match the questionnaire."""


class AnalysisError(SurveyError):
    """A statistic cannot be computed on these data (zero variance, singular matrix, too few cases).

    Raised instead of silently returning NaN, with a message saying why.
    """


def with_path_as_written(exc: SurveyError, path, shown: str) -> SurveyError:
    """The same error with a resolved file path replaced by the name the user wrote (stable, short messages)."""
    full = str(path)
    problems = [Problem(p.message.replace(full, shown), file=(p.file.replace(full, shown) if p.file else p.file),
                        line=p.line, column=p.column, rows=p.rows, n_rows=p.n_rows, values=p.values)
                for p in exc.problems]
    return type(exc)(exc.headline.replace(full, shown), problems)
