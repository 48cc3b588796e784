"""`pairaid report briefing` for a pairing whose every record the module made: each figure of
the workbook's 口径 sheet, each row of its record sheets, the sentence in Excel, Word and PDF —
all against sums and lists worked out here from those records (transfers of every source, a
transfer reversed, a plan that is no transfer, started projects beside a planned and a
cancelled one, a person posted twice). The window's options (--from-year, --year, --as-of,
--person-rule postings) narrow or change what is counted; a briefing written as the papers
write it (--style published) is read back by the bulletin check, which finds every figure in
agreement with the ledger.

The pairing is built once for the module; the reports only read it."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from builders import Builder
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader
from shared_records import for_the_module

from pairaid.ledger import services
from pairaid.ledger.models import FundFlow, Person, Project

HELPER, RECIPIENT = "简核甲区", "简核乙县"
AS_OF = "2022-12-04"
WAN = Decimal(10_000)
SOURCES = {
    FundFlow.Source.FISCAL: "财政援助资金",
    FundFlow.Source.SOCIAL_CASH: "社会帮扶资金",
    FundFlow.Source.IN_KIND: "捐物折价",
    FundFlow.Source.OTHER: "其他",
}


@dataclass
class Flow:
    year: int
    amount: Decimal
    source: str
    voucher: str


@dataclass
class Scene:
    flows: list[Flow] = field(default_factory=list)  # transfers and reversals, as recorded
    started: dict[str, int] = field(default_factory=dict)  # project code: start year
    # (name, category, start year) of each posting
    postings: list[tuple[str, str, int]] = field(default_factory=list)

    def money(self, first: int = 2016, last: int = 2022, source: str | None = None) -> Decimal:
        return sum(
            (
                flow.amount
                for flow in self.flows
                if first <= flow.year <= last and source in (None, flow.source)
            ),
            Decimal("0.00"),
        )

    def flows_in(self, first: int = 2016, last: int = 2022, source: str | None = None) -> int:
        return sum(1 for f in self.flows if first <= f.year <= last and source in (None, f.source))

    def projects(self, first: int = 2016, last: int = 2022) -> list[str]:
        return sorted(code for code, year in self.started.items() if first <= year <= last)

    def persons(self, first: int = 2016, last: int = 2022, category: str | None = None) -> int:
        return len(
            {
                name
                for name, kind, year in self.postings
                if first <= year <= last and category in (None, kind)
            }
        )

    def posting_count(self, first: int = 2016, last: int = 2022) -> int:
        return sum(1 for _name, _kind, year in self.postings if first <= year <= last)


def make() -> Scene:
    build = Builder()
    scene = Scene()
    pairing = build.pairing(HELPER, RECIPIENT, valid_from=dt.date(2016, 1, 1))
    for year, amount, source, voucher in (
        (2017, "5432109.87", FundFlow.Source.FISCAL, "JH-1"),
        (2020, "12000000.00", FundFlow.Source.FISCAL, "JH-2"),
        (2021, "876543.21", FundFlow.Source.SOCIAL_CASH, "JH-3"),
        (2022, "45678.90", FundFlow.Source.IN_KIND, "JH-4"),
    ):
        build.flow(pairing, amount, year=year, source=source, voucher=voucher)
        scene.flows.append(Flow(year, Decimal(amount), source, voucher))
    undone = build.flow(pairing, "300000.00", year=2019, voucher="JH-5")
    reversal = services.reverse_fund_flow(
        undone, acting_user=None, via="test", reason="重复拨付", on=dt.date(2019, 12, 1)
    )
    scene.flows.append(Flow(2019, Decimal("300000.00"), FundFlow.Source.FISCAL, "JH-5"))
    scene.flows.append(Flow(2019, reversal.amount, FundFlow.Source.FISCAL, reversal.voucher))
    build.flow(pairing, "9000000.00", kind=FundFlow.Kind.PLAN, year=2022, voucher="JH-PLAN")

    for code, year, status in (
        ("JH-P-1", 2018, Project.Status.IN_PROGRESS),
        ("JH-P-2", 2020, Project.Status.IN_PROGRESS),
        ("JH-P-3", 2021, Project.Status.COMPLETED),
    ):
        build.project(pairing, code=code, status=status, start=dt.date(year, 4, 1))
        scene.started[code] = year
    build.project(pairing, code="JH-P-4", status=Project.Status.PLANNED, start=None)
    build.project(
        pairing, code="JH-P-5", status=Project.Status.CANCELLED, start=dt.date(2019, 4, 1)
    )

    cadre, other = build.person("简核甲", number="JH-C1"), build.person("简核乙", number="JH-C2")
    teacher = build.person(
        "简核丙",
        number="JH-T1",
        category=Person.Category.PROFESSIONAL,
        profession=Person.Profession.TEACHER,
    )
    for person, year in ((cadre, 2017), (cadre, 2021), (other, 2020), (teacher, 2022)):
        build.posting(person, pairing, dt.date(year, 3, 1))
        scene.postings.append((person.name, person.category, year))
    return scene


@pytest.fixture(scope="module")
def kept(django_db_setup, django_db_blocker):
    yield from for_the_module(django_db_blocker, make)


@pytest.fixture
def scene(kept: Scene, db) -> Scene:
    return kept


def briefing(tmp_path: Path, fmt: str, *options: str) -> Path:
    path = tmp_path / f"briefing-{len(list(tmp_path.iterdir()))}.{fmt}"
    out = StringIO()
    call_command("report", "briefing", "--pairing", HELPER, "-o", str(path), *options, stdout=out)
    assert f"已生成 {HELPER}对口帮扶工作情况简报：{path}" in out.getvalue()
    return path


def rows(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    return list(load_workbook(path)[sheet].iter_rows(values_only=True))


def wan(value: Decimal) -> str:
    return f"{(value / WAN).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}万元"


def sentence(scene: Scene, first: int = 2016, last: int = 2022) -> str:
    return (
        f"{HELPER}累计投入各类帮扶资金{wan(scene.money(first, last))}，"
        f"实施帮扶项目{len(scene.projects(first, last))}个，"
        f"选派干部人才{scene.persons(first, last)}人。"
    )


def figures_sheet(path: Path) -> dict[str, tuple[Any, ...]]:
    """The 口径 sheet's rows by their label."""
    _title, header, *found = rows(path, "口径")
    assert header == ("帮扶方", "指标", "数值", "单位", "口径", "截至日期", "记录条数")
    return {row[1]: row for row in found}


