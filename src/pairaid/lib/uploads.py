"""Uploaded evidence files: what they are (by their content, never their name), a name safe
to show, and a thumbnail for images.

`sniff(head, path)` reads the first bytes (and, for a zip, its list of parts) and returns
the file's `Detected` type, or raises `Refused` with a Chinese reason. Accepted: PDF, JPEG,
PNG and WebP images, and Word (.docx) and Excel (.xlsx) documents without macros.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

THUMBNAIL_SIZE = (240, 240)
HEAD_BYTES = 64


class Refused(ValueError):
    """An upload that is not accepted, with the reason in words."""


@dataclass(frozen=True)
class Detected:
    content_type: str
    extension: str
    label: str

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


PDF = Detected("application/pdf", ".pdf", "PDF")
JPEG = Detected("image/jpeg", ".jpg", "JPEG")
PNG = Detected("image/png", ".png", "PNG")
WEBP = Detected("image/webp", ".webp", "WebP")
DOCX = Detected(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "Word"
)
XLSX = Detected(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", "Excel"
)
ACCEPTED = (PDF, JPEG, PNG, WEBP, DOCX, XLSX)


def accepted_names() -> str:
    return "、".join(kind.label for kind in ACCEPTED)


def sniff(file: IO[bytes]) -> Detected:
    """The type of an uploaded file, from its content. The file is left at its start."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    detected: Detected | None = None
    if head.startswith(b"%PDF-"):
        detected = PDF
    elif head.startswith(b"\xff\xd8\xff"):
        detected = JPEG
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        detected = PNG
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        detected = WEBP
    elif head.startswith(b"PK\x03\x04"):
        detected = _office(file)
    if detected is None:
        raise Refused(_("不支持该文件类型：只接受 %(kinds)s 文件") % {"kinds": accepted_names()})
    if detected.is_image:
        _check_image(file)
    return detected


def _office(file: IO[bytes]) -> Detected | None:
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return None
    finally:
        file.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise Refused(_("文件含有宏，不能上传：请另存为不含宏的 Word 或 Excel 文件"))
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def _check_image(file: IO[bytes]) -> None:
    try:
        with Image.open(file) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise Refused(_("图片文件已损坏或过大，无法读取")) from exc
    finally:
        file.seek(0)


def thumbnail(file: IO[bytes]) -> bytes:
    """A small JPEG of an image (at most THUMBNAIL_SIZE), turned upright."""
    file.seek(0)
    with Image.open(file) as image:
        image.load()
        try:
            picture = ImageOps.exif_transpose(image) or image
        except (OSError, ValueError):
            picture = image
        picture = picture.convert("RGB")
        picture.thumbnail(THUMBNAIL_SIZE)
        out = io.BytesIO()
        picture.save(out, format="JPEG", quality=80)
    file.seek(0)
    return out.getvalue()


_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"|?*]+")


def safe_name(name: str, limit: int = 200) -> str:
    """The last part of an uploaded file's name, with no folders, control characters or
    characters that file systems refuse: shown to users, never used as a path."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    if len(name) > limit:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: limit - len(ext) - 1] + dot + ext) if dot and len(ext) < 16 else name[:limit]
    return name or _("未命名文件")
