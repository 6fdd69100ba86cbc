"""Keyed scores: the one place that decides in which direction an item is scored.

An item declared ``reverse: true`` in the questionnaire is reverse-keyed (x -> min + max - x) once, in
:func:`keyed_frame`, and every analysis (descriptives, favourable %, Likert charts, factor analysis,
comparisons, correlations, regression, indices and reliability) reads that keyed frame; none of them
reverse-keys an item on its own. An index or a reliability plan may in addition reverse items for itself
only (``reverse: [...]`` on the index); :func:`score_indices` applies those on top of the keyed frame.

Reference: Spector, P. E. (1992). *Summated rating scale construction*. Sage (reverse-keyed items are
recoded min + max - x before they are summed or averaged).
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

from surveykit.errors import AnalysisError, Problem
from surveykit.stats.moments import column_ranges


def reverse_key(values: pd.Series | pd.DataFrame, scale_min: float, scale_max: float):
    """Reverse-key answers on a ``scale_min``..``scale_max`` scale: x -> min + max - x (NaN stays NaN).

    Raises AnalysisError if a value lies outside the scale (a sign of a wrong scale or unrecoded
    missing-value codes such as 9 = "not answered").

    Example
    -------
    >>> reverse_key(pd.Series([1, 2, 5]), 1, 5).tolist()
    [5.0, 4.0, 1.0]
    """
    if scale_min >= scale_max:
        raise AnalysisError(f"reverse_key: scale_min ({scale_min}) must be below scale_max ({scale_max})")
    x = values.astype(float)
    outside = (x < scale_min) | (x > scale_max)
    if isinstance(outside, pd.DataFrame):
        cols = [c for c in x.columns if outside[c].any()]
        if cols:
            raise AnalysisError(
                f"reverse_key: values outside the scale {scale_min}..{scale_max}",
                [Problem(f"{int(outside[c].sum())} values outside the scale", column=str(c)) for c in cols],
            )
    elif outside.any():
        raise AnalysisError(
            f"reverse_key: {int(outside.sum())} values outside the scale {scale_min}..{scale_max}",
            [Problem("values outside the scale", column=str(values.name) if values.name is not None else None)],
        )
    return scale_min + scale_max - x


def score_index(
    df: pd.DataFrame,
    items: Iterable[str],
    reverse: Iterable[str] = (),
    scale_min: float | None = None,
    scale_max: float | None = None,
    min_valid: int = 1,
) -> pd.Series:
    """Scale score: the mean of ``items`` per respondent after reverse-keying the ``reverse`` items.

    Respondents with fewer than ``min_valid`` answered items get NaN (a mean of the answered items
    otherwise, SPSS ``MEAN.n(...)``). ``scale_min``/``scale_max`` are required when ``reverse`` is not empty.

    Example
    -------
    >>> d = pd.DataFrame({"a": [1, 2, None], "b": [5, 4, 3]})
    >>> score_index(d, ["a", "b"], reverse=["b"], scale_min=1, scale_max=5, min_valid=2).tolist()
    [1.0, 2.0, nan]
    """
    items = list(items)
    reverse = list(reverse)
    missing_cols = [c for c in items + reverse if c not in df.columns]
    if missing_cols:
        raise AnalysisError("score_index: items not in the data", [Problem("no such column", column=str(c)) for c in missing_cols])
    extra = [c for c in reverse if c not in items]
    if extra:
        raise AnalysisError("score_index: reverse-keyed items must be among the items", [Problem("not in items", column=str(c)) for c in extra])
    if not items:
        raise AnalysisError("score_index: no items given")
    if not 1 <= min_valid <= len(items):
        raise AnalysisError(f"score_index: min_valid must be between 1 and {len(items)}, got {min_valid}")
    if reverse and (scale_min is None or scale_max is None):
        raise AnalysisError("score_index: scale_min and scale_max are needed to reverse-key items")
    if reverse:
        _, lo, hi = column_ranges([df[c].to_numpy(dtype="float64", na_value=np.nan) for c in reverse])
        if scale_min >= scale_max or (lo < scale_min).any() or (hi > scale_max).any():
            reverse_key(df[reverse], scale_min, scale_max)  # raises, naming the columns outside the scale
    # item by item (no respondents x items copy): the sum of the answered items and their number
    total = np.zeros(len(df))
    n_valid = np.zeros(len(df), dtype=np.int64)
    for item in items:
        x = df[item].to_numpy(dtype="float64", na_value=np.nan)
        answered = ~np.isnan(x)
        if item in reverse:
            x = (scale_min + scale_max) - x
        total += np.where(answered, x, 0.0)
        n_valid += answered
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / n_valid
    mean[n_valid < min_valid] = np.nan
    return pd.Series(mean, index=df.index)


# --------------------------------------------------------------------------------------------------
# The questionnaire's keyed scores
# --------------------------------------------------------------------------------------------------
def reversed_items(q) -> list[str]:
    """The items the questionnaire declares reverse-keyed (``reverse: true``), in questionnaire order."""
    return [item.id for item in q.items if item.reverse]


def keyed_frame(frame: pd.DataFrame, q) -> pd.DataFrame:
    """The analysis frame in keyed direction: every item declared ``reverse: true`` is replaced by
    ``min + max - x`` of its scale (missing stays missing); all other columns are the caller's, uncopied.

    This is the frame every analysis of a run reads: descriptives and favourable % then count the keyed
    answers (for "I often think about leaving" on 1-5, favourable = the share who disagree), and factor
    analysis, correlations, comparisons and regression see the keyed item. The caller's frame is not
    modified.

    Example
    -------
    An item ``leave`` on a 1-5 scale declared ``reverse: true``: answers [1, 2, 5] become [5, 4, 1].
    """
    reverse = [name for name in reversed_items(q) if name in frame.columns]
    if not reverse:
        return frame
    keyed = {}
    for name in reverse:
        scale = q.scales[q.item_map[name].scale]
        keyed[name] = reverse_key(frame[name], scale.min, scale.max)
    return frame.assign(**keyed)


def score_indices(keyed: pd.DataFrame, q) -> pd.DataFrame:
    """Add one column per index to the KEYED frame (:func:`keyed_frame`): the mean of its items, with the
    items the index reverses for itself only (``Index.reverse``) reverse-keyed on top, and the index's
    ``min_valid``. Items declared ``reverse: true`` are already keyed in ``keyed``; they are not reversed
    again (an item both declared reverse-keyed and listed in an index's ``reverse`` is keyed once)."""
    declared = set(reversed_items(q))
    scores = {}
    for index in q.indices:
        scale = q.scales[q.item_map[index.items[0]].scale]
        extra = [i for i in index.items if i in index.reverse and i not in declared]
        scores[index.id] = score_index(keyed, index.items, reverse=extra, scale_min=scale.min,
                                       scale_max=scale.max, min_valid=index.min_valid)
    return keyed.assign(**scores) if scores else keyed


def scored_frame(frame: pd.DataFrame, q) -> pd.DataFrame:
    """The frame every analysis of a run reads: items keyed (:func:`keyed_frame`) and index scores added."""
    return score_indices(keyed_frame(frame, q), q)
