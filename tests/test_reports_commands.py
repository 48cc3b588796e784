"""`pairaid report`, `pairaid freeze-briefing` and `pairaid compare-briefing` on the command
line: what each refuses and how it says so in Chinese (a pairing it cannot find, a name that
fits several pairings, a date not written YYYY-MM-DD, a file whose format it cannot tell, a user
or a frozen briefing that does not exist, a user who does not see the pairing) — writing no file
and freezing nothing when it refuses — and what a freeze as a user keeps: that user, the note,
an audit entry, and the user's scope.

The pairings are built once for the module."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass

import pytest
from builders import Builder
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook
from shared_records import for_the_module

from pairaid.ledger.models import AuditEntry, Pairing
from pairaid.reports.models import FrozenBriefing


@dataclass
class Scene:
    first: Pairing  # 命令甲区→命令乙县
    second: Pairing  # 命令甲区→命令丙县: the same helper


def make() -> Scene:
    build = Builder()
    first = build.pairing("命令甲区", "命令乙县", valid_from=dt.date(2016, 1, 1))
    second = Pairing.objects.get(
        pk=build._create(
            Pairing,
            helper_region=first.helper_region,
            recipient_region=build.region("命令丙县"),
            scheme=first.scheme,
            valid_from=dt.date(2018, 1, 1),
        ).pk
    )
    build.flow(first, "1234567.89", year=2021)
    build.flow(second, "7654321.01", year=2021)
    return Scene(first=first, second=second)


@pytest.fixture(scope="module")
def kept(django_db_setup, django_db_blocker):
    yield from for_the_module(django_db_blocker, make)


@pytest.fixture
def scene(kept: Scene, db) -> Scene:
    return kept


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def refused(*args: str) -> str:
    with pytest.raises(CommandError) as refusal:
        run(*args)
    return str(refusal.value)


def test_it_names_a_pairing_it_cannot_find(scene, tmp_path):
    path = tmp_path / "none.xlsx"

    message = refused("report", "briefing", "--pairing", "没有这个区", "-o", str(path))

    assert message == "找不到结对关系：没有这个区" and not path.exists()


def test_it_lists_the_pairings_a_shared_helpers_name_fits(scene, tmp_path):
    path = tmp_path / "both.xlsx"

    message = refused("report", "briefing", "--pairing", "命令甲区", "-o", str(path))

    assert message == (
        f"“命令甲区”对应多个结对关系（{scene.first}、{scene.second}），请写帮扶方或受援方全称"
    )
    assert not path.exists()


def test_the_recipients_name_finds_one_of_them(scene, tmp_path):
    path = tmp_path / "one.xlsx"

    printed = run("report", "briefing", "--pairing", "命令丙县", "--as-of", "2022-12-04",
                  "-o", str(path))  # fmt: skip

    assert printed.startswith("已生成 命令甲区对口帮扶工作情况简报：")
    rows = list(load_workbook(path)["概况"].iter_rows(values_only=True))
    assert ("结对关系", str(scene.second)) in rows
    assert "命令甲区累计投入各类帮扶资金765.43万元，实施帮扶项目0个，选派干部人才0人。" in [
        row[0] for row in rows
    ]


@pytest.mark.parametrize("written", ["2022/12/04", "2022-13-01", "昨天"])
def test_it_refuses_a_date_not_written_as_iso(scene, tmp_path, written):
    path = tmp_path / "date.xlsx"

    message = refused(
        "report", "annual", "--pairing", "命令乙县", "--as-of", written, "-o", str(path)
    )

    assert message == f"日期格式应为 YYYY-MM-DD：{written}" and not path.exists()


def test_it_asks_for_the_format_of_a_file_it_cannot_tell(scene, tmp_path):
    path = tmp_path / "report.dat"

    message = refused("report", "briefing", "--pairing", "命令乙县", "-o", str(path))

    assert message == "请用 --format 指定 docx、xlsx 或 pdf" and not path.exists()


def test_the_format_asked_wins_over_the_suffix(scene, tmp_path):
    path = tmp_path / "report.dat"

    run("report", "briefing", "--pairing", "命令乙县", "--format", "docx", "-o", str(path))

    assert "word/document.xml" in zipfile.ZipFile(path).namelist()


def test_it_refuses_a_from_year_after_the_year(scene, tmp_path):
    path = tmp_path / "years.xlsx"

    message = refused(
        "report", "annual", "--pairing", "命令乙县", "--year", "2020", "--from-year", "2021",
        "--as-of", "2022-12-04", "-o", str(path),
    )  # fmt: skip

    assert message == "起始年度不能晚于截止年度" and not path.exists()


def test_it_freezes_as_a_user_with_the_note_and_an_audit_entry(personas):
    printed = run(
        "freeze_briefing", "--pairing", "江阳区", "--as-of", "2022-12-04",
        "--user", "jiangyang", "--note", "  报送前冻结 ",
    )  # fmt: skip

    frozen = FrozenBriefing.objects.get()
    assert printed.startswith(f"已冻结简报 #{frozen.pk}：{frozen.title}（截至2022-12-04）")
    assert frozen.text in printed
    assert frozen.created_by == personas.jiangyang and frozen.note == "报送前冻结"
    entry = AuditEntry.objects.get(action="briefing.frozen", record_id=str(frozen.pk))
    assert entry.user == personas.jiangyang and entry.actor == "cli"


def test_it_freezes_nothing_for_a_user_who_does_not_see_the_pairing(personas):
    message = refused("freeze_briefing", "--pairing", "江阳区", "--user", "longmatan")

    assert message == "找不到结对关系：江阳区"
    assert not FrozenBriefing.objects.exists()


def test_it_names_a_user_that_does_not_exist(db):
    message = refused("freeze_briefing", "--pairing", "江阳区", "--user", "无此人")

    assert message == "没有用户 无此人" and not FrozenBriefing.objects.exists()


def test_it_names_a_frozen_briefing_that_does_not_exist(db):
    missing = FrozenBriefing.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    assert refused("compare_briefing", str(missing + 1)) == f"没有编号为 {missing + 1} 的冻结简报"


def test_it_compares_a_frozen_briefing_into_a_file_of_the_format_asked(scene, tmp_path):
    run("freeze_briefing", "--pairing", "命令乙县", "--as-of", "2022-12-04")
    frozen = FrozenBriefing.objects.get(pairing=scene.first)
    path = tmp_path / "compare.xlsx"

    printed = run("compare_briefing", str(frozen.pk), "-o", str(path))

    assert "与冻结时相比，各项数字及其依据的记录均无变化。" in printed
    assert f"已生成对照报告：{path}" in printed
    assert load_workbook(path).sheetnames
