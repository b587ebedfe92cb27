"""A small SVG chart writer for the planners: strings only, no matplotlib at update time.

A planner redraws its figure on every move of a control; building the SVG text
here takes about a millisecond, where drawing a matplotlib figure to PNG took
tens. The charts are the ones the planners need: stacked vertical bars with a
line over them (the TCO plan), vertical bars with an outline (the scorecard's
weights and contributions), horizontal bars, and a scatter with a crosshair,
shaded named quadrants and point labels placed so that none overlap (the
performance matrices).

Every text is escaped; a value that is not finite is never written as a
coordinate: it is left out, and a chart with nothing left to draw says so.
The SVG has a ``viewBox`` and ``width="100%"``, so it scales with the page up to
``MAX_WIDTH`` pixels.

Examples
--------
>>> nice_ticks(0, 9.3)
[0.0, 2.0, 4.0, 6.0, 8.0]
>>> nice_ticks(0, 0.27)
[0.0, 0.05, 0.1, 0.15, 0.2, 0.25]
>>> tick_labels([0.0, 2.5, 5.0], thousands=True)
['0.0', '2.5', '5.0']
>>> tick_labels([0, 5000, 10000], thousands=True)
['0', '5,000', '10,000']
>>> svg = bar_chart(["a", "b"], [1.0, float("nan")], ["#0072B2", "#D55E00"], title="x < y")
>>> svg.startswith("<svg") and "x &lt; y" in svg and "nan" not in svg
True
"""

from __future__ import annotations

import html
import math
import unicodedata
from dataclasses import dataclass

__all__ = ["FONT", "MAX_WIDTH", "nice_ticks", "tick_labels", "text_width", "hex_colour", "stacked_bar_chart",
           "bar_chart", "hbar_chart", "scatter_chart", "place_labels", "LABEL_SIZE", "label_box"]

#: Fonts for every text: the CJK ones first that a reader's machine may have, so Chinese labels render.
FONT = "'Noto Sans CJK SC','WenQuanYi Micro Hei','PingFang SC','Microsoft YaHei',sans-serif"
#: The widest a figure is drawn in the page (pixels).
MAX_WIDTH = 720
#: Font size of the point labels of a scatter (px).
LABEL_SIZE = 11.0
_INK, _GRID, _MUTED = "#222222", "#e3e3e3", "#555555"


# --------------------------------------------------------------------------- numbers, texts and colours

def _finite(value) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError, OverflowError):
        return False


def _n(value: float) -> str:
    """A coordinate; callers never pass one that is not finite."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def nice_ticks(low: float, high: float, target: int = 6) -> list[float]:
    """Ticks at a round step (1, 2, 2.5 or 5 times a power of ten) covering ``low``–``high``, about ``target`` of them."""
    if not (_finite(low) and _finite(high)):
        return []
    low, high = float(low), float(high)
    if high < low:
        low, high = high, low
    if high - low <= abs(high) * 1e-12 or high == low:
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / max(target - 1, 1)
    magnitude = 10.0 ** math.floor(math.log10(raw))

    def count(step):
        return math.floor(high / step + 1e-9) - math.ceil(low / step - 1e-9) + 1

    # The round step whose number of ticks is nearest the target (the larger step on a tie).
    steps = [m * magnitude * f for f in (0.1, 1.0, 10.0) for m in (1.0, 2.0, 2.5, 5.0)]
    step = min(reversed(steps), key=lambda st: abs(count(st) - target))
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    return [round(k * step, 12) + 0.0 for k in range(first, last + 1)]


def tick_labels(ticks, thousands: bool = False) -> list[str]:
    """Tick texts with just enough decimals for the step (the same for every tick), as the workbook's figures show."""
    decimals = next((d for d in range(5) if all(abs(round(t * 10 ** d) - t * 10 ** d) < 1e-6 for t in ticks)), 4)
    sep = "," if thousands else ""
    return [f"{t:{sep}.{decimals}f}" for t in ticks]


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def text_width(text: str, size: float) -> float:
    """Estimated width (px) of ``text`` at font ``size``: a CJK character is about 1 em, any other 0.55 em."""
    return sum(1.0 if _wide(c) else 0.55 for c in str(text)) * size