def test_it_gives_each_figure_and_its_record_count_from_the_records(scene, tmp_path):
    found = figures_sheet(briefing(tmp_path, "xlsx", "--as-of", AS_OF))

    total = found["累计投入各类帮扶资金"]
    assert total[0] == HELPER and Decimal(str(total[2])) == scene.money() and total[3] == "元"
    assert total[5].date() == dt.date.fromisoformat(AS_OF) and total[6] == scene.flows_in()
    for source, label in SOURCES.items():
        row = found[f"其中：{label}"]
        assert Decimal(str(row[2])) == scene.money(source=source), label
        assert row[6] == scene.flows_in(source=source), label
    assert found["实施帮扶项目"][2:4] == (len(scene.projects()), "个")
    assert found["实施帮扶项目"][6] == len(scene.projects())
    assert found["选派干部人才"][2:4] == (scene.persons(), "人")
    assert found["选派干部人才"][6] == scene.posting_count()  # the postings behind the persons
    assert found["选派党政干部"][2] == scene.persons(category=Person.Category.CADRE)
    assert found["选派专业技术人才"][2] == scene.persons(category=Person.Category.PROFESSIONAL)


def test_it_lists_every_transfer_and_reversal_behind_the_money_and_no_plan(scene, tmp_path):
    _title, header, *listed = rows(briefing(tmp_path, "xlsx", "--as-of", AS_OF), "资金记录")
    amount, voucher = header.index("金额（元）"), header.index("凭证或文号")

    assert sorted(str(row[voucher]) for row in listed) == sorted(f.voucher for f in scene.flows)
    assert sum((Decimal(str(row[amount])) for row in listed), Decimal("0.00")) == scene.money()
    assert "JH-PLAN" not in {row[voucher] for row in listed}
    assert {row[header.index("类型")] for row in listed} == {"拨付"}
    assert [row[header.index("资金年度")] for row in listed] == sorted(
        row[header.index("资金年度")] for row in listed
    )


def test_it_lists_the_started_projects_only(scene, tmp_path):
    _title, header, *listed = rows(briefing(tmp_path, "xlsx", "--as-of", AS_OF), "项目记录")

    assert sorted(row[header.index("项目编号")] for row in listed) == scene.projects()
    assert {row[header.index("状态")] for row in listed} <= {"实施中", "已完工"}


