"""The audit trail is chained by hash: edits and deletions behind the application's back
are found by `pairaid audit verify`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from pairaid.ledger.models import AuditEntry


def verify() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out, stderr=out)
    return out.getvalue()


def test_it_finds_the_demo_trail_intact(db):
    assert "哈希链完整" in verify()
    assert AuditEntry.objects.exclude(hash="").count() == AuditEntry.objects.count()


def test_it_chains_each_new_entry_to_the_one_before(build):
    build.project(build.pairing())
    *_, before, last = AuditEntry.objects.order_by("id")
    assert last.prev_hash == before.hash
    assert last.hash == last.compute_hash(before.hash)


def test_it_detects_an_entry_edited_with_sql(build):
    project = build.project(build.pairing(), name="原名")
    entry = AuditEntry.objects.get(record_type="project", record_id=str(project.pk))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_auditentry SET actor = %s WHERE id = %s", ["someone-else", entry.pk]
        )

    with pytest.raises(CommandError, match="发现 1 处问题"):
        verify()


def test_it_detects_an_entry_deleted_with_sql(build):
    pairing = build.pairing()
    build.project(pairing)
    build.project(pairing)
    middle = AuditEntry.objects.order_by("-id")[1]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_auditentry WHERE id = %s", [middle.pk])

    out = StringIO()
    with pytest.raises(CommandError):
        call_command("audit", "verify", stdout=out, stderr=out)
    assert "被删除或插入" in out.getvalue()
