"""Demo evidence and progress reports (invented, marked as demo data): a few photos and
documents made in code — no image or PDF is kept in the repository — attached to the
article's agreements and the 2022 hand-over of funds, and dated progress reports with site
photos for some started projects of each pairing.

The newest report of a project states the progress the project already shows, so the demo's
figures stay as they were."""

from __future__ import annotations

import datetime as dt
import io
import random

from django.core.files.base import ContentFile
from django.db import models
from PIL import Image, ImageDraw

from pairaid.ledger import services
from pairaid.ledger.demo.base import VIA, Loader
from pairaid.ledger.demo.calendar import known
from pairaid.ledger.models import (
    Agreement,
    Evidence,
    FundFlow,
    Pairing,
    ProgressUpdate,
    Project,
)

# Reports are dated no later than the article's visit.
LAST_REPORT = dt.date(2022, 11, 30)
PROJECTS_WITH_REPORTS = 4  # per pairing
WORDS = ("完成场地平整", "主体工程完工", "设备安装调试", "组织技术培训", "投入试运行")


def photo(rng: random.Random, name: str) -> ContentFile[bytes]:
    """A small invented site photo: sky, hills and a building, in colours of its own."""
    image = Image.new("RGB", (480, 320), (150 + rng.randrange(60), 190, 230))
    draw = ImageDraw.Draw(image)
    draw.polygon(
        [(0, 220), (160, 120), (320, 210), (480, 140), (480, 320), (0, 320)], (70, 130, 70)
    )
    left = rng.randrange(60, 300)
    draw.rectangle([left, 170, left + 120, 260], fill=(200, 190, 170), outline=(90, 80, 70))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return ContentFile(out.getvalue(), name=name)


def document(title: str, name: str) -> ContentFile[bytes]:
    """A one-page PDF saying it is demo data (ASCII only: the built-in PDF fonts)."""
    text = f"pairaid demo data - {title}".encode("ascii", "replace")
    stream = b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref))  # fmt: skip
    return ContentFile(out.getvalue(), name=name)


def attach(
    loader: Loader, record: models.Model, file: ContentFile[bytes], title: str, kind: str
) -> Evidence:
    evidence = services.attach_evidence(
        record, file, title=title, kind=kind, acting_user=loader.acting_user, via=VIA,
        is_demo=True,
    )  # fmt: skip
    loader.count(Evidence)
    return evidence


def load_evidence(loader: Loader) -> None:
    rng = loader.rng("evidence")
    for agreement in Agreement.objects.filter(is_demo=True).order_by("pk"):
        attach(loader, agreement, document("signed agreement", "协议签署文本.pdf"),
               "签署文本（扫描件）", Evidence.Kind.SIGNED_SCAN)  # fmt: skip
    for key, pairing in loader.pairings.items():
        if key == "city":
            continue
        handover = (
            FundFlow.objects.filter(
                pairing=pairing, kind=FundFlow.Kind.TRANSFER, fund_year=2022, reverses=None
            )
            .order_by("-date", "pk")
            .first()
        )
        if handover is not None:
            attach(loader, handover, document("transfer voucher 2022", "拨付凭证.pdf"),
                   "2022年资金拨付凭证", Evidence.Kind.VOUCHER)  # fmt: skip
        load_reports(loader, pairing, rng)


def load_reports(loader: Loader, pairing: Pairing, rng: random.Random) -> None:
    """Three reports each for a few projects started by 2021, the newest stating the
    progress the project shows. Written newest first, so that no report moves the project's
    progress (a report only moves it when no newer one exists)."""
    started = Project.objects.filter(
        pairing=pairing, status__in=Project.STARTED, start_date__lte=dt.date(2021, 12, 31)
    ).order_by("-start_date", "pk")[:PROJECTS_WITH_REPORTS]
    for project in started:
        days = sorted(
            {min(known(project.start_date) + dt.timedelta(days=rng.randrange(30, 600)), LAST_REPORT)
             for _ in range(3)},
            reverse=True,
        )  # fmt: skip
        for number, day in enumerate(days):
            photos = [photo(rng, "现场照片.jpg")] if number == 0 else []
            services.record_progress_update(
                project, date=day, progress=project.progress * (len(days) - number) // len(days),
                text=WORDS[len(days) - 1 - number + rng.randrange(3)], photos=photos,
                acting_user=loader.acting_user, via=VIA, is_demo=True,
            )  # fmt: skip
            loader.count(ProgressUpdate)
            loader.count(Evidence, len(photos))
