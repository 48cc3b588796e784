"""`pairaid rollback-import` for every kind besides the fund ledger (whose reversals
tests/test_exchange_import.py covers): a batch that added records deletes them, a batch that
changed records puts back the values they had — each with an audit entry naming the import —
and a rollback that cannot be whole (a record changed since, or one a later record refers to)
undoes nothing and says why in Chinese. A batch is rolled back once; a batch number that does
not exist is named.

A pairing and the records the files name are built once for the module; each test's imports
and rollbacks are rolled back after it."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import exchange_files as files
import pytest
from builders import Builder
from django.core.management import call_command
from django.core.management.base import CommandError
from shared_records import for_the_module

from pairaid.exchange.models import ImportBatch
from pairaid.ledger import services
from pairaid.ledger.models import (
    Agreement,
    AuditEntry,
    Event,
    Pairing,
    Person,
    Posting,
    Project,
    Target,
    Task,
)


@dataclass
class Scene:
    pairing: Pairing


def make() -> Scene:
    build = Builder()
    pairing = build.pairing("撤销甲区", "撤销乙县", valid_from=dt.date(2016, 1, 1))
    build.organisation("撤销责任单位", pairing.helper_region)
    return Scene(pairing=pairing)


@pytest.fixture(scope="module")
def kept(django_db_setup, django_db_blocker):
    yield from for_the_module(django_db_blocker, make)


@pytest.fixture
def scene(kept: Scene, db) -> Scene:
    return kept


def imported(tmp_path: Path, name: str, header: Sequence[str], *rows: Sequence[Any]) -> int:
    """Import the rows (csv) and give the batch's number."""
    path = files.write_rows(tmp_path / f"{name}.csv", [list(header), *rows])
    summary = files.import_(path)
    return int(re.search(r"导入批次 #(\d+)", summary).group(1))


def rollback(batch: int, *options: str) -> str:
    out = io.StringIO()
    call_command("rollback_import", str(batch), *options, stdout=out)
    return out.getvalue()


def rollback_refused(batch: int, *options: str) -> str:
    with pytest.raises(CommandError) as refused:
        rollback(batch, *options)
    return str(refused.value)


EVENTS = ["结对关系", "类型", "标题", "开始日期", "结束日期", "地点"]
AGREEMENTS = ["结对关系", "协议名称", "类型", "签约（见证）活动", "合同金额（元）"]
TASKS = ["结对关系", "事项", "责任单位", "完成时限", "状态"]
TARGETS = ["结对关系", "年度", "指标", "目标值"]
PERSONS = ["人员编号", "姓名", "性别", "类别", "专业类别"]
POSTINGS = ["人员编号", "结对关系", "到岗日期", "挂任职务", "批次"]
PROJECTS = ["结对关系", "项目编号", "项目名称", "领域", "帮扶方式", "状态", "开工日期", "进度（%）"]


def test_it_deletes_the_events_a_batch_added_with_an_entry_each(scene, tmp_path):
    pairing = str(scene.pairing)
    batch = imported(
        tmp_path, "events", EVENTS,
        [pairing, "联席会议", "撤销会议一", "2022-04-01", "2022-04-02", "撤销乙县"],
        [pairing, "座谈", "撤销会议二", "2022-05-01", "", ""],
    )  # fmt: skip
    made = list(Event.objects.filter(pairing=scene.pairing).values_list("pk", flat=True))
    assert len(made) == 2
    created = AuditEntry.objects.filter(record_type="event", record_id__in=map(str, made))
    assert created.count() == 2 and set(created.values_list("actor", flat=True)) == {"import"}

    printed = rollback(batch)

    assert f"已撤销导入批次 #{batch}（events.csv）" in printed
    assert not Event.objects.filter(pairing=scene.pairing).exists()
    entries = AuditEntry.objects.filter(record_type="event", record_id__in=map(str, made))
    assert entries.count() == 4  # made, then deleted
    assert ImportBatch.objects.get(pk=batch).status == ImportBatch.Status.ROLLED_BACK


def test_it_puts_back_the_values_a_batch_changed(scene, tmp_path):
    pairing = str(scene.pairing)
    first = imported(
        tmp_path, "events", EVENTS,
        [pairing, "联席会议", "撤销改动会议", "2022-04-01", "2022-04-02", "撤销乙县"],
    )  # fmt: skip
    second = imported(
        tmp_path, "events2", EVENTS,
        [pairing, "联席会议", "撤销改动会议", "2022-04-01", "2022-04-03", "西昌市"],
    )  # fmt: skip
    event = Event.objects.get(title="撤销改动会议")
    assert (event.end_date, event.places) == (dt.date(2022, 4, 3), "西昌市")

    rollback(second)

    event.refresh_from_db()
    assert (event.end_date, event.places) == (dt.date(2022, 4, 2), "撤销乙县")
    assert ImportBatch.objects.get(pk=first).status == ImportBatch.Status.IMPORTED
    rollback(first)
    assert not Event.objects.filter(title="撤销改动会议").exists()


def test_it_puts_back_an_agreements_amount_to_the_fen(scene, tmp_path):
    pairing = str(scene.pairing)
    imported(tmp_path, "a1", AGREEMENTS, [pairing, "撤销协议", "年度协议", "", "1234567.89"])
    changed = imported(tmp_path, "a2", AGREEMENTS, [pairing, "撤销协议", "年度协议", "", "0.01"])
    assert Agreement.objects.get(title="撤销协议").amount == Decimal("0.01")

    rollback(changed)

    assert Agreement.objects.get(title="撤销协议").amount == Decimal("1234567.89")


