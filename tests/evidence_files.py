"""Small files for evidence tests, made in code (no binaries in the repository)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from openpyxl import Workbook
from PIL import Image


def png(name: str = "现场照片.png", size: tuple[int, int] = (800, 600)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (40, 120, 60)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 80, 40)).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def pdf(name: str = "拨付凭证.pdf") -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def docx(name: str = "验收报告.docx") -> SimpleUploadedFile:
    out = io.BytesIO()
    document = Document()
    document.add_paragraph("验收报告")
    document.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/octet-stream")


def xlsx(name: str = "明细.xlsx") -> SimpleUploadedFile:
    out = io.BytesIO()
    book = Workbook()
    book.active.append(["项目", "金额"])
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/octet-stream")


def exe(name: str = "凭证.pdf") -> SimpleUploadedFile:
    """A Windows program renamed to look like a PDF."""
    body = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
    return SimpleUploadedFile(name, body, content_type="application/pdf")
