"""Post hoc pairwise comparisons after a one-way ANOVA, from group sufficient statistics.

All three take per-group n, mean and variance (plus the ANOVA's MS_within and df_within where the
method pools) and return one tidy row per unordered pair (a, b), a before b in group order:
``group_a, group_b, label_a, label_b, mean_a, mean_b, mean_diff (= a - b), se, statistic, df,
ci_low, ci_high, p_adj``. ``statistic`` is t for Bonferroni and Games-Howell, q for Tukey.

* Bonferroni, as SPSS ONEWAY: LSD t-tests with the pooled MS_within and df_within,
  p_adj = min(1, p * m) with m = k(k-1)/2 pairs; CI with t quantile at 1 - alpha/(2m).
* Tukey HSD (Tukey-Kramer for unequal n): q = |diff| / sqrt(MS_within/2 (1/n_a + 1/n_b)),
  p from the studentized range distribution with k groups and df_within.
* Games-Howell: Welch SEs and Welch-Satterthwaite df per pair, p from the studentized range with
  q = |t| sqrt(2).

References: IBM SPSS Statistics Algorithms, ONEWAY (post hoc tests); Games, P. A. & Howell, J. F.
(1976). Pairwise multiple comparison procedures with unequal n's and/or variances. *Journal of
Educational Statistics*, 1, 113-125.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import special

from surveykit.errors import AnalysisError, Problem

from .groups import label_of

METHODS = ("bonferroni", "tukey", "games-howell")
COLUMNS = [
    "group_a",
    "group_b",
    "label_a",
    "label_b",
    "mean_a",
    "mean_b",
    "mean_diff",
    "se",
    "statistic",
    "df",
    "ci_low",
    "ci_high",
    "p_adj",
]


def studentized_range_ppf(confidence: float, k: int, df) -> np.ndarray:
    """Quantile of the studentized range, by secant iteration on scipy's survival function.

    scipy's generic ``studentized_range.ppf`` brackets from scratch and costs ~0.5 s per value;
    starting from the Bonferroni bound sqrt(2) t(1 - alpha/(k(k-1)), df) the secant method needs
    4-6 evaluations of the survival function for 1e-12 relative accuracy.
    """
    alpha = 1.0 - confidence
    out = []
    for d in np.atleast_1d(np.asarray(df, dtype=np.float64)):
        f = lambda q: _studentized_range().sf(q, k, d) - alpha  # noqa: E731
        q0 = float(np.sqrt(2.0) * special.stdtrit(d, 1.0 - alpha / (k * (k - 1))))
        q1 = 0.97 * q0
        f0, f1 = f(q0), f(q1)
        for _ in range(40):
            if f1 == f0:
                break
            q2 = q1 - f1 * (q1 - q0) / (f1 - f0)
            q0, f0, q1 = q1, f1, q2
            if abs(q1 - q0) <= 1e-12 * abs(q1):
                break
            f1 = f(q1)
        else:  # pragma: no cover - secant did not settle; use scipy's bracketing solver
            q1 = float(_studentized_range().ppf(confidence, k, d))
        out.append(q1)
    return np.asarray(out) if np.ndim(df) else np.float64(out[0])


def _studentized_range():
    """scipy's studentized range distribution (Tukey, Games-Howell), imported when first needed."""
    from scipy import stats

    return stats.studentized_range


def _pairs(k: int) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.triu_indices(k, 1)
    return a, b


def _frame(keys, labels, mean, a, b, diff, se, stat, df, half, p) -> pd.DataFrame:
    keys = list(keys)
    return pd.DataFrame(
        {
            "group_a": [keys[i] for i in a],
            "group_b": [keys[i] for i in b],
            "label_a": [label_of(keys[i], labels) for i in a],
            "label_b": [label_of(keys[i], labels) for i in b],
            "mean_a": mean[a],
            "mean_b": mean[b],
            "mean_diff": diff,
            "se": se,
            "statistic": stat,
            "df": np.broadcast_to(np.asarray(df, dtype=np.float64), diff.shape).copy(),
            "ci_low": diff - half,
            "ci_high": diff + half,
            "p_adj": p,
        },
        columns=COLUMNS,
    )


