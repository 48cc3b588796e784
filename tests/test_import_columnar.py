"""The fund ledger's import a column at a time (exchange/services/columnar.py) against the
per-row import (PAIRAID_IMPORT_COLUMNAR off): on drawn ledgers with bad cells, both accept
the same rows and refuse the same rows with the same messages, rows and columns, in the
same order; a valid ledger is written by the columnar path with the same records, audit
entries (the chain verifies) and rollups as the per-row path, and rolls back."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import exchange_files as files
import pytest
from django.core.management import call_command
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.exchange import services
from pairaid.exchange.services import columnar, validation
from pairaid.ledger import services as ledger
from pairaid.ledger.models import AuditEntry, FundFlow, FundRollup, Pairing

HEADER = ["结对关系", "类型", "资金年度", "日期", "金额（元）", "资金来源", "项目编号"]
TAIL = ["凭证或文号", "摘要", "跨年度说明"]
EXAMPLES = settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_serial = itertools.count(1)

kinds = st.sampled_from(["拨付", "计划", "支出", "分配到项目", "transfer", "转账", None])
years = st.sampled_from([2021, 2022, "2022年", 1800, None, 2021.5])
days = st.sampled_from(
    [dt.date(2021, 6, 1), "2021年6月1日", "2022.3.4", "2031-01-01", "2017-01-01", "abc", None]
)
amounts = st.one_of(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2),
    st.sampled_from(["12.5万", "1,234.50", -5, 0, 1.234, "abc", None, "1e5", 10**20]),
)
sources = st.sampled_from(["财政援助资金", "社会帮扶资金", "social_cash", "乱写", None])
notes = st.sampled_from([None, "", "拨付", " 前后空格 ", "摘要\u202e", "长" * 301, "'=1+1", 12.0])
reasons = st.sampled_from([None, "", "项目跨年度实施"])
rows = st.fixed_dictionaries(
    {
        "pairing": st.sampled_from(["ours", "ours", "ours", "unknown"]),
        "kind": kinds,
        "year": years,
        "day": days,
        "amount": amounts,
        "source": sources,
        "project": st.sampled_from([None, None, "ours", "NOPE"]),
        "voucher": st.sampled_from(["V-1", "V-2", "V-3", "existing", None, "", 20220001.0]),
        "note": notes,
        "reason": reasons,
    }
)


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of two rows, so that the columnar path decides for few rows at a time."""
    monkeypatch.setattr(validation, "CHUNK", 2)


def ledger_rows(target: Pairing, code: str, drawn: list[dict[str, Any]]) -> list[list[Any]]:
    made = [HEADER + TAIL]
    for number, row in enumerate(drawn):
        voucher = row["voucher"]
        if voucher in ("V-1", "V-2", "V-3"):  # repeated vouchers: duplicates now and then
            voucher = f"{voucher}-{number % 3}"
        made.append(
            [
                str(target) if row["pairing"] == "ours" else "没有这个结对",
                row["kind"],
                row["year"],
                row["day"],
                row["amount"],
                row["source"],
                code if row["project"] == "ours" else row["project"],
                voucher,
                row["note"],
                row["reason"],
            ]
        )
    return made


def checked(path: Path, *, columnar_on: bool) -> tuple[bytes, list[dict[str, Any]], Any]:
    with override_settings(PAIRAID_IMPORT_COLUMNAR=columnar_on):
        report = services.check_file(path)
    return bytes(report.statuses), [e.as_dict() for e in report.errors], report.preview


@EXAMPLES
@given(drawn=st.lists(rows, min_size=1, max_size=9))
def test_it_accepts_and_refuses_the_same_rows_with_the_same_messages(
    build, tmp_path, small_chunks, drawn
):
    n = next(_serial)
    target = build.pairing(f"列式{n}甲区", f"列式{n}乙县")
    project = build.project(target, code=f"P-{n}")
    build.flow(target, "100.00", voucher="existing")
    path = files.write_rows(tmp_path / f"drawn-{n}.xlsx", ledger_rows(target, project.code, drawn))

    assert checked(path, columnar_on=True) == checked(path, columnar_on=False)


def valid_rows(target: Pairing, code: str, count: int) -> list[list[Any]]:
    made = [HEADER + TAIL]
    for i in range(count):
        made.append(
            [
                str(target),
                "支出" if i % 5 == 0 else "拨付",
                2019 + i % 4,
                dt.date(2019 + i % 4, 1 + i % 12, 1 + i % 28),
                Decimal(f"{1000 + i}.{i % 100:02d}"),
                "财政援助资金" if i % 3 else "社会帮扶资金",
                code if i % 5 == 0 else None,
                f"VAL-{i}",
                f"第{i}笔" if i % 2 else None,
                "项目跨年度实施" if i % 7 == 0 else None,
            ]
        )
    return made


