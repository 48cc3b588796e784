"""The Word documents offices hand in — the briefing, the annual report and the
reconciliation — read back with python-docx: the title, the headings in order, the tables,
and every figure in the text equal both to what the records the test made add up to and to
what the ledger's figures module gives for the same window. A pairing with no records yet
gets the same document with zeros and empty tables, never an error."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from builders import Builder
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document
from shared_records import for_the_module
from word_documents import headings, paragraphs_under, tables, title

from pairaid.ledger import breakdowns, figures, services
from pairaid.ledger.models import FundFlow, Pairing, Person, Project
from pairaid.ledger.money import format_published_wan, format_wan

AS_OF = dt.date(2022, 12, 31)
TRANSFERS = {  # (fund year, source) → amounts, in yuan
    (2021, FundFlow.Source.FISCAL): ["1234567.89", "2000000.00"],
    (2022, FundFlow.Source.FISCAL): ["3000000.01"],
    (2022, FundFlow.Source.SOCIAL_CASH): ["450000.50"],
    (2022, FundFlow.Source.IN_KIND): ["0.11"],
}


# --- a small ledger ------------------------------------------------------------------------


class Ledger:
    """One pairing's records, and what they add up to by hand."""

    def __init__(self, build: Any, helper: str, recipient: str) -> None:
        self.pairing = build.pairing(helper, recipient)
        self.helper = helper
        self.transfers: list[FundFlow] = []
        for (year, source), amounts in TRANSFERS.items():
            for number, amount in enumerate(amounts):
                self.transfers.append(
                    build.flow(
                        self.pairing,
                        amount,
                        year=year,
                        day=dt.date(year, 5 + number, 10),
                        source=source,
                        voucher=f"DOC-{year}-{source}-{number}",
                    )
                )
        # A transfer typed in error and reversed: it counts for nothing.
        mistake = build.flow(self.pairing, "777.00", year=2022, voucher="DOC-ERR")
        services.reverse_fund_flow(
            mistake, acting_user=None, via="test", reason="重复录入", on=dt.date(2022, 6, 2)
        )
        self.started = [
            build.project(self.pairing, start=dt.date(2021, 3, 1), code="DOC-P1"),
            build.project(
                self.pairing,
                status=Project.Status.COMPLETED,
                start=dt.date(2022, 2, 1),
                end_date=dt.date(2022, 10, 1),
                progress=100,
                code="DOC-P2",
            ),
        ]
        build.project(self.pairing, status=Project.Status.PLANNED, start=None, code="DOC-P3")
        project = self.started[0]
        build.flow(self.pairing, "5000000.00", kind=FundFlow.Kind.PLAN, year=2022)
        build.flow(
            self.pairing, "800000.00", kind=FundFlow.Kind.ALLOCATE, year=2022, project=project
        )
        build.flow(self.pairing, "600000.00", kind=FundFlow.Kind.SPEND, year=2022, project=project)
        self.cadres = [build.person("甲干部"), build.person("乙干部")]
        self.professionals = [build.person("丙医生", category=Person.Category.PROFESSIONAL)]
        for number, person in enumerate(self.cadres + self.professionals):
            build.posting(person, self.pairing, dt.date(2021 + number % 2, 3, 1))

    def transferred(self, *, years: tuple[int, ...] = (2021, 2022), source: str = "") -> Decimal:
        return sum(
            (
                Decimal(amount)
                for (year, from_source), amounts in TRANSFERS.items()
                for amount in amounts
                if year in years and source in ("", from_source)
            ),
            Decimal("0.00"),
        )

    def window(self, **options: Any) -> figures.Window:
        return figures.window_for(self.pairing, as_of=AS_OF, **options)


@pytest.fixture(scope="module")
def module_ledger(django_db_setup, django_db_blocker):
    """The small ledger, made once for the module: its tests only read it."""
    yield from for_the_module(django_db_blocker, lambda: Ledger(Builder(), "文档甲区", "文档乙县"))


@pytest.fixture
def ledger(db, module_ledger) -> Ledger:
    return module_ledger


@pytest.fixture
def empty(build) -> Pairing:
    return build.pairing("空白甲区", "空白乙县")


# --- reading the document -------------------------------------------------------------------


def report(tmp_path: Path, kind: str, helper: str, *args: str) -> Any:
    return Document(str(write_report(tmp_path, kind, helper, *args)))


def write_report(tmp_path: Path, kind: str, helper: str, *args: str) -> Path:
    path = tmp_path / f"{kind}.docx"
    call_command(
        "report",
        kind,
        "--pairing",
        helper,
        "--as-of",
        AS_OF.isoformat(),
        *args,
        "--format",
        "docx",
        "-o",
        str(path),
        stdout=io.StringIO(),
    )
    return path


