"""`pairaid import` refuses a row that breaks a record's own rules — not a bad cell, but a row
whose cells are each fine and together wrong — naming the sheet, the row and the column in
Chinese, and writes nothing from a refused file:

- dates out of order (an event ending before it starts, a posting left before it began, an
  agreement's term ending before it starts, a project finished before it started);
- a stage that needs what the row lacks (an allocation without a project, a started project
  without its start date, a signed agreement without its signing date), a cadre with a
  profession, money dated after today or a year away from its fund year without a reason;
- references that the row's pairing does not own (a project, an agreement or a team of another
  pairing; an event of a sibling pairing — but one of the pairing above it is accepted), a
  person not yet in the list, a unit whose name two units share;
- a record twice in one file, by its key.

A file of good and bad rows imports its good rows with --valid-only, and the rejected rows go to
--rejected-out with their reasons. The pairings and the records they name are built once for
the module; each test's import is rolled back after it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import exchange_files as files
import pytest
from builders import Builder
from django.utils import timezone
from openpyxl import load_workbook
from shared_records import for_the_module

from pairaid.ledger import services
from pairaid.ledger.models import (
    Agreement,
    AuditEntry,
    Event,
    FundFlow,
    Organisation,
    Pairing,
    Person,
    Posting,
    Project,
    Task,
    Team,
)

HEADERS = {
    "events": ["结对关系", "类型", "标题", "开始日期", "结束日期"],
    "postings": ["人员编号", "结对关系", "到岗日期", "计划期满", "实际离岗", "组团式团队"],
    "agreements": [
        "结对关系", "协议名称", "类型", "状态", "签订日期", "签约（见证）活动", "期限起", "期限止"
    ],
    "projects": [
        "结对关系", "项目编号", "项目名称", "领域", "帮扶方式", "实施地点", "实施单位", "状态",
        "开工日期", "完工日期",
    ],
    "funds": [
        "结对关系", "类型", "资金年度", "日期", "金额（元）", "资金来源", "项目编号", "凭证或文号",
        "跨年度说明",
    ],
    "persons": ["人员编号", "姓名", "性别", "类别", "专业类别", "派出单位"],
    "tasks": ["结对关系", "事项", "来源活动", "来源协议", "责任单位"],
}  # fmt: skip


@dataclass
class Scene:
    pairing: Pairing  # 规则甲区→规则乙县, under `parent`
    sibling: Pairing  # 规则丙区→规则丁县, under `parent` too
    parent: Pairing
    outside: str  # a county of neither side


def make() -> Scene:
    build = Builder()
    parent = build.pairing("规则市", "规则州", valid_from=dt.date(2016, 1, 1))
    pairing = build.pairing("规则甲区", "规则乙县", parent=parent, valid_from=dt.date(2016, 1, 1))
    sibling = build.pairing("规则丙区", "规则丁县", parent=parent, valid_from=dt.date(2016, 1, 1))
    outside = build.region("规则外县")
    for where, title in ((parent, "规则上级联席会议"), (sibling, "规则兄弟活动")):
        services.create_record(
            Event,
            acting_user=None,
            via="test",
            pairing=where,
            kind=Event.Kind.JOINT_MEETING,
            title=title,
            start_date=dt.date(2022, 4, 1),
        )
    services.create_record(
        Agreement,
        acting_user=None,
        via="test",
        pairing=sibling,
        title="规则兄弟协议",
        kind=Agreement.Kind.choices[0][0],
    )
    services.create_record(
        Agreement,
        acting_user=None,
        via="test",
        pairing=pairing,
        title="规则本协议",
        kind=Agreement.Kind.choices[0][0],
    )
    services.create_record(Team, acting_user=None, via="test", pairing=sibling, name="规则兄弟团队")
    build.project(sibling, code="GZ-S-1")
    build.project(pairing, code="GZ-P-1")
    build.organisation("规则实施单位", pairing.recipient_region)
    for region in (pairing.recipient_region, sibling.recipient_region):
        build.organisation("规则同名单位", region)
    build.person("规则已在", number="GZ-1")
    return Scene(pairing=pairing, sibling=sibling, parent=parent, outside=outside.name)


@pytest.fixture(scope="module")
def kept(django_db_setup, django_db_blocker):
    yield from for_the_module(django_db_blocker, make)


@pytest.fixture
def scene(kept: Scene, db) -> Scene:
    return kept


@pytest.fixture(params=files.FORMATS)
def fmt(request) -> str:
    return request.param


def write(tmp_path: Path, fmt: str, kind: str, *rows: Sequence[Any]) -> Path:
    return files.write_rows(tmp_path / f"{kind}.{fmt}", [HEADERS[kind], *rows])


def errors(table: str) -> list[tuple[str, str, str]]:
    """(row, column, message) of each line of the refusal's table."""
    found = []
    for line in table.splitlines():
        parts = line.split("\t")
        if len(parts) == 4 and parts[1].isdigit():
            found.append((parts[1], parts[2], parts[3]))
    return found