def bonferroni_pairs(
    keys: Sequence,
    n: np.ndarray,
    mean: np.ndarray,
    ms_within: float,
    df_within: float,
    *,
    confidence: float = 0.95,
    labels: Mapping | None = None,
    mean_shifted: np.ndarray | None = None,
) -> pd.DataFrame:
    """Bonferroni-adjusted LSD comparisons with pooled MS_within (SPSS ONEWAY /POSTHOC=BONFERRONI)."""
    n = np.asarray(n, dtype=np.float64)
    mean = np.asarray(mean, dtype=np.float64)
    centre = mean if mean_shifted is None else np.asarray(mean_shifted, dtype=np.float64)
    a, b = _pairs(len(n))
    m = len(a)
    diff = centre[a] - centre[b]
    se = np.sqrt(ms_within * (1.0 / n[a] + 1.0 / n[b]))
    t = diff / se
    p = np.minimum(1.0, 2.0 * special.stdtr(df_within, -np.abs(t)) * m)
    half = special.stdtrit(df_within, 1.0 - (1.0 - confidence) / (2.0 * m)) * se
    return _frame(keys, labels or {}, mean, a, b, diff, se, t, df_within, half, p)


def tukey_pairs(
    keys: Sequence,
    n: np.ndarray,
    mean: np.ndarray,
    ms_within: float,
    df_within: float,
    *,
    confidence: float = 0.95,
    labels: Mapping | None = None,
    mean_shifted: np.ndarray | None = None,
) -> pd.DataFrame:
    """Tukey HSD (Tukey-Kramer). ``se`` is the SE of the difference, sqrt(MS_w (1/n_a + 1/n_b))."""
    n = np.asarray(n, dtype=np.float64)
    mean = np.asarray(mean, dtype=np.float64)
    centre = mean if mean_shifted is None else np.asarray(mean_shifted, dtype=np.float64)
    k = len(n)
    a, b = _pairs(k)
    diff = centre[a] - centre[b]
    se = np.sqrt(ms_within * (1.0 / n[a] + 1.0 / n[b]))
    q = np.abs(diff) / (se / np.sqrt(2.0))
    p = np.clip(_studentized_range().sf(q, k, df_within), 0.0, 1.0)
    half = studentized_range_ppf(confidence, k, df_within) / np.sqrt(2.0) * se
    return _frame(keys, labels or {}, mean, a, b, diff, se, q, df_within, half, p)


def games_howell_pairs(
    keys: Sequence,
    n: np.ndarray,
    mean: np.ndarray,
    var: np.ndarray,
    *,
    confidence: float = 0.95,
    labels: Mapping | None = None,
    mean_shifted: np.ndarray | None = None,
) -> pd.DataFrame:
    """Games-Howell: Welch SE and df per pair, studentized range p-values (unequal variances)."""
    n = np.asarray(n, dtype=np.float64)
    mean = np.asarray(mean, dtype=np.float64)
    var = np.asarray(var, dtype=np.float64)
    if np.any(var <= 0):
        raise AnalysisError(
            "Games-Howell needs a positive variance in every group",
            [Problem(f"group {k!r} has zero variance") for k, v in zip(keys, var) if v <= 0],
        )
    centre = mean if mean_shifted is None else np.asarray(mean_shifted, dtype=np.float64)
    k = len(n)
    a, b = _pairs(k)
    diff = centre[a] - centre[b]
    va, vb = var[a] / n[a], var[b] / n[b]
    se = np.sqrt(va + vb)
    df = (va + vb) ** 2 / (va**2 / (n[a] - 1) + vb**2 / (n[b] - 1))
    t = diff / se
    p = np.clip(_studentized_range().sf(np.abs(t) * np.sqrt(2.0), k, df), 0.0, 1.0)
    half = studentized_range_ppf(confidence, k, df) / np.sqrt(2.0) * se
    return _frame(keys, labels or {}, mean, a, b, diff, se, t, df, half, p)