def hex_colour(colour) -> str:
    """``"#0072B2"`` stays; an (r, g, b) tuple of 0–1 floats (a seaborn colour) becomes ``"#rrggbb"``."""
    if isinstance(colour, str):
        return colour
    r, g, b = (max(0, min(255, round(float(c) * 255))) for c in tuple(colour)[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


# --------------------------------------------------------------------------- the drawing surface

class _Canvas:
    """SVG elements gathered as strings; :meth:`render` wraps them in one ``<svg>``."""

    def __init__(self, width: float, height: float, title: str, kind: str):
        self.width, self.height, self.title, self.kind = width, height, title, kind
        self.parts: list[str] = []

    def rect(self, x, y, w, h, fill="none", stroke=None, width=None, opacity=None, cls=None) -> None:
        if not all(map(_finite, (x, y, w, h))) or w <= 0 or h <= 0:
            return
        attrs = f'x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="{fill}"'
        if stroke:
            attrs += f' stroke="{stroke}" stroke-width="{width or 1}"'
        if opacity is not None:
            attrs += f' fill-opacity="{opacity}"'
        if cls:
            attrs += f' class="{cls}"'
        self.parts.append(f"<rect {attrs}/>")

    def line(self, x1, y1, x2, y2, stroke=_INK, width=1.0, dash=None, cls=None) -> None:
        if not all(map(_finite, (x1, y1, x2, y2))):
            return
        extra = (f' stroke-dasharray="{dash}"' if dash else "") + (f' class="{cls}"' if cls else "")
        self.parts.append(f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{stroke}" '
                          f'stroke-width="{width}"{extra}/>')

    def polyline(self, points, stroke=_INK, width=2.0, cls=None) -> None:
        points = [(x, y) for x, y in points if _finite(x) and _finite(y)]
        if len(points) < 2:
            return
        text = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
        extra = f' class="{cls}"' if cls else ""
        self.parts.append(f'<polyline points="{text}" fill="none" stroke="{stroke}" stroke-width="{width}" '
                          f'stroke-linejoin="round"{extra}/>')

    def circle(self, x, y, r, fill, stroke="white", width=1.0, cls=None) -> None:
        if not (_finite(x) and _finite(y)):
            return
        extra = f' class="{cls}"' if cls else ""
        self.parts.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" fill="{fill}" stroke="{stroke}" '
                          f'stroke-width="{width}"{extra}/>')

    def text(self, x, y, text, size=12.0, anchor="start", colour=_INK, weight=None, italic=False, rotate=False,
             cls=None, baseline=None) -> None:
        """One text (``\\n`` starts a new line below); ``y`` is the first line's baseline."""
        if not (_finite(x) and _finite(y)) or text is None or str(text) == "":
            return
        attrs = f'x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" fill="{colour}"'
        if anchor != "start":
            attrs += f' text-anchor="{anchor}"'
        if weight:
            attrs += f' font-weight="{weight}"'
        if italic:
            attrs += ' font-style="italic"'
        if baseline:
            attrs += f' dominant-baseline="{baseline}"'
        if rotate:
            attrs += f' transform="rotate(-90 {_n(x)} {_n(y)})"'
        if cls:
            attrs += f' class="{cls}"'
        lines = str(text).split("\n")
        if len(lines) == 1:
            self.parts.append(f"<text {attrs}>{_esc(lines[0])}</text>")
        else:
            spans = "".join(f'<tspan x="{_n(x)}" dy="{0 if i == 0 else _n(size * 1.2)}">{_esc(line)}</tspan>'
                            for i, line in enumerate(lines))
            self.parts.append(f"<text {attrs}>{spans}</text>")

    def render(self) -> str:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" class="crmlab-svg crmlab-svg-{self.kind}" '
                f'viewBox="0 0 {_n(self.width)} {_n(self.height)}" width="100%" '
                f'style="max-width:{MAX_WIDTH}px;height:auto;display:block" role="img" '
                f'aria-label="{_esc(self.title)}" font-family="{FONT}">'
                f"<title>{_esc(self.title)}</title>"
                f'<rect x="0" y="0" width="{_n(self.width)}" height="{_n(self.height)}" fill="white"/>'
                + "".join(self.parts) + "</svg>")


