"""Bar charts as inline SVG, drawn here: no chart library, no script, nothing fetched.

The browser lays out the text with the page's own fonts (`FONT`, Noto Sans CJK SC from
Debian's fonts-noto-cjk), so Chinese labels render wherever the page does. Every bar (and
every part of a stacked bar) is a link to the records behind it. Values arrive as Decimal
or int; geometry is computed in Decimal and only printed as numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', sans-serif"
COLOURS = ("#2f5d8a", "#c0504d", "#6b9a3c", "#8064a2", "#d88a2b", "#3b9bb3")
INK, GRID, MUTED = "#1f2933", "#d9dee3", "#5f6b76"


@dataclass(frozen=True)
class Part:
    """One part of a bar: a value, what it is, and the link to its records."""

    value: Decimal | int
    title: str
    href: str = ""


@dataclass(frozen=True)
class Bar:
    label: str
    parts: tuple[Part, ...]
    shown: str  # the bar's total as displayed above or beside it

    @property
    def total(self) -> Decimal:
        return sum((Decimal(p.value) for p in self.parts), Decimal(0))


def n(value: Decimal) -> str:
    """A coordinate, one decimal place."""
    return f"{value.quantize(Decimal('0.1'))}"


def nice_top(highest: Decimal, ticks: int = 4) -> tuple[Decimal, Decimal]:
    """A round axis top and tick step (1, 2 or 5 × 10ⁿ) at or above `highest`."""
    if highest <= 0:
        return Decimal(ticks), Decimal(1)
    raw = highest / ticks
    power = Decimal(10) ** (len(str(int(raw))) - 1) if raw >= 1 else Decimal("0.1")
    while power * 10 <= raw:
        power *= 10
    for factor in (1, 2, 5, 10):
        step = power * factor
        if step >= raw:
            break
    top = (highest / step).to_integral_value(rounding=ROUND_CEILING) * step
    return top, step


def text_width(text: str, size: int) -> Decimal:
    """Roughly how wide a label is: CJK characters are square, Latin ones about half."""
    units = sum((Decimal(1) if ord(c) > 0x2E80 else Decimal("0.56") for c in text), Decimal(0))
    return units * size


def _a(href: str, inner: str) -> str:
    return f'<a href="{escape(href)}">{inner}</a>' if href else inner


@dataclass(frozen=True)
class Box:
    """A chart's size and the margins around its plot."""

    width: Decimal
    height: Decimal
    left: Decimal
    right: Decimal
    top: Decimal
    bottom: Decimal


