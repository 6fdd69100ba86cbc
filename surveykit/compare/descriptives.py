"""Item / index descriptives as in SPSS FREQUENCIES + DESCRIPTIVES, with scale distributions."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from surveykit.errors import AnalysisError, Problem

from .groups import as_key, check_columns, check_min_group_size


def _modes(col: np.ndarray) -> tuple:
    """All modes of the valid values of one column, ascending (SPSS shows the smallest)."""
    values = col[~np.isnan(col)]
    if not len(values):
        return ()
    uniq, counts = np.unique(values, return_counts=True)
    return tuple(as_key(v) for v in uniq[counts == counts.max()])


def describe(
    df: pd.DataFrame,
    variables: Sequence[str],
    scale_values: Sequence[float] | None = None,
    favourable: Sequence[float] | None = None,
    *,
    min_group_size: int = 5,
) -> pd.DataFrame:
    """Descriptive statistics per variable (one row each), vectorised over variables.

    Columns: ``n`` (valid), ``n_missing``, ``mean``, ``median``, ``mode`` (the smallest mode, as
    SPSS prints it), ``modes`` (tuple of all modes), ``n_modes``, ``sd`` and ``variance``
    (ddof = 1), ``min``, ``max``, ``se`` = sd / sqrt(n).

    With ``scale_values`` (e.g. ``[1, 2, 3, 4, 5, 6]``) also ``pct_<value>`` for each value
    (percent of valid answers), ``n_out_of_scale`` (valid answers not on the scale; then the
    percentages do not add up to 100), ``pct_top3`` and ``pct_top2`` (share answering one of the
    three / two highest scale values), and ``pct_favourable``: the share answering one of the
    ``favourable`` values (default: the top two).

    Confidentiality: a variable with fewer than ``min_group_size`` valid answers gets
    ``suppressed = True`` and no statistics (NaN); its n is still shown.

    Example
    -------
    >>> describe(df, ["q1", "q2"], scale_values=range(1, 7))
    """
    check_min_group_size(min_group_size)
    variables = list(variables)
    check_columns(df, variables, numeric=True)
    x = df[variables].to_numpy(dtype=np.float64, na_value=np.nan)
    valid = ~np.isnan(x)
    n = valid.sum(axis=0)
    frame = pd.DataFrame(x, columns=variables)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame(
            {
                "n": n.astype(np.int64),
                "n_missing": (~valid).sum(axis=0).astype(np.int64),
                "mean": frame.mean(),
                "median": frame.median(),
                "sd": frame.std(ddof=1),
                "variance": frame.var(ddof=1),
                "min": frame.min(),
                "max": frame.max(),
            },
            index=pd.Index(variables, name="variable"),
        )
        out["se"] = out["sd"] / np.sqrt(out["n"])
    modes = [_modes(x[:, j]) for j in range(len(variables))]
    out.insert(4, "mode", [m[0] if m else np.nan for m in modes])
    out.insert(5, "modes", pd.Series(modes, index=out.index, dtype=object))
    out.insert(6, "n_modes", [len(m) for m in modes])
    if scale_values is not None:
        scale = sorted(float(v) for v in scale_values)
        if len(scale) < 2:
            raise AnalysisError("scale_values needs at least two values", [Problem(f"got {list(scale_values)}")])
        with np.errstate(invalid="ignore", divide="ignore"):
            on_scale = np.zeros(len(variables), dtype=np.int64)
            pct = {}
            for v in scale:
                count = (x == v).sum(axis=0)
                on_scale += count
                pct[v] = 100.0 * count / n
            for v in scale:
                out[f"pct_{as_key(v)}"] = pct[v]
            out["n_out_of_scale"] = n - on_scale
            out["pct_top3"] = sum(pct[v] for v in scale[-3:])
            out["pct_top2"] = sum(pct[v] for v in scale[-2:])
            fav = scale[-2:] if favourable is None else [float(v) for v in favourable]
            unknown = [v for v in fav if v not in scale]
            if unknown:
                raise AnalysisError("favourable values must be scale values", [Problem(f"not on the scale: {unknown}")])
            out["pct_favourable"] = sum(pct[v] for v in fav)
    small = out["n"] < min_group_size
    out["suppressed"] = small
    stat_cols = [c for c in out.columns if c not in ("n", "n_missing", "suppressed")]
    if small.any():
        for c in stat_cols:
            if c == "modes":
                out.loc[small, c] = pd.Series([()] * int(small.sum()), index=out.index[small], dtype=object)
            else:
                out.loc[small, c] = np.nan
    out.attrs["missing"] = {"method": "pairwise", "n_rows": len(df)}
    out.attrs["suppressed"] = [{"variable": v, "group": None, "n": int(k)} for v, k in zip(variables, n) if k < min_group_size]
    return out
