"""Cell helpers of the report's tables: text and number cells, value keys and small formatting helpers."""
from __future__ import annotations

import math
import re
from typing import Any

from . import format as fmt
from .document import Cell


# ------------------------------------------------------------------------------------ cell helpers
def slug(text: str) -> str:
    """A safe file/anchor name: letters, digits, '-' and '_' only."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", str(text)).strip("-") or "x"


def txt(text: Any, css: str = "", colspan: int = 1) -> Cell:
    return Cell("" if text is None else str(text), None, css, colspan)


def num(value: Any, formatter, lang: str, css: str = "num", suffix: str = "") -> Cell:
    """A numeric cell: display text from ``formatter`` and the raw value for Excel."""
    if not fmt.is_number(value):
        return Cell("", None, css)
    return Cell(formatter(value, lang=lang) + suffix, value, css)


def head(*labels: Any) -> list[Cell]:
    return [label if isinstance(label, Cell) else txt(label) for label in labels]


def get(d: Any, *keys, default=None):
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return default
        d = d[k]
    return d


def as_float(x: Any) -> float | None:
    return float(x) if fmt.is_number(x) else None


def value_key(key: Any) -> float:
    try:
        return float(key)
    except (TypeError, ValueError):
        return math.inf


def value_text(key: Any) -> str:
    v = value_key(key)
    return str(int(v)) if math.isfinite(v) and v == int(v) else str(key)




# ------------------------------------------------------------------------------------------ helpers
def at(seq: Any, i: int) -> Any:
    return seq[i] if isinstance(seq, (list, tuple)) and 0 <= i < len(seq) else None


def pair_label(pair: dict, side: str, entry: dict) -> str:
    """A post hoc group's label: ``label_a``, else the label whose code is ``group_a``."""
    if pair.get(f"label_{side}") is not None:
        return str(pair[f"label_{side}"])
    group = pair.get(f"group_{side}")
    for key, g in (entry.get("groups") or {}).items():
        if isinstance(g, dict) and str(g.get("code")) == str(group):
            return str(g.get("label", key))
    return "" if group is None else str(group)


def step_no(step: Any) -> str:
    """Steps are numbered from 0 in results.json and from 1 in the tables."""
    return str(step + 1) if isinstance(step, int) else str(step or "")


def general(x: float, lang: str) -> str:
    """A number of unknown kind (published values): up to 3 decimals, trailing zeros kept to 2."""
    value = float(x)
    decimals = 3 if value != round(value, 2) else 2
    return fmt.number(value, decimals, lang)


def sci(x: Any, lang: str) -> str:
    if not fmt.is_number(x):
        return ""
    mantissa, exponent = f"{float(x):.3e}".split("e")
    m = fmt.number(float(mantissa), 3, lang)
    return f"{m} × 10^{int(exponent)}"


def ci_half(sd: Any, n: Any) -> float | None:
    """Half-width of the 95% CI of a mean: t(.975, n-1) * sd / sqrt(n)."""
    from surveykit.stats.distributions import t_ppf

    if not (fmt.is_number(sd) and fmt.is_number(n)) or n < 2:
        return None
    return float(t_ppf(0.975, n - 1) * sd / math.sqrt(n))


def sorted_items(loadings: dict[str, list]) -> list[str]:
    """Items grouped by the factor they load highest on, by decreasing |loading| within a factor (SPSS
    'sorted by size')."""

    def key(item: str):
        values = [abs(v) if fmt.is_number(v) else -1.0 for v in loadings[item]]
        top = max(range(len(values)), key=lambda j: values[j])
        return (top, -values[top])

    return sorted(loadings, key=key)




def ci_decimals_cell(low: Any, high: Any, decimals: int, lang: str, labels: tuple[str, str]) -> Cell:
    """:func:`ci_cell` with the bounds shown to ``decimals`` decimals."""
    return ci_cell(low, high, lambda x, lang: fmt.number(x, decimals, lang), lang, labels)


def ci_cell(low: Any, high: Any, formatter, lang: str, labels: tuple[str, str]) -> Cell:
    """A confidence interval "[low; high]" whose two bounds reach the workbook as numbers of their own."""
    text = (f"[{formatter(low, lang=lang)}; {formatter(high, lang=lang)}]"
            if fmt.is_number(low) and fmt.is_number(high) else "")
    return Cell(text, None, "num", parts=((labels[0], low), (labels[1], high)))