@pytest.fixture(scope="module")
def written() -> dict[tuple[str, ...], bytes]:
    """The small ledger's documents, each written once for the module (the ledger does not
    change between its tests): by the command's arguments."""
    return {}


@pytest.fixture
def ledger_report(ledger, written, tmp_path):
    """`report` of the small ledger, read from the module's documents."""

    def read(kind: str, *args: str) -> Any:
        if (kind, *args) not in written:
            written[kind, *args] = write_report(tmp_path, kind, ledger.helper, *args).read_bytes()
        return Document(io.BytesIO(written[kind, *args]))

    return read


def numbers_in(text: str) -> list[str]:
    return re.findall(r"\d[\d,]*(?:\.\d+)?", text)


def wan_text(value: Decimal) -> str:
    return format_wan(value)


# --- the briefing ---------------------------------------------------------------------------


def test_it_titles_the_briefing_and_puts_its_sections_in_order(ledger, ledger_report):
    document = ledger_report("briefing")

    assert title(document) == f"{ledger.helper}对口帮扶工作情况简报"
    found = headings(document)
    order = ["总体情况", "数字与口径", "附：数字背后的记录"]
    assert [heading for heading in found if heading in order] == order


def test_it_says_the_articles_sentence_with_the_sum_of_the_records(ledger, ledger_report):
    document = ledger_report("briefing")

    lead = paragraphs_under(document, "总体情况")[0]
    expected = (
        f"{ledger.helper}累计投入各类帮扶资金{wan_text(ledger.transferred())}，"
        f"实施帮扶项目{len(ledger.started)}个，"
        f"选派干部人才{len(ledger.cadres) + len(ledger.professionals)}人。"
    )
    assert lead == expected
    summary = figures.pairing_summary(ledger.pairing, ledger.window())
    assert lead == summary.sentence() + "。"


def test_it_splits_the_money_by_source_and_the_people_by_category(ledger, ledger_report):
    document = ledger_report("briefing")

    split = paragraphs_under(document, "总体情况")[1]
    for source, label in FundFlow.Source.choices:
        amount = ledger.transferred(source=source)
        if amount:
            assert f"{label}{wan_text(amount)}" in split
            by_ledger = figures.funds(ledger.window(), FundFlow.Kind.TRANSFER, sources=[source])
            assert by_ledger.value == amount
        else:
            assert str(label) not in split
    assert f"党政干部{len(ledger.cadres)}人" in split
    assert f"专业技术人才{len(ledger.professionals)}人" in split


def test_it_lists_each_figure_with_its_rule_and_record_count(ledger, ledger_report):
    document = ledger_report("briefing")

    header, *rows = tables(document)["各项数字的口径"]
    assert header == ["帮扶方", "指标", "数值", "单位", "口径", "截至日期", "记录条数"]
    window = ledger.window()
    by_label = {row[1]: row for row in rows}
    invested = figures.funds_invested(window)
    funds_row = by_label[str(invested.label)]
    assert funds_row[2] == f"{ledger.transferred():,.2f}"
    assert funds_row[4] == invested.rule
    assert funds_row[5] == AS_OF.isoformat()
    assert int(funds_row[6]) == invested.records.count()
    projects = figures.projects_implemented(window)
    assert by_label[str(projects.label)][2] == str(len(ledger.started))
    assert int(by_label[str(projects.label)][6]) == len(ledger.started)
    persons = figures.persons_dispatched(window)
    assert by_label[str(persons.label)][2] == str(persons.value)
    assert persons.value == len(ledger.cadres) + len(ledger.professionals)
    assert {row[0] for row in rows} == {ledger.pairing.helper_name}


def test_it_appends_every_record_behind_the_figures(ledger, ledger_report):
    document = ledger_report("briefing")

    found = tables(document)
    flows = found["资金记录（拨付）"][1:]
    invested = figures.funds_invested(ledger.window())
    assert len(flows) == invested.records.count()
    written = " ".join(" ".join(row) for row in flows)
    for flow in ledger.transfers:
        assert flow.voucher in written
    projects = found["实施项目记录"][1:]
    assert sorted(
        row[next(i for i, c in enumerate(row) if c.startswith("DOC-P"))] for row in projects
    ) == [project.code for project in ledger.started]
    assert "DOC-P3" not in " ".join(" ".join(row) for row in projects)
    postings = found["选派记录"][1:]
    assert len(postings) == len(ledger.cadres) + len(ledger.professionals)


def test_it_rounds_as_the_papers_do_when_asked_to(ledger, ledger_report):
    document = ledger_report("briefing", "--style", "published")

    lead = paragraphs_under(document, "总体情况")[0]
    assert f"累计投入各类帮扶资金{format_published_wan(ledger.transferred())}" in lead