def _fit(text: str, size: float, room: float, smallest: float = 8.0) -> float:
    """The font size (at most ``size``) at which ``text``'s longest line fits in ``room`` px."""
    widest = max((text_width(line, size) for line in str(text).split("\n")), default=0.0)
    return size if widest <= room else max(smallest, math.floor(size * room / widest * 10) / 10)


def _title(canvas: _Canvas, text: str, x0: float, x1: float, y: float = 22.0, size: float = 14.0) -> None:
    canvas.text((x0 + x1) / 2, y, text, size=_fit(text, size, x1 - x0, smallest=6.0), anchor="middle", weight="bold",
                cls="crmlab-svg-title")


@dataclass
class _Scale:
    """Linear map from data (``low``–``high``) to pixels (``start``–``end``)."""

    low: float
    high: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        span = self.high - self.low or 1.0
        return self.start + (float(value) - self.low) / span * (self.end - self.start)


def _legend(canvas: _Canvas, entries, x: float, y: float, size: float = 11.0) -> tuple[float, float, float, float]:
    """Entries (kind, colour, label) stacked from (x, y); kind: "fill", "outline", "line" or "point". Returns its box."""
    row = size * 1.6
    widest = 0.0
    for i, (kind, colour, label) in enumerate(entries):
        cy = y + i * row + row / 2
        if kind == "fill":
            canvas.rect(x, cy - 5, 14, 10, fill=colour)
        elif kind == "outline":
            canvas.rect(x + 0.6, cy - 4.4, 12.8, 8.8, fill="none", stroke=colour, width=1.2)
        elif kind == "line":
            canvas.line(x, cy, x + 14, cy, stroke=colour, width=2)
            canvas.circle(x + 7, cy, 3.2, fill=colour, stroke=colour)
        else:
            canvas.circle(x + 7, cy, 4, fill=colour)
        canvas.text(x + 20, cy + size * 0.35, label, size=size, cls="crmlab-svg-legend")
        widest = max(widest, text_width(label, size))
    return x, y, x + 20 + widest, y + len(entries) * row


def _legend_width(entries, size: float = 11.0) -> float:
    return 20 + max((text_width(label, size) for *_k, label in entries), default=0.0)


def _y_axis(canvas: _Canvas, scale: _Scale, ticks, labels, x0: float, x1: float, size: float = 10.5,
            grid: bool = True) -> None:
    for t, label in zip(ticks, labels):
        y = scale(t)
        canvas.line(x0, y, x1, y, stroke=_GRID, width=1) if grid else canvas.line(x0 - 4, y, x0, y, stroke=_MUTED)
        canvas.text(x0 - 6, y + size * 0.35, label, size=size, anchor="end", colour=_MUTED)


def _x_axis(canvas: _Canvas, scale: _Scale, ticks, labels, y0: float, y1: float, size: float = 10.5,
            grid: bool = True) -> None:
    for t, label in zip(ticks, labels):
        x = scale(t)
        canvas.line(x, y0, x, y1, stroke=_GRID, width=1) if grid else canvas.line(x, y1, x, y1 + 4, stroke=_MUTED)
        canvas.text(x, y1 + size + 5, label, size=size, anchor="middle", colour=_MUTED)


def _empty(canvas: _Canvas, why: str) -> str:
    canvas.text(canvas.width / 2, canvas.height / 2, why, size=13, anchor="middle", colour="#b2182b",
                cls="crmlab-svg-empty")
    return canvas.render()


