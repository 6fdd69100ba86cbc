"""Plain JSON values from result objects: one conversion for every module's ``to_dict()`` and results.json."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd


def to_jsonable(obj: Any, frames: Literal["records", "split"] = "records") -> Any:
    """NaN/inf -> None, numpy scalars -> Python, keys -> str, tuples and sets -> lists, dataclasses -> dicts.

    DataFrames become a list of records (the index, unless a plain range, as leading columns) or, with
    ``frames='split'``, ``{index, columns, data}`` (for matrices such as loadings).
    """
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, np.generic):
        return to_jsonable(obj.item(), frames)
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, int):
        return obj
    if isinstance(obj, pd.DataFrame):
        if frames == "split":
            return {"index": [to_jsonable(i) for i in obj.index],
                    "columns": [to_jsonable(c) for c in obj.columns],
                    "data": [[to_jsonable(v) for v in row] for row in obj.itertuples(index=False)]}
        frame = obj.reset_index() if not isinstance(obj.index, pd.RangeIndex) else obj
        return [{str(k): to_jsonable(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
    if isinstance(obj, pd.Series):
        return {str(k): to_jsonable(v, frames) for k, v in obj.items()}
    if isinstance(obj, np.ndarray):
        return [to_jsonable(v, frames) for v in obj.tolist()]
    if is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(getattr(obj, f.name), frames) for f in fields(obj)}
    if isinstance(obj, Mapping):
        return {str(k): to_jsonable(v, frames) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, pd.Index)):
        return [to_jsonable(v, frames) for v in obj]
    if obj is pd.NA or obj is pd.NaT:
        return None
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    return str(obj)
