"""A small drawing surface that paints the same picture as PNG (Pillow) and SVG (plain text).

Why not matplotlib: the report draws about 30 simple charts (bars, a line, coloured cells) and
matplotlib 3.11 rasterises text glyph by glyph in Python, which made the report take ~25 s of CPU. Here
each figure is a few dozen rectangles, lines and strings, so both files cost a few milliseconds.

* Coordinates are pixels of the final PNG (y downwards); the SVG uses the same numbers (its viewBox).
* Charts with slanted lines or dots are painted at ``scale=2`` times the size and reduced (box filter):
  that anti-aliases them, which Pillow's ImageDraw does not do by itself. Bars and cells are axis-aligned
  and drawn at ``scale=1`` (text is anti-aliased by FreeType either way).
* Text: DejaVu Sans, the font shipped with matplotlib; widths are measured with it, so label margins fit.
  In the SVG text stays text (searchable, selectable) and names the same font first.
* Deterministic: no dates, no random ids, numbers written with fixed precision, so the same drawing
  gives the same bytes.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import math
import re
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

FONT_FAMILY = "DejaVu Sans, Verdana, Arial, sans-serif"
CAP_HEIGHT = 0.73  # DejaVu Sans cap height / em: centres a line of text on its capitals
LINE_HEIGHT = 1.25  # of the font size, for multi-line labels

Point = tuple[float, float]
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0


def _font_dir() -> Path | None:
    spec = importlib.util.find_spec("matplotlib")  # locate the fonts without importing matplotlib
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "mpl-data" / "fonts" / "ttf"


@functools.lru_cache(maxsize=None)
def font(size_px: float, bold: bool = False):
    """DejaVu Sans at ``size_px`` pixels (Pillow's default font when matplotlib's copy is missing)."""
    from PIL import ImageFont

    folder = _font_dir()
    path = folder / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf") if folder else None
    if path is not None and path.exists():
        return ImageFont.truetype(str(path), size_px)
    return ImageFont.load_default(size_px)


@functools.lru_cache(maxsize=4096)
def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in pixels of one line of ``text`` at font size ``size`` (pixels)."""
    return font(size * 4, bold).getlength(text) / 4  # measured at 4x for sub-pixel precision


def block_width(text: str, size: float, bold: bool = False) -> float:
    """Width of the widest line of a (possibly multi-line) label."""
    return max((text_width(line, size, bold) for line in text.split("\n")), default=0.0)