def _y_margin(labels, size: float = 10.5) -> float:
    """Room left of the plot for the y tick labels and the rotated axis label."""
    return max((text_width(t, size) for t in labels), default=0.0) + 34


# --------------------------------------------------------------------------- stacked bars with a line

def _interp(values, at: float) -> float:
    """``values`` (one per category 0, 1, ...) linearly interpolated at ``at`` (clamped to the ends)."""
    if not values:
        return math.nan
    at = min(max(at, 0.0), len(values) - 1.0)
    k = min(int(math.floor(at)), len(values) - 1)
    if k == len(values) - 1:
        return values[k]
    return values[k] + (values[k + 1] - values[k]) * (at - k)


def stacked_bar_chart(categories, stacks, *, line=None, totals=None, title="", xlabel="", ylabel="",
                      width: float = 720, height: float = 420, no_data: str = "nothing to draw") -> str:
    """Stacked vertical bars, one per category, with an optional line over them and a total above each bar.

    ``stacks``: (label, colour, values) from the bottom up; negative and non-finite parts are
    left out. ``line``: (label, colour, values) drawn as a line with markers. ``totals``:
    one text per category written above its bar (moved so it never sits on the line).
    The legend (the line first) is right of the plot.
    """
    categories = [str(c) for c in categories]
    n = len(categories)
    canvas = _Canvas(width, height, title, "stacked")
    parts = [(label, hex_colour(colour), [float(v) if _finite(v) and v > 0 else 0.0 for v in values])
             for label, colour, values in stacks]
    sums = [sum(p[2][i] for p in parts) for i in range(n)]
    curve = None
    if line is not None:
        curve = [float(v) if _finite(v) else math.nan for v in line[2]]
    top = max([*sums, *[v for v in (curve or []) if _finite(v)], 0.0])
    if n == 0:
        return _empty(canvas, no_data)
    top = max(top, 1e-9) * (1.18 if curve is not None else 1.12)
    ticks = [t for t in nice_ticks(0.0, top) if t <= top]
    labels = tick_labels(ticks, thousands=True)
    entries = ([("line", hex_colour(line[1]), line[0])] if line is not None else []) + \
              [("fill", colour, label) for label, colour, values in parts if any(values)]
    legend_w = _legend_width(entries)
    x0, x1 = _y_margin(labels), width - legend_w - 24
    y0, y1 = 44.0, height - 48.0
    _title(canvas, title, 8, width - 8)
    ys = _Scale(0.0, top, y1, y0)
    xs = _Scale(-0.6, n - 0.4, x0, x1)
    _y_axis(canvas, ys, ticks, labels, x0, x1)
    band = (x1 - x0) / max(n + 0.2, 1)
    bar = 0.7 * band
    for i, name in enumerate(categories):
        canvas.text(xs(i), y1 + 16, name, size=10.5, anchor="middle", colour=_MUTED)
        bottom = 0.0
        for label, colour, values in parts:
            h = values[i]
            if h > 0:
                canvas.rect(xs(i) - bar / 2, ys(bottom + h), bar, ys(bottom) - ys(bottom + h), fill=colour,
                            stroke="white", width=0.6, cls="crmlab-svg-bar")
            bottom += h
    canvas.line(x0, y1, x1, y1, stroke=_INK, width=1)
    if curve is not None:
        canvas.polyline([(xs(i), ys(v)) for i, v in enumerate(curve)], stroke=hex_colour(line[1]), width=2.2,
                        cls="crmlab-svg-line")
        for i, v in enumerate(curve):
            canvas.circle(xs(i), ys(v) if _finite(v) else math.nan, 4, fill=hex_colour(line[1]),
                          stroke=hex_colour(line[1]), cls="crmlab-svg-marker")
    size = 10.5
    label = 14.0 / max(y1 - y0, 1.0) * top  # a label's height in data units
    for i, text in enumerate(totals or []):
        total = sums[i]
        y, inside = ys(total) - 4, False  # baseline just above the bar
        if curve is not None:
            # Where the line passes over the label's width (it may slope between two categories).
            near = [v for v in (_interp(curve, i - 0.25), _interp(curve, i), _interp(curve, i + 0.25)) if _finite(v)]
            if near and max(near) > total - 0.3 * label and min(near) < total + 1.4 * label:
                if total > 1.6 * label and min(near) >= total:
                    y, inside = ys(total) + size + 2, True  # inside the bar's top, on a white box
                else:
                    y = ys(max(total, max(near))) - 9  # above the line
        if inside:
            w = text_width(text, size)
            canvas.rect(xs(i) - w / 2 - 2, y - size, w + 4, size + 3, fill="white", opacity=0.85)
        canvas.text(xs(i), y, text, size=size, anchor="middle", cls="crmlab-svg-total")
    canvas.text(x0 + (x1 - x0) / 2, height - 10, xlabel, size=11.5, anchor="middle")
    canvas.text(14, y0 + (y1 - y0) / 2, ylabel, size=11.5, anchor="middle", rotate=True,
                baseline="middle")
    _legend(canvas, entries, x1 + 14, y0)
    return canvas.render()