def refused_only(path: Path, row: int, column: str, message: str) -> None:
    """The file is refused for that one reason, and nothing of it is written."""
    audit_before = AuditEntry.objects.count()
    table = files.refused(path)
    assert errors(table) == [(str(row), column, message)], table
    assert "未写入任何数据" in table
    assert AuditEntry.objects.count() == audit_before


# --- dates out of order -------------------------------------------------------------------------


def test_it_refuses_an_event_that_ends_before_it_starts(scene, tmp_path, fmt):
    path = write(
        tmp_path, fmt, "events",
        [str(scene.pairing), "联席会议", "规则倒序会议", "2022-05-02", "2022-05-01"],
    )  # fmt: skip
    refused_only(path, 2, "结束日期", "结束日期不能早于开始日期")
    assert not Event.objects.filter(title="规则倒序会议").exists()


def test_it_accepts_an_event_of_one_day(scene, tmp_path, fmt):
    path = write(
        tmp_path, fmt, "events",
        [str(scene.pairing), "联席会议", "规则一日会议", "2022-05-02", "2022-05-02"],
    )  # fmt: skip
    assert files.counts(files.import_(path))["added"] == 1
    event = Event.objects.get(title="规则一日会议")
    assert event.pairing == scene.pairing and event.start_date == event.end_date


@pytest.mark.parametrize(
    ("planned", "left", "column", "message"),
    [
        ("2022-02-28", "", "计划期满", "计划期满不能早于到岗日期"),
        ("2024-02-28", "2022-02-28", "实际离岗", "实际离岗不能早于到岗日期"),
    ],
)
def test_it_refuses_a_posting_that_ends_before_it_began(
    scene, tmp_path, fmt, planned, left, column, message
):
    path = write(
        tmp_path, fmt, "postings", ["GZ-1", str(scene.pairing), "2022-03-01", planned, left, ""]
    )
    refused_only(path, 2, column, message)
    assert not Posting.objects.filter(person__number="GZ-1").exists()


def test_it_refuses_an_agreement_whose_term_ends_before_it_starts(scene, tmp_path, fmt):
    path = write(
        tmp_path, fmt, "agreements",
        [str(scene.pairing), "规则倒期协议", "年度协议", "", "", "", "2023-01-01", "2022-12-31"],
    )  # fmt: skip
    refused_only(path, 2, "期限止", "期限止不能早于期限起")


def test_it_refuses_a_project_finished_before_it_started(scene, tmp_path, fmt):
    path = write(
        tmp_path, fmt, "projects",
        [str(scene.pairing), "GZ-NEW-1", "规则倒序项目", "产业", "造血", "", "", "已完工",
         "2022-06-01", "2022-05-31"],
    )  # fmt: skip
    refused_only(path, 2, "完工日期", "完工日期不能早于开工日期")
    assert not Project.objects.filter(code="GZ-NEW-1").exists()


# --- what a stage needs ---------------------------------------------------------------------------


def test_it_refuses_a_started_project_without_its_start_date(scene, tmp_path, fmt):
    path = write(
        tmp_path, fmt, "projects",
        [str(scene.pairing), "GZ-NEW-2", "规则无日期项目", "产业", "造血", "", "", "实施中",
         "", ""],
    )  # fmt: skip
    refused_only(path, 2, "开工日期", "已开工的项目须填写开工日期")


def test_it_refuses_a_signed_agreement_without_its_signing_date(scene, tmp_path, fmt):
    path = write(
        tmp_path, fmt, "agreements",
        [str(scene.pairing), "规则未注日期协议", "年度协议", "已签订", "", "", "", ""],
    )  # fmt: skip
    refused_only(path, 2, "签订日期", "已签订的协议须填写签订日期")


def test_it_refuses_a_profession_for_a_cadre(scene, tmp_path, fmt):
    path = write(tmp_path, fmt, "persons", ["GZ-NEW-P", "规则干部", "男", "党政干部", "教师", ""])
    refused_only(path, 2, "专业类别", "党政干部不填写专业类别")
    assert not Person.objects.filter(number="GZ-NEW-P").exists()


def test_it_refuses_an_allocation_without_a_project(scene, tmp_path, fmt):
    path = write(
        tmp_path, fmt, "funds",
        [str(scene.pairing), "分配到项目", 2022, "2022-06-01", "100.00", "财政援助资金", "",
         "GZ-V-1", ""],
    )  # fmt: skip
    refused_only(path, 2, "项目编号", "分配和支出须指明项目")


