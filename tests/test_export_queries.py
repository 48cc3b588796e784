"""`pairaid export`: the export reads its rows in a fixed number of queries, however many
records and pairings it holds (a pairing's name is read with the row, not per row)."""

from __future__ import annotations

from decimal import Decimal

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pairaid.ledger.models import FundFlow


def export_queries(tmp_path, name: str) -> tuple[int, str]:
    target = tmp_path / name
    with CaptureQueriesContext(connection) as captured:
        call_command("export_records", "funds", "--format", "csv", "-o", str(target))
    return len(captured.captured_queries), target.read_text(encoding="utf-8-sig")


def test_it_reads_the_same_queries_for_ten_times_the_pairings(db, build, tmp_path):
    for _ in range(2):
        build.flow(build.pairing(), "100.00")
    before, _ = export_queries(tmp_path, "small.csv")

    made = [build.flow(build.pairing(), "100.00") for _ in range(18)]
    after, text = export_queries(tmp_path, "large.csv")

    assert after == before
    assert text.count("\n") == FundFlow.objects.count() + 1
    assert str(made[-1].pairing) in text
    assert format(Decimal("100.00"), "f") in text
