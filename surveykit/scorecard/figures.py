"""The scorecard report's figures, drawn on the report's :class:`~surveykit.report.canvas.Canvas` (the same
PNG/SVG surface, fonts, tick and colour helpers as the survey report's figures). Each takes numbers already
in results.json and display labels, and returns :class:`~surveykit.report.figures.Rendered`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from surveykit.report.canvas import TAB10, Canvas, Scale, nice_ticks, text_width
from surveykit.report.figures import (
    AXIS_COLOUR,
    GRID_COLOUR,
    INK,
    LABEL,
    TICK,
    Rendered,
    rendered,
    finite,
)

LIGHTS = {"green": "#1a9850", "yellow": "#fee08b", "red": "#d73027", "black": "#222222"}
LIGHT_INK = {"green": "#ffffff", "yellow": "#111111", "red": "#ffffff", "black": "#ffffff"}
Fmt = Callable[[float], str]


def traffic_light_matrix(units: Sequence[str], groups: Sequence[str] | None, columns: Sequence[str],
                         colours: Sequence[Sequence[str]], values: Sequence[Sequence[float | None]], fmt: Fmt,
                         legend: dict[str, str]) -> Rendered:
    """Unit × indicator grid, each cell in its traffic-light colour with the value printed in it (the
    layout of Thomassen 2016 Fig. 4). ``legend``: colour name -> text."""
    row_h, col_w = 17, 78
    label_w = max([text_width(u, TICK) for u in units] + [60]) + 14
    group_w = (max(text_width(g or "", TICK) for g in groups) + 14) if groups else 0
    head_h = 16 * max(len(c.split("\n")) for c in columns) + 12
    legend_w = sum(20 + text_width(text, TICK) + 22 for text in legend.values()) + 20
    width = max(label_w + group_w + col_w * len(columns) + 20, legend_w)
    height = head_h + row_h * len(units) + 46
    c = Canvas(width, height)
    x0, y0 = 10 + label_w + group_w, head_h + 6
    for j, col in enumerate(columns):
        c.text(x0 + col_w * (j + 0.5), y0 - 6, col, TICK, INK, anchor="middle", valign="bottom", bold=True)
    for i, unit in enumerate(units):
        y = y0 + row_h * i
        c.text(10, y + row_h / 2, unit, TICK, INK)
        if groups:
            c.text(10 + label_w, y + row_h / 2, groups[i] or "", TICK, "#555555")
        for j in range(len(columns)):
            colour = colours[i][j]
            c.rect(x0 + col_w * j, y, col_w - 2, row_h - 2, LIGHTS[colour])
            v = values[i][j]
            if finite(v):
                c.text(x0 + col_w * (j + 0.5) - 1, y + row_h / 2 - 1, fmt(v), TICK, LIGHT_INK[colour], anchor="middle")
    ly = y0 + row_h * len(units) + 16
    lx = 10
    for name, text in legend.items():
        c.rect(lx, ly - 6, 14, 12, LIGHTS[name])
        c.text(lx + 20, ly, text, TICK, INK)
        lx += 20 + text_width(text, TICK) + 22
    return rendered(c)


def _axes(c: Canvas, x: Scale, y: Scale, xt, yt, box, fx: Fmt, fy: Fmt, size=TICK) -> None:
    left, right, top, bottom = box
    for t in yt:
        c.line([(left, y(t)), (right, y(t))], GRID_COLOUR, 1)
        c.text(left - 5, y(t), fy(t), size, INK, anchor="end")
    for t in xt:
        c.line([(x(t), top), (x(t), bottom)], GRID_COLOUR, 1)
        c.text(x(t), bottom + 4, fx(t), size, INK, anchor="middle", valign="top")
    c.line([(left, bottom), (right, bottom)], AXIS_COLOUR, 1)
    c.line([(left, top), (left, bottom)], AXIS_COLOUR, 1)


def scatter_grid(panels: Sequence[tuple[str, Sequence[float], Sequence[float], str]], ylabel: str, fmt: Fmt,
                 ncols: int = 3) -> Rendered:
    """One small scatter plot per predictor (x) against the outcome (y), with the OLS line.
    ``panels``: (title, xs, ys, annotation such as 'r = .06, n = 64')."""
    pw, ph = 250, 210
    nrows = math.ceil(len(panels) / ncols)
    c = Canvas(pw * min(ncols, len(panels)) + 20, ph * nrows + 30, scale=2)
    c.text(10, 12, ylabel, LABEL, INK)
    for k, (title, xs, ys, note) in enumerate(panels):
        ox, oy = 10 + pw * (k % ncols), 28 + ph * (k // ncols)
        box = (ox + 44, ox + pw - 12, oy + 22, oy + ph - 40)
        pts = [(a, b) for a, b in zip(xs, ys) if finite(a) and finite(b)]
        if not pts:
            continue
        xt = nice_ticks(min(p[0] for p in pts), max(p[0] for p in pts), 4)
        yt = nice_ticks(min(p[1] for p in pts), max(p[1] for p in pts), 4)
        x, y = Scale(xt[0], xt[-1], box[0], box[1]), Scale(yt[0], yt[-1], box[3], box[2])
        _axes(c, x, y, xt, yt, box, fmt, fmt)
        c.text((box[0] + box[1]) / 2, oy + 8, title, TICK, INK, anchor="middle", bold=True)
        for a, b in pts:
            c.circle(x(a), y(b), 2.6, "#4c72b0")
        n = len(pts)
        mx, my = sum(p[0] for p in pts) / n, sum(p[1] for p in pts) / n
        sxx = sum((p[0] - mx) ** 2 for p in pts)
        if sxx > 0:
            slope = sum((p[0] - mx) * (p[1] - my) for p in pts) / sxx
            c.line([(x(xt[0]), y(my + slope * (xt[0] - mx))), (x(xt[-1]), y(my + slope * (xt[-1] - mx)))],
                   "#c44e52", 1.4)
        c.text(box[1], box[3] + 24, note, TICK, "#444444", anchor="end", valign="top")
    return rendered(c)


def funnel_plot(points: Sequence[tuple[str, float, float]], curve: Sequence[tuple[float, float, float, float, float]],
                centre: float, labels: dict[str, str], fmt_share: Fmt, fmt_n: Fmt) -> Rendered:
    """Shares against denominators with 95 % and 99.8 % control limits around ``centre``.
    ``points``: (label, n, share); ``curve``: (n, lo95, hi95, lo998, hi998)."""
    c = Canvas(640, 400, scale=2)
    box = (64, 600, 30, 340)
    ns = [p[1] for p in points] + [q[0] for q in curve]
    shares = [p[2] for p in points] + [v for q in curve for v in q[1:]]
    xt, yt = nice_ticks(0, max(ns), 6), nice_ticks(min(shares), max(shares), 6)
    x, y = Scale(xt[0], xt[-1], box[0], box[1]), Scale(yt[0], yt[-1], box[3], box[2])
    _axes(c, x, y, xt, yt, box, fmt_n, fmt_share)
    c.line([(box[0], y(centre)), (box[1], y(centre))], "#555555", 1.2)
    for k, (colour, dash) in ((1, ("#4c72b0", (6, 4))), (2, ("#4c72b0", (6, 4))), (3, ("#c44e52", (2, 3))),
                              (4, ("#c44e52", (2, 3)))):
        c.line([(x(q[0]), y(q[k])) for q in curve if xt[0] <= q[0] <= xt[-1]], colour, 1.3, dash=dash)
    for label, n, share in points:
        c.circle(x(n), y(share), 4, "#222222")
        c.text(x(n) + 7, y(share), label, TICK, INK)
    c.text((box[0] + box[1]) / 2, box[3] + 26, labels["xlabel"], LABEL, INK, anchor="middle", valign="top")
    c.text(box[0], box[2] - 16, labels["ylabel"], LABEL, INK)
    entries = [(labels["centre"], "#555555", None), (labels["l95"], "#4c72b0", (6, 4)), (labels["l998"], "#c44e52", (2, 3))]
    bw = max(text_width(t, TICK) for t, _, _ in entries) + 44
    bx, by = box[1] - bw - 4, box[3] - 18 * len(entries) - 14
    c.rect(bx, by, bw, 18 * len(entries) + 8, "#ffffff", "#cccccc")
    for i, (t, colour, dash) in enumerate(entries):
        ly = by + 13 + 18 * i
        c.line([(bx + 8, ly), (bx + 32, ly)], colour, 1.5, dash=dash)
        c.text(bx + 38, ly, t, TICK, INK)
    return rendered(c)


def measured_vs_audited_chart(rows: Sequence[dict], target: float | None, labels: dict[str, str], fmt: Fmt) -> Rendered:
    """Per unit: the scorecard share (filled square), the audit's strict and lenient shares (circles) with
    their Newcombe gap intervals drawn around the audit share, and the target line. Shares 0..1.
    ``rows``: dicts with unit, scorecard, strict, lenient, gap_*_low/high."""
    lw = max(text_width(r["unit"], LABEL) for r in rows) + 20
    row_h = 46
    c = Canvas(lw + 520, 70 + row_h * len(rows) + 50, scale=2)
    box = (lw, lw + 480, 40, 40 + row_h * len(rows))
    ticks = [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    x = Scale(0, 1, box[0], box[1])
    for t in ticks:
        c.line([(x(t), box[2]), (x(t), box[3])], GRID_COLOUR, 1)
        c.text(x(t), box[3] + 5, fmt(t), TICK, INK, anchor="middle", valign="top")
    if target is not None:
        c.line([(x(target), box[2] - 8), (x(target), box[3])], "#555555", 1.2, dash=(5, 3))
        c.text(x(target), box[2] - 12, labels["target"], TICK, "#555555", anchor="middle", valign="bottom")
    kinds = (("strict", "#c44e52", -8), ("lenient", "#dd8452", 8))
    for i, r in enumerate(rows):
        yc = box[2] + row_h * (i + 0.5)
        c.text(10, yc, r["unit"], LABEL, INK)
        s = r["scorecard"]
        for kind, colour, dy in kinds:
            a = r[kind]
            lo, hi = s + r[f"gap_{kind}_low"], s + r[f"gap_{kind}_high"]
            c.line([(x(lo), yc + dy), (x(hi), yc + dy)], colour, 2)
            c.line([(x(a), yc + dy), (x(s), yc + dy)], "#bbbbbb", 1, dash=(2, 2))
            c.circle(x(a), yc + dy, 4.5, colour)
        c.rect(x(s) - 5, yc - 5, 10, 10, "#1f4e8c")
    c.line([(box[0], box[3]), (box[1], box[3])], AXIS_COLOUR, 1)
    ly = box[3] + 34
    lx = box[0]
    for text, colour, square in ((labels["scorecard"], "#1f4e8c", True), (labels["strict"], "#c44e52", False),
                                 (labels["lenient"], "#dd8452", False)):
        if square:
            c.rect(lx, ly - 5, 10, 10, colour)
        else:
            c.circle(lx + 5, ly, 4.5, colour)
        c.text(lx + 16, ly, text, TICK, INK)
        lx += 16 + text_width(text, TICK) + 24
    return rendered(c)


def series_plot(series: Sequence[tuple[str, Sequence[str], Sequence[float], tuple | None]], targets: Sequence[tuple[str, float]],
                ylabel: str, fmt: Fmt) -> Rendered:
    """Lines over periods ('YYYY-MM'): (label, periods, values, dash). Colours cycle through TAB10 per
    label prefix; ``targets``: horizontal dashed lines with a label."""
    periods = sorted({p for _, ps, _, _ in series for p in ps})
    vals = [v for _, _, vs, _ in series for v in vs if finite(v)] + [t for _, t in targets]
    c = Canvas(780, 420, scale=2)
    box = (56, 520, 30, 360)
    yt = nice_ticks(min(vals), max(vals), 6)
    x, y = Scale(0, max(len(periods) - 1, 1), box[0], box[1]), Scale(yt[0], yt[-1], box[3], box[2])
    _axes(c, x, y, [], yt, box, str, fmt)
    for i, p in enumerate(periods):
        if i % 2 == 0:
            c.text(x(i), box[3] + 5, p, TICK - 1, INK, anchor="middle", valign="top")
    for label, t in targets:
        c.line([(box[0], y(t)), (box[1], y(t))], "#888888", 1, dash=(5, 3))
        c.text(box[1] - 2, y(t) - 8, label, TICK - 1, "#666666", anchor="end")
    c.text(box[0], box[2] - 16, ylabel, LABEL, INK)
    names = list(dict.fromkeys(lbl.split(" – ")[0] for lbl, _, _, _ in series))
    ends = []
    for k, (label, ps, vs, dash) in enumerate(series):
        colour = TAB10[names.index(label.split(" – ")[0]) % len(TAB10)]
        pts = [(x(periods.index(p)), y(v)) for p, v in zip(ps, vs) if finite(v)]
        c.line(pts, colour, 1.6, dash=dash)
        ends.append([pts[-1][1], label, colour])
    # end labels pushed apart so that lines ending close together keep readable labels
    ends.sort()
    gap = 12
    for i in range(1, len(ends)):
        ends[i][0] = max(ends[i][0], ends[i - 1][0] + gap)
    overflow = ends[-1][0] - (box[3] + 20) if ends else 0
    if overflow > 0:
        for e in ends:
            e[0] -= overflow
        for i in range(len(ends) - 2, -1, -1):
            ends[i][0] = min(ends[i][0], ends[i + 1][0] - gap)
    for yl, label, colour in ends:
        c.text(box[1] + 8, yl, label, TICK - 1, colour)
    return rendered(c)


def window_shares(periods: Sequence[str], observed: Sequence[float], expected: Sequence[float], labels: dict[str, str],
                  fmt: Fmt) -> Rendered:
    """Per counting period a bar of the observed share in the deadline window and a tick at the share a flat
    rate would give."""
    c = Canvas(720, 340, scale=2)
    box = (56, 700, 40, 280)
    yt = nice_ticks(0, max([*observed, *expected, 0.01]), 5)
    y = Scale(yt[0], yt[-1], box[3], box[2])
    step = (box[1] - box[0]) / max(len(periods), 1)
    _axes(c, Scale(0, 1, box[0], box[1]), y, [], yt, box, str, fmt)
    for i, (p, o, e) in enumerate(zip(periods, observed, expected)):
        x0 = box[0] + step * i + step * 0.2
        c.rect(x0, y(o), step * 0.6, y(0) - y(o), "#4c72b0")
        c.line([(x0 - 4, y(e)), (x0 + step * 0.6 + 4, y(e))], "#c44e52", 2.4)
        c.text(x0 + step * 0.3, box[3] + 5, p, TICK - 1, INK, anchor="middle", valign="top")
    c.rect(box[0], 14, 12, 10, "#4c72b0")
    c.text(box[0] + 18, 19, labels["observed"], TICK, INK)
    lx = box[0] + 18 + text_width(labels["observed"], TICK) + 24
    c.line([(lx, 19), (lx + 16, 19)], "#c44e52", 2.4)
    c.text(lx + 22, 19, labels["expected"], TICK, INK)
    return rendered(c)
