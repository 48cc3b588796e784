"""The same moves as a clerk makes them in the browser: download a pairing's records from
the export link, change the 结对关系 column, upload the file on the import page, look at the
preview and import it — the fresh pairing then holds records with the same values. A file
with a bad cell is shown with its row, column and reason, can be downloaded as the rejected
rows, and writes nothing until the bad rows are left out."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import exchange_files as files
import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from pairaid.exchange.models import ImportBatch
from pairaid.exchange.specs import IMPORTERS
from pairaid.ledger.models import AuditEntry, Pairing

KINDS = ["projects", "funds", "events", "agreements", "tasks", "targets"]


@pytest.fixture
def clerk(admin_user, settings) -> Client:
    settings.PAIRAID_TASKS_INLINE_THREAD = False  # the upload is checked within the request
    client = Client()
    client.force_login(admin_user)
    return client


def downloaded(client: Client, kind: str, pairing: Pairing, fmt: str, folder: Path) -> Path:
    response = client.get(
        reverse("exchange:export", args=[kind]), {"pairing": str(pairing.pk), "format": fmt}
    )
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    path = folder / f"{kind}-download.{fmt}"
    path.write_bytes(data)
    return path


def uploaded(client: Client, path: Path) -> ImportBatch:
    with path.open("rb") as handle:
        response = client.post(reverse("exchange:upload"), {"file": handle})
    assert response.status_code == 302, response.content[:300]
    return ImportBatch.objects.latest("id")


def imported(client: Client, batch: ImportBatch, mode: str = "all") -> ImportBatch:
    client.post(reverse("exchange:import", args=[batch.pk]), {"mode": mode})
    batch.refresh_from_db()
    return batch


def moved(client: Client, kind: str, source: Pairing, target: Pairing, fmt: str, folder: Path):
    for needed in files.dependencies(kind):
        moved(client, needed, source, target, fmt, folder)
    path = downloaded(client, kind, source, fmt, folder)
    batch = uploaded(client, files.moved_to(path, folder / f"{kind}-upload.{fmt}", target))
    assert batch.status == ImportBatch.Status.VALID, batch.status
    return imported(client, batch)


@pytest.mark.parametrize("fmt", files.FORMATS)
@pytest.mark.parametrize("kind", KINDS)
def test_it_moves_a_pairings_records_through_the_pages(clerk, build, tmp_path, kind, fmt):
    source = build.pairing(f"网页{kind}甲区", f"网页{kind}乙县")
    files.fill(kind, source, build)
    target = files.fresh_pairing(build, source, f"网页{kind}丙区")

    batch = moved(clerk, kind, source, target, fmt, tmp_path)

    before = files.stored(kind, source)
    assert batch.status == ImportBatch.Status.IMPORTED
    assert batch.added == len(before)
    assert files.stored(kind, target) == before


def bad_upload(build: Any, tmp_path: Path) -> tuple[Pairing, Path]:
    target = build.pairing("网页拒收甲区", "网页拒收乙县")
    header = ["结对关系", "类型", "资金年度", "日期", "金额（元）", "资金来源", "凭证或文号"]
    rows = [
        [str(target), "拨付", 2022, "2022-06-01", "100.00", "财政援助资金", "WEB-BAD-1"],
        [str(target), "拨付", 2022, "2022-06-01", "1.234", "财政援助资金", "WEB-BAD-2"],
        [str(target), "拨付", 2022, "2022-02-30", "5.00", "财政援助资金", "WEB-BAD-3"],
    ]
    return target, files.write_rows(tmp_path / "bad.xlsx", [header, *rows], "资金记录")


def test_it_shows_each_bad_cells_row_column_and_reason(clerk, build, tmp_path):
    target, path = bad_upload(build, tmp_path)

    batch = uploaded(clerk, path)

    assert batch.status != ImportBatch.Status.VALID
    page = clerk.get(reverse("exchange:batch", args=[batch.pk])).content.decode()
    for row, column, words in ((3, "金额（元）", "两位小数"), (4, "日期", "没有这一天")):
        assert str(row) in page and column in page and words in page
    assert not IMPORTERS["funds"].model.objects.filter(pairing=target).exists()


def test_it_hands_back_the_rejected_rows_with_their_reasons(clerk, build, tmp_path):
    _target, path = bad_upload(build, tmp_path)
    batch = uploaded(clerk, path)

    response = clerk.get(reverse("exchange:rejected", args=[batch.pk]))

    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    rows = list(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))
    text = "\n".join(" ".join(str(c) for c in row if c is not None) for row in rows)
    assert "WEB-BAD-2" in text and "WEB-BAD-3" in text
    assert "WEB-BAD-1" not in text
    assert "两位小数" in text and "没有这一天" in text


def test_it_writes_nothing_from_a_refused_file_until_the_valid_rows_are_chosen(
    clerk, build, tmp_path
):
    target, path = bad_upload(build, tmp_path)
    audit = AuditEntry.objects.count()
    batch = uploaded(clerk, path)

    imported(clerk, batch, mode="all")

    model = IMPORTERS["funds"].model
    assert not model.objects.filter(pairing=target).exists()
    assert AuditEntry.objects.count() == audit

    again = imported(clerk, batch, mode="valid")

    assert list(model.objects.filter(pairing=target).values_list("voucher", flat=True)) == [
        "WEB-BAD-1"
    ]
    assert again.status == ImportBatch.Status.IMPORTED


def test_it_exports_only_the_pairing_asked_for(clerk, build, tmp_path):
    first = build.pairing("网页范围甲区", "网页范围乙县")
    second = build.pairing("网页范围丙区", "网页范围丁县")
    files.fill("targets", first, build)
    files.fill("targets", second, build)

    path = downloaded(clerk, "targets", first, "csv", tmp_path)

    _sheet, rows = files.read_rows(path)
    assert {row[0] for row in rows[1:]} == {str(first)}
    assert len(rows) - 1 == len(files.stored("targets", first))
