"""The report's figures, drawn with matplotlib's Agg canvas (no pyplot, no global state).

Each function takes numbers already in ``results.json`` (and display labels) and returns a
:class:`Rendered` figure with PNG and SVG bytes. Output is deterministic: fixed rcParams and fonts
(DejaVu Sans, shipped with matplotlib), a fixed ``svg.hashsalt`` and no date or software metadata, so the
same results give byte-identical files. matplotlib is imported lazily, inside the functions.

The figures show exactly the groups and values they are given: groups below the minimum size were removed
by the pipeline and are never re-added here.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass

DPI = 110
RC = {
    "svg.hashsalt": "surveykit",
    "svg.fonttype": "none",  # text stays text (searchable, small); fonts named, not embedded
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.axisbelow": True,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "path.simplify": False,
}
BAR_COLOUR = "#4c72b0"
GRID_COLOUR = "#dddddd"

Fmt = Callable[[float], str]


@dataclass(frozen=True)
class Rendered:
    png: bytes
    svg: bytes


def _wrap(text: str, width: int = 42) -> str:
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def _new_figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def _render(draw: Callable[[], object]) -> Rendered:
    """Run ``draw`` (which builds and returns a Figure) under the fixed rcParams and save it twice."""
    import matplotlib

    with matplotlib.rc_context(RC):
        fig = draw()
        png, svg = io.BytesIO(), io.BytesIO()
        fig.savefig(png, format="png", dpi=DPI, metadata={"Software": None})
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    return Rendered(png.getvalue(), svg.getvalue())


def _tick_formatter(fmt: Fmt):
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda x, _pos: fmt(x))


# ------------------------------------------------------------------------------------- (a) Likert
def likert_bars(
    items: Sequence[str],
    pcts: Sequence[Sequence[float | None]],
    value_labels: Sequence[str],
    fmt_pct: Fmt,
    xlabel: str,
) -> Rendered:
    """Diverging stacked bars: one bar per item, the scale's lower half to the left of zero, the upper half
    to the right (a middle value of an odd scale is split across zero). ``pcts[i][j]`` is the percentage
    of item i answering value j (None counts as 0)."""

    def draw():
        from matplotlib import colormaps

        k = len(value_labels)
        fig = _new_figure(8.5, 1.6 + 0.5 * len(items))
        ax = fig.add_subplot()
        colours = colormaps["RdYlBu"]([0.08 + 0.84 * j / max(k - 1, 1) for j in range(k)])
        y = list(range(len(items)))[::-1]
        for i, row in enumerate(pcts):
            values = [float(v) if v is not None else 0.0 for v in row]
            left_total = sum(values[: k // 2]) + (values[k // 2] / 2 if k % 2 else 0.0)
            start = -left_total
            for j, v in enumerate(values):
                ax.barh(y[i], v, left=start, color=colours[j], edgecolor="white", linewidth=0.5,
                        label=value_labels[j] if i == 0 else None, height=0.7)
                start += v
        ax.axvline(0, color="#333333", linewidth=0.8)
        ax.set_yticks(y, [_wrap(t, 50) for t in items], fontsize=8)
        ax.set_ylim(-0.6, len(items) - 0.4)
        ax.xaxis.set_major_formatter(_tick_formatter(lambda x: fmt_pct(abs(x))))
        ax.set_xlabel(xlabel)
        ax.grid(axis="x", color=GRID_COLOUR, linewidth=0.5)
        ax.legend(ncols=min(k, 7), loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=8)
        fig.tight_layout()
        return fig

    return _render(draw)


# ------------------------------------------------------------------------------ (b) group means
def group_means(
    outcomes: Sequence[str],
    groups: Sequence[str],
    means: Sequence[Sequence[float | None]],
    half_widths: Sequence[Sequence[float | None]],
    fmt: Fmt,
    ylabel: str,
    legend_title: str,
) -> Rendered:
    """Grouped bars: one cluster per outcome, one bar per group, error bars = +/- ``half_widths``
    (the 95% CI half-width). A missing mean (group not shown for that outcome) leaves a gap."""

    def draw():
        from matplotlib import colormaps

        n_out, n_grp = len(outcomes), len(groups)
        fig = _new_figure(max(5.0, 1.0 + 0.5 * n_out * n_grp + 0.4 * n_out), 4.2)
        ax = fig.add_subplot()
        colours = colormaps["tab10"]([j % 10 for j in range(n_grp)])
        width = 0.8 / max(n_grp, 1)
        for j, label in enumerate(groups):
            xs, ys, es = [], [], []
            for i in range(n_out):
                m = means[i][j]
                if m is None or not math.isfinite(m):
                    continue
                xs.append(i - 0.4 + width * (j + 0.5))
                ys.append(m)
                e = half_widths[i][j]
                es.append(e if e is not None and math.isfinite(e) else 0.0)
            ax.bar(xs, ys, width=width * 0.92, color=colours[j], label=_wrap(label, 24))
            ax.errorbar(xs, ys, yerr=es, fmt="none", ecolor="#222222", elinewidth=0.9, capsize=3)
        ax.set_xticks(range(n_out), [_wrap(o, 18) for o in outcomes])
        ax.yaxis.set_major_formatter(_tick_formatter(fmt))
        ax.set_ylabel(ylabel)
        ax.grid(axis="y", color=GRID_COLOUR, linewidth=0.5)
        ax.legend(title=legend_title, frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        fig.tight_layout()
        return fig

    return _render(draw)


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

    def draw():
        fig = _new_figure(6.0, 3.6)
        ax = fig.add_subplot()
        xs = list(range(1, len(eigenvalues) + 1))
        ax.plot(xs, eigenvalues, marker="o", color=BAR_COLOUR, label=labels["observed"], linewidth=1.4)
        if parallel:
            ax.plot(xs[: len(parallel)], list(parallel), linestyle="--", marker="x", color="#c44e52",
                    label=labels["parallel"], linewidth=1.2)
        ax.axhline(1.0, color="#888888", linewidth=0.8, linestyle=":", label=labels["kaiser"])
        ax.set_xticks(xs)
        ax.yaxis.set_major_formatter(_tick_formatter(fmt))
        ax.set_xlabel(labels["xlabel"])
        ax.set_ylabel(labels["ylabel"])
        ax.grid(color=GRID_COLOUR, linewidth=0.5)
        ax.legend(frameon=False)
        fig.tight_layout()
        return fig

    return _render(draw)


# ---------------------------------------------------------------------------------- (d)(f) heatmap
def heatmap(
    rows: Sequence[str],
    cols: Sequence[str],
    values: Sequence[Sequence[float | None]],
    fmt: Fmt,
    *,
    vmin: float,
    vmax: float,
    cmap: str,
    colorbar_label: str = "",
) -> Rendered:
    """An annotated heatmap; None cells are left blank (grey)."""

    def draw():
        import numpy as np
        from matplotlib import colormaps

        data = np.array([[np.nan if v is None else float(v) for v in row] for row in values], dtype=float)
        fig = _new_figure(max(4.5, 2.8 + 0.9 * len(cols)), max(2.6, 1.4 + 0.45 * len(rows)))
        ax = fig.add_subplot()
        colour_map = colormaps[cmap].with_extremes(bad="#eeeeee")
        image = ax.imshow(np.ma.masked_invalid(data), cmap=colour_map, vmin=vmin, vmax=vmax, aspect="auto")
        ax.set_xticks(range(len(cols)), [_wrap(c, 14) for c in cols], rotation=30, ha="right")
        ax.set_yticks(range(len(rows)), [_wrap(r, 34) for r in rows])
        for spine in ax.spines.values():
            spine.set_visible(False)
        mid = (vmin + vmax) / 2
        span = vmax - vmin
        for i in range(data.shape[0]):
            for j in range(data.shape[1]):
                v = data[i, j]
                if math.isfinite(v):
                    dark = abs(v - mid) > 0.3 * span
                    ax.text(j, i, fmt(v), ha="center", va="center", fontsize=8,
                            color="white" if dark else "black")
        bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.03)
        bar.ax.yaxis.set_major_formatter(_tick_formatter(fmt))
        if colorbar_label:
            bar.set_label(colorbar_label)
        fig.tight_layout()
        return fig

    return _render(draw)


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

    def draw():
        fig = _new_figure(6.5, 1.2 + 0.4 * len(terms))
        ax = fig.add_subplot()
        y = list(range(len(terms)))[::-1]
        for yi, est, lo, hi in zip(y, estimates, lows, highs):
            if lo is not None and hi is not None:
                ax.plot([lo, hi], [yi, yi], color="#333333", linewidth=1.2)
            ax.plot([est], [yi], marker="o", color=BAR_COLOUR, markersize=5)
        ax.axvline(0, color="#888888", linewidth=0.8, linestyle=":")
        ax.set_yticks(y, [_wrap(t, 36) for t in terms])
        ax.xaxis.set_major_formatter(_tick_formatter(fmt))
        ax.set_xlabel(xlabel)
        ax.grid(axis="x", color=GRID_COLOUR, linewidth=0.5)
        fig.tight_layout()
        return fig

    return _render(draw)
