"""Number formatting for the report, per language, in APA style.

These functions only turn numbers into display strings; they never change what is computed. Rounding
happens here, at the last moment, on the unrounded values from ``results.json``.

Conventions (APA 7th ed., section 6.36 and 6.44; SPSS-like tables):

* ``nb`` writes a decimal comma (3,98) and a no-break space between thousands (2 571); ``en`` a decimal
  point and a thousands comma (2,571). Negative numbers take a true minus sign (U+2212).
* Statistics that cannot exceed 1 in absolute value (r, p, alpha, beta, eta squared, R squared, KMO,
  loadings) lose the leading zero: .765 / ,765.
* p is exact to three decimals (p = .034) or ``p < .001``; a p that would print as 1.000 is ``p > .999``.
* Means and SDs have 2 decimals, percentages 1; test statistics 2 (t, F, chi-square).
* Stars: * p < .05, ** p < .01, *** p < .001.
"""

from __future__ import annotations

import math
from typing import Any

MINUS = "\u2212"
NBSP = "\u00a0"


def is_number(x: Any) -> bool:
    """True for a finite int/float (not bool, not None, not NaN)."""
    if isinstance(x, bool) or x is None:
        return False
    if isinstance(x, int):
        return True
    try:
        return math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def number(x: Any, decimals: int = 2, lang: str = "en", *, thousands: bool = True) -> str:
    """A number with ``decimals`` decimals in the language's style; '' when missing."""
    if not is_number(x):
        return ""
    text = f"{abs(float(x)):,.{decimals}f}" if thousands else f"{abs(float(x)):.{decimals}f}"
    negative = float(x) < 0 and any(c not in "0.," for c in text)  # no "-0.00"
    if lang == "nb":
        text = text.replace(",", NBSP).replace(".", ",")
    return (MINUS if negative else "") + text


def integer(n: Any, lang: str = "en") -> str:
    """A count: 2,571 (en) / 2 571 (nb); '' when missing."""
    if not is_number(n):
        return ""
    return number(round(float(n)), 0, lang)


def bounded(x: Any, decimals: int = 3, lang: str = "en") -> str:
    """A statistic bounded by 1 (r, alpha, beta, R squared ...) without the leading zero: .765, -.123."""
    text = number(x, decimals, lang, thousands=False)
    if text.startswith("0") and len(text) > 1:
        return text[1:]
    if text.startswith(MINUS + "0") and len(text) > 2:
        return MINUS + text[2:]
    return text


def mean(x: Any, lang: str = "en") -> str:
    return number(x, 2, lang)


def sd(x: Any, lang: str = "en") -> str:
    return number(x, 2, lang)


def pct(x: Any, lang: str = "en") -> str:
    """A percentage (0-100) with one decimal, without the % sign (tables put it in the header)."""
    return number(x, 1, lang)


def signed_pct(x: Any, lang: str = "en") -> str:
    """A difference in percentage points with its sign: +4.2 / −1.0 (0.0 has no sign)."""
    text = number(x, 1, lang)
    return "+" + text if text and not text.startswith(MINUS) and float(x) != 0 and text.strip("0.,") else text


def value_list(values: list, lang: str = "en") -> str:
    """Scale values as a short list: consecutive runs as ranges (1–2, 5–6), others with commas."""
    vs = sorted(int(v) for v in values)
    runs: list[list[int]] = []
    for v in vs:
        if runs and v == runs[-1][-1] + 1:
            runs[-1].append(v)
        else:
            runs.append([v])
    parts = [str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" if len(r) > 2 else f"{r[0]}, {r[1]}" for r in runs]
    return ", ".join(parts)


def stat(x: Any, lang: str = "en") -> str:
    """A test statistic (t, F, chi-square, eigenvalue) with 2 decimals."""
    return number(x, 2, lang)


def df(x: Any, lang: str = "en") -> str:
    """Degrees of freedom: whole numbers as integers, Welch's fractional df with 2 decimals."""
    if not is_number(x):
        return ""
    value = float(x)
    if abs(value - round(value)) < 1e-9:
        return integer(value, lang)
    return number(value, 2, lang)


def p_value(p: Any, lang: str = "en") -> str:
    """p without the letter: '< .001', '.034', '> .999' (nb: '< ,001', ',034')."""
    if not is_number(p):
        return ""
    p = float(p)
    if p < 0.001:
        return "< " + bounded(0.001, 3, lang)
    if p >= 0.9995:
        return "> " + bounded(0.999, 3, lang)
    return bounded(p, 3, lang)


def p_text(p: Any, lang: str = "en") -> str:
    """'p < .001' or 'p = .034' for running text."""
    value = p_value(p, lang)
    if not value:
        return ""
    return "p " + value if value[0] in "<>" else "p = " + value


def stars(p: Any) -> str:
    """* p < .05, ** p < .01, *** p < .001 ('' otherwise or when p is missing)."""
    if not is_number(p):
        return ""
    p = float(p)
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""


def t_test(t: Any, dof: Any, lang: str = "en") -> str:
    """'t(381) = 2.31'; Welch: 't(120.45) = 2.31'."""
    if not is_number(t):
        return ""
    return f"t({df(dof, lang)}) = {stat(t, lang)}"


def f_test(f: Any, df1: Any, df2: Any, lang: str = "en") -> str:
    """'F(2, 380) = 4.12'. In nb a fractional (Welch) df is separated by '; ', as ',' is the decimal mark."""
    if not is_number(f):
        return ""
    fractional = any(is_number(d) and abs(float(d) - round(float(d))) > 1e-9 for d in (df1, df2))
    sep = "; " if lang == "nb" and fractional else ", "
    return f"F({df(df1, lang)}{sep}{df(df2, lang)}) = {stat(f, lang)}"


def chi2_test(chi2: Any, dof: Any, lang: str = "en", n: Any = None) -> str:
    """'χ²(3) = 7.81', or with N: 'χ²(3, N = 383) = 7.81' (APA)."""
    if not is_number(chi2):
        return ""
    inner = df(dof, lang) + (f", N = {integer(n, lang)}" if is_number(n) else "")
    return f"\u03c7\u00b2({inner}) = {stat(chi2, lang)}"


def test_result(test: str, statistic: Any, dof: Any, lang: str = "en") -> str:
    """A comparison's test in APA form from its results.json fields (``df`` a number or [df1, df2])."""
    if test == "anova" or isinstance(dof, (list, tuple)):
        df1, df2 = (list(dof) + [None, None])[:2] if isinstance(dof, (list, tuple)) else (dof, None)
        return f_test(statistic, df1, df2, lang)
    return t_test(statistic, dof, lang)