def test_it_leaves_out_what_came_after_the_as_of_date(ledger, tmp_path):
    path = tmp_path / "early.docx"
    call_command(
        "report",
        "briefing",
        "--pairing",
        ledger.helper,
        "--as-of",
        "2021-12-31",
        "--year",
        "2021",
        "-o",
        str(path),
        stdout=io.StringIO(),
    )

    lead = paragraphs_under(Document(str(path)), "总体情况")[0]
    assert f"资金{wan_text(ledger.transferred(years=(2021,)))}" in lead
    assert "实施帮扶项目1个" in lead  # the project started in 2022 is not yet counted


# --- the annual report ----------------------------------------------------------------------


def test_it_titles_the_annual_report_with_its_year_and_numbers_its_sections(ledger, ledger_report):
    document = ledger_report("annual", "--year", "2022")

    assert title(document) == f"{ledger.helper}2022年度对口帮扶工作报告"
    found = headings(document)
    numbered = [h for h in found if re.match(r"^[一二三四五六七八九十]+、", h)]
    assert numbered[:2] == ["一、总体情况", "二、帮扶资金"]
    prefixes = [h.split("、")[0] for h in numbered]
    assert prefixes == list("一二三四五六七八九十")[: len(prefixes)]


def test_it_states_the_years_money_by_stage_as_the_ledger_does(ledger, ledger_report):
    document = ledger_report("annual", "--year", "2022")

    lead, year_line = paragraphs_under(document, "一、总体情况")[:2]
    assert (
        lead
        == f"自2020年以来，{figures.pairing_summary(ledger.pairing, ledger.window()).sentence()}。"
    )
    window = breakdowns.year_window(ledger.window(to_year=2022), 2022)
    stages = breakdowns.stages(window)
    assert stages[FundFlow.Kind.TRANSFER].value == ledger.transferred(years=(2022,))
    assert f"拨付{wan_text(stages[FundFlow.Kind.TRANSFER].value)}" in year_line
    for kind, word in (
        (FundFlow.Kind.PLAN, "计划帮扶资金"),
        (FundFlow.Kind.ALLOCATE, "分配到项目"),
        (FundFlow.Kind.SPEND, "项目支出"),
    ):
        assert f"{word}{wan_text(stages[kind].value)}" in year_line
    rate = figures.transfer_rate(window).percent
    assert f"拨付率{rate}%" in year_line
    assert "新开工项目1个，完工1个" in year_line


def test_it_puts_the_money_tables_totals_equal_to_the_ledgers(ledger, ledger_report):
    document = ledger_report("annual", "--year", "2022")

    money = paragraphs_under(document, "二、帮扶资金")
    assert money, "the money section says something"
    window = breakdowns.year_window(ledger.window(to_year=2022), 2022)
    transfer = figures.funds(window, FundFlow.Kind.TRANSFER).value
    shown = [t for rows in tables(document).values() for row in rows for t in row]
    assert f"{transfer:,.2f}" in shown or format_wan(transfer).removesuffix("万元") in shown


# --- the reconciliation ---------------------------------------------------------------------


def test_it_reconciles_the_four_stages_of_the_year(ledger, ledger_report):
    document = ledger_report("reconciliation", "--year", "2022")

    assert headings(document), "a reconciliation has sections"
    cells = [cell for rows in tables(document).values() for row in rows for cell in row]
    window = breakdowns.year_window(ledger.window(to_year=2022), 2022)
    stages = breakdowns.stages(window)
    for kind in breakdowns.STAGES:
        value = stages[kind].value
        assert any(
            cell in (f"{value:,.2f}", format_wan(value).removesuffix("万元")) for cell in cells
        ), (kind, value)


# --- a pairing with nothing yet -------------------------------------------------------------


@pytest.mark.parametrize("kind", ["briefing", "annual", "reconciliation"])
def test_it_writes_a_pairing_without_records_with_zeros_and_empty_tables(empty, kind, tmp_path):
    document = report(tmp_path, kind, "空白甲区", "--year", "2022")

    assert title(document)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "None" not in text and "nan" not in text.casefold()
    if kind != "reconciliation":
        assert "累计投入各类帮扶资金0.00万元，实施帮扶项目0个，选派干部人才0人" in text
    if kind == "briefing":
        assert text.count("（无）") == 3  # the three appendix tables


def test_it_refuses_a_year_after_the_as_of_date_and_writes_no_file(ledger, tmp_path):
    path = tmp_path / "never.docx"
    with pytest.raises(CommandError):
        call_command(
            "report",
            "annual",
            "--pairing",
            ledger.helper,
            "--as-of",
            "2022-06-30",
            "--year",
            "2023",
            "-o",
            str(path),
            stdout=io.StringIO(),
        )
    assert not path.exists()