def imported(build, tmp_path: Path, name: str, *, columnar_on: bool) -> tuple[Pairing, Any]:
    target = build.pairing(f"{name}甲区", f"{name}乙县")
    project = build.project(target, code="P-1")
    path = files.write_rows(tmp_path / f"{name}.xlsx", valid_rows(target, project.code, 23))
    with override_settings(PAIRAID_IMPORT_COLUMNAR=columnar_on):
        batch, report = services.import_file(path)
    assert report.added == 23 and not report.errors
    return target, batch


def flows_of(target: Pairing) -> list[tuple[Any, ...]]:
    return list(
        FundFlow.objects.filter(pairing=target)
        .order_by("pk")
        .values_list(
            "kind", "fund_year", "date", "amount", "source", "project__code", "voucher", "note",
            "cross_year_reason", "confirmation", "is_demo", "reverses",
        )
    )  # fmt: skip


def entries_of(target: Pairing) -> list[tuple[Any, ...]]:
    entries = AuditEntry.objects.filter(pairing=target, action="fundflow.recorded")
    made = []
    for entry in entries.order_by("pk"):
        changes = dict(entry.changes)
        assert changes.pop("pairing") == target.pk
        project = changes.pop("project")
        made.append((entry.actor, entry.record_repr, project is None, sorted(changes.items())))
    return made


def rollups_of(target: Pairing) -> list[tuple[Any, ...]]:
    return sorted(
        FundRollup.objects.filter(pairing=target).values_list(
            "kind", "source", "fund_year", "month", "confirmation", "amount", "flow_count"
        )
    )


def verify() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out, stderr=out)
    return out.getvalue()


def test_it_writes_the_same_records_entries_and_rollups_as_the_per_row_path(
    build, tmp_path, monkeypatch
):
    monkeypatch.setattr(validation, "CHUNK", 7)  # several chunks, the last one short
    calls = []
    written = ledger.bulk_record_fund_flow_columns

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(len(args[0]))
        return written(*args, **kwargs)

    monkeypatch.setattr(ledger, "bulk_record_fund_flow_columns", spy)
    fast, batch = imported(build, tmp_path, "列式写入", columnar_on=True)
    slow, _batch = imported(build, tmp_path, "逐行写入", columnar_on=False)

    assert calls == [7, 7, 7, 2]
    assert flows_of(fast) == flows_of(slow)
    assert entries_of(fast) == entries_of(slow)
    assert rollups_of(fast) == rollups_of(slow)
    assert "哈希链完整" in verify()
    ids = [pk for change in batch.changes.order_by("pk") for pk in change.data["ids"]]
    assert ids == list(
        FundFlow.objects.filter(pairing=fast).order_by("pk").values_list("pk", flat=True)
    )


def test_it_rolls_back_an_import_written_a_column_at_a_time(build, tmp_path):
    fast, batch = imported(build, tmp_path, "列式撤销", columnar_on=True)

    services.rollback_batch(batch)

    live = FundFlow.objects.filter(pairing=fast, reverses__isnull=True, reversed_by__isnull=True)
    assert not live.exists()
    assert FundFlow.objects.filter(pairing=fast, reverses__isnull=False).count() == 23
    assert sum(amount for *_key, amount, _n in rollups_of(fast)) == 0
    assert "哈希链完整" in verify()


def test_it_refuses_a_row_someone_recorded_between_the_check_and_the_write(
    build, tmp_path, monkeypatch
):
    target = build.pairing("列式并发甲区", "列式并发乙县")
    project = build.project(target, code="P-1")
    path = files.write_rows(tmp_path / "race.xlsx", valid_rows(target, project.code, 9))
    monkeypatch.setattr(validation, "CHUNK", 4)
    write = columnar.ColumnarPass.write_kept

    def meanwhile(self: Any, kept: Any) -> None:
        build.flow(  # the key of row 8 (VAL-6: a transfer of social cash)
            target, "5.00", year=2021, voucher="VAL-6", source=FundFlow.Source.SOCIAL_CASH
        )
        write(self, kept)

    monkeypatch.setattr(columnar.ColumnarPass, "write_kept", meanwhile)
    with pytest.raises(Exception, match="第8行：检查文件之后"):
        services.import_file(path)

    live = FundFlow.objects.filter(pairing=target, reverses__isnull=True, reversed_by__isnull=True)
    assert list(live.values_list("voucher", flat=True)) == ["VAL-6"]
    assert "哈希链完整" in verify()