# --------------------------------------------------------------------------- vertical and horizontal bars

def bar_chart(categories, values, colours, *, outline=None, outline_colour="#555555", labels=None, legend=(),
              title="", ylabel="", width: float = 720, height: float = 420, no_data: str = "nothing to draw") -> str:
    """Vertical bars, one per category (``\\n`` in a category breaks its name in two lines).

    ``outline``: a second value per category drawn as an unfilled bar behind the filled one
    (the scorecard's weight around its contribution). ``labels``: a text above each bar.
    ``legend``: (kind, colour, label) entries, drawn right of the plot. Non-finite values are left out.
    """
    categories = [str(c) for c in categories]
    n = len(categories)
    canvas = _Canvas(width, height, title, "bars")
    fill = [float(v) if _finite(v) else math.nan for v in values]
    rim = [float(v) if _finite(v) else math.nan for v in (outline if outline is not None else [math.nan] * n)]
    finite = [v for v in (*fill, *rim) if _finite(v)]
    if n == 0 or not finite:
        return _empty(canvas, no_data)
    top = max(max(finite), 0.0) * 1.2 + 1e-9
    bottom = min(min(finite), 0.0) * 1.2
    ticks = [t for t in nice_ticks(bottom, top, target=8) if bottom - 1e-12 <= t <= top]
    tlabels = tick_labels(ticks)
    entries = [(k, hex_colour(c), label) for k, c, label in legend]
    legend_w = _legend_width(entries) if entries else 0.0
    lines = max(c.count("\n") + 1 for c in categories)
    x0, x1 = _y_margin(tlabels), width - (legend_w + 24 if entries else 16)
    y0, y1 = 44.0, height - 14.0 - 13.0 * lines
    _title(canvas, title, 8, width - 8)
    ys = _Scale(bottom, top, y1, y0)
    xs = _Scale(-0.6, n - 0.4, x0, x1)
    _y_axis(canvas, ys, ticks, tlabels, x0, x1)
    band = (x1 - x0) / max(n + 0.2, 1)
    bar = 0.6 * band
    name_size = min(_fit(c, 11.0, band - 4) for c in categories)
    for i, name in enumerate(categories):
        canvas.text(xs(i), y1 + name_size + 5, name, size=name_size, anchor="middle", colour=_INK)
        for value, style in ((rim[i], "outline"), (fill[i], "fill")):
            if not _finite(value):
                continue
            y_top, y_low = ys(max(value, 0.0)), ys(min(value, 0.0))
            if style == "outline":
                canvas.rect(xs(i) - bar / 2, y_top, bar, y_low - y_top, fill="none", stroke=outline_colour,
                            width=1.4, cls="crmlab-svg-outline")
            else:
                canvas.rect(xs(i) - bar / 2, y_top, bar, y_low - y_top, fill=hex_colour(colours[i]),
                            cls="crmlab-svg-bar")
        if labels is not None:
            high = max([v for v in (fill[i], rim[i]) if _finite(v)], default=math.nan)
            if _finite(high):
                canvas.text(xs(i), ys(max(high, 0.0)) - 5, labels[i], size=_fit(labels[i], 10.5, band),
                            anchor="middle", cls="crmlab-svg-value")
    canvas.line(x0, ys(0.0), x1, ys(0.0), stroke=_INK, width=1)
    canvas.text(14, y0 + (y1 - y0) / 2, ylabel, size=_fit(ylabel, 11.5, y1 - y0), anchor="middle", rotate=True,
                baseline="middle")
    if entries:
        _legend(canvas, entries, x1 + 14, y0)
    return canvas.render()


