"""Property tests over file cells, through `pairaid export` and `pairaid import`: any amount
the exporter writes reads back to the same fen (also past a spreadsheet number's 15 digits);
a day written in any form an office types reads back as that day; numbers in text (1,234.50,
１２３４．５, 12.5万, ￥…, 人民币…元) read as what they say; an amount with more than two
decimals is refused, naming its row and column; any text a record holds comes back as
it was, in xlsx and csv. Every run draws the same examples (derandomized)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from pathlib import Path
from typing import Any

import exchange_files as files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.exchange.cells import EXCEL_EPOCH
from pairaid.ledger import services
from pairaid.ledger.models import Event, FundFlow, Pairing, Project
from pairaid.ledger.money import CENT, MAX_AMOUNT, WAN

EXAMPLES = settings(
    max_examples=8,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FUND_HEADER = ["结对关系", "类型", "资金年度", "日期", "金额（元）", "资金来源", "凭证或文号"]
EVENT_HEADER = ["结对关系", "类型", "标题", "开始日期"]
_serial = itertools.count(1)

amounts = st.decimals(min_value=CENT, max_value=MAX_AMOUNT, places=2)
small_amounts = st.decimals(min_value=CENT, max_value=Decimal("99999999.99"), places=2)
days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2022, 12, 31))


def pairing(build: Any, what: str) -> Pairing:
    n = next(_serial)
    return build.pairing(f"性质{what}{n}甲区", f"性质{what}{n}乙县")


def folder(tmp_path: Path) -> Path:
    made = tmp_path / f"example-{next(_serial)}"
    made.mkdir()
    return made


def fund_row(target: Pairing, amount: Any, voucher: str, day: Any = "2022-06-01") -> list[Any]:
    return [str(target), "拨付", 2022, day, amount, "财政援助资金", voucher]


def amounts_of(target: Pairing) -> list[Decimal]:
    return sorted(FundFlow.objects.filter(pairing=target).values_list("amount", flat=True))


# --- amounts --------------------------------------------------------------------------------


@EXAMPLES
@given(values=st.lists(amounts, min_size=1, max_size=8), fmt=st.sampled_from(files.FORMATS))
def test_it_reads_back_every_amount_it_exports_to_the_fen(build, tmp_path, values, fmt):
    source, target = pairing(build, "金额"), None
    for number, value in enumerate(values):
        build.flow(source, str(value), year=2022, voucher=f"AMT-{number}")
    target = files.fresh_pairing(build, source, f"性质金额{next(_serial)}丙区")
    where = folder(tmp_path)
    exported = files.export("funds", where / f"out.{fmt}", "--pairing", str(source))

    summary = files.import_(files.moved_to(exported, where / f"in.{fmt}", target))

    assert files.counts(summary)["added"] == len(values)
    assert amounts_of(target) == sorted(values)


def typed_forms(value: Decimal) -> list[Any]:
    """An amount as offices type it into a cell."""
    plain = format(value, "f")
    grouped = f"{value:,.2f}"
    wide = plain.translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
    return [
        plain,
        grouped,
        wide,
        f"￥{grouped}",
        f"¥ {plain}",
        f"人民币{plain}元",
        f"{plain}元",
        f"{value / WAN:f}万",
        f"{value / WAN:f}万元",
        f"RMB {grouped}",
    ]


@EXAMPLES
@given(value=small_amounts, fmt=st.sampled_from(files.FORMATS))
def test_it_reads_an_amount_in_every_form_an_office_types_it(build, tmp_path, value, fmt):
    target = pairing(build, "写法")
    forms = typed_forms(value)
    rows = [fund_row(target, form, f"FORM-{n}") for n, form in enumerate(forms)]
    path = files.write_rows(folder(tmp_path) / f"forms.{fmt}", [FUND_HEADER, *rows])

    summary = files.import_(path)

    assert files.counts(summary)["added"] == len(forms)
    assert amounts_of(target) == [value] * len(forms)


@EXAMPLES
@given(value=small_amounts, fmt=st.sampled_from(files.FORMATS))
def test_it_scales_a_column_headed_in_wan_yuan(build, tmp_path, value, fmt):
    target = pairing(build, "万元")
    header = [*FUND_HEADER[:4], "金额（万元）", *FUND_HEADER[5:]]
    path = files.write_rows(
        folder(tmp_path) / f"wan.{fmt}", [header, fund_row(target, f"{value / WAN:f}", "WAN-1")]
    )

    files.import_(path)

    assert amounts_of(target) == [value]


@EXAMPLES
@given(
    whole=st.integers(min_value=0, max_value=10**9),
    extra=st.integers(min_value=1, max_value=9),
    decimals=st.integers(min_value=3, max_value=6),
    fmt=st.sampled_from(files.FORMATS),
)
def test_it_refuses_an_amount_finer_than_a_fen_naming_its_row(
    build, tmp_path, whole, extra, decimals, fmt
):
    target = pairing(build, "厘")
    fine = f"{whole}.{'0' * (decimals - 1)}{extra}"
    rows = [fund_row(target, "100.00", "FINE-1"), fund_row(target, fine, "FINE-2")]
    path = files.write_rows(folder(tmp_path) / f"fine.{fmt}", [FUND_HEADER, *rows])

    table = files.refused(path)

    assert "\t3\t金额（元）\t" in table and "两位小数" in table
    assert not FundFlow.objects.filter(pairing=target).exists()


# --- dates ----------------------------------------------------------------------------------


def date_forms(day: dt.date, fmt: str) -> list[Any]:
    """A day as it may stand in a cell: text in the forms offices type, and in a workbook
    also a real date, a date-time at midnight and the spreadsheet's serial number."""
    y, m, d = day.year, day.month, day.day
    forms: list[Any] = [
        f"{y}年{m}月{d}日",
        f"{y}.{m}.{d}",
        f"{y}/{m:02d}/{d:02d}",
        f"{y}-{m:02d}-{d:02d}",
        f"{y}{m:02d}{d:02d}",
        f"{y} 年 {m} 月 {d} 日",
        f"{y}年{m}月{d}日".translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        f"{y}-{m:02d}-{d:02d} 00:00:00",
    ]
    serial = (day - EXCEL_EPOCH).days
    if day >= dt.date(1950, 1, 1):
        forms.append(str(serial))
    if fmt == "xlsx":
        forms += [day, dt.datetime(y, m, d), int(f"{y}{m:02d}{d:02d}")]  # noqa: DTZ001
        if day >= dt.date(1950, 1, 1):
            forms.append(serial)
    return forms


