"""The number reader and the claims reader on the forms that published texts mix: Chinese
numerals across 亿 and 万 with their zeros, 大写 digits, decimals of 万 and 亿, the
qualifiers 约/近/余/多 on either side of the unit, a range (read as "at least its lower
end"), a percentage, several figures in one sentence, and a sentence with none.

Each expected value is the written figure itself, spelt out in arithmetic beside it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pairaid.bulletin.extract import Claim, extract
from pairaid.bulletin.normalize import normalise
from pairaid.bulletin.numbers import parse_number, significant_step

WAN = 10_000
YI = 100_000_000


def claims_of(text: str) -> list[Claim]:
    return extract(normalise(text).text)


def one(text: str) -> Claim:
    (claim,) = claims_of(text)
    return claim


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("一千二百三十四万五千", 1234 * WAN + 5000),
        ("一亿零五百万", YI + 500 * WAN),
        ("三亿四千五百六十七万八千九百", 3 * YI + 4567 * WAN + 8900),
        ("两万零三百", 2 * WAN + 300),
        ("一万零一", WAN + 1),
        ("五万五", 5 * WAN + 5000),
        ("十万", 10 * WAN),
        ("一百万", 100 * WAN),
        ("一千万", 1000 * WAN),
        ("壹仟贰佰万", 1200 * WAN),
        ("1.5亿", 15 * YI // 10),
        ("0.8万", 8 * WAN // 10),
    ],
)
def test_it_reads_numerals_that_mix_yi_and_wan(written: str, value: int):
    assert parse_number(written) == Decimal(value)


@pytest.mark.parametrize(
    ("written", "step"),
    [
        ("一千二百三十四万五千", 1000),
        ("一亿零五百万", 100 * WAN),
        ("三亿四千五百六十七万八千九百", 100),
        ("十万", 10 * WAN),
        ("一万零一", 1),
        ("1.5亿", 10 * WAN * 100),
        ("0.8万", 1000),
    ],
)
def test_the_last_significant_place_follows_the_last_digit_written(written: str, step: int):
    assert significant_step(written) == Decimal(step)


@pytest.mark.parametrize(
    ("text", "value", "qualifier", "unit"),
    [
        ("江阳区投入帮扶资金一千二百三十四万五千元。", 1234 * WAN + 5000, "exact", "元"),
        ("江阳区投入帮扶资金近1亿元。", YI, "nearly", "亿元"),
        ("江阳区投入帮扶资金1亿余元。", YI, "more_than", "亿元"),
        ("江阳区投入帮扶资金1.2亿多元。", 12 * YI // 10, "more_than", "亿元"),
        ("江阳区投入帮扶资金5000多万元。", 5000 * WAN, "more_than", "万元"),
        ("江阳区选派干部人才约三百人。", 300, "about", "人"),
        ("江阳区选派干部人才三百二十名。", 320, "exact", "名"),
    ],
)
def test_it_reads_chinese_numerals_and_qualifiers_in_a_sentence(
    text: str, value: int, qualifier: str, unit: str
):
    claim = one(text)
    assert (claim.subject_name, claim.value, claim.qualifier, claim.unit) == (
        "江阳区",
        Decimal(value),
        qualifier,
        unit,
    )


@pytest.mark.parametrize(
    "text", ["江阳区选派干部人才300至400人。", "江阳区选派干部人才300-400人。"]
)
def test_a_range_is_read_as_more_than_its_lower_end(text: str):
    claim = one(text)
    assert (claim.metric, claim.value, claim.qualifier) == ("persons", Decimal(300), "more_than")
    assert claim.upper == Decimal(400) and claim.quote == text[9:-1]


def test_a_range_of_amounts_keeps_both_ends_in_yuan():
    claim = one("江阳区投入帮扶资金15万元—52万元。")
    assert (claim.metric, claim.value, claim.upper) == ("funds", 15 * WAN, 52 * WAN)
    low, high = claim.bounds()
    assert low == 15 * WAN and high > 52 * WAN


def test_a_percentage_is_kept_as_a_figure_of_its_own_kind():
    claim = one("江阳区帮扶项目完成率达98.5%。")
    assert (claim.metric, claim.value, claim.unit) == ("other", Decimal("98.5"), "%")


def test_it_reads_every_figure_of_one_sentence_in_order():
    claims = claims_of("江阳区实施帮扶项目154个，选派干部人才320人，投入帮扶资金14654.73万元。")

    assert [(c.metric, c.value, c.unit) for c in claims] == [
        ("projects", Decimal(154), "个"),
        ("persons", Decimal(320), "人"),
        ("funds", Decimal("14654.73") * WAN, "万元"),
    ]
    assert {c.subject_name for c in claims} == {"江阳区"}


def test_each_figure_of_a_sentence_quotes_its_own_place_in_the_one_sentence():
    text = normalise("江阳区实施帮扶项目154个，选派干部人才320人。").text
    projects, persons = extract(text)

    assert (projects.quote, persons.quote) == ("154个", "320人")
    assert text[projects.start : projects.end] == projects.quote
    assert text[persons.start : persons.end] == persons.quote
    assert projects.end <= persons.start
    assert projects.sentence == persons.sentence
    assert (projects.number, persons.number) == ("154", "320")


@pytest.mark.parametrize(
    "text",
    [
        "江阳区与盐源县深化东西部协作。",
        "江阳区干部人才扎根一线，群众满意度持续提升。",
        "",
    ],
)
def test_a_sentence_with_no_figure_makes_no_claim(text: str):
    assert claims_of(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("江阳区投入帮扶资金一亿二千三百万元。", YI + 2300 * WAN),
        ("江阳区投入帮扶资金三亿零五十万元。", 3 * YI + 50 * WAN),
        ("江阳区投入帮扶资金三千二百万元。", 3200 * WAN),
    ],
)
def test_an_amount_spelt_across_yi_and_wan_is_read_to_the_yuan(text: str, value: int):
    claim = one(text)
    assert (claim.metric, claim.value) == ("funds", Decimal(value))