def hbar_chart(categories, values, colours, *, labels=None, title="", xlabel="", width: float = 720,
               height: float | None = None, no_data: str = "nothing to draw") -> str:
    """Horizontal bars, the first category on top, with an optional text right of each bar."""
    categories = [str(c) for c in categories]
    n = len(categories)
    height = height or 90 + 30 * n
    canvas = _Canvas(width, height, title, "hbars")
    vals = [float(v) if _finite(v) else math.nan for v in values]
    finite = [v for v in vals if _finite(v)]
    if n == 0 or not finite:
        return _empty(canvas, no_data)
    low, high = min(min(finite), 0.0), max(max(finite), 0.0)
    span = (high - low) or 1.0
    high_lim = high + 0.25 * span
    ticks = [t for t in nice_ticks(low, high_lim) if t <= high_lim]
    names = max(text_width(c, 11.0) for c in categories)
    x0, x1 = min(names + 16, width * 0.45), width - 16
    y0, y1 = 44.0, height - 44.0
    _title(canvas, title, 8, width - 8)
    xs = _Scale(low, high_lim, x0, x1)
    ys = _Scale(-0.6, n - 0.4, y0, y1)
    _x_axis(canvas, xs, ticks, tick_labels(ticks, thousands=True), y0, y1)
    row = (y1 - y0) / max(n + 0.2, 1)
    for i, name in enumerate(categories):
        canvas.text(x0 - 6, ys(i) + 4, name, size=_fit(name, 11.0, x0 - 10), anchor="end")
        if not _finite(vals[i]):
            continue
        a, b = xs(min(vals[i], 0.0)), xs(max(vals[i], 0.0))
        canvas.rect(a, ys(i) - 0.35 * row, b - a, 0.7 * row, fill=hex_colour(colours[i]), cls="crmlab-svg-bar")
        if labels is not None:
            canvas.text(b + 4, ys(i) + 4, labels[i], size=10.5, cls="crmlab-svg-value")
    canvas.line(xs(0.0), y0, xs(0.0), y1, stroke=_INK, width=1)
    canvas.text(x0 + (x1 - x0) / 2, height - 8, xlabel, size=11.5, anchor="middle")
    return canvas.render()


# --------------------------------------------------------------------------- scatter with quadrants

def label_box(x: float, y: float, text: str, size: float = LABEL_SIZE) -> tuple[float, float, float, float]:
    """The box (x0, y0, x1, y1, pixels, y down) of a label written with its baseline's start at (x, y)."""
    return x - 1, y - 0.82 * size, x + text_width(text, size) + 1, y + 0.26 * size


