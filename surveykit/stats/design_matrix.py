"""Design matrices for regression-type models: numeric predictors as they are, categories as 0/1 columns.

Categorical predictors (non-numeric columns, or any column named in ``categorical``) get treatment
coding against their first category in sorted order, and columns named variable + category, as R's
``model.matrix`` with default contrasts (so ``awards`` with No/Yes gives ``awardsYes``). A missing value
in a predictor makes the whole row NaN, so models leave the row out rather than guess.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from surveykit.errors import AnalysisError, Problem


def treatment_design(data: pd.DataFrame, predictors: list[str], categorical: list[str] | tuple[str, ...] = (),
                     intercept: bool = True) -> tuple[np.ndarray, list[str]]:
    """The n x p design matrix (float, NaN rows where a predictor is missing) and its column names.

    Example
    -------
    >>> x, names = treatment_design(pd.DataFrame({"age": [30, 40, 50], "sex": ["m", "f", None]}), ["age", "sex"])
    >>> names
    ['(Intercept)', 'age', 'sexm']
    >>> x.tolist()
    [[1.0, 30.0, 1.0], [1.0, 40.0, 0.0], [nan, nan, nan]]
    """
    missing = [c for c in predictors if c not in data.columns]
    if missing:
        raise AnalysisError("Predictor not in the data", [Problem("not found", column=c) for c in missing])
    columns = [np.ones(len(data))] if intercept else []
    names = ["(Intercept)"] if intercept else []
    row_missing = np.zeros(len(data), dtype=bool)
    for var in predictors:
        values = data[var]
        row_missing |= values.isna().to_numpy()
        if var in categorical or not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)):
            levels = sorted(values.dropna().unique())
            if len(levels) < 2:
                raise AnalysisError("A categorical predictor needs at least two categories",
                                    [Problem("one category only", column=var, values=tuple(map(str, levels)))])
            for level in levels[1:]:
                columns.append((values == level).to_numpy(dtype="float64"))
                names.append(f"{var}{level}")
        else:
            columns.append(values.to_numpy(dtype="float64"))
            names.append(var)
    x = np.column_stack(columns) if columns else np.empty((len(data), 0))
    x[row_missing] = np.nan
    return x, names
