"""The counting fast path (surveykit.compare.codes) against plain numpy/pandas and exact arithmetic.

Group moments computed from group x value tables must equal the per-row path (and exact rational
arithmetic); group codes must equal pd.factorize's; a FrameCache must not change any number.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from surveykit.compare import FrameCache, anova_oneway, breakdown, crosstab, group_moments, ttest_ind
from surveykit.compare.codes import count_codes, few_value_codes, group_codes, small_int_codes
from surveykit.compare.groups import as_key


@pytest.mark.parametrize("n", [0, 1, 2, 7, 1000, 1001])
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.intp])
def test_count_codes_is_bincount(n, dtype):
    rng = np.random.default_rng(n)
    codes = rng.integers(0, 42, n).astype(dtype)
    np.testing.assert_array_equal(count_codes(codes, 42), np.bincount(codes, minlength=42))
    # a non-contiguous view as well
    np.testing.assert_array_equal(count_codes(codes[::2], 42), np.bincount(codes[::2], minlength=42))


def test_small_int_codes():
    col = np.array([3.0, np.nan, 1.0, 6.0, 3.0, np.nan, -0.0 + 2.0])
    sic = small_int_codes(col)
    np.testing.assert_array_equal(sic.values, [1, 2, 3, 4, 5, 6])
    np.testing.assert_array_equal(sic.codes, [2, 6, 0, 5, 2, 6, 1])
    assert sic.n_missing == 2 and sic.codes.dtype == np.uint8
    np.testing.assert_array_equal(sic.counts(), [1, 1, 2, 0, 0, 1, 2])
    # large offsets stay exact
    sic = small_int_codes(np.array([1e12 + 1, 1e12 + 3, np.nan]))
    np.testing.assert_array_equal(sic.values, [1e12 + 1, 1e12 + 2, 1e12 + 3])
    assert small_int_codes(np.array([-3.0, 0.0, 2.0])).values[0] == -3.0
    # not small integers: fractions (also ones the sample misses), infinities, wide ranges, nothing valid
    assert small_int_codes(np.array([1.0, 2.5, 3.0])) is None
    late_fraction = np.ones(100_000)
    late_fraction[-1] = 1.5
    assert small_int_codes(late_fraction) is None
    assert small_int_codes(np.array([1.0, np.inf])) is None
    assert small_int_codes(np.array([0.0, 5000.0])) is None
    assert small_int_codes(np.array([np.nan, np.nan])) is None
    assert small_int_codes(np.array([2.0**53, 2.0**53 + 2])) is None


def test_few_value_codes():
    rng = np.random.default_rng(1)
    items = rng.integers(1, 7, size=(5000, 3)).astype(float)
    items[rng.random(items.shape) < 0.2] = np.nan
    with np.errstate(invalid="ignore"), pytest.warns(RuntimeWarning):
        index = np.nanmean(items, axis=1)  # means of 1-3 items, some all missing
    fv = few_value_codes(index)
    ok = ~np.isnan(index)
    np.testing.assert_array_equal(fv.values, np.unique(index[ok]))
    np.testing.assert_array_equal(fv.values[fv.codes[ok]], index[ok])
    assert (fv.codes[~ok] == fv.n_values).all() and fv.n_missing == (~ok).sum()
    assert few_value_codes(rng.normal(size=5000)) is None  # continuous data
    assert few_value_codes(np.array([np.nan, np.nan])) is None


@pytest.mark.parametrize(
    "values",
    [
        [2.0, 1.0, np.nan, 5.0, 2.0, 1.0],  # float codes with NaN
        [3, 1, 7, 3, 7, 7],  # int, with gaps in the range
        [-1.0, 4.0, np.nan, -1.0, 10.0, 4.0],  # negative codes
        [1.5, 2.5, 1.5, np.nan, 2.5, 2.5],  # non-integer codes: factorize path
        ["b", "a", None, "c", "a", "b"],  # strings
        [True, False, True, True, False, False],  # bool
    ],
)
def test_group_codes_equal_factorize(values):
    series = pd.Series(values)
    codes, keys, counts = group_codes(series)
    ref_codes, uniques = pd.factorize(series, sort=True, use_na_sentinel=True)
    k = len(uniques)
    assert keys == [as_key(u) for u in uniques.tolist()]
    assert all(type(a) is type(b) for a, b in zip(keys, [as_key(u) for u in uniques.tolist()]))
    np.testing.assert_array_equal(codes, np.where(ref_codes < 0, k, ref_codes))
    np.testing.assert_array_equal(counts, np.bincount(np.where(ref_codes < 0, k, ref_codes), minlength=k + 1))


def test_group_codes_nullable_and_categorical():
    codes, keys, counts = group_codes(pd.Series([2, None, 1, 2], dtype="Int64"))
    assert keys == [1, 2] and codes.tolist() == [1, 2, 0, 1] and counts.tolist() == [1, 2, 1]
    cat = pd.Series(pd.Categorical(["low", "high", "low"], categories=["low", "mid", "high"], ordered=True))
    codes, keys, counts = group_codes(cat)
    assert keys == ["low", "high"] and codes.tolist() == [0, 1, 0]  # category order; unused 'mid' dropped


# ------------------------------------------------------------------------------------------------
# group moments: value-count tables vs rows vs exact arithmetic


@pytest.fixture(scope="module")
def mixed() -> pd.DataFrame:
    rng = np.random.default_rng(2026)
    n = 20_000
    g = rng.integers(1, 6, n).astype(float)
    g[rng.random(n) < 0.03] = np.nan
    df = pd.DataFrame({"g": g})
    df["likert"] = np.clip(np.round(3.5 + 0.2 * np.nan_to_num(g) + rng.normal(size=n)), 1, 6)
    df.loc[rng.random(n) < 0.05, "likert"] = np.nan
    df.loc[df["g"] == 5, "likert"] = np.where(rng.random((df["g"] == 5).sum()) < 0.5, np.nan, 4.0)  # one constant group
    items = np.clip(np.round(3.5 + rng.normal(size=(n, 3))), 1, 6)
    df["index"] = items.mean(axis=1)  # few distinct non-integer values
    df["age"] = rng.integers(23, 73, n).astype(float)
    df["offset"] = 1e12 + rng.integers(0, 4, n)  # NIST-like constant leading digits
    df["continuous"] = rng.normal(50, 10, n)
    return df


OUTCOMES = ["likert", "index", "age", "offset", "continuous"]


def test_value_path_equals_row_path(mixed):
    fast = group_moments(mixed, OUTCOMES, "g")
    slow = group_moments(mixed, OUTCOMES, "g", value_counts=False)
    np.testing.assert_array_equal(fast.n, slow.n)
    np.testing.assert_array_equal(fast.n_missing_outcome, slow.n_missing_outcome)
    np.testing.assert_array_equal(fast.shift[[0, 2, 4]], slow.shift[[0, 2, 4]])  # same mean for integer data
    np.testing.assert_allclose(fast.mean, slow.mean, rtol=1e-13)  # the rows add n rounding errors
    np.testing.assert_allclose(fast.mean_shifted, slow.mean_shifted, rtol=1e-11, atol=1e-15)
    for field in ("ss", "absdev_mean", "absdev_ss"):
        np.testing.assert_allclose(getattr(fast, field), getattr(slow, field), rtol=1e-11, atol=1e-12, err_msg=field)


def _exact_group_stats(y: np.ndarray, g: np.ndarray) -> dict:
    """n, mean, SS, mean |d| and SS of |d| per group, in exact rational arithmetic."""
    out = {}
    for key in np.unique(g[~np.isnan(g)]):
        v = [Fraction(x) for x in y[(g == key) & ~np.isnan(y)]]
        m = sum(v) / len(v)
        d = [abs(x - m) for x in v]
        am = sum(d) / len(v)
        out[key] = (len(v), m, sum((x - m) ** 2 for x in v), am, sum((x - am) ** 2 for x in d))
    return out


@pytest.mark.parametrize("outcome", ["likert", "index", "offset"])
def test_value_path_against_exact_arithmetic(mixed, outcome):
    small = mixed.iloc[:3000]
    m = group_moments(small, [outcome], "g")
    exact = _exact_group_stats(small[outcome].to_numpy(), small["g"].to_numpy())
    shift = Fraction(m.shift[0])
    for i, key in enumerate(m.keys):
        n, mean, ss, am, ads = exact[key]
        assert m.n[i, 0] == n
        assert float(mean - shift) == pytest.approx(m.mean_shifted[i, 0], rel=1e-14, abs=1e-15)
        assert m.ss[i, 0] == pytest.approx(float(ss), rel=1e-14)
        assert m.absdev_mean[i, 0] == pytest.approx(float(am), rel=1e-14, abs=1e-300)
        assert m.absdev_ss[i, 0] == pytest.approx(float(ads), rel=1e-13, abs=1e-300)


def test_one_outcome_equals_many_outcomes(mixed):
    """Bitwise: each outcome is computed on its own, whatever is analysed alongside."""
    many = group_moments(mixed, OUTCOMES, "g")
    for j, outcome in enumerate(OUTCOMES):
        one = group_moments(mixed, [outcome], "g")
        for field in ("n", "mean", "mean_shifted", "ss", "absdev_mean", "absdev_ss"):
            np.testing.assert_array_equal(getattr(one, field)[:, 0], getattr(many, field)[:, j], err_msg=field)


def test_frame_cache_changes_nothing(mixed):
    cache = FrameCache(mixed)
    plain = breakdown(mixed, OUTCOMES, ["g"], posthoc="bonferroni")
    cached = breakdown(mixed, OUTCOMES, ["g"], posthoc="bonferroni", cache=cache)
    again = breakdown(mixed, ["likert"], ["g"], posthoc="bonferroni", cache=cache)  # reuses the codes
    pd.testing.assert_frame_equal(plain.tests, cached.tests, check_exact=True)
    pd.testing.assert_frame_equal(plain.group_stats, cached.group_stats, check_exact=True)
    pd.testing.assert_frame_equal(plain.posthoc, cached.posthoc, check_exact=True)
    pd.testing.assert_frame_equal(again.tests, plain.tests.iloc[:1], check_exact=True)
    a = anova_oneway(mixed, "likert", "g")
    assert cached.results[("likert", "g")].f == a.f
    mixed2 = mixed.assign(h=(mixed["likert"] > 3).astype(float))
    cache2 = FrameCache(mixed2)
    assert crosstab(mixed2, "g", "h", cache=cache2).to_dict() == crosstab(mixed2, "g", "h").to_dict()
    assert ttest_ind(mixed2, "age", "h").t == breakdown(mixed2, ["age"], ["h"], cache=cache2).results[("age", "h")].t
    with pytest.raises(ValueError, match="another DataFrame"):
        breakdown(mixed2, ["likert"], ["g"], cache=cache)


def test_empty_group_for_one_outcome(mixed):
    """A group whose answers are all missing on one outcome: n = 0, statistics NaN, then suppressed."""
    df = mixed.copy()
    df.loc[df["g"] == 2, "likert"] = np.nan
    for value_counts in (True, False):
        m = group_moments(df, ["likert", "age"], "g", value_counts=value_counts)
        i = m.keys.index(2)
        assert m.n[i, 0] == 0 and np.isnan(m.mean[i, 0]) and np.isnan(m.ss[i, 0])
        assert m.n[i, 1] > 0 and math.isfinite(m.ss[i, 1])
    res = anova_oneway(df, "likert", "g")
    assert {"variable": "g", "group": 2, "n": 0} in res.suppressed