def _overlap(a, b) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def place_labels(points, texts, frame, obstacles=(), lines=(), size: float = LABEL_SIZE):
    """Greedy label placement: each label takes the free spot nearest its point.

    ``points`` (pixel x, y), ``frame`` the plot box (x0, y0, x1, y1), ``obstacles`` boxes no
    label may touch (the quadrant names, the legend), ``lines`` the crosshair as ("x"|"y", pixel).
    Spots are tried on rings further and further from the point; a spot overlapping a placed
    label, a marker or an obstacle, or leaving the frame, is refused, and one crossing a line is
    taken only when nothing else is free. Crowded points choose first. Returns each label's
    baseline start (x, y); a label far from its point gets a leader line from the caller.
    """
    marker = 6.0
    n = len(points)
    widths = [text_width(t, size) for t in texts]
    ascent, descent = 0.82 * size, 0.26 * size
    markers = [(px - marker, py - marker, px + marker, py + marker) for px, py in points]
    placed: list[tuple] = []
    result: list[tuple[float, float] | None] = [None] * n
    crowd = [sum(math.hypot(px - qx, py - qy) < 60 for qx, qy in points) for px, py in points]
    order = sorted(range(n), key=lambda i: -crowd[i])

    def spots(i):
        px, py = points[i]
        w = widths[i]
        for ring in range(0, 14):
            d = marker + 1 + ring * 7
            # (x of the text start, baseline y), right first, then left, above, below and the diagonals.
            yield px + d, py + ascent / 2 - 1, ring, 0
            yield px - d - w, py + ascent / 2 - 1, ring, 1
            yield px - w / 2, py - d - descent, ring, 2
            yield px - w / 2, py + d + ascent, ring, 3
            yield px + d * 0.7, py - d * 0.7, ring, 4
            yield px - d * 0.7 - w, py - d * 0.7, ring, 5
            yield px + d * 0.7, py + d * 0.7 + ascent, ring, 6
            yield px - d * 0.7 - w, py + d * 0.7 + ascent, ring, 7

    for i in order:
        best, best_cost = None, math.inf
        others = [m for k, m in enumerate(markers) if k != i]
        for x, y, ring, pref in spots(i):
            box = label_box(x, y, texts[i], size)
            if box[0] < frame[0] + 1 or box[2] > frame[2] - 1 or box[1] < frame[1] + 1 or box[3] > frame[3] - 1:
                continue
            if any(_overlap(box, b) for b in placed) or any(_overlap(box, b) for b in obstacles):
                continue
            hits = sum(_overlap(box, m) > 0 for m in others)
            crossed = sum(box[0] - 2 < where < box[2] + 2 if axis == "x" else box[1] - 2 < where < box[3] + 2
                          for axis, where in lines)
            cost = ring * 10 + pref + 60 * crossed + 200 * hits
            if cost < best_cost:
                best, best_cost = (x, y), cost
            if cost < 10 * (ring + 1):  # nothing better can come from further rings
                break
        if best is None:  # no free spot on any ring: the point's own right side, inside the frame
            px, py = points[i]
            best = (min(max(px + marker + 1, frame[0] + 2), frame[2] - widths[i] - 2),
                    min(max(py + ascent / 2, frame[1] + ascent + 2), frame[3] - descent - 2))
        result[i] = best
        placed.append(label_box(best[0], best[1], texts[i], size))
    return result


