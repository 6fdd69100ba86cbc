"""Tail probabilities and quantiles of the t, F and chi-square distributions.

The same special functions ``scipy.stats`` evaluates (``t.sf(x, df)`` is ``stdtr(df, -x)``, ``f.sf`` is
``fdtrc``, ``chi2.sf`` is ``chdtrc``, ...), called directly: importing ``scipy.special`` takes a fraction
of the second that ``scipy.stats`` takes, and a run needs nothing else from it. Arguments may be
scalars or arrays; NaN gives NaN.
"""

from __future__ import annotations

import numpy as np
from scipy import special


def t_sf(t, df):
    """P(T > t) for Student's t with ``df`` degrees of freedom (``scipy.stats.t.sf``)."""
    return special.stdtr(df, -np.asarray(t, dtype="float64"))


def t_two_sided(t, df):
    """Two-tailed p of a t statistic: 2 P(T > |t|)."""
    return 2.0 * special.stdtr(df, -np.abs(np.asarray(t, dtype="float64")))


def t_ppf(q, df):
    """Quantile of Student's t (``scipy.stats.t.ppf``)."""
    return special.stdtrit(df, q)


def f_sf(f, df1, df2):
    """P(F > f) for the F distribution (``scipy.stats.f.sf``)."""
    return special.fdtrc(df1, df2, f)


def f_isf(q, df1, df2):
    """The F value exceeded with probability ``q`` (``scipy.stats.f.isf``)."""
    return special.fdtri(df1, df2, 1.0 - np.asarray(q, dtype="float64"))


def chi2_sf(x, df):
    """P(X > x) for the chi-square distribution (``scipy.stats.chi2.sf``)."""
    return special.chdtrc(df, x)


def correlation_p(r: float, n: float) -> float:
    """Two-tailed p of Pearson's r from n pairs: t = r sqrt((n - 2) / (1 - r^2)) with n - 2 df.

    The same value as ``scipy.stats.pearsonr`` (which uses the equivalent beta distribution); |r| = 1
    gives 0 and fewer than 3 pairs NaN.
    """
    if not n > 2 or not np.isfinite(r):
        return float("nan")
    if abs(r) >= 1.0:
        return 0.0
    t = r * np.sqrt((n - 2.0) / (1.0 - r * r))
    return float(t_two_sided(t, n - 2.0))


def fisher_exact_2x2(table, alternative: str = "two-sided") -> float:
    """p of Fisher's exact test of a 2 x 2 table of counts (``scipy.stats.fisher_exact``).

    With the margins fixed, the top-left count x follows the hypergeometric distribution; its
    probabilities over the whole support are evaluated at once from log-gamma functions.
    ``'less'``/``'greater'``: P(X <= a) / P(X >= a). ``'two-sided'``: the sum of the probabilities of
    all tables no more probable than the observed one, with R's relative tolerance of 1e-7 so that
    tables exactly as probable count whatever the rounding of the log-gamma sums (scipy uses 1e-14 on
    its more exact probabilities; the two differ only for tables within 1e-7 of each other's probability
    without being tied, which do not arise from counts in practice).

    Example
    -------
    >>> round(fisher_exact_2x2([[8, 2], [1, 5]]), 6)
    0.034965
    """
    from scipy.special import gammaln

    (a, b), (c, d) = np.asarray(table, dtype=np.int64)
    row1, row2, col1 = a + b, c + d, a + c
    n = row1 + row2
    lo, hi = max(0, col1 - row2), min(col1, row1)
    x = np.arange(lo, hi + 1, dtype="float64")
    log_p = (gammaln(row1 + 1) - gammaln(x + 1) - gammaln(row1 - x + 1)
             + gammaln(row2 + 1) - gammaln(col1 - x + 1) - gammaln(row2 - col1 + x + 1)
             - gammaln(n + 1) + gammaln(col1 + 1) + gammaln(n - col1 + 1))
    p = np.exp(log_p)
    at = int(a - lo)
    if alternative == "less":
        return float(min(1.0, p[: at + 1].sum()))
    if alternative == "greater":
        return float(min(1.0, p[at:].sum()))
    if alternative != "two-sided":
        raise ValueError(f"alternative must be 'two-sided', 'less' or 'greater', got {alternative!r}")
    observed = p[at]
    return float(min(1.0, p[p <= observed * (1 + 1e-7)].sum()))