def test_it_puts_back_a_blank_that_a_batch_filled(scene, tmp_path):
    pairing = str(scene.pairing)
    imported(tmp_path, "t1", TASKS, [pairing, "撤销事项", "", "", "推进中"])
    changed = imported(
        tmp_path, "t2", TASKS, [pairing, "撤销事项", "撤销责任单位", "2023-01-31", "已完成"]
    )
    task = Task.objects.get(title="撤销事项")
    assert task.owner is not None and task.due_date == dt.date(2023, 1, 31)

    rollback(changed)

    task.refresh_from_db()
    assert task.owner is None and task.due_date is None
    assert task.get_status_display() == "推进中"


def test_it_puts_back_a_target_value(scene, tmp_path):
    pairing = str(scene.pairing)
    imported(tmp_path, "g1", TARGETS, [pairing, 2022, "拨付资金（元）", "26000000"])
    changed = imported(tmp_path, "g2", TARGETS, [pairing, 2022, "拨付资金（元）", "30000000.50"])
    target = Target.objects.get(pairing=scene.pairing, year=2022)
    assert target.value == Decimal("30000000.50")

    rollback(changed)

    target.refresh_from_db()
    assert target.value == Decimal("26000000")


def test_it_deletes_persons_and_their_postings_newest_first(scene, tmp_path):
    persons = imported(
        tmp_path, "p", PERSONS,
        ["CX-1", "撤销甲", "男", "党政干部", ""],
        ["CX-2", "撤销乙", "女", "专业技术人才", "医生"],
    )  # fmt: skip
    postings = imported(
        tmp_path, "q", POSTINGS,
        ["CX-1", str(scene.pairing), "2022-03-01", "副县长", 1],
        ["CX-2", str(scene.pairing), "2022-03-01", "", 1],
    )  # fmt: skip
    assert Posting.objects.filter(pairing=scene.pairing).count() == 2

    # The persons are referred to by the postings made after them: not while these stand.
    message = rollback_refused(persons)
    assert "仍被其他记录引用，不能删除" in message
    assert Person.objects.filter(number__in=["CX-1", "CX-2"]).count() == 2
    assert ImportBatch.objects.get(pk=persons).status == ImportBatch.Status.IMPORTED

    rollback(postings)
    rollback(persons)

    assert not Posting.objects.filter(pairing=scene.pairing).exists()
    assert not Person.objects.filter(number__in=["CX-1", "CX-2"]).exists()


def test_it_refuses_over_a_value_changed_since_and_undoes_nothing(scene, tmp_path):
    pairing = str(scene.pairing)
    imported(
        tmp_path, "r1", PROJECTS, [pairing, "CX-P-1", "撤销项目", "产业", "造血", "计划", "", ""]
    )
    changed = imported(
        tmp_path, "r2", PROJECTS,
        [pairing, "CX-P-1", "撤销项目", "产业", "造血", "实施中", "2022-03-01", 30],
        [pairing, "CX-P-2", "撤销新项目", "教育", "输血", "计划", "", ""],
    )  # fmt: skip
    project = Project.objects.get(code="CX-P-1")
    services.update_record(project, acting_user=None, via="test", progress=45)

    message = rollback_refused(changed)

    assert "在导入后又被修改" in message and "进度" in message
    assert Project.objects.filter(code="CX-P-2").exists()  # the added one is still there
    project.refresh_from_db()
    assert project.progress == 45 and project.start_date == dt.date(2022, 3, 1)
    assert ImportBatch.objects.get(pk=changed).status == ImportBatch.Status.IMPORTED


def test_it_refuses_to_delete_an_event_an_agreement_made_since_refers_to(scene, tmp_path):
    pairing = str(scene.pairing)
    batch = imported(tmp_path, "e", EVENTS, [pairing, "签约", "撤销签约仪式", "2022-06-01", "", ""])
    services.create_record(
        Agreement,
        acting_user=None,
        via="test",
        pairing=scene.pairing,
        title="撤销后签协议",
        kind=Agreement.Kind.choices[0][0],
        event=Event.objects.get(title="撤销签约仪式"),
    )

    message = rollback_refused(batch)

    assert "撤销签约仪式" in message and "仍被其他记录引用" in message
    assert Event.objects.filter(title="撤销签约仪式").exists()


def test_it_rolls_back_a_batch_once(scene, tmp_path):
    batch = imported(
        tmp_path, "once", EVENTS,
        [str(scene.pairing), "联席会议", "撤销一次会议", "2022-04-01", "", ""],
    )  # fmt: skip
    rollback(batch)

    assert rollback_refused(batch) == "只有已导入的批次可以撤销"


def test_it_names_a_batch_that_does_not_exist(db):
    missing = (ImportBatch.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    assert rollback_refused(missing) == f"没有导入批次 #{missing}"


def test_it_names_a_user_that_does_not_exist(scene, tmp_path):
    batch = imported(
        tmp_path, "user", EVENTS,
        [str(scene.pairing), "联席会议", "撤销用户会议", "2022-04-01", "", ""],
    )  # fmt: skip
    assert rollback_refused(batch, "--user", "无此人") == "没有用户“无此人”"
    assert Event.objects.filter(title="撤销用户会议").exists()


def test_a_dry_run_makes_no_batch_to_roll_back(scene, tmp_path):
    before = ImportBatch.objects.count()
    path = files.write_rows(
        tmp_path / "dry.csv",
        [EVENTS, [str(scene.pairing), "联席会议", "撤销试运行会议", "2022-04-01", "", ""]],
    )
    printed = files.import_(path, "--dry-run")
    assert "导入批次" not in printed and ImportBatch.objects.count() == before
    assert not Event.objects.filter(title="撤销试运行会议").exists()