def scatter_chart(xs, ys, texts, colours, *, xlim, ylim, cut, quadrants, title="", xlabel="", ylabel="",
                  width: float = 720, height: float = 450, no_data: str = "nothing to draw") -> str:
    """A labelled scatter split by a crosshair into four shaded, named quadrants.

    ``cut`` = (x, y) of the crosshair; ``quadrants`` = four (name, colour) from the top left,
    top right, bottom left, bottom right. Point labels never overlap each other, the markers
    or the quadrant names. Points whose coordinates are not finite are left out.
    """
    canvas = _Canvas(width, height, title, "scatter")
    keep = [i for i in range(len(xs)) if _finite(xs[i]) and _finite(ys[i])]
    limits = (*xlim, *ylim, *cut)
    if not keep or not all(map(_finite, limits)) or xlim[1] <= xlim[0] or ylim[1] <= ylim[0]:
        return _empty(canvas, no_data)
    xticks = [t for t in nice_ticks(*xlim, target=9) if xlim[0] <= t <= xlim[1]]
    yticks = [t for t in nice_ticks(*ylim, target=9) if ylim[0] <= t <= ylim[1]]
    ylabels = tick_labels(yticks)
    x0, x1 = _y_margin(ylabels), width - 14
    y0, y1 = 40.0, height - 48.0
    _title(canvas, title, 8, width - 8)
    sx, sy = _Scale(xlim[0], xlim[1], x0, x1), _Scale(ylim[0], ylim[1], y1, y0)
    cx, cy = sx(min(max(cut[0], xlim[0]), xlim[1])), sy(min(max(cut[1], ylim[0]), ylim[1]))
    boxes = [(x0, y0, cx, cy), (cx, y0, x1, cy), (x0, cy, cx, y1), (cx, cy, x1, y1)]
    for (name, colour), (a, b, c, d) in zip(quadrants, boxes):
        canvas.rect(a, b, c - a, d - b, fill=hex_colour(colour), opacity=0.09, cls="crmlab-svg-quadrant")
    _y_axis(canvas, sy, yticks, ylabels, x0, x1, grid=False)
    _x_axis(canvas, sx, xticks, tick_labels(xticks), y0, y1, grid=False)
    canvas.rect(x0, y0, x1 - x0, y1 - y0, fill="none", stroke="#999999", width=1)
    # Quadrant names in the plot's corners: obstacles for the point labels.
    size = 12.0
    obstacles = []
    corners = [(x0 + 6, y0 + 6 + size * 0.82, "start"), (x1 - 6, y0 + 6 + size * 0.82, "end"),
               (x0 + 6, y1 - 6 - size * 0.26, "start"), (x1 - 6, y1 - 6 - size * 0.26, "end")]
    for (name, colour), (tx, ty, anchor) in zip(quadrants, corners):
        fitted = _fit(name, size, (x1 - x0) / 2 - 12)
        w = text_width(name, fitted)
        left = tx if anchor == "start" else tx - w
        canvas.text(tx, ty, name, size=fitted, anchor=anchor, colour=hex_colour(colour), weight="bold",
                    italic=True, cls="crmlab-svg-quadrant-name")
        obstacles.append((left - 3, ty - 0.82 * fitted - 3, left + w + 3, ty + 0.26 * fitted + 3))
    canvas.line(cx, y0, cx, y1, stroke="#4d4d4d", width=1, dash="5 3", cls="crmlab-svg-crosshair")
    canvas.line(x0, cy, x1, cy, stroke="#4d4d4d", width=1, dash="5 3", cls="crmlab-svg-crosshair")
    points = [(sx(xs[i]), sy(ys[i])) for i in keep]
    names = [str(texts[i]) for i in keep]
    spots = place_labels(points, names, (x0, y0, x1, y1), obstacles, (("x", cx), ("y", cy)))
    for (px, py), (lx, ly), name in zip(points, spots, names):
        box = label_box(lx, ly, name)
        nearest = (min(max(px, box[0]), box[2]), min(max(py, box[1]), box[3]))
        if math.hypot(nearest[0] - px, nearest[1] - py) > 14:
            canvas.line(px, py, *nearest, stroke="#737373", width=0.7, cls="crmlab-svg-leader")
    for (px, py), i in zip(points, keep):
        canvas.circle(px, py, 5, fill=hex_colour(colours[i]), stroke="white", width=0.9, cls="crmlab-svg-point")
    for (lx, ly), name in zip(spots, names):
        canvas.text(lx, ly, name, size=LABEL_SIZE, colour="#262626", cls="crmlab-svg-label")
    canvas.text(x0 + (x1 - x0) / 2, height - 10, xlabel, size=_fit(xlabel, 11.5, x1 - x0), anchor="middle")
    canvas.text(14, y0 + (y1 - y0) / 2, ylabel, size=_fit(ylabel, 11.5, y1 - y0), anchor="middle", rotate=True,
                baseline="middle")
    return canvas.render()
