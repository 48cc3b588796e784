"""`pairaid import` over the ways an office's spreadsheet heads and fills its columns
(hypothesis, xlsx and csv): a header in Chinese, in English or as the field's name, in any
case, with the template's required mark (*), outer and doubled spaces or full-width letters,
the columns in any order; a choice by its label or its value in any case, padded or
full-width; a year as a number, as text, with 年, in full-width digits or as a spreadsheet's
float — each file brings in the one record its cells mean, and nothing else.

Every example imports a record of its own (a title or year drawn once), in a pairing built once
for the module."""

from __future__ import annotations

import datetime as dt
import itertools
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

import exchange_files as files
import pytest
from builders import Builder
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shared_records import for_the_module

from pairaid.ledger.models import Event, Pairing, Target

EXAMPLES = settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
WIDE = {chr(code): chr(code + 0xFEE0) for code in range(0x21, 0x7F)}  # ASCII → full-width
_serial = itertools.count(1)


def make() -> Pairing:
    return Builder().pairing("单元甲区", "单元乙县", valid_from=dt.date(2016, 1, 1))


@pytest.fixture(scope="module")
def kept(django_db_setup, django_db_blocker):
    yield from for_the_module(django_db_blocker, make)


@pytest.fixture
def pairing(kept: Pairing, db) -> Pairing:
    return kept


def wide(text: str) -> str:
    return "".join(WIDE.get(char, char) for char in text)


@st.composite
def headers(draw: Any, names: tuple[str, ...], required: bool) -> str:
    """One of a column's names as an office might type it."""
    text = draw(st.sampled_from(names))
    if draw(st.booleans()):
        text = text.upper() if draw(st.booleans()) else text.title()
    if " " in text and draw(st.booleans()):
        text = text.replace(" ", "   ")
    if draw(st.booleans()):
        text = wide(text)
    if required and draw(st.booleans()):
        text = "*" + text
    return draw(st.sampled_from(["", " ", "\u3000"])) + text + draw(st.sampled_from(["", "  "]))


@st.composite
def choices(draw: Any, value: str, label: str) -> str:
    text = draw(st.sampled_from([value, label]))
    if text == value:
        text = draw(st.sampled_from([text, text.upper(), text.title()]))
        if draw(st.booleans()):
            text = wide(text)
    return draw(st.sampled_from(["", " "])) + text + draw(st.sampled_from(["", "  "]))


def write(tmp_path: Path, fmt: str, columns: list[tuple[str, Any]], order: list[int]) -> Path:
    chosen = [columns[i] for i in order]
    header = [name for name, _cell in chosen]
    row = [cell for _name, cell in chosen]
    return files.write_rows(tmp_path / f"cells-{next(_serial)}.{fmt}", [header, row])


EVENT_COLUMNS = {
    # field: (names it may go by, required)
    "pairing": (("结对关系", "pairing"), True),
    "kind": (("类型", "kind"), True),
    "title": (("标题", "title"), True),
    "start_date": (("开始日期", "start date", "start_date"), True),
    "end_date": (("结束日期", "end date", "end_date"), False),
}


@EXAMPLES
@given(
    data=st.data(),
    fmt=st.sampled_from(files.FORMATS),
    kind=st.sampled_from(list(Event.Kind.choices)),
    order=st.permutations(range(len(EVENT_COLUMNS))),
    days=st.integers(min_value=0, max_value=3),
)
def test_it_reads_an_event_under_any_header_and_choice_written(
    pairing, tmp_path, data, fmt, kind, order, days
):
    value, label = kind
    title = f"单元活动{next(_serial)}"
    start = dt.date(2022, 3, 1) + dt.timedelta(days=days * 31)
    cells = {
        "pairing": str(pairing),
        "kind": data.draw(choices(value, str(label))),
        "title": title,
        "start_date": start.isoformat(),
        "end_date": (start + dt.timedelta(days=days)).isoformat(),
    }
    columns = [
        (data.draw(headers(names, required)), cells[name])
        for name, (names, required) in EVENT_COLUMNS.items()
    ]

    summary = files.import_(write(tmp_path, fmt, columns, list(order)))

    assert files.counts(summary) == {"added": 1, "changed": 0, "unchanged": 0, "rejected": 0}
    event = Event.objects.get(pairing=pairing, title=title)
    assert event.kind == value
    assert (event.start_date, event.end_date) == (start, start + dt.timedelta(days=days))