def test_it_lists_each_posting_with_its_person(scene, tmp_path):
    _title, header, *listed = rows(briefing(tmp_path, "xlsx", "--as-of", AS_OF), "选派记录")

    names = sorted(row[header.index("姓名")] for row in listed)
    assert names == sorted(name for name, _kind, _year in scene.postings)
    assert {row[header.index("类别")] for row in listed} == {"党政干部", "专业技术人才"}


def test_it_writes_the_sentence_from_the_records_in_every_format(scene, tmp_path):
    expected = sentence(scene)

    overview = [row[0] for row in rows(briefing(tmp_path, "xlsx", "--as-of", AS_OF), "概况")]
    document = Document(str(briefing(tmp_path, "docx", "--as-of", AS_OF)))
    reader = PdfReader(str(briefing(tmp_path, "pdf", "--as-of", AS_OF)))
    pdf_text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")

    assert expected in overview
    assert expected in [paragraph.text for paragraph in document.paragraphs]
    assert expected in pdf_text
    money = "、".join(
        f"{label}{wan(scene.money(source=source))}"
        for source, label in SOURCES.items()
        if scene.money(source=source)
    )
    split = (
        f"其中，{money}；"
        f"党政干部{scene.persons(category=Person.Category.CADRE)}人、"
        f"专业技术人才{scene.persons(category=Person.Category.PROFESSIONAL)}人。"
    )
    assert split in overview


def test_it_counts_only_the_years_asked_for(scene, tmp_path):
    path = briefing(tmp_path, "xlsx", "--as-of", AS_OF, "--from-year", "2019", "--year", "2021")
    found = figures_sheet(path)

    assert Decimal(str(found["累计投入各类帮扶资金"][2])) == scene.money(2019, 2021)
    assert found["累计投入各类帮扶资金"][6] == scene.flows_in(2019, 2021)
    assert found["实施帮扶项目"][2] == len(scene.projects(2019, 2021))
    assert found["选派干部人才"][2] == scene.persons(2019, 2021)
    assert "2019—2021年" in next(row[1] for row in rows(path, "概况") if row[0] == "统计范围")
    _title, header, *listed = rows(path, "资金记录")
    assert {row[header.index("资金年度")] for row in listed} <= {2019, 2020, 2021}


def test_it_leaves_out_what_came_after_the_as_of_date(scene, tmp_path):
    """As of the last day of 2019 the 2020–2022 records are not yet there, and the
    transfer reversed on 2019-12-01 nets to nothing."""
    found = figures_sheet(briefing(tmp_path, "xlsx", "--as-of", "2019-12-31"))

    assert Decimal(str(found["累计投入各类帮扶资金"][2])) == scene.money(2016, 2019)
    assert found["实施帮扶项目"][2] == len(scene.projects(2016, 2019))
    assert found["选派干部人才"][2] == scene.persons(2016, 2019)


def test_it_counts_postings_when_asked_to(scene, tmp_path):
    path = briefing(tmp_path, "xlsx", "--as-of", AS_OF, "--person-rule", "postings")
    found = {row[1]: row for row in rows(path, "口径")[2:]}
    persons = next(row for label, row in found.items() if label.startswith("选派干部人才"))

    assert persons[2:4] == (scene.posting_count(), "人次")
    overview = " ".join(str(row[0]) for row in rows(path, "概况"))
    # the sentence says 人次 with the postings it counts, never 人 (which reads as persons)
    assert f"选派干部人才{scene.posting_count()}人次。" in overview
    assert f"选派干部人才{scene.posting_count()}人。" not in overview


def test_a_published_briefing_agrees_with_the_bulletin_check(scene, tmp_path):
    """The papers' way (rounded down, 余) is read back by the bulletin check as agreeing:
    what the briefing says is what the ledger holds, whichever side writes or reads it."""
    document = Document(str(briefing(tmp_path, "docx", "--as-of", AS_OF, "--style", "published")))
    text = "\n".join(p.text for p in document.paragraphs if p.text.startswith(HELPER))
    assert "余万元" in text
    path = tmp_path / "published.txt"
    path.write_text(f"发布时间：{AS_OF}\n{text}", encoding="utf-8")
    out = StringIO()

    call_command("check_bulletin", str(path), "--json", stdout=out)

    claims = json.loads(out.getvalue())["claims"]
    funds = next(claim for claim in claims if claim["metric"] == "funds")
    assert Decimal(str(funds["ledger_value"])) == scene.money()
    assert {claim["metric"] for claim in claims} >= {"funds", "projects", "persons"}
    assert [claim["verdict"] for claim in claims] == ["agrees"] * len(claims), claims
