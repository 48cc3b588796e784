"""The reconciliation (资金对账报告) as a Word document, over a ledger the test makes: its six
sections in order, the conclusion's sentence with each stage and balance worked out by hand
from the records, the project balances table (a project that spent more than it was given
shows a negative balance), the transfers awaiting the recipient, the funded projects with no
progress and the postings past their end — each list exactly the records that belong in it."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from builders import Builder
from django.core.management import call_command
from docx import Document
from shared_records import for_the_module
from word_documents import headings, tables
from word_documents import paragraphs_under as under

from pairaid.ledger import breakdowns, figures, services
from pairaid.ledger.models import FundFlow, Project

AS_OF = dt.date(2022, 12, 31)
SECTIONS = [
    "一、对账结论",
    "二、资金四环节对账",
    "三、项目资金结余",
    "四、待受援方确认的拨付",
    "五、有资金无进展的项目",
    "六、超期未离岗的选派",
]


def yuan(value: Decimal) -> str:
    return f"{value:,.2f}元"


class Books:
    """A year of money through the four stages, two projects and two postings."""

    def __init__(self, build: Any) -> None:
        self.pairing = build.pairing("对账甲区", "对账乙县")
        self.busy = build.project(
            self.pairing, code="REC-BUSY", name="进展项目", progress=60, start=dt.date(2022, 1, 5)
        )
        self.idle = build.project(
            self.pairing, code="REC-IDLE", name="停滞项目", progress=0, start=dt.date(2022, 1, 5)
        )
        flows = [
            ("plan", "900000.00", None),
            ("transfer", "500000.00", None),
            ("transfer", "250000.50", None),
            ("allocate", "300000.00", self.busy),
            ("allocate", "100000.00", self.idle),
            ("spend", "320000.25", self.busy),
        ]
        self.amounts: dict[str, Decimal] = {kind: Decimal("0.00") for kind, _a, _p in flows}
        for number, (kind, amount, project) in enumerate(flows):
            build.flow(
                self.pairing,
                amount,
                kind=kind,
                year=2022,
                day=dt.date(2022, 3, 1 + number),
                project=project,
                voucher=f"REC-{number}",
            )
            self.amounts[kind] += Decimal(amount)
        # Money of another year is not this year's to reconcile.
        build.flow(self.pairing, "7777.00", year=2021, voucher="REC-2021")
        self.overdue = build.posting(
            build.person("超期干部"),
            self.pairing,
            dt.date(2020, 3, 1),
            planned_end=dt.date(2022, 3, 1),
        )
        build.posting(
            build.person("在期干部"),
            self.pairing,
            dt.date(2022, 3, 1),
            planned_end=dt.date(2024, 3, 1),
        )


@pytest.fixture(scope="module")
def module_books(django_db_setup, django_db_blocker):
    """The books, made once for the module: what its tests write is undone after each."""
    yield from for_the_module(django_db_blocker, lambda: Books(Builder()))


@pytest.fixture
def books(db, module_books) -> Books:
    return module_books


def reconcile(path: Path) -> None:
    """Write 对账甲区's reconciliation for 2022 as of AS_OF to `path`."""
    call_command(
        "report",
        "reconciliation",
        "--pairing",
        "对账甲区",
        "--year",
        "2022",
        "--as-of",
        AS_OF.isoformat(),
        "-o",
        str(path),
        stdout=io.StringIO(),
    )


@pytest.fixture(scope="module")
def written(module_books, django_db_blocker, tmp_path_factory) -> bytes:
    """The books' reconciliation, written once for the module (the books do not change
    between its tests)."""
    path = tmp_path_factory.mktemp("reconciliation") / "reconciliation.docx"
    with django_db_blocker.unblock():
        reconcile(path)
    return path.read_bytes()


@pytest.fixture
def document(books, written) -> Any:
    return Document(io.BytesIO(written))


def test_it_puts_the_six_sections_in_order(document):
    assert [h for h in headings(document) if h in SECTIONS] == SECTIONS


def test_it_concludes_with_each_stage_and_balance_worked_out_from_the_records(books, document):
    lead = under(document, "一、对账结论")[0]
    money = books.amounts
    expected = (
        f"2022年度资金：计划{yuan(money['plan'])}，拨付{yuan(money['transfer'])}，"
        f"分配到项目{yuan(money['allocate'])}，项目支出{yuan(money['spend'])}；"
        f"未分配结余（拨付 − 分配）{yuan(money['transfer'] - money['allocate'])}，"
        f"已分配未支出（分配 − 支出）{yuan(money['allocate'] - money['spend'])}。"
    )
    assert lead == expected
    window = breakdowns.year_window(figures.window_for(books.pairing, as_of=AS_OF), 2022)
    stages = breakdowns.stages(window)
    for kind, amount in money.items():
        assert stages[kind].value == amount


def test_it_counts_what_needs_looking_at_in_the_second_sentence(books, document):
    second = under(document, "一、对账结论")[1]
    transfers = FundFlow.objects.filter(pairing=books.pairing, kind="transfer", fund_year=2022)
    assert f"拨付{transfers.count()}笔" in second  # none confirmed yet
    assert "有资金无进展的项目1个" in second
    assert "支出超过分配的项目1个" in second
    assert "仍未离岗的选派1人次" in second


def test_it_balances_each_project_and_totals_them(books, document):
    header, *rows = tables(document)["各项目分配与支出"]
    assert header == [
        "项目编号",
        "项目名称",
        "状态",
        "进度（%）",
        "分配（元）",
        "支出（元）",
        "结余（元）",
    ]
    by_code = {row[0]: row for row in rows}
    busy_allocated, busy_spent = Decimal("300000.00"), Decimal("320000.25")
    assert by_code["REC-BUSY"][4:] == [
        f"{busy_allocated:,.2f}",
        f"{busy_spent:,.2f}",
        f"{busy_allocated - busy_spent:,.2f}",
    ]
    assert by_code["REC-IDLE"][4:] == ["100,000.00", "0.00", "100,000.00"]
    total = by_code["合计"]
    allocate, spend = books.amounts["allocate"], books.amounts["spend"]
    assert total[4:] == [f"{allocate:,.2f}", f"{spend:,.2f}", f"{allocate - spend:,.2f}"]


def test_it_lists_the_transfers_awaiting_the_recipient(books, document):
    rows = tables(document)["未确认的拨付"][1:]
    text = " ".join(" ".join(row) for row in rows)
    assert len(rows) == 2
    assert "REC-1" in text and "REC-2" in text
    assert "REC-2021" not in text


def test_it_lists_only_the_funded_project_without_progress(document):
    rows = tables(document)["有资金无进展的项目"][1:]
    text = " ".join(" ".join(row) for row in rows)
    assert "REC-IDLE" in text and "REC-BUSY" not in text


def test_it_lists_only_the_posting_past_its_end(books, document):
    rows = tables(document)["超期未离岗的选派"][1:]
    text = " ".join(" ".join(row) for row in rows)
    assert len(rows) == 1
    assert "超期干部" in text and "在期干部" not in text


def test_it_leaves_a_project_off_the_idle_list_once_it_reports_progress(books, build, tmp_path):
    services.update_record(
        Project.objects.get(pk=books.idle.pk), acting_user=None, via="test", progress=10
    )
    path = tmp_path / "after.docx"
    reconcile(path)

    document = Document(str(path))
    assert "有资金无进展的项目0个" in under(document, "一、对账结论")[1]
    assert len(tables(document)["有资金无进展的项目"]) == 1  # the header alone
