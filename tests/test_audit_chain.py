"""The audit trail is chained by hash, one chain per pairing: edits and deletions behind
the application's back are found by `pairaid audit verify`, which names the chain and the
entry; anchors over all chain heads catch a chain's newest entries deleted."""

from __future__ import annotations

import itertools
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from pairaid.ledger import services
from pairaid.ledger.models import AuditAnchor, AuditChain, AuditEntry


def verify() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out, stderr=out)
    return out.getvalue()


def test_it_finds_the_demo_trail_intact(db):
    assert "哈希链完整" in verify()
    assert AuditEntry.objects.exclude(hash="").count() == AuditEntry.objects.count()


def test_it_chains_each_new_entry_to_the_one_before_in_its_pairing(build):
    pairing = build.pairing()
    build.project(pairing)
    *_, before, last = AuditEntry.objects.filter(chain=f"pairing:{pairing.pk}").order_by("id")
    assert last.prev_hash == before.hash
    assert last.hash == last.compute_hash(before.hash)


def test_it_keeps_each_pairing_in_a_chain_of_its_own(build):
    first, second = build.pairing("链甲区", "链甲县"), build.pairing("链乙区", "链乙县")
    for _ in range(2):
        build.project(first)
        build.project(second)
    for pairing in (first, second):
        entries = list(AuditEntry.objects.filter(pairing=pairing).order_by("id"))
        assert {entry.chain for entry in entries} == {AuditEntry.chain_for(pairing.pk)}
        assert entries[0].prev_hash == ""
        for before, after in itertools.pairwise(entries):
            assert after.prev_hash == before.hash
        head = AuditChain.objects.get(name=AuditEntry.chain_for(pairing.pk))
        assert (head.last_id, head.last_hash, head.length) == (
            entries[-1].pk,
            entries[-1].hash,
            len(entries),
        )
    regions = AuditEntry.objects.filter(record_type="region", pairing=None)
    assert set(regions.values_list("chain", flat=True)) == {AuditEntry.UNPAIRED}


def test_it_detects_an_entry_edited_with_sql(build):
    project = build.project(build.pairing(), name="原名")
    entry = AuditEntry.objects.get(record_type="project", record_id=str(project.pk))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_auditentry SET actor = %s WHERE id = %s", ["someone-else", entry.pk]
        )

    out = StringIO()
    with pytest.raises(CommandError, match="发现 1 处问题"):
        call_command("audit", "verify", stdout=out, stderr=out)
    assert f"审计链 pairing:{project.pairing_id} 记录 #{entry.pk}：内容与摘要不符" in out.getvalue()


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


def delete_entry(entry_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_auditentry WHERE id = %s", [entry_id])


def test_it_detects_a_deleted_chain_tail_by_its_head(build):
    pairing = build.pairing()
    build.project(pairing)
    last = AuditEntry.objects.filter(pairing=pairing).latest("id")
    delete_entry(last.pk)

    out = StringIO()
    with pytest.raises(CommandError, match="发现 1 处问题"):
        call_command("audit", "verify", stdout=out, stderr=out)
    assert f"审计链 pairing:{pairing.pk} 记录 #{last.pk}：链头" in out.getvalue()


def test_it_detects_a_deleted_chain_tail_by_the_anchor(build):
    pairing = build.pairing()
    build.project(pairing)
    call_command("audit", "anchor", stdout=StringIO())
    anchor = AuditAnchor.objects.latest("id")
    last, before = AuditEntry.objects.filter(pairing=pairing).order_by("-id")[:2]
    # A careful intruder deletes the newest entry and winds the chain's head back too.
    delete_entry(last.pk)
    AuditChain.objects.filter(name=last.chain).update(
        last_id=before.pk,
        last_hash=before.hash,
        length=AuditEntry.objects.filter(chain=last.chain).count(),
    )

    out = StringIO()
    with pytest.raises(CommandError, match="发现 1 处问题"):
        call_command("audit", "verify", stdout=out, stderr=out)
    assert f"审计链 pairing:{pairing.pk} 记录 #{last.pk}：锚点#{anchor.pk}" in out.getvalue()


def test_it_records_an_anchor_over_every_chain_head_when_the_trail_verifies(build):
    pairing = build.pairing()
    build.project(pairing)
    before = AuditAnchor.objects.count()

    verify()

    anchor = AuditAnchor.objects.latest("id")
    assert AuditAnchor.objects.count() == before + 1
    heads = AuditChain.objects.exclude(last_id=None)
    assert anchor.heads == {
        head.name: {"id": head.last_id, "hash": head.last_hash, "length": head.length}
        for head in heads
    }
    assert anchor.digest == AuditAnchor.compute_digest(anchor.at, anchor.heads)


def test_it_detects_an_anchor_edited_with_sql(build):
    build.project(build.pairing())
    call_command("audit", "anchor", stdout=StringIO())
    anchor = AuditAnchor.objects.latest("id")
    AuditAnchor.objects.filter(pk=anchor.pk).update(heads={})

    out = StringIO()
    with pytest.raises(CommandError):
        call_command("audit", "verify", stdout=out, stderr=out)
    assert f"锚点#{anchor.pk} 的摘要与其内容不符" in out.getvalue()


def test_it_anchors_by_itself_every_so_many_entries(
    build, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services.audit, "ANCHOR_EVERY", 3)
    pairing = build.pairing()
    before = AuditAnchor.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            build.project(pairing)

    assert AuditAnchor.objects.count() > before
    assert AuditAnchor.objects.latest("id").heads[f"pairing:{pairing.pk}"]["id"] <= (
        AuditEntry.objects.filter(pairing=pairing).latest("id").pk
    )


def test_it_keeps_verifying_the_single_chain_written_before_the_split(build):
    """Entries from before the per-pairing chains form the closed chain `legacy`: hashed
    without a chain name, linked across pairings, checked as before."""
    pairing = build.pairing()
    entries = []
    prev = ""
    for number, pairing_id in enumerate([pairing.pk, None, pairing.pk]):
        entry = AuditEntry(
            at=timezone.now(),
            actor="cli",
            action="project.updated",
            record_type="project",
            record_id=str(number),
            record_repr="旧记录",
            pairing_id=pairing_id,
            changes={"n": number},
            chain=AuditEntry.LEGACY,
            prev_hash=prev,
        )
        entry.hash = prev = entry.compute_hash(prev)
        entries.append(entry)
    created = AuditEntry.objects.bulk_create(entries)
    AuditChain.objects.create(
        name=AuditEntry.LEGACY, last_id=created[-1].pk, last_hash=prev, length=len(created)
    )
    assert "哈希链完整" in verify()

    AuditEntry.objects.filter(pk=created[1].pk).update(record_repr="改过")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("audit", "verify", stdout=out, stderr=out)
    assert f"审计链 legacy 记录 #{created[1].pk}：内容与摘要不符" in out.getvalue()
