"""Scale reliability (Cronbach's alpha, McDonald's omega, item analysis) (scale scores and reverse keys: surveykit.measure.scoring).

Conventions
-----------
* ``missing='listwise'`` (default, SPSS RELIABILITY): only respondents who answered every item. Raw alpha
  then equals SPSS's "Cronbach's Alpha" and psych ``alpha(x, use="complete.obs")``.
* ``missing='pairwise'``: the covariance matrix is computed from pairwise-complete cases, as psych
  ``alpha()`` does by default (``use="pairwise"``); the standardised alpha and the average inter-item
  correlation come from that covariance matrix converted to correlations (psych's ``cov2cor``).
  The N reported is the smallest pairwise N (also used for the CI) and the largest one.
* Item statistics (corrected item-total r = psych's ``r.drop``; alpha if item deleted) are computed from
  the same covariance / correlation matrix, so they agree with the alpha shown.

References
----------
Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. Psychometrika 16.
Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for coefficient alpha.
Applied Psychological Measurement 11, 93-103.
McDonald, R. P. (1999). *Test theory: A unified treatment*. Erlbaum.
Eisinga, R., te Grotenhuis, M., & Pelzer, B. (2013). The reliability of a two-item scale: Pearson,
Cronbach, or Spearman-Brown? International Journal of Public Health 58, 637-642.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from surveykit.errors import AnalysisError
from surveykit.measure.correlations import (
    MISSING_OPTIONS,
    item_sums,
    require_nonsingular,
    to_jsonable,
)
from surveykit.measure.extraction import extract_optim
from surveykit.stats.distributions import correlation_p, f_isf

LOW_ITEM_TOTAL = 0.30  # conventional lower limit for a corrected item-total correlation (Field 2013)


def _alpha_from_cov(c: np.ndarray) -> float:
    """alpha = k/(k-1) * (1 - trace(C) / sum(C))."""
    k = c.shape[0]
    return k / (k - 1) * (1.0 - np.trace(c) / c.sum())


def _alpha_if_deleted(c: np.ndarray) -> np.ndarray:
    """Alpha of the k-1 remaining items when each item in turn is dropped (NaN if fewer than 2 remain)."""
    k = c.shape[0]
    if k < 3:
        return np.full(k, np.nan)
    row = c.sum(axis=1)
    total = c.sum() - 2 * row + np.diag(c)  # variance of the sum without item j
    trace = np.trace(c) - np.diag(c)
    return (k - 1) / (k - 2) * (1.0 - trace / total)


def _corrected_item_total(c: np.ndarray) -> np.ndarray:
    """Correlation of each item with the sum of the other items (psych ``r.drop``), from a covariance matrix."""
    row = c.sum(axis=1)
    d = np.diag(c)
    cov_rest = row - d
    var_rest = c.sum() - 2 * row + d
    return cov_rest / np.sqrt(d * var_rest)


def _cov2cor(c: np.ndarray) -> np.ndarray:
    s = np.sqrt(np.diag(c))
    return c / np.outer(s, s)


def feldt_ci(alpha: float, n: int, k: int, ci: float = 0.95) -> tuple[float, float]:
    """Feldt (1987) confidence interval for alpha, as pingouin ``cronbach_alpha``.

    .. math:: [1 - (1-\\alpha) F_{1-a/2}(n-1, (n-1)(k-1)),\\; 1 - (1-\\alpha) F_{a/2}(n-1, (n-1)(k-1))]
    """
    a = 1 - ci
    df1, df2 = n - 1, (n - 1) * (k - 1)
    return (
        float(1 - (1 - alpha) * f_isf(a / 2, df1, df2)),
        float(1 - (1 - alpha) * f_isf(1 - a / 2, df1, df2)),
    )


@dataclass(frozen=True)
class ReliabilityResult:
    """Reliability of one scale.

    Fields: items; n (listwise N, or smallest pairwise N), n_max (largest pairwise N, = n if listwise),
    n_total (rows given), missing; alpha (raw, from covariances), alpha_std (standardised, from
    correlations), alpha_ci (Feldt, for raw alpha), ci_level; average_r (mean inter-item correlation);
    omega_total (McDonald's omega from a one-factor minres solution; None for fewer than 3 items);
    item_stats DataFrame (index items: n, mean, sd, r_drop, alpha_if_deleted, alpha_std_if_deleted);
    for two-item scales pearson_r, pearson_p and spearman_brown; low_item_total (items with r_drop < .30);
    raises_alpha_if_deleted (items whose deletion raises raw alpha); warnings (e.g. why omega is None).
    """

    items: tuple[str, ...]
    n: int
    n_max: int
    n_total: int
    missing: str
    alpha: float
    alpha_std: float
    alpha_ci: tuple[float, float]
    ci_level: float
    average_r: float
    omega_total: float | None
    item_stats: pd.DataFrame
    pearson_r: float | None
    pearson_p: float | None
    spearman_brown: float | None
    low_item_total: tuple[str, ...]
    raises_alpha_if_deleted: tuple[str, ...]
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return to_jsonable({k: getattr(self, k) for k in self.__dataclass_fields__})

    def summary(self) -> str:
        lines = [
            f"Reliability of {len(self.items)} items (n = {self.n}, {self.missing} deletion)",
            f"  Cronbach's alpha = {self.alpha:.4f} "
            f"[{self.ci_level:.0%} CI {self.alpha_ci[0]:.4f}, {self.alpha_ci[1]:.4f}], "
            f"standardised = {self.alpha_std:.4f}, average r = {self.average_r:.4f}",
        ]
        if self.omega_total is not None:
            lines.append(f"  McDonald's omega total = {self.omega_total:.4f}")
        if self.pearson_r is not None:
            lines.append(
                f"  Two items: r = {self.pearson_r:.4f} (p = {self.pearson_p:.3g}), "
                f"Spearman-Brown = {self.spearman_brown:.4f}"
            )
        lines.append(self.item_stats.to_string(float_format=lambda v: f"{v:.4f}"))
        if self.low_item_total:
            lines.append(f"  Corrected item-total r < {LOW_ITEM_TOTAL}: {', '.join(self.low_item_total)}")
        if self.raises_alpha_if_deleted:
            lines.append(f"  Alpha would rise if deleted: {', '.join(self.raises_alpha_if_deleted)}")
        lines += [f"  WARNING: {w}" for w in self.warnings]
        return "\n".join(lines)


def omega_total(r: np.ndarray) -> float:
    """McDonald's omega total from a one-factor minres (ULS) solution of the correlation matrix.

    .. math:: \\omega_t = \\frac{(\\sum_i \\lambda_i)^2}{(\\sum_i \\lambda_i)^2 + \\sum_i \\psi_i}

    with standardised loadings :math:`\\lambda` and uniquenesses :math:`\\psi = 1 - \\lambda^2`
    (McDonald 1999, eq. 6.20b). This is the model-based one-factor omega; psych's ``omega()`` instead
    divides by the sum of all elements of R and by default fits a bifactor model with 3 group factors.
    """
    ext = extract_optim(r, 1, "minres", max_iter=1000, tol=1e-10)
    lam = ext.loadings[:, 0]
    lam = lam if lam.sum() >= 0 else -lam
    s2 = lam.sum() ** 2
    return float(s2 / (s2 + np.sum(1.0 - lam**2)))


def cronbach_alpha(
    df: pd.DataFrame,
    missing: str = "listwise",
    ci: float = 0.95,
) -> ReliabilityResult:
    """Cronbach's alpha with item analysis (SPSS RELIABILITY / psych ``alpha``).

    .. math:: \\alpha = \\frac{k}{k-1}\\left(1 - \\frac{\\sum_i s_i^2}{s_X^2}\\right), \\qquad
              \\alpha_{std} = \\frac{k \\bar r}{1 + (k-1)\\bar r}

    where :math:`s_i^2` are the item variances, :math:`s_X^2` the variance of the sum score and
    :math:`\\bar r` the mean inter-item correlation. The confidence interval is Feldt's (as pingouin).
    With pairwise deletion the covariance matrix is pairwise (psych's default) and the standardised alpha
    and average r come from it converted to correlations. Items must already be reverse-keyed
    (see :func:`surveykit.measure.scoring.reverse_key`).

    Example
    -------
    >>> res = cronbach_alpha(saq[["Question_08", "Question_11", "Question_17"]])   # doctest: +SKIP
    >>> round(res.alpha, 4)                                                          # doctest: +SKIP
    0.8194
    """
    if missing not in MISSING_OPTIONS:
        raise AnalysisError(f"missing must be one of {MISSING_OPTIONS}, got {missing!r}")
    if not 0 < ci < 1:
        raise AnalysisError(f"ci must be between 0 and 1, got {ci}")
    items, sums = item_sums(df, missing, min_items=2, what="Cronbach's alpha", deletion_note="")
    k = len(items)
    n_total = len(df)
    # pairwise-complete covariances (= complete cases after listwise deletion)
    c, n_pair = sums.cov(), sums.n
    if n_pair.min() < 3:
        raise AnalysisError("Cronbach's alpha: some pairs of items have fewer than 3 joint answers")
    if not np.all(np.isfinite(c)):
        raise AnalysisError("Cronbach's alpha: some item covariances are undefined")
    r = _cov2cor(c)
    n, n_max = int(n_pair.min()), int(n_pair.max())

    alpha = _alpha_from_cov(c)
    off = ~np.eye(k, dtype=bool)
    average_r = float(r[off].mean())
    alpha_std = k * average_r / (1 + (k - 1) * average_r)

    r_drop = _corrected_item_total(c)
    if_deleted = _alpha_if_deleted(c)
    item_stats = pd.DataFrame(
        {
            "n": sums.n_valid.astype(np.int64),
            "mean": sums.means(),
            "sd": np.sqrt(sums.variances(ddof=1)),
            "r_drop": r_drop,
            "alpha_if_deleted": if_deleted,
            "alpha_std_if_deleted": _alpha_if_deleted(r),
        },
        index=pd.Index(items, name="item"),
    )

    omega = None
    warnings = []
    if k >= 3:
        # a pairwise correlation matrix need not be positive definite; omega then cannot be fitted,
        # but alpha (a function of the covariances only) is still defined
        try:
            require_nonsingular(r, items, "McDonald's omega")
            omega = omega_total(r)
        except AnalysisError as exc:
            warnings.append(exc.headline)
    else:
        warnings.append("McDonald's omega needs at least 3 items (a one-factor model is not identified)")
    if alpha < 0:
        warnings.append("alpha is negative: items correlate negatively on average (reverse-keying missing?)")
    pearson_r = pearson_p = spearman_brown = None
    if k == 2:
        # r of the two items over their joint answers; two-tailed p from t with n - 2 df (as pearsonr)
        pearson_r, n_joint = float(sums.corr()[0, 1]), float(sums.n[0, 1])
        pearson_p = correlation_p(pearson_r, n_joint)
        spearman_brown = 2 * pearson_r / (1 + pearson_r)

    return ReliabilityResult(
        items=tuple(items),
        n=n,
        n_max=n_max,
        n_total=n_total,
        missing=missing,
        alpha=float(alpha),
        alpha_std=float(alpha_std),
        alpha_ci=feldt_ci(alpha, n, k, ci),
        ci_level=ci,
        average_r=average_r,
        omega_total=omega,
        item_stats=item_stats,
        pearson_r=pearson_r,
        pearson_p=pearson_p,
        spearman_brown=spearman_brown,
        low_item_total=tuple(item_stats.index[item_stats["r_drop"] < LOW_ITEM_TOTAL]),
        raises_alpha_if_deleted=tuple(item_stats.index[item_stats["alpha_if_deleted"] > alpha]),
        warnings=tuple(warnings),
    )