@EXAMPLES
@given(day=days, fmt=st.sampled_from(files.FORMATS))
def test_it_reads_a_day_in_every_form_it_accepts(build, tmp_path, day, fmt):
    target = pairing(build, "日期")
    forms = date_forms(day, fmt)
    rows = [[str(target), "调研", f"日期写法{n}", form] for n, form in enumerate(forms)]
    path = files.write_rows(folder(tmp_path) / f"days.{fmt}", [EVENT_HEADER, *rows])

    summary = files.import_(path)

    assert files.counts(summary)["added"] == len(forms)
    stored = Event.objects.filter(pairing=target).values_list("title", "start_date")
    assert dict(stored) == {f"日期写法{n}": day for n in range(len(forms))}


@EXAMPLES
@given(day=days, fmt=st.sampled_from(files.FORMATS))
def test_it_reads_back_the_day_it_exports(build, tmp_path, day, fmt):
    source = pairing(build, "日返")
    services.create_record(
        Event,
        acting_user=None,
        via="test",
        pairing=source,
        kind=Event.Kind.VISIT,
        title="日期往返",
        start_date=day,
        end_date=day + dt.timedelta(days=1),
    )
    target = files.fresh_pairing(build, source, f"性质日返{next(_serial)}丙区")
    where = folder(tmp_path)
    exported = files.export("events", where / f"out.{fmt}", "--pairing", str(source))

    files.import_(files.moved_to(exported, where / f"in.{fmt}", target))

    moved = Event.objects.get(pairing=target)
    assert (moved.start_date, moved.end_date) == (day, day + dt.timedelta(days=1))


@EXAMPLES
@given(
    year=st.integers(min_value=1990, max_value=2100),
    month=st.integers(min_value=1, max_value=12),
    day=st.integers(min_value=29, max_value=35),
)
def test_it_refuses_a_day_the_calendar_does_not_have(build, tmp_path, year, month, day):
    try:
        dt.date(year, month, day)
        return  # a real day: nothing to refuse
    except ValueError:
        pass
    target = pairing(build, "无日")
    rows = [[str(target), "调研", "没有这一天", f"{year}年{month}月{day}日"]]
    path = files.write_rows(folder(tmp_path) / "noday.csv", [EVENT_HEADER, *rows])

    table = files.refused(path)

    assert "\t2\t开始日期\t" in table
    assert not Event.objects.filter(pairing=target).exists()


# --- counts and text ------------------------------------------------------------------------


@EXAMPLES
@given(count=st.integers(min_value=0, max_value=10**7), fmt=st.sampled_from(files.FORMATS))
def test_it_reads_a_count_written_with_separators_or_wide_digits(build, tmp_path, count, fmt):
    target = pairing(build, "人数")
    header = ["结对关系", "项目编号", "项目名称", "领域", "帮扶方式", "受益人数"]
    wide = str(count).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    forms = [str(count), f"{count:,}", f"{count}.0", wide]
    rows = [
        [str(target), f"CNT-{n}", "人数写法", "产业", "造血", form] for n, form in enumerate(forms)
    ]
    path = files.write_rows(folder(tmp_path) / f"counts.{fmt}", [header, *rows])

    files.import_(path)

    found = Project.objects.filter(pairing=target).values_list("beneficiary_persons", flat=True)
    assert list(found) == [count] * len(forms)


# Text as offices write it: Chinese, Latin, digits, punctuation, and the characters a
# spreadsheet would take for the start of a formula.
TEXT = (
    st.text(
        alphabet=st.sampled_from(
            list("帮扶协作项目资金盐源县江阳区（）、，。：；“”《》abcXYZ0123456789=+-@ #%&/.,!?")
        ),
        min_size=1,
        max_size=80,
    )
    .map(str.strip)
    .filter(bool)
)


@EXAMPLES
@given(summary=TEXT, places=TEXT, fmt=st.sampled_from(files.FORMATS))
def test_it_brings_back_any_text_as_it_was(build, tmp_path, summary, places, fmt):
    source = pairing(build, "文字")
    services.create_record(
        Event,
        acting_user=None,
        via="test",
        pairing=source,
        kind=Event.Kind.FORUM,
        title="文字往返",
        start_date=dt.date(2022, 3, 1),
        summary=summary,
        places=places,
    )
    target = files.fresh_pairing(build, source, f"性质文字{next(_serial)}丙区")
    where = folder(tmp_path)
    exported = files.export("events", where / f"out.{fmt}", "--pairing", str(source))

    files.import_(files.moved_to(exported, where / f"in.{fmt}", target))

    moved = Event.objects.get(pairing=target)
    assert (moved.summary, moved.places) == (summary, places)
