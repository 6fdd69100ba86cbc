"""surveykit.stats.proportions: Wilson and Newcombe intervals against statsmodels and Newcombe (1998)."""

import numpy as np
import pytest
from statsmodels.stats.proportion import proportion_confint

from surveykit.stats.proportions import newcombe_difference, wilson_interval


@pytest.mark.parametrize("x,n", [(0, 10), (1, 29), (56, 70), (48, 80), (10, 10), (263, 1000)])
def test_wilson_matches_statsmodels(x, n):
    lo, hi = wilson_interval(x, n)
    assert (float(lo), float(hi)) == pytest.approx(proportion_confint(x, n, method="wilson"), rel=1e-12, abs=1e-14)


def test_wilson_is_vectorised_and_nan_for_empty_groups():
    lo, hi = wilson_interval(np.array([56, 0, 3]), np.array([70, 0, 10]), confidence=0.99)
    assert np.isnan(lo[1]) and np.isnan(hi[1])
    assert float(lo[0]) == pytest.approx(proportion_confint(56, 70, alpha=0.01, method="wilson")[0], rel=1e-12)


def test_newcombe_matches_the_worked_examples_of_newcombe_1998():
    # Newcombe (1998) Table II, method 10: (a) 56/70 vs 48/80 -> 0.0524 to 0.3339; (b) 9/10 vs 3/10 -> 0.1705 to 0.8090
    d, lo, hi = newcombe_difference([56, 9], [70, 10], [48, 3], [80, 10])
    assert np.round(lo, 4).tolist() == [0.0524, 0.1705]
    assert np.round(hi, 4).tolist() == [0.3339, 0.8090]
    assert d.tolist() == pytest.approx([56 / 70 - 48 / 80, 0.6])


def test_newcombe_with_a_known_second_proportion_is_the_shifted_wilson_interval():
    d, lo, hi = newcombe_difference(25, 100, 0.63)
    wl, wh = wilson_interval(25, 100)
    assert (float(lo), float(hi)) == pytest.approx((float(wl) - 0.63, float(wh) - 0.63), rel=1e-12)
