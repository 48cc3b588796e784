"""`bulk_record_fund_flows` and `bulk_reverse_fund_flows` (the demo's and the importer's
path, COPY on PostgreSQL) give the records, audit entries and rollups that recording and
reversing one at a time give; a batch that fails in the database leaves nothing; a batch
costs the same number of queries whatever its size."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.ledger import services
from pairaid.ledger.models import AuditChain, AuditEntry, FundFlow, FundRollup, Pairing

PROPERTY = settings(
    deadline=None,
    max_examples=8,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_serial = itertools.count(1)

flows = st.lists(
    st.fixed_dictionaries(
        {
            "kind": st.sampled_from([FundFlow.Kind.PLAN, FundFlow.Kind.TRANSFER]),
            "source": st.sampled_from([s.value for s in FundFlow.Source]),
            "fund_year": st.integers(2019, 2023),
            "month": st.integers(1, 12),
            "amount": st.decimals(
                min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2
            ),
            "voucher": st.text("甲乙V0123-", max_size=8),
        }
    ),
    min_size=1,
    max_size=6,
)


def verify() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out, stderr=out)
    return out.getvalue()


def rollups_check() -> str:
    out = StringIO()
    call_command("rollups", "rebuild", "--check", stdout=out, stderr=out)
    return out.getvalue()


def values(pairing: Pairing, row: dict[str, Any]) -> dict[str, Any]:
    return {
        "pairing": pairing,
        "kind": row["kind"],
        "source": row["source"],
        "fund_year": row["fund_year"],
        "date": dt.date(row["fund_year"], row["month"], 1),
        "amount": row["amount"],
        "voucher": row["voucher"],
        "note": "批量与逐条",
    }


def stored(pairing: Pairing) -> list[tuple[Any, ...]]:
    """The pairing's fund flows as recorded (what does not depend on ids or the clock)."""
    return list(
        FundFlow.objects.filter(pairing=pairing)
        .order_by("id")
        .values_list("kind", "source", "fund_year", "date", "amount", "voucher", "note")
    )


def entries(pairing: Pairing) -> list[tuple[Any, ...]]:
    """The audit entries of the pairing's fund flows, without what names the pairing, the
    record or the time."""
    found = []
    for entry in AuditEntry.objects.filter(pairing=pairing, record_type="fundflow").order_by("id"):
        changes = {k: v for k, v in entry.changes.items() if k not in {"pairing", "reverses"}}
        found.append((entry.action, entry.actor, entry.record_type, entry.record_repr, changes))
    return found


def rollup_rows(pairing: Pairing) -> list[tuple[Any, ...]]:
    return list(
        FundRollup.objects.filter(pairing=pairing)
        .order_by("kind", "source", "fund_year", "month", "confirmation")
        .values_list("kind", "source", "fund_year", "month", "confirmation", "amount", "flow_count")
    )


def two_pairings(build: Any) -> tuple[Pairing, Pairing]:
    n = next(_serial)
    return build.pairing(f"批量甲{n}", f"批量乙{n}"), build.pairing(f"逐条甲{n}", f"逐条乙{n}")


def test_it_records_a_batch_as_one_by_one_recording_does(build):
    @PROPERTY
    @given(rows=flows)
    def recorded_alike(rows):
        bulk, single = two_pairings(build)

        services.bulk_record_fund_flows(
            [values(bulk, row) for row in rows], acting_user=None, via="test"
        )
        for row in rows:
            services.record_fund_flow(acting_user=None, via="test", **values(single, row))

        assert stored(bulk) == stored(single)
        assert entries(bulk) == entries(single)
        assert rollup_rows(bulk) == rollup_rows(single)
        chains = AuditChain.objects.filter(name__in=[f"pairing:{bulk.pk}", f"pairing:{single.pk}"])
        assert len({chain.length for chain in chains}) == 1

    recorded_alike()
    # Every example's records are still here (one transaction for the test): the whole
    # ledger's chains and rollups checked once over all of them, not once per example.
    assert "哈希链完整" in verify()
    assert "一致" in rollups_check()


def test_it_reverses_a_batch_as_one_by_one_reversing_does(build):
    @PROPERTY
    @given(rows=flows)
    def reversed_alike(rows):
        bulk, single = two_pairings(build)
        made = services.bulk_record_fund_flows(
            [values(bulk, row) for row in rows], acting_user=None, via="test"
        )
        for row in rows:
            services.record_fund_flow(acting_user=None, via="test", **values(single, row))

        services.bulk_reverse_fund_flows(made, acting_user=None, via="test", reason="录入有误")
        for flow in FundFlow.objects.filter(pairing=single).order_by("id"):
            services.reverse_fund_flow(flow, acting_user=None, via="test", reason="录入有误")

        assert stored(bulk) == stored(single)
        assert entries(bulk) == entries(single)
        assert rollup_rows(bulk) == rollup_rows(single)

    reversed_alike()
    assert "哈希链完整" in verify()
    assert "一致" in rollups_check()


def test_it_leaves_nothing_when_the_database_refuses_a_row_mid_batch(build):
    pairing, other = two_pairings(build)
    foreign = build.project(other)
    rows = [values(pairing, {**ROW, "voucher": f"M-{i}"}) for i in range(5)]
    # Checked rows (validated=True, as the importer passes them) whose third one names
    # another pairing's project: only the database's trigger can refuse it, mid-write.
    checked = [FundFlow(**row) for row in rows]
    checked[2].project_id = foreign.pk
    services.record_fund_flow(acting_user=None, via="test", **values(pairing, ROW))
    before = (
        FundFlow.objects.count(),
        AuditEntry.objects.count(),
        rollup_rows(pairing),
        AuditChain.objects.get(name=f"pairing:{pairing.pk}").last_hash,
    )

    with pytest.raises(IntegrityError):
        services.bulk_record_fund_flows(checked, acting_user=None, via="test", validated=True)

    after = (
        FundFlow.objects.count(),
        AuditEntry.objects.count(),
        rollup_rows(pairing),
        AuditChain.objects.get(name=f"pairing:{pairing.pk}").last_hash,
    )
    assert after == before
    assert "哈希链完整" in verify()
    assert "一致" in rollups_check()


ROW = {
    "kind": FundFlow.Kind.TRANSFER,
    "source": FundFlow.Source.FISCAL,
    "fund_year": 2021,
    "month": 6,
    "amount": Decimal("1000.00"),
    "voucher": "M",
}


@pytest.mark.parametrize("verb", ["record", "reverse"])
def test_it_writes_a_batch_in_queries_that_do_not_grow_with_its_size(build, verb):
    def cost(size: int) -> int:
        pairing = build.pairing(f"查询甲{size}{verb}", f"查询乙{size}{verb}")
        rows = [
            values(pairing, {**ROW, "month": 1 + i % 12, "voucher": f"Q-{i}"}) for i in range(size)
        ]
        if verb == "reverse":
            made = services.bulk_record_fund_flows(rows, acting_user=None, via="test")
        with CaptureQueriesContext(connection) as captured:
            if verb == "record":
                services.bulk_record_fund_flows(rows, acting_user=None, via="test")
            else:
                services.bulk_reverse_fund_flows(made, acting_user=None, via="test", reason="重复")
        return len(captured.captured_queries)

    assert cost(3) == cost(60)
