"""Errors surveykit raises on purpose.

Every error that reaches the command line is a :class:`SurveyError`: the CLI prints its message
(one headline, then one detail line per problem) and exits with status 2, without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


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
            text += " [values: " + ", ".join(self.values) + "]"
        return text


class SurveyError(Exception):
    """Base class: a problem with the user's input or request, reported without a traceback."""

    def __init__(self, headline: str, problems: list[Problem] | tuple[Problem, ...] = ()):
        self.headline = headline
        self.problems = tuple(problems)
        super().__init__(self.render())

    def render(self) -> str:
        lines = [self.headline]
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
