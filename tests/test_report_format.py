"""Number formatting of the report (surveykit.report.format): APA style in Norwegian and English."""

import math

import pytest

from surveykit.report import format as fmt

M = "\u2212"  # the minus sign used for display


@pytest.mark.parametrize(
    "x, en, nb",
    [(0.765, ".765", ",765"), (-0.123, M + ".123", M + ",123"), (0.0004, ".000", ",000"), (-0.0004, ".000", ",000"),
     (1.0, "1.000", "1,000"), (0.99951, "1.000", "1,000")],
)
def test_bounded_statistics_drop_the_leading_zero(x, en, nb):
    assert fmt.bounded(x, 3, "en") == en
    assert fmt.bounded(x, 3, "nb") == nb


def test_decimal_comma_and_thousands():
    assert fmt.mean(3.98, "nb") == "3,98"
    assert fmt.mean(3.98, "en") == "3.98"
    assert fmt.mean(3.975000001, "en") == "3.98"  # rounds half up on the unrounded value
    assert fmt.sd(0.9, "nb") == "0,90"  # SD keeps its zero (not bounded by 1)
    assert fmt.pct(45.8333, "nb") == "45,8"
    assert fmt.integer(2571, "en") == "2,571"
    assert fmt.integer(2571, "nb") == "2\u00a0571"
    assert fmt.number(-1234.5678, 2, "nb") == M + "1\u00a0234,57"
    assert fmt.number(-0.001, 2, "en") == "0.00"  # no negative zero


@pytest.mark.parametrize(
    "p, en, nb",
    [(0.0004, "p < .001", "p < ,001"), (1e-30, "p < .001", "p < ,001"), (0.001, "p = .001", "p = ,001"),
     (0.0344, "p = .034", "p = ,034"), (0.05, "p = .050", "p = ,050"), (0.9999, "p > .999", "p > ,999")],
)
def test_p_values(p, en, nb):
    assert fmt.p_text(p, "en") == en
    assert fmt.p_text(p, "nb") == nb


def test_stars():
    assert [fmt.stars(p) for p in (0.0009, 0.001, 0.0099, 0.01, 0.049, 0.05, None, math.nan)] == [
        "***", "**", "**", "*", "*", "", "", ""]


def test_test_statistics():
    assert fmt.t_test(2.3149, 381, "en") == "t(381) = 2.31"
    assert fmt.t_test(-2.3149, 120.4512, "nb") == f"t(120,45) = {M}2,31"
    assert fmt.f_test(4.1234, 2, 380, "en") == "F(2, 380) = 4.12"
    assert fmt.f_test(4.1234, 2, 380, "nb") == "F(2, 380) = 4,12"
    assert fmt.f_test(4.1234, 2, 120.5, "nb") == "F(2; 120,50) = 4,12"  # fractional df: ';' not ','
    assert fmt.chi2_test(7.8149, 3, "en") == "\u03c7\u00b2(3) = 7.81"
    assert fmt.chi2_test(7.8149, 3, "en", n=383) == "\u03c7\u00b2(3, N = 383) = 7.81"
    assert fmt.test_result("anova", 4.1234, [2, 380], "en") == "F(2, 380) = 4.12"
    assert fmt.test_result("t", 2.3149, 381.0, "en") == "t(381) = 2.31"


def test_missing_values_give_empty_text():
    for f in (fmt.mean, fmt.pct, fmt.integer, fmt.p_value):
        assert f(None, "en") == "" and f(math.nan, "nb") == ""
    assert fmt.bounded(None, 3, "en") == "" and fmt.t_test(None, 3) == ""
