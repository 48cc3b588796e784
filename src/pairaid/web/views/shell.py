"""What the page shell needs besides templates: /favicon.ico, drawn in code (Pillow) once,
the same mark as static/web/favicon.svg for browsers that ask for the .ico by habit."""

from __future__ import annotations

import io
from functools import cache

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from PIL import Image, ImageDraw

BLUE, WHITE = (35, 74, 111, 255), (255, 255, 255, 255)


@cache
def icon() -> bytes:
    size = 64
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=12, fill=BLUE)
    draw.line((14, 46, 50, 46), fill=WHITE, width=6)
    for x, top in ((18, 26), (32, 18), (46, 32)):  # three bars rising from the base line
        draw.line((x, 46, x, top), fill=WHITE, width=6)
    out = io.BytesIO()
    image.save(out, format="ICO", sizes=[(16, 16), (32, 32), (48, 48)])
    return out.getvalue()


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    return HttpResponse(icon(), content_type="image/x-icon")