def frame(
    box: Box,
    title: str,
    names: Sequence[str],
    axis_top: Decimal,
    step: Decimal,
    axis_unit: str,
    unit_gap: int,
) -> list[str]:
    """The parts every bar chart starts with: the svg element, its title, the legend of
    `names`, the value axis with its grid, and the axis unit `unit_gap` above the plot."""
    out = [
        f'<svg class="chart" viewBox="0 0 {box.width} {box.height}" role="img" '
        f'aria-label="{escape(title)}" font-family="{FONT}" font-size="12" '
        'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    x = box.left
    for index, name in enumerate(names):
        colour = COLOURS[index % len(COLOURS)]
        out.append(f'<rect x="{n(x)}" y="8" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{n(x + 16)}" y="18" fill="{INK}">{escape(name)}</text>')
        x += 28 + text_width(name, 12)
    plot_h = box.bottom - box.top
    ticks = int(axis_top / step) if step else 0
    for tick in range(ticks + 1):
        value = step * tick
        y = box.bottom - plot_h * value / axis_top
        out.append(
            f'<line x1="{n(box.left)}" x2="{n(box.width - box.right)}" y1="{n(y)}" '
            f'y2="{n(y)}" stroke="{GRID}"/>'
        )
        out.append(
            f'<text x="{n(box.left - 6)}" y="{n(y + 4)}" text-anchor="end" fill="{MUTED}" '
            f'font-size="11">{value.normalize():f}</text>'
        )
    out.append(
        f'<text x="4" y="{n(box.top - unit_gap)}" fill="{MUTED}" font-size="11">'
        f"{escape(axis_unit)}</text>"
    )
    return out


def columns(
    bars: Sequence[Bar],
    *,
    title: str,
    series: Sequence[str],
    axis_unit: str,
    scale: Decimal = Decimal(1),
) -> SafeString:
    """Vertical bars, one per category (e.g. a fund year), stacked by series (e.g. source).
    `scale` divides values for the axis (10000: yuan shown in 万元)."""
    width, height = Decimal(960), Decimal(320)
    left, right, top, bottom = Decimal(56), Decimal(8), Decimal(44), Decimal(290)
    highest = max((bar.total / scale for bar in bars), default=Decimal(0))
    axis_top, step = nice_top(highest)
    plot_h = bottom - top
    box = Box(width, height, left, right, top, bottom)
    out = frame(box, title, list(series), axis_top, step, axis_unit, 10)
    # bars
    count = max(len(bars), 1)
    slot = (width - right - left) / count
    bar_w = slot * Decimal("0.64")
    for index, bar in enumerate(bars):
        x0 = left + slot * index + (slot - bar_w) / 2
        y = bottom
        for part_index, part in enumerate(bar.parts):
            if not part.value:
                continue
            h = plot_h * (Decimal(part.value) / scale) / axis_top
            y -= h
            colour = COLOURS[part_index % len(COLOURS)]
            rect = (
                f'<rect x="{n(x0)}" y="{n(y)}" width="{n(bar_w)}" height="{n(h)}" '
                f'fill="{colour}"><title>{escape(part.title)}</title></rect>'
            )
            out.append(_a(part.href, rect))
        out.append(
            f'<text x="{n(x0 + bar_w / 2)}" y="{n(bottom + 16)}" text-anchor="middle" '
            f'fill="{INK}">{escape(bar.label)}</text>'
        )
        if bar.total:
            out.append(
                f'<text x="{n(x0 + bar_w / 2)}" y="{n(y - 4)}" text-anchor="middle" '
                f'fill="{MUTED}" font-size="10">{escape(bar.shown)}</text>'
            )
    out.append(
        f'<line x1="{n(left)}" x2="{n(width - right)}" y1="{n(bottom)}" y2="{n(bottom)}" '
        f'stroke="{INK}"/>'
    )
    out.append("</svg>")
    return mark_safe("".join(out))


def rows(bars: Sequence[Bar], *, title: str) -> SafeString:
    """Horizontal bars, one per category (e.g. a sector), each a link to its records."""
    size = 13
    label_w = max((text_width(bar.label, size) for bar in bars), default=Decimal(40)) + 12
    value_w = max((text_width(bar.shown, size) for bar in bars), default=Decimal(20)) + 12
    width = Decimal(640)
    row_h = Decimal(26)
    top = Decimal(8)
    height = top * 2 + row_h * max(len(bars), 1)
    highest = max((bar.total for bar in bars), default=Decimal(0)) or Decimal(1)
    plot_w = width - label_w - value_w
    out = [
        f'<svg class="chart" viewBox="0 0 {width} {n(height)}" role="img" '
        f'aria-label="{escape(title)}" font-family="{FONT}" font-size="{size}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for index, bar in enumerate(bars):
        y = top + row_h * index
        out.append(
            f'<text x="{n(label_w - 8)}" y="{n(y + 17)}" text-anchor="end" '
            f'fill="{INK}">{escape(bar.label)}</text>'
        )
        w = plot_w * bar.total / highest
        part = bar.parts[0] if bar.parts else Part(0, bar.label)
        rect = (
            f'<rect x="{n(label_w)}" y="{n(y + 4)}" width="{n(w)}" height="{n(row_h - 8)}" '
            f'fill="{COLOURS[0]}"><title>{escape(part.title)}</title></rect>'
        )
        value = (
            f'<text x="{n(label_w + w + 6)}" y="{n(y + 17)}" fill="{INK}">'
            f"{escape(bar.shown)}</text>"
        )
        out.append(_a(part.href, rect + value))
    out.append("</svg>")
    return mark_safe("".join(out))


def grouped(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Part]]],
    *,
    title: str,
    axis_unit: str,
    scale: Decimal = Decimal(1),
) -> SafeString:
    """Vertical bars side by side: for each category (e.g. a year) one bar per series (e.g.
    a figure), each series giving one part per category. `scale` as in `columns`."""
    width, height = Decimal(640), Decimal(240)
    left, right, top, bottom = Decimal(56), Decimal(8), Decimal(40), Decimal(212)
    highest = max(
        (Decimal(part.value) / scale for _name, parts in series for part in parts),
        default=Decimal(0),
    )
    axis_top, step = nice_top(highest)
    plot_h = bottom - top
    box = Box(width, height, left, right, top, bottom)
    out = frame(box, title, [name for name, _parts in series], axis_top, step, axis_unit, 8)
    slot = (width - right - left) / max(len(categories), 1)
    bar_w = slot * Decimal("0.8") / max(len(series), 1)
    for index, category in enumerate(categories):
        x0 = left + slot * index + slot * Decimal("0.1")
        for serial, (_name, parts) in enumerate(series):
            part = parts[index]
            if not part.value:
                continue
            h = plot_h * (Decimal(part.value) / scale) / axis_top
            colour = COLOURS[serial % len(COLOURS)]
            rect = (
                f'<rect x="{n(x0 + bar_w * serial)}" y="{n(bottom - h)}" width="{n(bar_w)}" '
                f'height="{n(h)}" fill="{colour}"><title>{escape(part.title)}</title></rect>'
            )
            out.append(_a(part.href, rect))
        out.append(
            f'<text x="{n(left + slot * index + slot / 2)}" y="{n(bottom + 16)}" '
            f'text-anchor="middle" fill="{INK}">{escape(category)}</text>'
        )
    out.append(
        f'<line x1="{n(left)}" x2="{n(width - right)}" y1="{n(bottom)}" y2="{n(bottom)}" '
        f'stroke="{INK}"/>'
    )
    out.append("</svg>")
    return mark_safe("".join(out))
