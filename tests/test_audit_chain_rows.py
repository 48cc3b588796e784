"""The bulk services write their audit entries as rows (no AuditEntry instances, COPY on
PostgreSQL): each entry's hash is the one `AuditEntry.compute_hash` gives for what was
stored, whatever its text holds, and `pairaid audit verify` finds the chain intact."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from typing import Any

from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.ledger import services
from pairaid.ledger.models import AuditChain, AuditEntry, FundFlow, Pairing

PROPERTY = settings(
    deadline=None,
    max_examples=10,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Text that JSON escapes, or writes as it is only when not forced to ASCII.
notes = st.text(
    st.sampled_from(['"', "\\", "/", "甲", "é", "😀", "\u2028", "a", " ", "<", "&", "'"]),
    min_size=1,
    max_size=12,
).filter(lambda text: text.strip() != "")


def verify() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out, stderr=out)
    return out.getvalue()


def rows(pairing: Pairing, texts: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "pairing": pairing,
            "kind": FundFlow.Kind.TRANSFER,
            "source": FundFlow.Source.FISCAL,
            "fund_year": 2022,
            "date": dt.date(2022, 3, 1 + index),
            "amount": Decimal("1234.56") + index,
            "voucher": text[:50],
            "note": text,
        }
        for index, text in enumerate(texts)
    ]


def check_entries(pairing: Pairing, count: int) -> None:
    entries = list(AuditEntry.objects.filter(pairing=pairing).order_by("id"))[-count:]
    for entry in entries:
        assert entry.hash == entry.compute_hash(entry.prev_hash)
    head = AuditChain.objects.get(name=AuditEntry.chain_for(pairing.pk))
    assert (head.last_id, head.last_hash) == (entries[-1].pk, entries[-1].hash)


@PROPERTY
@given(texts=st.lists(notes, min_size=1, max_size=4))
def test_it_hashes_each_entry_as_compute_hash_does_whatever_its_text(build, personas, texts):
    pairing = build.pairing()
    flows = services.bulk_record_fund_flows(
        rows(pairing, texts), acting_user=personas.admin, via="测试\"'\\"
    )
    check_entries(pairing, len(texts))
    entries = AuditEntry.objects.filter(record_type="fundflow", pairing=pairing).order_by("id")
    assert [entry.changes["note"] for entry in entries] == texts
    assert [entry.record_id for entry in entries] == [str(flow.pk) for flow in flows]
    assert {entry.user for entry in entries} == {personas.admin}
    services.bulk_reverse_fund_flows(flows, acting_user=None, via="cli", reason=texts[0])
    check_entries(pairing, len(texts))
    assert "哈希链完整" in verify()


def test_it_keeps_each_chain_apart_within_one_batch(build):
    first, second = build.pairing("行链甲区", "行链甲县"), build.pairing("行链乙区", "行链乙县")
    before = AuditChain.objects.get(name=AuditEntry.chain_for(first.pk)).length
    mixed = [*rows(first, ["甲", "乙"]), *rows(second, ["丙"]), *rows(first, ["丁"])]
    services.bulk_record_fund_flows(mixed, acting_user=None, via="cli")
    for pairing, count in ((first, 3), (second, 1)):
        check_entries(pairing, count)
    assert AuditChain.objects.get(name=AuditEntry.chain_for(first.pk)).length == before + 3
    assert "哈希链完整" in verify()
