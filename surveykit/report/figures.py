"""The report's figures, each returned as PNG and SVG bytes (:class:`Rendered`).

Each function takes numbers already in ``results.json`` (and display labels) and draws on a
:class:`~surveykit.report.canvas.Canvas` (Pillow for the PNG, plain text for the SVG; see canvas.py for why
not matplotlib). Layout is computed from the measured label widths, so long Norwegian item texts get the
margin they need. Output is deterministic: the same numbers give byte-identical files.

The figures show exactly the groups and values they are given: groups below the minimum size were removed
by the pipeline and are never re-added here.

Label lists that come in ``blocks`` are ``[(heading, [row label, ...]), ...]``: rows grouped under a bold
heading (a grouping variable); an empty heading draws no heading line.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .canvas import TAB10, Canvas, Scale, block_width, colour_at, ink_on, nice_ticks, text_width

BAR_COLOUR = "#4c72b0"
GRID_COLOUR = "#dddddd"
AXIS_COLOUR = "#555555"
INK = "#222222"
TICK = 11  # font sizes in pixels (the PNG is 100 dpi: 11 px is 8 pt)
LABEL = 12
MARGIN = 12
HEADING_ROW = 22

Fmt = Callable[[float], str]
Blocks = Sequence[tuple[str, Sequence[str]]]


@dataclass(frozen=True)
class Rendered:
    png: bytes
    svg: bytes


def rendered(c: Canvas) -> Rendered:
    return Rendered(c.png(), c.svg())


def _wrap(text: str, width: int = 42) -> str:
    """Lines of at most ``width`` characters, words kept whole (the layout measures the widest line)."""
    return "\n".join(textwrap.wrap(str(text), width, break_long_words=False)) or str(text)


def finite(v: float | None) -> bool:
    return v is not None and math.isfinite(v)


def _lines(text: str) -> int:
    return text.count("\n") + 1


# ------------------------------------------------------------------------------------ shared parts
def _legend_rows(entries: Sequence[tuple[str, str]], width: float, title: str = "") -> list[list]:
    """Legend entries (label, colour) placed in rows no wider than ``width``: [[(x, label, colour)]]."""
    rows: list[list] = [[]]
    x = text_width(title, TICK, True) + 10 if title else 0.0
    for label, colour in entries:
        w = 16 + text_width(label, TICK) + 14
        if rows[-1] and x + w > width:
            rows.append([])
            x = 0.0
        rows[-1].append((x, label, colour))
        x += w
    return rows


def _draw_legend(c: Canvas, x0: float, y0: float, rows: list[list], title: str = "") -> None:
    if title:
        c.text(x0, y0 + 8, title, TICK, INK, bold=True)
    for i, row in enumerate(rows):
        y = y0 + 8 + 18 * i
        for x, label, colour in row:
            c.rect(x0 + x, y - 5, 11, 11, colour)
            c.text(x0 + x + 16, y, label, TICK, INK)


def _x_axis(c: Canvas, scale: Scale, ticks: Sequence[float], top: float, bottom: float, fmt: Fmt,
            label: str) -> None:
    """Vertical grid lines at ``ticks`` between ``top`` and ``bottom``, tick labels and the axis label below."""
    for t in ticks:
        x = scale(t)
        c.line([(x, top), (x, bottom)], GRID_COLOUR, 1)
        c.text(x, bottom + 5, fmt(t), TICK, INK, anchor="middle", valign="top")
    if label:
        c.text((scale.p0 + scale.p1) / 2, bottom + 24, label, LABEL, INK, anchor="middle", valign="top")


def _row_labels(blocks: Blocks, width: int) -> tuple[list[str | None], list[str]]:
    """Flattened rows: the headings (None for a data row) and the wrapped labels, in drawing order."""
    kinds: list[str | None] = []
    labels: list[str] = []
    for heading, rows in blocks:
        if heading:
            kinds.append(str(heading))
            labels.append("")
        for row in rows:
            kinds.append(None)
            labels.append(_wrap(row, width))
    return kinds, labels


# ------------------------------------------------------------------------------------- (a) Likert
def likert_bars(
    items: Sequence[str],
    pcts: Sequence[Sequence[float | None]],
    value_labels: Sequence[str],
    fmt_pct: Fmt,
    xlabel: str,
) -> Rendered:
    """Diverging stacked bars (Schick's Table 9 as a picture): one bar per item, the scale's lower half to
    the left of zero, the upper half to the right (a middle value of an odd scale is split across zero).
    ``pcts[i][j]`` is the percentage of item i answering value j (None counts as 0); segments wide enough
    carry their percentage."""
    k = len(value_labels)
    colours = [colour_at("RdYlBu", 0.08 + 0.84 * j / max(k - 1, 1)) for j in range(k)]
    labels = [_wrap(t, 50) for t in items]
    left = MARGIN + max((block_width(t, TICK) for t in labels), default=0) + 10
    plot_w = 520
    width = left + plot_w + 24
    legend = _legend_rows(list(zip(value_labels, colours)), width - 2 * MARGIN)
    top = MARGIN + 18 * len(legend) + 8
    row_h = [max(28.0, 15.0 * _lines(t) + 10) for t in labels]
    bottom = top + sum(row_h)
    c = Canvas(width, bottom + 52)

    values = [[float(v) if finite(v) else 0.0 for v in row] for row in pcts]
    lefts = [sum(v[: k // 2]) + (v[k // 2] / 2 if k % 2 else 0.0) for v in values]
    lo = -max(lefts, default=0.0)
    hi = max((sum(v) - l for v, l in zip(values, lefts)), default=0.0)
    ticks = nice_ticks(lo, hi, 6)
    x = Scale(ticks[0], ticks[-1], left, left + plot_w)

    _draw_legend(c, MARGIN, MARGIN, legend)
    _x_axis(c, x, ticks, top, bottom, lambda t: fmt_pct(abs(t)), xlabel)
    y = top
    for label, h, row, start in zip(labels, row_h, values, lefts):
        c.text(left - 8, y + h / 2, label, TICK, INK, anchor="end")
        pos = -start
        bar_top, bar_h = y + (h - 18) / 2, 18
        for v, colour in zip(row, colours):
            if v > 0:
                c.rect(x(pos), bar_top, x(pos + v) - x(pos), bar_h, colour)
                text = fmt_pct(v)
                if x(pos + v) - x(pos) >= text_width(text, 10) + 6:
                    c.text((x(pos) + x(pos + v)) / 2, y + h / 2, text, 10, ink_on(colour), anchor="middle")
            pos += v
        y += h
    c.line([(x(0), top), (x(0), bottom)], "#333333", 1)
    return rendered(c)


# ------------------------------------------------------------------------------ (b) group means
def group_means(
    blocks: Blocks,
    series: Sequence[str],
    means: Sequence[Sequence[float | None]],
    half_widths: Sequence[Sequence[float | None]],
    fmt: Fmt,
    xlabel: str,
    legend_title: str = "",
) -> Rendered:
    """Horizontal grouped bars with error bars (Schick's Graf 1-3): one row per label in ``blocks``, one
    bar per series in each row; ``means[r][s]`` and ``half_widths[r][s]`` (the 95% CI half-width) index the
    data rows in order. A missing mean leaves a gap. One series draws no legend unless it has a title."""
    n_s = max(len(series), 1)
    bar = 13 if n_s <= 3 else 10 if n_s <= 6 else 7
    kinds, labels = _row_labels(blocks, 40)
    left = MARGIN + max((block_width(t, TICK) for t in labels), default=0) + 10
    plot_w = 440
    width = left + plot_w + 24
    colours = [BAR_COLOUR] if len(series) == 1 else [TAB10[j % 10] for j in range(len(series))]
    show_legend = len(series) > 1 or bool(legend_title)
    legend = _legend_rows(list(zip(series, colours)), width - 2 * MARGIN, legend_title) if show_legend else []
    top = MARGIN + 18 * len(legend) + (8 if legend else 0)
    row_h = [HEADING_ROW if kind is not None else max(n_s * bar + 10.0, 15.0 * _lines(t) + 8)
             for kind, t in zip(kinds, labels)]
    bottom = top + sum(row_h)
    c = Canvas(width, bottom + 52)

    ends = [v for row_m, row_h_ in zip(means, half_widths) for m, e in zip(row_m, row_h_) if finite(m)
            for v in (m - (e if finite(e) else 0.0), m + (e if finite(e) else 0.0))]
    ticks = nice_ticks(min([0.0, *ends]), max([0.0, *ends]) or 1.0, 6)
    x = Scale(ticks[0], ticks[-1], left, left + plot_w)
    base = x(max(ticks[0], min(0.0, ticks[-1])))

    _draw_legend(c, MARGIN, MARGIN, legend, legend_title)
    _x_axis(c, x, ticks, top, bottom, fmt, xlabel)
    y, r = top, 0
    for kind, label, h in zip(kinds, labels, row_h):
        if kind is not None:
            c.text(MARGIN, y + h / 2 + 2, kind, TICK, INK, bold=True)
            y += h
            continue
        c.text(left - 8, y + h / 2, label, TICK, INK, anchor="end")
        first = y + (h - n_s * bar) / 2
        for j, colour in enumerate(colours):
            m = means[r][j] if j < len(means[r]) else None
            if not finite(m):
                continue
            by = first + j * bar
            c.rect(base, by, x(m) - base, bar - 1, colour)
            e = half_widths[r][j] if j < len(half_widths[r]) else None
            if finite(e) and e > 0:
                mid = by + (bar - 1) / 2
                c.line([(x(m - e), mid), (x(m + e), mid)], INK, 1)
                for end in (m - e, m + e):
                    c.line([(x(end), mid - bar * 0.3), (x(end), mid + bar * 0.3)], INK, 1)
        y += h
        r += 1
    c.line([(base, top), (base, bottom)], AXIS_COLOUR, 1)
    return rendered(c)


# ------------------------------------------------------------------------------------ (c) scree
def scree(
    eigenvalues: Sequence[float],
    parallel: Sequence[float] | None,
    fmt: Fmt,
    labels: dict[str, str],
) -> Rendered:
    """Scree plot of the initial eigenvalues, with the Kaiser line at 1 and, when given, the parallel
    analysis line (the random-data eigenvalue percentile). ``labels``: xlabel, ylabel, observed,
    parallel, kaiser."""
    n = len(eigenvalues)
    c = Canvas(620, 380, scale=2)  # slanted lines and dots: anti-aliased by drawing at 2x
    left, right, top, bottom = 56, 604, 34, 320
    values = [v for v in [*eigenvalues, *(parallel or []), 1.0] if finite(v)]
    y_ticks = nice_ticks(min(0.0, *values), max(values), 6)
    y = Scale(y_ticks[0], y_ticks[-1], bottom, top)
    x = Scale(0.5, n + 0.5, left, right)
    step = max(1, math.ceil(n / 25))
    for t in y_ticks:
        c.line([(left, y(t)), (right, y(t))], GRID_COLOUR, 1)
        c.text(left - 6, y(t), fmt(t), TICK, INK, anchor="end")
    for i in range(1, n + 1, step):
        c.line([(x(i), top), (x(i), bottom)], GRID_COLOUR, 1)
        c.text(x(i), bottom + 5, str(i), TICK, INK, anchor="middle", valign="top")
    c.text((left + right) / 2, bottom + 26, labels["xlabel"], LABEL, INK, anchor="middle", valign="top")
    c.text(left, top - 18, labels["ylabel"], LABEL, INK, anchor="start")
    c.line([(left, y(1.0)), (right, y(1.0))], "#888888", 1.2, dash=(2, 3))
    observed = [(x(i + 1), y(v)) for i, v in enumerate(eigenvalues) if finite(v)]
    c.line(observed, BAR_COLOUR, 1.6)
    for px, py in observed:
        c.circle(px, py, 3.5, BAR_COLOUR)
    entries = [(labels["observed"], BAR_COLOUR, None)]
    if parallel:
        points = [(x(i + 1), y(v)) for i, v in enumerate(parallel) if finite(v)]
        c.line(points, "#c44e52", 1.4, dash=(6, 4))
        for px, py in points:
            c.cross(px, py, 3.5, "#c44e52")
        entries.append((labels["parallel"], "#c44e52", (6, 4)))
    entries.append((labels["kaiser"], "#888888", (2, 3)))
    c.line([(left, bottom), (right, bottom)], AXIS_COLOUR, 1)
    c.line([(left, top), (left, bottom)], AXIS_COLOUR, 1)
    # legend in the upper right corner, on a white box so grid lines do not run through it
    box_w = max(text_width(t, TICK) for t, _, _ in entries) + 44
    bx, by = right - box_w - 4, top + 6
    c.rect(bx, by, box_w, 18 * len(entries) + 8, "#ffffff", "#cccccc")
    for i, (text, colour, dash) in enumerate(entries):
        ly = by + 13 + 18 * i
        c.line([(bx + 8, ly), (bx + 32, ly)], colour, 1.5, dash=dash)
        c.text(bx + 38, ly, text, TICK, INK)
    return rendered(c)


# ---------------------------------------------------------------------------------- (d)(f) heatmap
def heatmap(
    blocks: Blocks,
    cols: Sequence[str],
    values: Sequence[Sequence[float | None]],
    fmt: Fmt,
    *,
    vmin: float,
    vmax: float,
    palette: str,
    colorbar_label: str = "",
    first_apart: bool = False,
) -> Rendered:
    """An annotated heatmap: one row per label in ``blocks`` (``values[r]`` indexes the data rows in
    order), one column per ``cols``; None cells are left blank (light grey). ``palette``: a name in
    canvas.PALETTES, from ``vmin`` (first colour) to ``vmax`` (last). ``first_apart``: the first column
    is a reference (such as "All") and stands a little apart from the others."""
    kinds, labels = _row_labels(blocks, 36)
    col_labels = [_wrap(t, 14) for t in cols]
    cell_w = max([48.0, *(block_width(t, TICK) + 10 for t in col_labels)])
    cell_h = 24.0
    left = MARGIN + max((block_width(t, TICK) for t in labels), default=0) + 10
    head = max((_lines(t) for t in col_labels), default=1) * 1.25 * TICK + 8
    top = MARGIN + max(head, 18 if colorbar_label else 0)
    row_h = [HEADING_ROW if kind is not None else max(cell_h, 15.0 * _lines(t) + 6)
             for kind, t in zip(kinds, labels)]
    bottom = top + sum(row_h)
    gap = 8.0 if first_apart and len(cols) > 1 else 0.0
    bar_x = left + cell_w * len(cols) + gap + 18
    bar_h = min(max(bottom - top, 100.0), 220.0)
    ticks = [t for t in nice_ticks(vmin, vmax, 4) if vmin - 1e-9 <= t <= vmax + 1e-9]
    tick_w = max((text_width(fmt(t), TICK) for t in ticks), default=0)
    width = max(bar_x + 14 + 6 + tick_w, bar_x + text_width(colorbar_label, TICK)) + MARGIN
    c = Canvas(width, max(bottom, top + bar_h + 8) + MARGIN)  # a short table still gets a readable bar

    span = (vmax - vmin) or 1.0
    def x_of(j: int) -> float:
        return left + cell_w * j + (gap if j > 0 else 0.0)

    for j, label in enumerate(col_labels):
        c.text(x_of(j) + cell_w / 2, top - 6, label, TICK, INK, anchor="middle", valign="bottom")
    y, r = top, 0
    for kind, label, h in zip(kinds, labels, row_h):
        if kind is not None:
            c.text(MARGIN, y + h / 2 + 2, kind, TICK, INK, bold=True)
            y += h
            continue
        c.text(left - 8, y + h / 2, label, TICK, INK, anchor="end")
        for j in range(len(cols)):
            v = values[r][j] if j < len(values[r]) else None
            cx = x_of(j)
            if not finite(v):
                c.rect(cx, y, cell_w, h, "#eeeeee", "#ffffff")
                continue
            colour = colour_at(palette, (v - vmin) / span)
            c.rect(cx, y, cell_w, h, colour, "#ffffff")
            c.text(cx + cell_w / 2, y + h / 2, fmt(v), TICK, ink_on(colour), anchor="middle")
        y += h
        r += 1
    # colour bar: vmax at the top
    steps = 48
    for i in range(steps):
        c.rect(bar_x, top + bar_h * i / steps, 14, bar_h / steps + 0.5, colour_at(palette, 1 - (i + 0.5) / steps))
    scale = Scale(vmin, vmax, top + bar_h, top)
    for t in ticks:
        c.line([(bar_x + 14, scale(t)), (bar_x + 18, scale(t))], AXIS_COLOUR, 1)
        c.text(bar_x + 21, scale(t), fmt(t), TICK, INK)
    if colorbar_label:
        c.text(bar_x, top - 6, colorbar_label, TICK, INK, valign="bottom")
    return rendered(c)


# --------------------------------------------------------------------------- (e) coefficients
def coefficient_plot(
    terms: Sequence[str],
    estimates: Sequence[float],
    lows: Sequence[float | None],
    highs: Sequence[float | None],
    fmt: Fmt,
    xlabel: str,
) -> Rendered:
    """Dot-and-whisker plot of standardised coefficients with their 95% confidence intervals."""
    labels = [_wrap(t, 36) for t in terms]
    left = MARGIN + max((block_width(t, TICK) for t in labels), default=0) + 10
    plot_w = 420
    top = MARGIN + 6
    row_h = [max(26.0, 15.0 * _lines(t) + 8) for t in labels]
    bottom = top + sum(row_h)
    c = Canvas(left + plot_w + 24, bottom + 52, scale=2)  # round dots: anti-aliased at 2x
    ends = [v for v in [0.0, *estimates, *lows, *highs] if finite(v)]
    ticks = nice_ticks(min(ends), max(ends), 6)
    x = Scale(ticks[0], ticks[-1], left, left + plot_w)
    _x_axis(c, x, ticks, top, bottom, fmt, xlabel)
    c.line([(x(0), top), (x(0), bottom)], "#888888", 1.2, dash=(2, 3))
    y = top
    for label, h, est, lo, hi in zip(labels, row_h, estimates, lows, highs):
        mid = y + h / 2
        c.text(left - 8, mid, label, TICK, INK, anchor="end")
        if finite(lo) and finite(hi):
            c.line([(x(lo), mid), (x(hi), mid)], "#333333", 1.4)
        if finite(est):
            c.circle(x(est), mid, 4, BAR_COLOUR)
        y += h
    return rendered(c)