def test_it_refuses_money_dated_after_today(scene, tmp_path, fmt):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    path = write(
        tmp_path, fmt, "funds",
        [str(scene.pairing), "拨付", tomorrow.year, tomorrow.isoformat(), "100.00",
         "财政援助资金", "", "GZ-V-2", ""],
    )  # fmt: skip
    refused_only(path, 2, "日期", "日期不能晚于今天")
    assert not FundFlow.objects.filter(voucher="GZ-V-2").exists()


def test_it_takes_money_dated_today(scene, tmp_path, fmt):
    today = timezone.localdate()
    path = write(
        tmp_path, fmt, "funds",
        [str(scene.pairing), "拨付", today.year, today.isoformat(), "100.00",
         "财政援助资金", "", "GZ-V-3", ""],
    )  # fmt: skip
    assert files.counts(files.import_(path))["added"] == 1
    flow = FundFlow.objects.get(voucher="GZ-V-3")
    assert flow.date == today and flow.amount == Decimal("100.00")


def test_it_asks_a_reason_for_money_a_year_away_from_its_fund_year(scene, tmp_path, fmt):
    row = [str(scene.pairing), "拨付", 2019, "2021-03-01", "100.00", "财政援助资金", "", "GZ-V-4"]
    path = write(tmp_path, fmt, "funds", [*row, ""])
    table = files.refused(path)
    [(number, column, message)] = errors(table)
    assert (number, column) == ("2", "跨年度说明") and "跨年度说明" in message

    path = write(tmp_path, fmt, "funds", [*row, "项目延期拨付"])
    assert files.counts(files.import_(path))["added"] == 1
    assert FundFlow.objects.get(voucher="GZ-V-4").cross_year_reason == "项目延期拨付"


# --- references the row's pairing owns ------------------------------------------------------------


def test_it_refuses_a_project_of_another_pairing(scene, tmp_path, fmt):
    path = write(
        tmp_path, fmt, "funds",
        [str(scene.pairing), "分配到项目", 2022, "2022-06-01", "100.00", "财政援助资金", "GZ-S-1",
         "GZ-V-5", ""],
    )  # fmt: skip
    refused_only(path, 2, "项目编号", f"结对关系“{scene.pairing}”中没有项目编号“GZ-S-1”")


def test_it_finds_the_project_of_the_rows_own_pairing(scene, tmp_path, fmt):
    path = write(
        tmp_path, fmt, "funds",
        [str(scene.pairing), "分配到项目", 2022, "2022-06-01", "100.00", "财政援助资金", "GZ-P-1",
         "GZ-V-6", ""],
    )  # fmt: skip
    files.import_(path)
    assert FundFlow.objects.get(voucher="GZ-V-6").project.pairing == scene.pairing


def test_it_refuses_an_agreement_of_another_pairing_as_a_tasks_source(scene, tmp_path, fmt):
    path = write(tmp_path, fmt, "tasks", [str(scene.pairing), "规则事项", "", "规则兄弟协议", ""])
    refused_only(path, 2, "来源协议", "该结对关系中没有协议“规则兄弟协议”")
    path = write(tmp_path, fmt, "tasks", [str(scene.pairing), "规则事项", "", "规则本协议", ""])
    files.import_(path)
    assert Task.objects.get(title="规则事项").agreement.pairing == scene.pairing


def test_it_accepts_an_event_of_the_pairing_above_but_not_of_a_sibling(scene, tmp_path, fmt):
    row = [str(scene.pairing), "规则签约协议", "年度协议", "", "", "规则兄弟活动", "", ""]
    refused_only(
        write(tmp_path, fmt, "agreements", row), 2, "签约（见证）活动",
        "没有标题为“规则兄弟活动”的活动",
    )  # fmt: skip
    row[5] = "规则上级联席会议"
    files.import_(write(tmp_path, fmt, "agreements", row))
    agreement = Agreement.objects.get(title="规则签约协议")
    assert agreement.pairing == scene.pairing and agreement.event.pairing == scene.parent


def test_it_refuses_a_team_of_another_pairing(scene, tmp_path, fmt):
    path = write(
        tmp_path,
        fmt,
        "postings",
        ["GZ-1", str(scene.pairing), "2022-03-01", "", "", "规则兄弟团队"],
    )
    refused_only(path, 2, "组团式团队", "该结对关系中没有团队“规则兄弟团队”")


def test_it_refuses_a_person_not_yet_in_the_list(scene, tmp_path, fmt):
    path = write(
        tmp_path, fmt, "postings", ["GZ-404", str(scene.pairing), "2022-03-01", "", "", ""]
    )
    refused_only(path, 2, "人员编号", "没有人员编号“GZ-404”：请先导入干部人才名单")


