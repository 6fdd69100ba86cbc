"""Figures of the survey cycle: index trends over waves and the key drivers' priority matrix.

Same conventions as :mod:`surveykit.report.figures`: numbers come from results.json, drawing is on a
:class:`~surveykit.report.canvas.Canvas`, output is deterministic PNG + SVG (:class:`Rendered`).
"""

from __future__ import annotations

from collections.abc import Sequence

from .canvas import TAB10, Canvas, Scale, nice_ticks, text_width
from .figures import (
    AXIS_COLOUR,
    GRID_COLOUR,
    INK,
    LABEL,
    MARGIN,
    TICK,
    Fmt,
    Rendered,
    rendered,
    finite,
)

QUADRANT_COLOURS = {"strengths": "#2ca02c", "priorities": "#d62728", "maintain": "#1f77b4", "monitor": "#7f7f7f"}


def trend_lines(waves: Sequence[str], series: Sequence[str], values: Sequence[Sequence[float | None]],
                fmt: Fmt, ylabel: str) -> Rendered:
    """One line per series (an index) over the waves (x, in order); ``values[s][w]`` the mean, None = gap.

    The legend sits to the right, in the series' colours; the y axis spans the values (not from 0), so a
    change of a few tenths shows.
    """
    legend_w = max((text_width(s, TICK) for s in series), default=0) + 30
    left, top, plot_w, plot_h = 56, MARGIN + 20, max(300.0, 120.0 * len(waves)), 300
    c = Canvas(left + plot_w + 16 + legend_w + MARGIN, top + plot_h + 52, scale=2)
    shown = [v for row in values for v in row if finite(v)]
    lo, hi = (min(shown), max(shown)) if shown else (0.0, 1.0)
    pad = max((hi - lo) * 0.1, 0.05)
    ticks = nice_ticks(lo - pad, hi + pad, 6)
    y = Scale(ticks[0], ticks[-1], top + plot_h, top)
    x = Scale(-0.5, len(waves) - 0.5, left, left + plot_w)
    for t in ticks:
        c.line([(left, y(t)), (left + plot_w, y(t))], GRID_COLOUR, 1)
        c.text(left - 6, y(t), fmt(t), TICK, INK, anchor="end")
    for i, w in enumerate(waves):
        c.text(x(i), top + plot_h + 6, str(w), TICK, INK, anchor="middle", valign="top")
    c.text(left, top - 14, ylabel, LABEL, INK)
    c.line([(left, top + plot_h), (left + plot_w, top + plot_h)], AXIS_COLOUR, 1)
    c.line([(left, top), (left, top + plot_h)], AXIS_COLOUR, 1)
    for s, (name, row) in enumerate(zip(series, values)):
        colour = TAB10[s % 10]
        run: list = []
        for i, v in enumerate(list(row) + [None]):  # a missing wave breaks the line
            if finite(v):
                run.append((x(i), y(v)))
                continue
            if len(run) > 1:
                c.line(run, colour, 1.8)
            for px, py in run:
                c.circle(px, py, 3.5, colour)
            run = []
        ly = top + 8 + 18 * s
        lx = left + plot_w + 16
        c.line([(lx, ly), (lx + 18, ly)], colour, 2)
        c.text(lx + 24, ly, name, TICK, INK)
    return rendered(c)


def priority_matrix(names: Sequence[str], importance: Sequence[float], favourable: Sequence[float],
                    quadrants: Sequence[str], importance_cut: float, favourable_cut: float, fmt_x: Fmt,
                    fmt_y: Fmt, labels: dict[str, str]) -> Rendered:
    """Importance (y, % of R²) against favourable % (x), with the cut-offs as dashed lines and the four
    quadrants named in their corners. ``labels``: xlabel, ylabel, strengths, priorities, maintain, monitor."""
    left, top, plot_w, plot_h = 64, MARGIN + 22, 520, 360
    c = Canvas(left + plot_w + 24, top + plot_h + 56, scale=2)
    xs = [v for v in [*favourable, favourable_cut] if finite(v)]
    ys = [v for v in [*importance, importance_cut, 0.0] if finite(v)]
    xt = nice_ticks(max(0.0, min(xs) - 10), min(100.0, max(xs) + 10), 6)
    yt = nice_ticks(0.0, max(ys) * 1.15, 6)
    x = Scale(xt[0], xt[-1], left, left + plot_w)
    y = Scale(yt[0], yt[-1], top + plot_h, top)
    for t in xt:
        c.line([(x(t), top), (x(t), top + plot_h)], GRID_COLOUR, 1)
        c.text(x(t), top + plot_h + 5, fmt_x(t), TICK, INK, anchor="middle", valign="top")
    for t in yt:
        c.line([(left, y(t)), (left + plot_w, y(t))], GRID_COLOUR, 1)
        c.text(left - 6, y(t), fmt_y(t), TICK, INK, anchor="end")
    c.text(left + plot_w / 2, top + plot_h + 26, labels["xlabel"], LABEL, INK, anchor="middle", valign="top")
    c.text(left, top - 16, labels["ylabel"], LABEL, INK)
    c.line([(x(favourable_cut), top), (x(favourable_cut), top + plot_h)], "#888888", 1.2, dash=(4, 3))
    c.line([(left, y(importance_cut)), (left + plot_w, y(importance_cut))], "#888888", 1.2, dash=(4, 3))
    corners = {"priorities": (left + 6, top + 12, "start"), "strengths": (left + plot_w - 6, top + 12, "end"),
               "monitor": (left + 6, top + plot_h - 10, "start"),
               "maintain": (left + plot_w - 6, top + plot_h - 10, "end")}
    for key, (cx, cy, anchor) in corners.items():
        c.text(cx, cy, labels[key], TICK, QUADRANT_COLOURS[key], anchor=anchor, bold=True)
    c.line([(left, top + plot_h), (left + plot_w, top + plot_h)], AXIS_COLOUR, 1)
    c.line([(left, top), (left, top + plot_h)], AXIS_COLOUR, 1)
    points = [(n, x(f), y(i), q) for n, i, f, q in zip(names, importance, favourable, quadrants)
              if finite(i) and finite(f)]
    for name, px, py, quad in points:
        c.circle(px, py, 5, QUADRANT_COLOURS.get(quad, INK))
    placed: list[tuple[float, float, float, float]] = [(px - 5, py - 5, px + 5, py + 5) for _, px, py, _ in points]
    for name, px, py, _ in points:  # the first label position that overlaps no point or label placed
        w, h = text_width(name, TICK), TICK + 2
        candidates = [(px + 8, py - 10), (px + 8, py + 10), (px - 8 - w, py - 10), (px - 8 - w, py + 10),
                      (px + 8, py - 24), (px - 8 - w, py + 24), (px + 8, py + 24), (px - 8 - w, py - 24)]
        for lx, ly in candidates:
            box = (lx, ly - h / 2, lx + w, ly + h / 2)
            inside = box[0] >= left and box[2] <= left + plot_w and box[1] >= top and box[3] <= top + plot_h
            if inside and not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
                                  for b in placed):
                break
        else:
            lx, ly = candidates[0]
        placed.append((lx, ly - h / 2, lx + w, ly + h / 2))
        c.text(lx, ly, name, TICK, INK)
    return rendered(c)