def _n(x: float) -> str:
    """A coordinate for the SVG: two decimals, no trailing zeros (fixed text, so deterministic)."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


class Canvas:
    """Paint with :meth:`rect`, :meth:`line`, :meth:`circle` and :meth:`text`; then :meth:`png` / :meth:`svg`."""

    def __init__(self, width: float, height: float, scale: int = 1, background: str = "#ffffff"):
        from PIL import Image, ImageDraw

        self.width, self.height = int(math.ceil(width)), int(math.ceil(height))
        self.scale = scale
        self._image = Image.new("RGB", (self.width * scale, self.height * scale), background)
        self._draw = ImageDraw.Draw(self._image)
        self._svg: list[str] = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" height="{self.height}" '
            f'viewBox="0 0 {self.width} {self.height}" font-family={quoteattr(FONT_FAMILY)}>',
            f'<rect width="{self.width}" height="{self.height}" fill="{background}"/>',
        ]

    # shapes ----------------------------------------------------------------------------------------
    def rect(self, x: float, y: float, w: float, h: float, fill: str, stroke: str | None = None,
             stroke_width: float = 1.0) -> None:
        if w < 0:
            x, w = x + w, -w
        if h < 0:
            y, h = y + h, -h
        s = self.scale
        x0, y0, x1, y1 = round(x * s), round(y * s), round((x + w) * s), round((y + h) * s)
        if x1 > x0 and y1 > y0:
            self._draw.rectangle((x0, y0, x1 - 1, y1 - 1), fill=fill, outline=stroke,
                                 width=max(1, round(stroke_width * s)) if stroke else 0)
        extra = f' stroke="{stroke}" stroke-width="{_n(stroke_width)}"' if stroke else ""
        self._svg.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="{fill}"{extra}/>')

    def line(self, points: Sequence[Point], colour: str, width: float = 1.0,
             dash: tuple[float, float] | None = None) -> None:
        """A polyline; ``dash`` = (on, off) lengths in pixels."""
        s = self.scale
        pen = max(1, round(width * s))
        if dash is None:
            self._draw.line([(x * s, y * s) for x, y in points], fill=colour, width=pen, joint="curve")
        else:
            for a, b in zip(points, points[1:]):
                for p, q in _dashes(a, b, dash):
                    self._draw.line([(p[0] * s, p[1] * s), (q[0] * s, q[1] * s)], fill=colour, width=pen)
        coords = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
        extra = f' stroke-dasharray="{_n(dash[0])} {_n(dash[1])}"' if dash else ""
        self._svg.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" '
                         f'stroke-width="{_n(width)}"{extra}/>')

    def circle(self, cx: float, cy: float, r: float, fill: str, stroke: str | None = None) -> None:
        s = self.scale
        self._draw.ellipse(((cx - r) * s, (cy - r) * s, (cx + r) * s, (cy + r) * s), fill=fill,
                           outline=stroke, width=s if stroke else 0)
        extra = f' stroke="{stroke}"' if stroke else ""
        self._svg.append(f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" fill="{fill}"{extra}/>')

    def cross(self, cx: float, cy: float, r: float, colour: str, width: float = 1.2) -> None:
        """An 'x' marker."""
        self.line([(cx - r, cy - r), (cx + r, cy + r)], colour, width)
        self.line([(cx - r, cy + r), (cx + r, cy - r)], colour, width)

    # text ------------------------------------------------------------------------------------------
    def text(self, x: float, y: float, text: str, size: float = 12, colour: str = "#222222",
             anchor: str = "start", valign: str = "middle", bold: bool = False) -> None:
        """One label, possibly several lines ('\\n'). ``anchor``: start/middle/end (horizontal);
        ``valign``: top/middle/bottom of the capitals of the first to the last line."""
        lines = _ILLEGAL_XML.sub("", str(text)).split("\n")  # control characters would break the SVG
        step = LINE_HEIGHT * size
        height = (len(lines) - 1) * step + CAP_HEIGHT * size
        top = y if valign == "top" else y - height if valign == "bottom" else y - height / 2
        pil_anchor = {"start": "ls", "middle": "ms", "end": "rs"}[anchor]
        s = self.scale
        weight = ' font-weight="bold"' if bold else ""
        for i, line in enumerate(lines):
            baseline = top + CAP_HEIGHT * size + i * step
            if line:
                mask, (left, up) = _text_mask(line, size * s, bold, pil_anchor)
                self._image.paste(colour, (round(x * s) + left, round(baseline * s) + up), mask)
                self._svg.append(f'<text x="{_n(x)}" y="{_n(baseline)}" font-size="{_n(size)}" '
                                 f'text-anchor="{anchor}" fill="{colour}"{weight}>{escape(line)}</text>')

    # output ----------------------------------------------------------------------------------------
    def png(self) -> bytes:
        from PIL import Image

        image = self._image.reduce(self.scale) if self.scale > 1 else self._image
        # a 256-colour palette is plenty for flat charts: a third of the bytes of RGB, and faster to encode
        image = image.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", dpi=(100, 100), compress_level=6)
        return buffer.getvalue()

    def svg(self) -> bytes:
        return ("\n".join(self._svg) + "\n</svg>\n").encode("utf-8")


@functools.lru_cache(maxsize=2048)
def _text_mask(line: str, size_px: float, bold: bool, anchor: str):
    """The anti-aliased coverage mask of one line of text and its offset from the anchor point.

    Tick labels, cell values and group names repeat across figures (about 1,200 strings, 350 distinct, in
    a full report): rendering each once and pasting it with its colour saves most of the FreeType work."""
    from PIL import Image, ImageDraw

    face = font(size_px, bold)
    left, up, right, down = face.getbbox(line, anchor=anchor)
    mask = Image.new("L", (max(right - left, 1), max(down - up, 1)), 0)
    ImageDraw.Draw(mask).text((-left, -up), line, font=face, fill=255, anchor=anchor)
    return mask, (left, up)


def _dashes(a: Point, b: Point, dash: tuple[float, float]):
    """Pieces of the segment a-b for a dash pattern (on, off)."""
    length = math.hypot(b[0] - a[0], b[1] - a[1])
    if length == 0:
        return
    on, off = dash
    ux, uy = (b[0] - a[0]) / length, (b[1] - a[1]) / length
    t = 0.0
    while t < length:
        end = min(t + on, length)
        yield (a[0] + ux * t, a[1] + uy * t), (a[0] + ux * end, a[1] + uy * end)
        t += on + off


# ----------------------------------------------------------------------------------------- helpers
def nice_ticks(lo: float, hi: float, target: int = 6) -> list[float]:
    """Round tick values covering [lo, hi]: steps of 1, 2, 2.5 or 5 times a power of ten."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0, 1.0]
    if hi < lo:
        lo, hi = hi, lo
    span = hi - lo or (abs(hi) or 1.0)
    raw = span / max(target, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    start, end = math.floor(lo / step + 1e-9) * step, math.ceil(hi / step - 1e-9) * step
    if end <= start:
        end = start + step
    count = int(round((end - start) / step))
    return [round(start + i * step, 10) + 0.0 for i in range(count + 1)]


class Scale:
    """Maps data values linearly onto pixels: ``Scale(lo, hi, p0, p1)(v)``."""

    def __init__(self, lo: float, hi: float, p0: float, p1: float):
        self.lo, self.hi, self.p0, self.p1 = lo, hi, p0, p1

    def __call__(self, v: float) -> float:
        if self.hi == self.lo:
            return self.p0
        return self.p0 + (v - self.lo) * (self.p1 - self.p0) / (self.hi - self.lo)


# ------------------------------------------------------------------------------------------ colours
# ColorBrewer diverging schemes (11 classes; matplotlib's colormaps of the same name interpolate these).
PALETTES = {
    "RdYlBu": ["#a50026", "#d73027", "#f46d43", "#fdae61", "#fee090", "#ffffbf", "#e0f3f8", "#abd9e9",
               "#74add1", "#4575b4", "#313695"],
    "RdBu": ["#67001f", "#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#f7f7f7", "#d1e5f0", "#92c5de",
             "#4393c3", "#2166ac", "#053061"],
    "RdYlGn": ["#a50026", "#d73027", "#f46d43", "#fdae61", "#fee08b", "#ffffbf", "#d9ef8b", "#a6d96a",
               "#66bd63", "#1a9850", "#006837"],
}
PALETTES["RdBu_r"] = PALETTES["RdBu"][::-1]
TAB10 = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
         "#17becf"]


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def colour_at(palette: str, t: float) -> str:
    """The colour at position ``t`` in [0, 1] of a palette (linear interpolation between its anchors)."""
    anchors = PALETTES[palette]
    t = min(max(t, 0.0), 1.0) * (len(anchors) - 1)
    i = min(int(t), len(anchors) - 2)
    (r0, g0, b0), (r1, g1, b1) = _rgb(anchors[i]), _rgb(anchors[i + 1])
    f = t - i
    return "#{:02x}{:02x}{:02x}".format(round(r0 + (r1 - r0) * f), round(g0 + (g1 - g0) * f),
                                         round(b0 + (b1 - b0) * f))


def ink_on(colour: str) -> str:
    """Black or white, whichever reads better on ``colour`` (relative luminance, WCAG)."""

    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(colour))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#ffffff" if luminance < 0.179 else "#111111"
