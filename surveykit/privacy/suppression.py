"""Confidentiality rules: which groups and cells may be shown.

Employee surveys identify people through small groups. A group (a category of a background variable)
with fewer respondents than the minimum group size K is never shown. Hiding one group is not enough when
the total is shown too: the hidden count (and with it the hidden group's mean) follows by subtraction. So
suppression is *complementary*: while only one category of a variable is hidden, or the hidden ones add up
to fewer than K people, the next smallest category is hidden as well.

The same rule applies along every row and column of a crosstab.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from surveykit.stats.codes import code_counts, in_codes


def hidden_categories(counts: dict, k: int) -> set:
    """Categories to hide among ``counts`` ({category: n}) so that no hidden count can be recovered.

    Primary: every category with 0 < n < k. Complementary: while exactly one category is hidden, or the
    hidden categories hold fewer than k people in all, hide the smallest category still shown.
    Categories with n = 0 are not groups of people and are never hidden.
    """
    present = {c: n for c, n in counts.items() if n > 0}
    hidden = {c for c, n in present.items() if n < k}
    if not hidden:
        return hidden
    shown = sorted((n, str(c), c) for c, n in present.items() if c not in hidden)
    while shown and (len(hidden) == 1 or sum(present[c] for c in hidden) < k):
        hidden.add(shown.pop(0)[2])
    return hidden


def mask_small_groups(frame: pd.DataFrame, variables: list[str], k: int,
                      counts: dict[str, dict] | None = None) -> tuple[pd.DataFrame, list[dict]]:
    """A copy of ``frame`` where hidden categories of each variable are set to missing, and the list of them.

    Rows of a hidden group drop out of every table, test, figure and regression that uses the variable;
    the returned records say which groups, and why, for the report. ``counts`` ({variable: {code: n}})
    may be passed when already known.
    """
    changed: dict[str, np.ndarray] = {}
    suppressed: list[dict] = []
    for name in variables:
        if name not in frame.columns:
            continue
        var_counts = counts[name] if counts is not None else code_counts(frame[name])
        hidden = hidden_categories(var_counts, k)
        if not hidden:
            continue
        values = frame[name].to_numpy(dtype="float64", na_value=np.nan)
        changed[name] = np.where(in_codes(values, hidden), np.nan, values)
        for code in sorted(hidden, key=lambda c: (var_counts[c], str(c))):
            suppressed.append({
                "variable": name,
                "group": int(code) if float(code).is_integer() else code,
                "n": None,  # never published: it is the small number being protected
                "reason": f"fewer than {k} respondents" if var_counts[code] < k
                else "complementary: protects a smaller group",
            })
    # copy-on-write: unchanged columns are shared with ``frame``, which is not modified
    return (frame.assign(**changed) if changed else frame.copy(deep=False)), suppressed


def mask_cells(counts: np.ndarray, k: int) -> np.ndarray:
    """Boolean mask of crosstab cells to hide: cells with 0 < n < k, then complementary cells per row and column."""
    counts = np.asarray(counts)
    hide = (counts > 0) & (counts < k)
    changed = True
    while changed:
        changed = False
        for axis in (0, 1):
            lines = hide if axis == 1 else hide.T
            values = counts if axis == 1 else counts.T
            for i in range(lines.shape[0]):
                row_hide, row_val = lines[i], values[i]
                hidden_total = row_val[row_hide].sum()
                if row_hide.any() and (row_hide.sum() == 1 or hidden_total < k):
                    candidates = np.flatnonzero(~row_hide & (row_val > 0))
                    if candidates.size:
                        j = candidates[np.argmin(row_val[candidates])]
                        if axis == 1:
                            hide[i, j] = True
                        else:
                            hide[j, i] = True
                        changed = True
    return hide
