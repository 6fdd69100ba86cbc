"""Change between two waves of the same questionnaire: means (Welch) and favourable proportions (Newcombe).

Everything is computed from sufficient statistics (n, mean, variance; favourable count and valid n),
as arrays, so one call covers every unit x item at once. The direction is always
``current - previous``: a positive change is an increase since the earlier wave.

References
----------
Welch, B. L. (1947). The generalization of 'Student's' problem when several different population
variances are involved. *Biometrika*, 34, 28-35.
Cohen, J. (1988). *Statistical power analysis for the behavioral sciences* (2nd ed.), d with the pooled SD.
Newcombe, R. G. (1998). Interval estimation for the difference between independent proportions:
comparison of eleven methods. *Statistics in Medicine*, 17, 873-890 (method 10, the hybrid score
interval built from two Wilson intervals).
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference. *JASA*, 22.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from surveykit.errors import AnalysisError, Problem
from surveykit.jsonsafe import to_jsonable
from surveykit.stats.distributions import t_ppf, t_two_sided
from surveykit.stats.proportions import newcombe_difference


def _arrays(*xs):
    return [np.asarray(x, dtype="float64") for x in np.broadcast_arrays(*xs)]


def welch_change(n_prev, mean_prev, var_prev, n_curr, mean_curr, var_curr, alpha: float = 0.05) -> pd.DataFrame:
    """Welch t-test of the change in mean, ``current - previous``, from sufficient statistics.

    diff = m2 - m1;  se = sqrt(v1/n1 + v2/n2);  t = diff / se;
    df = se^4 / ((v1/n1)^2/(n1-1) + (v2/n2)^2/(n2-1))   (Welch-Satterthwaite);
    CI = diff +- t_{1-alpha/2, df} se;   d = diff / sqrt(((n1-1) v1 + (n2-1) v2) / (n1+n2-2))
    (Cohen's d with the pooled SD). Arguments broadcast (any shape); rows with n < 2 in a wave give NaN.
    Same numbers as R ``t.test(x2, x1, var.equal = FALSE)``.

    Example
    -------
    >>> welch_change(40, 3.1, 0.8, 45, 3.5, 0.7)[["diff", "t", "df", "p"]].round(3)  # doctest: +SKIP
    """
    n1, m1, v1, n2, m2, v2 = _arrays(n_prev, mean_prev, var_prev, n_curr, mean_curr, var_curr)
    shape = n1.shape
    n1, m1, v1, n2, m2, v2 = (a.ravel() for a in (n1, m1, v1, n2, m2, v2))
    ok = (n1 >= 2) & (n2 >= 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        a, b = v1 / n1, v2 / n2
        se = np.sqrt(a + b)
        diff = m2 - m1
        t = np.where(ok & (se > 0), diff / se, np.nan)
        df = np.where(ok, (a + b) ** 2 / (a * a / (n1 - 1) + b * b / (n2 - 1)), np.nan)
        half = t_ppf(1.0 - alpha / 2.0, df) * se
        pooled_sd = np.sqrt(((n1 - 1) * v1 + (n2 - 1) * v2) / (n1 + n2 - 2))
        d = np.where(ok & (pooled_sd > 0), diff / pooled_sd, np.nan)
    out = pd.DataFrame({
        "n_prev": n1, "mean_prev": m1, "n_curr": n2, "mean_curr": m2,
        "diff": diff, "se": np.where(ok, se, np.nan), "t": t, "df": df, "p": t_two_sided(t, df),
        "ci_low": np.where(ok, diff - half, np.nan), "ci_high": np.where(ok, diff + half, np.nan), "d": d,
    })
    out.attrs["shape"] = shape
    return out


def proportion_change(x_prev, n_prev, x_curr, n_curr, alpha: float = 0.05) -> pd.DataFrame:
    """Change in a proportion, ``p2 - p1``, with Newcombe's hybrid score CI and the pooled z test.

    CI (Newcombe 1998, method 10), with Wilson intervals (l1, u1) for p1 and (l2, u2) for p2:
        lower = (p2 - p1) - sqrt((p2 - l2)^2 + (u1 - p1)^2)
        upper = (p2 - p1) + sqrt((u2 - p2)^2 + (p1 - l1)^2)
    z test with the pooled proportion p = (x1 + x2)/(n1 + n2):
        z = (p2 - p1) / sqrt(p (1 - p) (1/n1 + 1/n2)),  p-value 2 (1 - Phi(|z|));
    z^2 equals Pearson's X^2 of the 2 x 2 table (R ``prop.test(correct = FALSE)``).
    Arguments broadcast; proportions are fractions (multiply by 100 for percentage points).

    Example
    -------
    >>> proportion_change(48, 80, 56, 70)[["diff", "ci_low", "ci_high"]].round(4)  # doctest: +SKIP
    """
    x1, n1, x2, n2 = _arrays(x_prev, n_prev, x_curr, n_curr)
    x1, n1, x2, n2 = (a.ravel() for a in (x1, n1, x2, n2))
    ok = (n1 > 0) & (n2 > 0)
    diff, lower, upper = newcombe_difference(x2, n2, x1, n1, confidence=1.0 - alpha)
    with np.errstate(invalid="ignore", divide="ignore"):
        p1, p2 = x1 / n1, x2 / n2
        pool = (x1 + x2) / (n1 + n2)
        se0 = np.sqrt(pool * (1 - pool) * (1 / n1 + 1 / n2))
        z = np.where(ok & (se0 > 0), diff / se0, np.nan)
    p = 2.0 * special.ndtr(-np.abs(z))
    return pd.DataFrame({
        "n_prev": n1, "p_prev": np.where(ok, p1, np.nan), "n_curr": n2, "p_curr": np.where(ok, p2, np.nan),
        "diff": np.where(ok, diff, np.nan), "ci_low": np.where(ok, lower, np.nan),
        "ci_high": np.where(ok, upper, np.nan), "z": z, "p": p,
    })


def flag_changes(diff, p, *, alpha: float, min_change: float) -> np.ndarray:
    """'up' / 'down' where p < alpha AND |diff| >= min_change, else '' (a change both real and large)."""
    diff, p = _arrays(diff, p)
    sig = (p < alpha) & (np.abs(diff) >= min_change)
    return np.where(sig & (diff > 0), "up", np.where(sig & (diff < 0), "down", ""))


@dataclass(frozen=True)
class WaveComparison:
    """Result of :func:`compare_waves`.

    ``means``: one row per (unit, variable): n, means, diff (current - previous), se, t, df, p, CI, d,
    ``flag`` ('up', 'down' or ''). ``favourable``: one row per (unit, item): favourable proportions, diff
    (in percentage points), Newcombe CI (percentage points), z, p, ``flag``. ``only_in`` names variables
    present in one wave only (not compared); ``renamed`` the previous wave's variables compared under a
    new id; ``units_only_in`` units with respondents in one wave only (created, merged or closed units).
    """

    previous_label: str
    current_label: str
    alpha: float
    min_mean_change: float
    min_pct_change: float
    means: pd.DataFrame
    favourable: pd.DataFrame
    only_in: dict
    renamed: dict
    units_only_in: dict

    def summary(self) -> str:
        fm = self.means[self.means["flag"] != ""]
        fp = self.favourable[self.favourable["flag"] != ""]
        lines = [(f"Change {self.previous_label} -> {self.current_label}: {len(self.means)} unit x variable means, "
                 f"{len(fm)} flagged (p < {self.alpha} and |change| >= {self.min_mean_change}); "
                 f"{len(fp)} favourable % flagged (|change| >= {self.min_pct_change} points)")]
        for var, where in self.only_in.items():
            lines.append(f"  {var}: only in {where}, not compared")
        for old, new in self.renamed.items():
            lines.append(f"  {old} ({self.previous_label}) compared as {new}")
        for unit, where in self.units_only_in.items():
            lines.append(f"  unit {unit}: respondents only in {where}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return to_jsonable(self)


def _moments(columns: list[np.ndarray], unit_index: np.ndarray | None, tree):
    """n, mean, var (units x k) of each column -- by unit tree roll-up, or for the whole sample (one row)."""
    if tree is not None:
        return tree.unit_moments(unit_index, columns)
    values = np.column_stack(columns) if columns else np.zeros((0, 0))
    ok = ~np.isnan(values)
    n = ok.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(ok, values, 0).sum(axis=0) / n
        var = np.where(ok, (values - mean) ** 2, 0).sum(axis=0) / (n - 1)
    return n[None, :], mean[None, :], np.where(n > 1, var, np.nan)[None, :]


def _favourable_counts(frame: pd.DataFrame, items: list[str], favourable: Mapping, unit_index, tree) -> np.ndarray:
    """Favourable answers to each item (columns) per unit with all below it (rows), or in all (one row)."""
    columns = [np.isin(frame[v].to_numpy(dtype="float64", na_value=np.nan), list(favourable[v])) for v in items]
    if tree is None:
        return np.array([[c.sum() for c in columns]], dtype="float64")
    own = np.column_stack([np.bincount(unit_index, weights=c, minlength=tree.n_units) for c in columns])
    return tree.rollup(own)


def compare_waves(previous: pd.DataFrame, current: pd.DataFrame, variables: Sequence[str], *,
                  favourable: Mapping[str, Sequence] | None = None, tree=None,
                  unit_variable: str | None = None, previous_label: str = "previous",
                  current_label: str = "current", alpha: float = 0.05, min_mean_change: float = 0.2,
                  min_pct_change: float = 5.0, rename: Mapping[str, str] | None = None,
                  previous_units: np.ndarray | None = None) -> WaveComparison:
    """Compare every variable (items, indices) between two waves, overall or for every unit of a tree.

    ``previous`` and ``current`` hold scored data (NaN = missing). With ``tree`` (a
    :class:`surveykit.data.units.UnitTree`) and ``unit_variable``, results are given for every unit at
    every level (respondents counted in their unit and all above it), units matched by code; without,
    for the whole sample (unit ``"all"``). ``favourable`` maps an item to its favourable codes: its
    favourable proportion is compared too. A variable in only one wave is listed in ``only_in``.
    A change is flagged only where p < ``alpha`` and |change| >= ``min_mean_change`` (scale points)
    or ``min_pct_change`` (percentage points). ``rename`` maps a previous wave's variable id to its id in
    the current wave (an item reworded or renumbered between waves), and is reported.
    ``previous_units``: the previous wave's ``tree.locate`` of its unit codes, when the caller has it.
    """
    favourable = dict(favourable or {})
    renamed = {old: new for old, new in (rename or {}).items() if old in previous.columns}
    if renamed:
        clash = [new for new in renamed.values() if new in previous.columns]
        if clash:
            raise AnalysisError("compare_waves: a renamed variable's new id is also in the previous wave",
                                [Problem("in the previous wave under both names", column=c) for c in clash])
        previous = previous.rename(columns=renamed)
    only_in = {}
    both = []
    for v in variables:
        inp, inc = v in previous.columns, v in current.columns
        if inp and inc:
            both.append(v)
        elif inp or inc:
            only_in[v] = previous_label if inp else current_label
        else:
            raise AnalysisError("variable in neither wave", [Problem(f"{v!r} is in neither data set", column=v)])
    if tree is not None:
        if unit_variable is None:
            raise AnalysisError("compare_waves: a unit tree needs the unit variable")
        idx_p = previous_units if previous_units is not None else \
            tree.locate(previous[unit_variable].to_numpy(), column=unit_variable)
        idx_c = tree.locate(current[unit_variable].to_numpy(), column=unit_variable)
        units = list(tree.codes)
        levels = list(tree.level)
    else:
        idx_p = idx_c = None
        units, levels = ["all"], [0]
    k = len(both)

    def columns(frame):  # one column at a time: no respondents x variables copy
        return [frame[v].to_numpy(dtype="float64", na_value=np.nan) for v in both]

    n1, m1, s1 = _moments(columns(previous), idx_p, tree)
    n2, m2, s2 = _moments(columns(current), idx_c, tree)
    means = welch_change(n1, m1, s1, n2, m2, s2, alpha)
    means[["n_prev", "n_curr"]] = means[["n_prev", "n_curr"]].astype(np.int64)  # counts, not measurements
    means.insert(0, "variable", np.tile(both, len(units)))
    means.insert(0, "level", np.repeat(levels, k))
    means.insert(0, "unit", np.repeat(units, k))
    means["flag"] = flag_changes(means["diff"], means["p"], alpha=alpha, min_change=min_mean_change)

    fav_items = [v for v in both if v in favourable]
    if fav_items:
        cols = [both.index(v) for v in fav_items]
        # favourable answers counted per unit; the answers (the denominators) are the means' n
        x1 = _favourable_counts(previous, fav_items, favourable, idx_p, tree)
        x2 = _favourable_counts(current, fav_items, favourable, idx_c, tree)
        fav = proportion_change(x1, n1[:, cols], x2, n2[:, cols], alpha)
        for col in ("p_prev", "p_curr", "diff", "ci_low", "ci_high"):
            fav[col] = 100.0 * fav[col]
        fav = fav.rename(columns={"p_prev": "pct_prev", "p_curr": "pct_curr"})
        fav[["n_prev", "n_curr"]] = fav[["n_prev", "n_curr"]].astype(np.int64)
        fav.insert(0, "item", np.tile(fav_items, len(units)))
        fav.insert(0, "level", np.repeat(levels, len(fav_items)))
        fav.insert(0, "unit", np.repeat(units, len(fav_items)))
        fav["flag"] = flag_changes(fav["diff"], fav["p"], alpha=alpha, min_change=min_pct_change)
    else:
        fav = pd.DataFrame(columns=["unit", "level", "item", "n_prev", "pct_prev", "n_curr", "pct_curr",
                                    "diff", "ci_low", "ci_high", "z", "p", "flag"])
    units_only_in = {}
    if tree is not None:
        had_prev, had_curr = tree.rolled_counts(idx_p) > 0, tree.rolled_counts(idx_c) > 0
        for k, code in enumerate(tree.codes):
            if had_prev[k] != had_curr[k]:
                units_only_in[code] = previous_label if had_prev[k] else current_label
    return WaveComparison(previous_label, current_label, alpha, min_mean_change, min_pct_change,
                          means, fav, only_in, renamed, units_only_in)
