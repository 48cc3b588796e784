"""Reading the claims of a text: figure, metric, subject, qualifier, period, span."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pairaid.bulletin.extract import Claim, extract, published_date
from pairaid.bulletin.normalize import normalise
from pairaid.bulletin.numbers import render_chinese
from pairaid.ledger.demo import FOUNDING_ARTICLE

SEED = FOUNDING_ARTICLE  # the founding article, kept in the repository


def claims_of(text: str) -> list[Claim]:
    return extract(normalise(text).text)


def one(text: str) -> Claim:
    (claim,) = claims_of(text)
    return claim


def summary(claim: Claim) -> tuple[str, str, Decimal, str]:
    return (claim.subject_name, claim.metric, claim.value, claim.qualifier)


@pytest.fixture(scope="module")
def seed_claims() -> tuple[str, list[Claim]]:
    text = normalise(SEED.read_text(encoding="utf-8")).text
    return text, extract(text)


def test_it_finds_every_figure_of_the_founding_article(seed_claims):
    _text, claims = seed_claims
    assert [summary(c) for c in claims] == [
        ("江阳区", "funds", Decimal("146547300"), "exact"),
        ("江阳区", "projects", 154, "exact"),
        ("江阳区", "persons", 320, "exact"),
        ("龙马潭区", "funds", Decimal("95000000"), "more_than"),
        ("龙马潭区", "projects", 123, "exact"),
        ("龙马潭区", "persons", 268, "exact"),
        ("泸州市", "schools", 6, "exact"),
        ("泸州市", "teachers", 19, "exact"),
        ("泸州市", "schools", 3, "exact"),
    ]
    assert not any(claim.uncertain for claim in claims)


def test_it_gives_the_span_unit_and_period(seed_claims):
    text, claims = seed_claims
    funds = claims[0]
    assert text[funds.start : funds.end] == funds.quote == "14654.73万元"
    assert funds.unit == "万元"
    assert funds.period == "2016年以来"
    longmatan = claims[3]
    assert longmatan.quote == "9500余万元"
    assert longmatan.bounds() == (Decimal("95000000"), Decimal("96000000"))


def test_it_carries_the_subject_over_and_resolves_we(seed_claims):
    _text, claims = seed_claims
    projects, teachers = claims[1], claims[7]
    assert projects.subject == "江阳区" and projects.subject_carried is False
    assert teachers.subject == "我市" and teachers.subject_name == "泸州市"
    assert "组团式" in teachers.tags and "派出" in teachers.tags
    assert "受援" in claims[8].tags


def test_it_ignores_dates_ordinals_idioms_and_words(seed_claims):
    _text, claims = seed_claims
    quotes = {claim.quote for claim in claims}
    assert not quotes & {"2日", "一项", "一家", "两地", "2022年"}


@pytest.mark.parametrize(
    ("text", "value", "qualifier", "unit"),
    [
        ("江阳区投入帮扶资金9500余万元。", 95_000_000, "more_than", "万元"),
        ("江阳区投入帮扶资金9500多万元。", 95_000_000, "more_than", "万元"),
        ("江阳区投入帮扶资金逾9500万元。", 95_000_000, "more_than", "万元"),
        ("江阳区投入帮扶资金超过1亿元。", 100_000_000, "more_than", "亿元"),
        ("江阳区选派干部人才300人以上。", 300, "more_than", "人"),
        ("江阳区选派干部人才近300人。", 300, "nearly", "人"),
        ("江阳区投入帮扶资金约1.2亿元。", 120_000_000, "about", "亿元"),
        ("江阳区选派干部人才300人左右。", 300, "about", "人"),
        ("江阳区投入帮扶资金三千二百万元。", 32_000_000, "exact", "万元"),
        ("江阳区选派干部人才一百五十四人。", 154, "exact", "人"),
        ("江阳区选派干部人才两千余人。", 2000, "more_than", "人"),
        ("江阳区投入帮扶资金五百余万元。", 5_000_000, "more_than", "万元"),
        ("普格县累计减贫21.51万人。", 215_100, "exact", "万人"),
        ("江阳区投入帮扶资金3,200万元。", 32_000_000, "exact", "万元"),
        ("江阳区年度帮扶资金不低于4000万元。", 40_000_000, "more_than", "万元"),
    ],
)
def test_it_reads_values_qualifiers_and_units(text: str, value: int, qualifier: str, unit: str):
    claim = one(text)
    assert (claim.value, claim.qualifier, claim.unit) == (Decimal(value), qualifier, unit)


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        ("江阳区累计投入各类帮扶资金14654.73万元。", "funds"),
        ("江阳区实施帮扶项目154个。", "projects"),
        ("江阳区选派干部人才320人。", "persons"),
        ("江阳区选派党政干部12人。", "cadres"),
        ("江阳区选派专业技术人才45人。", "professionals"),
        ("江阳区选派19名教师。", "teachers"),
        ("江阳区选派医生28名。", "doctors"),
        ("江阳区组织6所学校结对。", "schools"),
        ("江阳区采购盐源县农特产品1.26亿元。", "consumption"),
        ("江阳区帮助盐源县劳动力务工就业520人。", "jobs"),
        ("江阳区带动1200户群众增收。", "beneficiaries"),
        ("江阳区培训当地干部1860人次。", "trained"),
        ("江阳区引导8家企业到盐源县投资。", "enterprises"),
        ("江阳区引导企业到盐源县投资,到位资金1.2亿元。", "investment"),
        ("江阳区建成冷链仓储中心12座。", "other"),
    ],
)
def test_it_tells_what_a_figure_counts(text: str, metric: str):
    assert one(text).metric == metric


def test_a_breakdown_counts_what_it_breaks_down():
    claims = claims_of("江阳区帮助盐源县劳动力到泸州就业1420人,其中脱贫劳动力870人。")
    assert [c.metric for c in claims] == ["jobs", "jobs"]
    claims = claims_of("江阳区选派干部人才320人,其中教师85名。")
    assert [c.metric for c in claims] == ["persons", "teachers"]


def test_it_gives_each_name_its_figure_after_respectively():
    claims = claims_of("江阳区、龙马潭区分别向盐源县、普格县拨付帮扶资金2150万元、1880万元。")
    assert [(c.subject, c.value) for c in claims] == [
        ("江阳区", Decimal("21500000")),
        ("龙马潭区", Decimal("18800000")),
    ]


def test_names_joined_without_respectively_are_one_subject():
    claim = one("江阳区和龙马潭区共投入帮扶资金2亿元。")
    assert claim.subject == "江阳区、龙马潭区"


def test_the_object_of_the_sentence_is_not_its_subject():
    claim = one("2022年,宁波市累计向凉山州拨付财政援助资金21.3亿元。")
    assert claim.subject == "宁波市"
    assert claim.period == "2022年"
    assert "财政" in claim.tags


def test_a_claim_without_a_subject_is_uncertain():
    claim = one("本年度共下达帮扶资金860万元。")
    assert claim.subject == "" and claim.uncertain
    assert "主体" in claim.why_uncertain


def test_a_subject_from_another_paragraph_is_uncertain():
    first, second = claims_of("江阳区选派干部人才52人。\n累计投入帮扶资金3000万元。")
    assert not first.uncertain
    assert second.subject == "江阳区" and second.subject_carried and second.uncertain


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("2016年以来,江阳区投入帮扶资金3000万元。", "2016年以来"),
        ("“十三五”期间,江阳区投入帮扶资金3000万元。", "十三五期间"),
        ("今年以来,江阳区投入帮扶资金3000万元。", "今年以来"),
        ("2016年至2021年,江阳区投入帮扶资金3000万元。", "2016年至2021年"),
        ("截至2022年9月底,江阳区投入帮扶资金3000万元。", "截至2022年9月底"),
        ("江阳区累计投入帮扶资金3000万元。", "累计"),
        ("江阳区投入帮扶资金3000万元。", ""),
    ],
)
def test_it_reads_the_period(text: str, period: str):
    assert one(text).period == period


def test_it_skips_what_only_looks_like_a_figure():
    text = (
        "第四批援彝干部人才欢送会于7月7日举行。要一项一项抓好落实,当好“两地”桥梁,"
        "抓好三个方面的工作。联系电话:0830-3191234。"
    )
    assert claims_of(text) == []


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("川南在线 发布时间:2022-12-04\n正文", dt.date(2022, 12, 4)),
        ("发布日期：2021年9月15日", dt.date(2021, 9, 15)),
        ("2023年3月2日 来源:凉山日报", dt.date(2023, 3, 2)),
        ("12月1日至2日,调研", None),
    ],
)
def test_it_finds_the_text_date(text: str, day: dt.date | None):
    assert published_date(normalise(text).text) == day


@given(st.integers(min_value=2, max_value=99_999_999))
def test_a_count_in_chinese_numerals_is_read_back(value: int):
    claim = one(f"江阳区选派干部人才{render_chinese(value)}人。")
    assert (claim.metric, claim.value) == ("persons", value)


@given(st.integers(min_value=1, max_value=99_999_999), st.integers(min_value=0, max_value=99))
def test_an_amount_in_wan_is_read_to_the_yuan(wan: int, hundredths: int):
    claim = one(f"江阳区投入帮扶资金{wan}.{hundredths:02d}万元。")
    assert claim.value == Decimal(f"{wan}.{hundredths:02d}") * 10_000
    assert claim.unit == "万元"