def test_it_refuses_a_unit_whose_name_two_units_share(scene, tmp_path, fmt):
    path = write(
        tmp_path, fmt, "tasks", [str(scene.pairing), "规则同名事项", "", "", "规则同名单位"]
    )
    refused_only(path, 2, "责任单位", "单位名称“规则同名单位”不唯一")
    path = write(
        tmp_path, fmt, "tasks", [str(scene.pairing), "规则同名事项", "", "", "规则实施单位"]
    )
    files.import_(path)
    assert Task.objects.get(title="规则同名事项").owner == Organisation.objects.get(
        name="规则实施单位"
    )


def test_it_refuses_a_project_placed_outside_both_sides(scene, tmp_path, fmt):
    path = write(
        tmp_path, fmt, "projects",
        [str(scene.pairing), "GZ-NEW-3", "规则外地项目", "产业", "造血", scene.outside, "",
         "计划", "", ""],
    )  # fmt: skip
    recipient = scene.pairing.recipient_region.name
    refused_only(path, 2, "实施地点", f"实施地点应在受援方（{recipient}）的区划范围内")


# --- a record twice in one file ------------------------------------------------------------------


def test_it_names_the_first_row_of_a_record_given_twice(scene, tmp_path, fmt):
    row = [str(scene.pairing), "联席会议", "规则重复会议", "2022-05-02", ""]
    other = [str(scene.pairing), "座谈", "规则另一会议", "2022-05-03", ""]
    path = write(tmp_path, fmt, "events", row, other, row)
    refused_only(
        path, 4, "标题",
        "与第2行是同一条记录（结对关系、标题和开始日期相同），同一记录在文件中只能出现一次",
    )  # fmt: skip


def test_the_same_title_on_another_day_is_another_event(scene, tmp_path, fmt):
    path = write(
        tmp_path, fmt, "events",
        [str(scene.pairing), "联席会议", "规则年度会议", "2022-05-02", ""],
        [str(scene.pairing), "联席会议", "规则年度会议", "2023-05-02", ""],
    )  # fmt: skip
    assert files.counts(files.import_(path))["added"] == 2


def test_a_person_given_twice_is_refused_by_the_number(scene, tmp_path, fmt):
    path = write(
        tmp_path, fmt, "persons",
        ["GZ-TWICE", "规则甲", "男", "党政干部", "", ""],
        ["GZ-TWICE", "规则乙", "女", "党政干部", "", ""],
    )  # fmt: skip
    [(number, column, message)] = errors(files.refused(path))
    assert (number, column) == ("3", "人员编号") and "与第2行是同一条记录" in message


# --- good rows and bad rows together --------------------------------------------------------------


def test_it_imports_the_good_rows_only_when_asked_and_hands_back_the_others(scene, tmp_path, fmt):
    rows = [
        [str(scene.pairing), "联席会议", "规则好会议一", "2022-05-02", ""],
        [str(scene.pairing), "联席会议", "规则坏会议", "2022-05-02", "2022-05-01"],
        [str(scene.pairing), "不存在的类型", "规则坏类型", "2022-05-02", ""],
        [str(scene.pairing), "座谈", "规则好会议二", "2022-05-04", "2022-05-05"],
    ]
    path = write(tmp_path, fmt, "events", *rows)
    assert len(errors(files.refused(path))) == 2
    assert not Event.objects.filter(title__startswith="规则好会议").exists()

    rejected = tmp_path / "rejected.xlsx"
    summary = files.import_(path, "--valid-only", "--rejected-out", str(rejected))

    assert files.counts(summary) == {"added": 2, "changed": 0, "unchanged": 0, "rejected": 2}
    assert set(
        Event.objects.filter(pairing=scene.pairing, title__startswith="规则").values_list(
            "title", flat=True
        )
    ) == {"规则好会议一", "规则好会议二"}
    sheet = load_workbook(rejected).active
    handed_back = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert handed_back[0][-1] == "错误原因"
    assert [row[2] for row in handed_back[1:]] == ["规则坏会议", "规则坏类型"]
    assert "结束日期不能早于开始日期" in handed_back[1][-1]


def test_a_dry_run_reports_the_same_refusals_and_writes_nothing(scene, tmp_path, fmt):
    path = write(
        tmp_path, fmt, "events",
        [str(scene.pairing), "联席会议", "规则试运行会议", "2022-05-02", "2022-05-01"],
    )  # fmt: skip
    table = files.refused(path, "--dry-run")
    assert errors(table) == [("2", "结束日期", "结束日期不能早于开始日期")]
    good = write(
        tmp_path,
        fmt,
        "events",
        [str(scene.pairing), "联席会议", "规则试运行会议", "2022-05-02", ""],
    )
    assert "校验通过（试运行，未写入）" in files.import_(good, "--dry-run")
    assert not Event.objects.filter(title="规则试运行会议").exists()
