"""Reports in the user's language, and frozen briefings that later records leave alone.

Downloaded from the reports page with English chosen, a Word document or workbook is headed
in English — including what an empty table says — and in Chinese otherwise. A briefing
frozen over a small ledger keeps its figures, text and records however the ledger changes
afterwards; compared later, it names each record that made a difference, and the current
figure is the ledger's."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document
from openpyxl import load_workbook

from pairaid.ledger import figures, services
from pairaid.ledger.models import FundFlow, Pairing, Project
from pairaid.ledger.money import format_wan
from pairaid.reports.models import FrozenBriefing

AS_OF = dt.date(2022, 12, 31)
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


class Small:
    """A pairing with two transfers, a started project and a posting."""

    def __init__(self, build: Any, helper: str) -> None:
        self.helper = helper
        self.pairing = build.pairing(helper, helper.replace("区", "县"))
        self.flows = [
            build.flow(self.pairing, "120000.00", year=2022, voucher=f"{helper}-1"),
            build.flow(self.pairing, "3456.78", year=2022, voucher=f"{helper}-2"),
        ]
        self.project = build.project(self.pairing, start=dt.date(2022, 3, 1), code=f"{helper}-P")
        self.person = build.person("冻结干部")
        build.posting(self.person, self.pairing, dt.date(2022, 4, 1))

    def window(self) -> figures.Window:
        return figures.window_for(self.pairing, as_of=AS_OF)


@pytest.fixture
def small(build) -> Small:
    return Small(build, "冻结甲区")


def download(client: Any, pairing: Pairing, kind: str, fmt: str) -> bytes:
    response = client.get(
        reverse("reports:download"),
        {
            "kind": kind,
            "pairing": str(pairing.pk),
            "year": "2022",
            "as_of": AS_OF.isoformat(),
            "style": "exact",
            "person_rule": "persons",
            "format": fmt,
        },
    )
    assert response.status_code == 200, response.content[:500]
    return b"".join(response.streaming_content) if response.streaming else response.content


def in_english(client: Any) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


def heading_texts(data: bytes) -> list[str]:
    document = Document(io.BytesIO(data))
    return [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]


def all_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(lines)


# --- languages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "sections"),
    [
        ("briefing", ["总体情况", "数字与口径", "附：数字背后的记录"]),
        ("annual", ["一、总体情况"]),
    ],
)
def test_it_heads_a_word_report_in_english_when_english_is_chosen(
    client, admin_user, small, kind, sections
):
    client.force_login(admin_user)
    in_english(client)

    found = heading_texts(download(client, small.pairing, kind, "docx"))

    with translation.override("en"):
        expected = [_(section) for section in sections]
    for heading in expected:
        assert heading in found
    for heading in sections:
        assert heading not in found


def test_it_heads_the_same_report_in_chinese_by_default(client, admin_user, small):
    client.force_login(admin_user)

    found = heading_texts(download(client, small.pairing, "briefing", "docx"))

    assert [h for h in found if h in ("总体情况", "数字与口径", "附：数字背后的记录")] == [
        "总体情况",
        "数字与口径",
        "附：数字背后的记录",
    ]


def test_it_says_a_table_is_empty_in_the_documents_language(client, admin_user, build):
    empty = build.pairing("空表甲区", "空表乙县")
    client.force_login(admin_user)
    chinese = all_text(download(client, empty, "briefing", "docx"))
    in_english(client)

    english = all_text(download(client, empty, "briefing", "docx"))

    assert chinese.count("（无）") == 3
    assert "（无）" not in english
    with translation.override("en"):
        assert english.count(_("（无）")) == 3


def test_it_names_the_workbooks_sheets_in_english_when_english_is_chosen(client, admin_user, small):
    client.force_login(admin_user)
    chinese = load_workbook(io.BytesIO(download(client, small.pairing, "briefing", "xlsx")))
    in_english(client)

    english = load_workbook(io.BytesIO(download(client, small.pairing, "briefing", "xlsx")))

    assert len(english.sheetnames) == len(chinese.sheetnames)
    assert all(not CJK.search(name) for name in english.sheetnames), english.sheetnames
    assert any(CJK.search(name) for name in chinese.sheetnames)


def test_it_gives_the_same_figures_in_either_language(client, admin_user, small):
    client.force_login(admin_user)
    chinese = load_workbook(io.BytesIO(download(client, small.pairing, "briefing", "xlsx")))
    in_english(client)
    english = load_workbook(io.BytesIO(download(client, small.pairing, "briefing", "xlsx")))

    def numbers(book: Any) -> list[Any]:
        return [
            cell
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if isinstance(cell, int | float) and not isinstance(cell, bool)
        ]

    assert numbers(english) == numbers(chinese)
    assert Decimal("123456.78") in {
        Decimal(str(n)).quantize(Decimal("0.01")) for n in numbers(chinese)
    }


# --- freezing -------------------------------------------------------------------------------


def freeze(small: Small, *args: str) -> FrozenBriefing:
    call_command(
        "freeze_briefing",
        "--pairing",
        small.helper,
        "--as-of",
        AS_OF.isoformat(),
        *args,
        stdout=io.StringIO(),
    )
    return FrozenBriefing.objects.filter(pairing=small.pairing).latest("created_at", "id")


def compare(frozen: FrozenBriefing) -> str:
    out = io.StringIO()
    call_command("compare_briefing", str(frozen.pk), stdout=out)
    return out.getvalue()


def funds_value(frozen: FrozenBriefing) -> Decimal:
    key = f"{frozen.pairing_id}:funds_transfer"
    return Decimal(next(i["value"] for i in frozen.figures["figures"] if i["key"] == key))


def test_it_freezes_the_figures_the_ledger_gives_at_that_moment(small):
    frozen = freeze(small)

    invested = figures.funds_invested(small.window())
    assert funds_value(frozen) == invested.value == sum(f.amount for f in small.flows)
    assert frozen.text.splitlines()[0] == (
        figures.pairing_summary(small.pairing, small.window()).sentence() + "。"
    )
    refs = next(
        item["records"]
        for item in frozen.figures["figures"]
        if item["key"] == f"{small.pairing.pk}:funds_transfer"
    )
    assert sorted(refs) == sorted(f"fundflow:{flow.pk}" for flow in small.flows)


def test_it_keeps_a_frozen_briefing_unchanged_after_later_records(small, build):
    frozen = freeze(small)
    kept = (dict(frozen.figures), frozen.text, frozen.as_of)

    later = build.flow(small.pairing, "500.00", year=2022, day=dt.date(2022, 12, 30), voucher="L-1")
    services.reverse_fund_flow(
        small.flows[1], acting_user=None, via="test", reason="金额有误", on=dt.date(2022, 12, 30)
    )
    services.update_record(
        Project.objects.get(pk=small.project.pk),
        acting_user=None,
        via="test",
        status=Project.Status.CANCELLED,
    )
    build.project(small.pairing, start=dt.date(2022, 8, 1), code="LATER-P")
    frozen.refresh_from_db()

    assert (frozen.figures, frozen.text, frozen.as_of) == kept
    assert later.pk  # the ledger did change
    now = figures.funds_invested(small.window()).value
    assert now == small.flows[0].amount + Decimal("500.00")


def test_it_names_every_record_that_changed_a_frozen_figure(small, build):
    frozen = freeze(small)
    added = build.flow(small.pairing, "500.00", year=2022, day=dt.date(2022, 12, 30), voucher="L-1")
    reversal = services.reverse_fund_flow(
        small.flows[1], acting_user=None, via="test", reason="金额有误", on=dt.date(2022, 12, 30)
    )
    project = build.project(small.pairing, start=dt.date(2022, 8, 1), code="LATER-P")

    out = compare(frozen)

    assert f"资金记录#{added.pk}" in out
    assert f"资金记录#{reversal.pk}" in out
    assert f"项目#{project.pk}" in out
    before = funds_value(frozen)
    after = figures.funds_invested(small.window()).value
    assert f"冻结时{before}元，现在{after}元（{after - before:+}）" in out


def test_it_ignores_records_dated_after_the_frozen_as_of_date(small, build):
    frozen = freeze(small)
    build.flow(small.pairing, "999.00", year=2023, day=dt.date(2023, 2, 1), voucher="NEXT-1")

    out = compare(frozen)

    assert out.splitlines()[0] == "与冻结时相比，各项数字及其依据的记录均无变化。"


def test_it_writes_the_comparison_as_a_word_document_with_both_figures(
    client, admin_user, small, build
):
    frozen = freeze(small)
    build.flow(small.pairing, "500.00", year=2022, day=dt.date(2022, 12, 30), voucher="L-1")
    client.force_login(admin_user)

    response = client.get(reverse("reports:compare", args=[frozen.pk]), {"format": "docx"})

    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    text = all_text(data)
    before = funds_value(frozen)
    after = figures.funds_invested(small.window()).value
    assert str(before) in text.replace(",", "") or format_wan(before) in text
    assert str(after) in text.replace(",", "") or format_wan(after) in text


def test_it_freezes_an_empty_pairing_with_zeros(build):
    empty = Small.__new__(Small)
    empty.helper = "冻空甲区"
    empty.pairing = build.pairing("冻空甲区", "冻空乙县")

    frozen = freeze(empty)

    assert funds_value(frozen) == Decimal("0.00")
    assert "累计投入各类帮扶资金0.00万元，实施帮扶项目0个，选派干部人才0人" in frozen.text
    assert FundFlow.objects.filter(pairing=empty.pairing).count() == 0
