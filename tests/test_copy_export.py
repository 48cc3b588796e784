"""CSV exports written by PostgreSQL (`COPY`) hold, cell for cell, what the Python export
writes; on SQLite, and for kinds whose cells are computed in Python, the Python path runs."""

from __future__ import annotations

import csv
import io

from django.db import connection
from django.utils import translation

from pairaid.exchange import copy_export, exporters
from pairaid.ledger import record_types
from pairaid.ledger.models import FundFlow, Project, Region

POSTGRES = connection.vendor == "postgresql"
# The largest kinds, whose every column is said in SQL: exported by COPY on PostgreSQL.
BY_COPY = {"funds", "projects"}


def parsed(chunks) -> list[list[str]]:
    text = b"".join(chunks).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def both_ways(kind: str) -> tuple[list[list[str]], list[list[str]], bool]:
    exporter = exporters.Exporter(kind)
    queryset = exporters.filtered(kind, {}, None)
    counted: list[int] = []
    fast = parsed(exporter.csv_lines(queryset, counted))
    slow = parsed(exporter.python_csv_lines(queryset, []))
    assert counted == [len(fast) - 1]
    return fast, slow, copy_export.copy_select(queryset, exporter.columns) is not None


def test_it_writes_every_kind_as_the_python_export_does(db):
    for kind in record_types.kinds():
        fast, slow, copied = both_ways(kind)
        assert fast == slow, kind
        assert len(fast) > 1 or kind not in BY_COPY, kind
        assert copied == POSTGRES if kind in BY_COPY else copied <= POSTGRES, kind


def test_it_quotes_formulas_drops_control_characters_and_names_shared_regions(db):
    flows = list(FundFlow.objects.filter(reverses__isnull=True)[:4])
    texts = ["=1+1", "-5", "@SUM(A1)", "\t缩进", "a\x07b"]
    for flow, text in zip(flows, texts, strict=False):
        FundFlow.objects.filter(pk=flow.pk).update(note=text)
    project = Project.objects.exclude(location=None).select_related("location").first()
    Region.objects.create(
        name=project.location.name,
        code="999999999999",
        level=project.location.level,
        parent=project.location.parent,
    )
    for kind in ("funds", "projects"):
        fast, slow, _copied = both_ways(kind)
        assert fast == slow
    notes = {row[8] for row in both_ways("funds")[0][1:]}
    assert {"'=1+1", "'-5", "'@SUM(A1)", "'\t缩进"} <= notes
    located = f"{project.location.name}（{project.location.code}）"
    assert any(located in row for row in both_ways("projects")[0])


def test_it_writes_labels_in_the_language_of_the_export(db):
    with translation.override("en"):
        fast, slow, _copied = both_ways("funds")
    assert fast == slow
    assert "Transfer" in {row[1] for row in fast[1:]}
