"""Intervals for proportions and their differences, vectorised: Wilson's score interval and Newcombe's
hybrid score interval for a difference of two independent proportions.

Used wherever a share is published with its uncertainty: favourable % across waves (compare/waves.py),
engagement indices (compare/engagement.py), scorecard shares against an audit (scorecard/audit.py).
"""

from __future__ import annotations

import numpy as np
from scipy import special


def z_value(confidence: float = 0.95) -> float:
    """The two-sided standard normal quantile for ``confidence`` (1.959964 for 0.95)."""
    return float(-special.ndtri((1.0 - confidence) / 2.0))


def wilson_interval(x, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson (1927) score interval of the proportion x/n, without continuity correction, vectorised.

    centre = (p + z²/(2n)) / (1 + z²/n);  half = z sqrt(p(1-p)/n + z²/(4n²)) / (1 + z²/n).
    The interval R's ``prop.test(x, n, correct = FALSE)`` reports; n = 0 gives NaN. Scalars in, 0-d arrays
    out (``float()`` them).

    >>> [round(float(v), 4) for v in wilson_interval(56, 70)]
    [0.6907, 0.8752]
    """
    x, n = (np.asarray(a, dtype="float64") for a in np.broadcast_arrays(x, n))
    z = z_value(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / n
        denom = 1.0 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


def newcombe_difference(x1, n1, x2, n2=None, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Difference D = p1 - p2 of two independent proportions with Newcombe's (1998) hybrid score interval
    (his method 10): with Wilson limits (l_i, u_i),
    L = D - sqrt((p1 - l1)² + (u2 - p2)²),  U = D + sqrt((u1 - p1)² + (p2 - l2)²).

    ``n2=None`` treats ``x2`` as a known proportion p2 without error (a population figure): l2 = u2 = p2.
    Returns (D, L, U), vectorised.

    Reference: Newcombe, R. G. (1998). Interval estimation for the difference between independent
    proportions. Statistics in Medicine 17, 873-890.

    >>> d, lo, hi = newcombe_difference(56, 70, 48, 80)   # Newcombe 1998, Table II example (a)
    >>> round(float(lo), 4), round(float(hi), 4)
    (0.0524, 0.3339)
    """
    x1, n1 = (np.asarray(a, dtype="float64") for a in (x1, n1))
    l1, u1 = wilson_interval(x1, n1, confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        p1 = x1 / n1
        if n2 is None:
            p2 = l2 = u2 = np.asarray(x2, dtype="float64")
        else:
            x2, n2 = (np.asarray(a, dtype="float64") for a in (x2, n2))
            p2 = x2 / n2
            l2, u2 = wilson_interval(x2, n2, confidence)
        d = p1 - p2
        return d, d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