def year_cells(year: int, fmt: str) -> st.SearchStrategy[Any]:
    written = [str(year), f"{year}年", wide(str(year)), f" {year} "]
    if fmt == "xlsx":
        written += [year, float(year)]
    return st.sampled_from(written)


@EXAMPLES
@given(
    data=st.data(),
    fmt=st.sampled_from(files.FORMATS),
    year=st.integers(min_value=1990, max_value=2100),
    indicator=st.sampled_from(list(Target.Indicator.choices)),
    fen=st.integers(min_value=0, max_value=10**12),
)
def test_it_reads_a_target_year_in_any_form_and_its_value_to_the_fen(
    pairing, tmp_path, data, fmt, year, indicator, fen
):
    value, label = indicator
    # drawn before, the key names the stored target: the row changes it (or leaves it)
    stored = Target.objects.filter(pairing=pairing, year=year, indicator=value).first()
    amount = Decimal(fen) / 100
    columns = [
        (data.draw(headers(("结对关系", "pairing"), True)), str(pairing)),
        (data.draw(headers(("年度", "year"), True)), data.draw(year_cells(year, fmt))),
        (data.draw(headers(("指标", "indicator"), True)), data.draw(choices(value, str(label)))),
        (data.draw(headers(("目标值", "value"), True)), f"{amount:.2f}"),
    ]
    order = data.draw(st.permutations(range(4)))

    summary = files.import_(write(tmp_path, fmt, columns, list(order)))

    counted = files.counts(summary)
    if stored is None:
        assert counted["added"] == 1, summary
    else:
        assert counted["changed" if stored.value != amount else "unchanged"] == 1, summary
    target = Target.objects.get(pairing=pairing, year=year, indicator=value)
    assert target.value == amount


@EXAMPLES
@given(
    fmt=st.sampled_from(files.FORMATS),
    padding=st.sampled_from(["", " ", "\u3000", "  "]),
    letters=st.text(
        alphabet=st.characters(whitelist_categories=("Lo",), max_codepoint=0x9FFF),
        min_size=1,
        max_size=12,
    ),
)
def test_it_names_a_choice_it_does_not_have_with_the_choices_it_has(
    pairing, tmp_path, fmt, padding, letters
):
    labels = [str(label) for _value, label in Event.Kind.choices]
    normalised = unicodedata.normalize("NFKC", letters).strip().casefold()
    if normalised in {label.casefold() for label in labels}:
        return  # drawn a real label
    path = files.write_rows(
        tmp_path / f"bad-{next(_serial)}.{fmt}",
        [
            ["结对关系", "类型", "标题", "开始日期"],
            [str(pairing), padding + letters + padding, f"单元坏类型{next(_serial)}", "2022-03-01"],
        ],
    )

    table = files.refused(path)

    line = next(line for line in table.splitlines() if "\t2\t" in line)
    _sheet, row, column, message = line.split("\t")
    assert (row, column) == ("2", "类型")
    assert message.endswith("不是可选值；可选：" + "、".join(labels)), message


def test_a_header_no_column_has_is_named(pairing, tmp_path):
    path = files.write_rows(
        tmp_path / "unknown.csv",
        [
            ["结对关系", "类型", "标题", "开始日期", "不认识的列"],
            [str(pairing), "座谈", "单元多余列", "2022-03-01", "什么"],
        ],
    )

    printed = files.import_(path)

    assert "不认识的列" in printed  # said, not silently dropped
    assert Event.objects.filter(title="单元多余列").exists()
