"""Bar charts drawn as PNG with Pillow and a CJK font from the machine (no plotting library,
no network): Word and PDF embed the picture, Excel draws its own chart from the data."""

from __future__ import annotations

import functools
import io
import math
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

from pairaid.reports.content import Chart, RenderError

# Debian's fonts-noto-cjk; the first face whose name says SC (simplified Chinese) is used.
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
COLOURS = ("#2f5d8a", "#c0504d", "#9bbb59", "#8064a2", "#f79646", "#4bacc6")
WIDTH, HEIGHT = 1600, 820
INK, GRID, PAPER = "#222222", "#d0d0d0", "#ffffff"


class FontMissing(RenderError):
    pass


@functools.cache
def font_path() -> tuple[str, int]:
    """The CJK font file and face index: settings.PAIRAID_CJK_FONT, else a known Debian
    path, else what fontconfig names for Chinese."""
    configured = getattr(settings, "PAIRAID_CJK_FONT", "")
    candidates = [configured] if configured else []
    candidates += list(FONT_CANDIDATES)
    if shutil.which("fc-match"):
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", ":lang=zh-cn"],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        ).stdout.strip()
        if found:
            candidates.append(found)
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return candidate, simplified_face(candidate)
    raise FontMissing(
        "没有找到中文字体：请安装 fonts-noto-cjk，或在设置 PAIRAID_CJK_FONT 中指定字体文件"
    )


def simplified_face(path: str) -> int:
    """The index of the simplified-Chinese face in a font collection (0 otherwise)."""
    if not path.lower().endswith(".ttc"):
        return 0
    for index in range(16):
        try:
            family = ImageFont.truetype(path, 12, index=index).getname()[0]
        except OSError:
            break
        if family is not None and family.endswith(" SC"):
            return index
    return 0


@functools.cache
def font(size: int) -> ImageFont.FreeTypeFont:
    path, index = font_path()
    return ImageFont.truetype(path, size, index=index)


def nice_step(top: float, ticks: int = 5) -> float:
    """A round tick step (1, 2 or 5 × 10ⁿ) so that about `ticks` steps reach `top`."""
    if top <= 0:
        return 1.0
    raw = top / ticks
    power: float = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return factor * power
    return 10 * power


def fitting_font(pen: ImageDraw.ImageDraw, text: str, width: float) -> ImageFont.FreeTypeFont:
    """The category font, smaller when the label is wider than its bar group."""
    for size in (26, 22, 18, 15, 12):
        if pen.textlength(text, font=font(size)) <= width:
            return font(size)
    return font(12)


def label_of(value: Decimal | int) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.2f}"


def draw_png(chart: Chart) -> bytes:
    values = [[chart.shown(v) for v in series.values] for series in chart.series]
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    pen = ImageDraw.Draw(image)
    title_font, text_font, small_font = font(38), font(26), font(22)
    pen.text((WIDTH / 2, 24), chart.title, fill=INK, font=title_font, anchor="ma")
    left, right, top, bottom = 150, WIDTH - 40, 110, HEIGHT - 120
    highest = max([float(v) for row in values for v in row] + [0.0])
    step = nice_step(highest)
    ceiling = step * max(1, math.ceil(highest / step)) if highest else step * 5
    # the grid and the value axis
    for tick in range(round(ceiling / step) + 1):
        y = bottom - (bottom - top) * tick * step / ceiling
        pen.line([(left, y), (right, y)], fill=GRID, width=2)
        shown = f"{tick * step:,.0f}" if step >= 1 else f"{tick * step:,.2f}"
        pen.text((left - 12, y), shown, fill=INK, font=small_font, anchor="rm")
    if chart.unit:
        pen.text((left - 12, top - 40), chart.unit, fill=INK, font=small_font, anchor="rm")
    pen.line([(left, bottom), (right, bottom)], fill=INK, width=3)
    # the bars
    groups = max(1, len(chart.categories))
    group_width = (right - left) / groups
    bar_width = group_width * 0.7 / max(1, len(values))
    for g, category in enumerate(chart.categories):
        x0 = left + g * group_width + group_width * 0.15
        for s, row in enumerate(values):
            height = (bottom - top) * float(row[g]) / ceiling if ceiling else 0
            box = [x0 + s * bar_width, bottom - height, x0 + (s + 1) * bar_width - 4, bottom]
            pen.rectangle(box, fill=COLOURS[s % len(COLOURS)])
            pen.text(
                ((box[0] + box[2]) / 2, box[1] - 6),
                label_of(row[g]),
                fill=INK,
                font=small_font,
                anchor="md",
            )
        pen.text(
            (left + (g + 0.5) * group_width, bottom + 14),
            category,
            fill=INK,
            font=fitting_font(pen, category, group_width * 0.95),
            anchor="ma",
        )
    if len(chart.series) > 1:
        x: float = left
        for s, series in enumerate(chart.series):
            pen.rectangle([x, HEIGHT - 50, x + 28, HEIGHT - 22], fill=COLOURS[s % len(COLOURS)])
            pen.text((x + 38, HEIGHT - 36), series.name, fill=INK, font=text_font, anchor="lm")
            x += 60 + pen.textlength(series.name, font=text_font)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
