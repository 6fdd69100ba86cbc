"""Dummy coding of categorical predictors against a reference category, and the term names it gives."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from surveykit.errors import AnalysisError, Problem
from surveykit.jsonsafe import to_jsonable

INTERCEPT = "(Intercept)"



# --------------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------------


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [to_jsonable(row) for row in frame.to_dict(orient="records")]


def category_text(value: Hashable) -> str:
    """Stable text for a category code: 2.0 -> '2', 'kvinne' -> 'kvinne'."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def observed_categories(series: pd.Series) -> list[Hashable]:
    """Categories that occur in ``series``: declared order for pandas categoricals, else sorted."""
    present = series.dropna()
    if isinstance(series.dtype, pd.CategoricalDtype):
        seen = set(present.unique())
        return [c for c in series.cat.categories if c in seen]
    uniques = list(pd.unique(present))
    try:
        return sorted(uniques)
    except TypeError:  # mixed types: keep order of appearance
        return uniques


# --------------------------------------------------------------------------------------------------
# dummy coding
# --------------------------------------------------------------------------------------------------


def dummy_code(
    series: pd.Series,
    reference: Hashable,
    labels: Mapping[Hashable, str] | None = None,
    prefix: str | None = None,
) -> pd.DataFrame:
    """Treatment (dummy) coding of a categorical variable against a reference category.

    One 0/1 column per category that occurs in ``series``, except ``reference``; a row with a missing
    value is NaN in every column (it is not silently coded as the reference).

    Parameters
    ----------
    series : pandas Series of category codes or labels.
    reference : the category every dummy is contrasted with (coded 0 on all columns). Must occur.
    labels : optional mapping code -> label used in the column names (e.g. ``{2: "kvinne"}``).
    prefix : variable name used in the column names; defaults to ``series.name``.

    Returns
    -------
    DataFrame of float 0.0/1.0/NaN, same index as ``series``, columns named ``"<prefix>[<label>]"`` in
    category order (declared order for a pandas Categorical, otherwise sorted).

    Example
    -------
    >>> dummy_code(pd.Series(["m", "k", None, "k"], name="kjonn"), reference="m").columns.tolist()
    ['kjonn[k]']
    """
    names = dummy_names(series, reference, labels, prefix)
    coded = np.empty((len(series), len(names)), order="F")
    for j, column in enumerate(indicators(series, list(names.values()))):
        coded[:, j] = column
    coded[series.isna().to_numpy(), :] = np.nan
    return pd.DataFrame(coded, index=series.index, columns=list(names))


def dummy_names(
    series: pd.Series,
    reference: Hashable,
    labels: Mapping[Hashable, str] | None = None,
    prefix: str | None = None,
    categories: list[Hashable] | None = None,
) -> dict[str, Hashable]:
    """``{dummy column name: category}`` of :func:`dummy_code`, checked; ``categories`` when known."""
    name = str(prefix if prefix is not None else (series.name if series.name is not None else "x"))
    labels = dict(labels or {})
    categories = observed_categories(series) if categories is None else categories
    if reference not in categories:
        shown = tuple(category_text(c) for c in categories[:20])
        raise AnalysisError(
            f"Reference category {reference!r} does not occur in {name!r}",
            [Problem("choose one of the observed categories", column=name, values=shown)],
        )
    others = [c for c in categories if c != reference]
    if not others:
        raise AnalysisError(
            f"{name!r} has only its reference category {reference!r}: nothing to contrast",
            [Problem("a categorical predictor needs at least two observed categories", column=name)],
        )
    columns = [f"{name}[{labels.get(c, category_text(c))}]" for c in others]
    if len(set(columns)) != len(columns):
        raise AnalysisError(
            f"Dummy columns of {name!r} would share a name",
            [Problem("give each category a distinct label", column=name, values=tuple(columns))],
        )
    return dict(zip(columns, others))


def indicators(series: pd.Series, categories: Sequence[Hashable]):
    """One boolean array per category: which rows hold it (a vectorised comparison per category)."""
    if is_numeric(series) and all(isinstance(c, (int, float, np.integer, np.floating)) for c in categories):
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        return (values == float(c) for c in categories)
    values = series.to_numpy(dtype=object)
    return (values == c for c in categories)


def is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series.dtype) and not isinstance(series.dtype, pd.CategoricalDtype)
