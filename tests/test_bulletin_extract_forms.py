"""The forms officials write figures in, read one by one (issue 16): magnitudes without a
figure, qualifiers, ranges, 人次, beneficiaries, jobs and their 其中, sales, 总投资, and
professionals of a kind. The labelled sets measure the whole; these pin each form down."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pairaid.bulletin.extract import Claim, extract
from pairaid.bulletin.normalize import normalise
from pairaid.bulletin.numbers import render_chinese


def claims_of(text: str) -> list[Claim]:
    return extract(normalise(text).text)


def one(text: str) -> Claim:
    (claim,) = claims_of(text)
    return claim


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        ("江阳区带动百余人就业。", 100, "more_than"),
        ("江阳区实施帮扶项目千余个。", 1000, "more_than"),
        ("江阳区投入援藏资金超过百亿元。", 10_000_000_000, "more_than"),
        ("江阳区投入帮扶资金逾百万元。", 1_000_000, "more_than"),
        ("江阳区投入帮扶资金上千万元。", 10_000_000, "more_than"),
        ("江阳区带动超万人就业。", 10_000, "more_than"),
        ("江阳区带动近千人就业。", 1000, "nearly"),
        ("江阳区选派干部数十名。", 10, "more_than"),
        ("江阳区带动数百余户群众增收。", 100, "more_than"),
        ("江阳区实施帮扶项目二十几个。", 20, "more_than"),
    ],
)
def test_it_reads_a_magnitude_without_its_figure_as_uncertain(
    text: str, value: int, qualifier: str
):
    claim = one(text)
    assert (claim.value, claim.qualifier) == (Decimal(value), qualifier)
    assert claim.uncertain and claim.why_uncertain


@pytest.mark.parametrize("text", ["千家万户都受益。", "百姓的日子好了。", "万人空巷。"])
def test_a_magnitude_in_a_word_is_no_figure(text: str):
    assert claims_of(text) == []


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        ("江阳区投入帮扶资金超5亿元。", 500_000_000, "more_than"),
        ("江阳区投入帮扶资金超过5亿元。", 500_000_000, "more_than"),
        ("江阳区投入帮扶资金逾5亿元。", 500_000_000, "more_than"),
        ("江阳区投入帮扶资金突破5亿元。", 500_000_000, "more_than"),
        ("江阳区投入帮扶资金达5亿元。", 500_000_000, "exact"),
        ("江阳区投入帮扶资金近5亿元。", 500_000_000, "nearly"),
        ("江阳区投入帮扶资金接近5亿元。", 500_000_000, "nearly"),
        ("江阳区投入帮扶资金约5亿元。", 500_000_000, "about"),
        ("江阳区签约127个投资项目。", 127, "exact"),
        ("江阳区动员社会力量捐款捐物折合约3.2亿元。", 320_000_000, "about"),
    ],
)
def test_it_reads_the_qualifier_before_a_figure(text: str, value: int, qualifier: str):
    claim = one(text)
    assert (claim.value, claim.qualifier, claim.uncertain) == (Decimal(value), qualifier, False)


@pytest.mark.parametrize(
    "text",
    ["江阳区对每户补助{low}万元—{high}万元。", "江阳区对每户补助{low}-{high}万元。",
     "江阳区对每户补助{low}万至{high}万元。"],
)  # fmt: skip
@settings(deadline=None, max_examples=30)
@given(low=st.integers(min_value=1, max_value=5000), span=st.integers(min_value=1, max_value=500))
def test_a_range_is_one_claim_from_its_lower_bound(text: str, low: int, span: int):
    high = low + span
    claim = one(text.format(low=low, high=high))
    assert (claim.value, claim.upper, claim.qualifier) == (
        Decimal(low * 10_000), Decimal(high * 10_000), "more_than")  # fmt: skip
    assert claim.bounds()[0] == low * 10_000 and claim.bounds()[1] > high * 10_000


@settings(deadline=None, max_examples=30)
@given(st.integers(min_value=1, max_value=8), st.sampled_from(["十", "百", "千"]))
def test_a_spoken_range_is_read_from_its_lower_bound(first: int, place: str):
    low, high = render_chinese(first), render_chinese(first + 1)
    claim = one(f"江阳区选派{low}{high}{place}名教师。")
    unit = {"十": 10, "百": 100, "千": 1000}[place]
    assert (claim.value, claim.upper, claim.qualifier) == (first * unit, (first + 1) * unit,
                                                           "more_than")  # fmt: skip


@pytest.mark.parametrize(
    ("text", "metric", "value"),
    [
        ("江阳区培训当地干部1.2万人次。", "trained", 12_000),
        ("江阳区帮助转移就业3.5万人次。", "jobs", 35_000),
        ("江阳区组织劳务输出2万人次。", "jobs", 20_000),
        ("三峡库区搬迁安置移民41.8万人次。", "other", 418_000),
    ],
)
def test_it_reads_people_counted_in_renci(text: str, metric: str, value: int):
    claim = one(text)
    assert (claim.metric, claim.value) == (metric, Decimal(value))
    assert "人次" in claim.unit


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        ("江阳区帮助采购、销售农产品196亿元,带动贫困人口23.18万人。", "beneficiaries"),
        ("今年全区实现消费帮扶金额2.87亿元,联农带农1.2万人。", "beneficiaries"),
        ("江阳区帮助贫困群众2万人增收。", "beneficiaries"),
        ("江阳区帮助脱贫人口1.5万人。", "beneficiaries"),
        ("江阳区吸纳就业300人。", "jobs"),
        ("已引导730名甘洛籍农村劳动力来奉就业。", "jobs"),
        ("73.1万名农村劳动力通过劳务协作实现就业。", "jobs"),
        ("车间里100多名工人正在缝制旅行包。", "jobs"),
    ],
)
def test_it_tells_beneficiaries_from_jobs(text: str, metric: str):
    assert claims_of(text)[-1].metric == metric


def test_a_breakdown_after_qizhong_counts_what_its_total_counts():
    claims = claims_of("73.1万名农村劳动力通过劳务协作实现就业,其中脱贫劳动力47.8万人。")
    assert [(c.metric, c.value) for c in claims] == [
        ("jobs", Decimal("731000")), ("jobs", Decimal("478000"))]  # fmt: skip


def test_people_in_a_list_take_the_predicate_after_it():
    claims = claims_of("选派32名专业干部、10名专业技术骨干、241名未就业大学生到援疆省市接受培训。")
    assert [c.metric for c in claims] == ["trained", "trained", "trained"]
    claims = claims_of("全市累计带动农村人口3928人、脱贫人口761人就近就业。")
    assert [c.metric for c in claims] == ["jobs", "jobs"]


@pytest.mark.parametrize(
    "text",
    [
        "麦积区企业在平台上的销售额348.35万元。",
        "帮助贫困群众卖出产品1.2亿元。",
        "江阳区企业获得农产品订单5000万元。",
        "普格县外销农产品货值3000万元。",
        "此次展销推介活动,展区签约金额达6800万元。",
        "2021年度鲁渝消费协作已实现3.96亿元。",
    ],
)
def test_sales_are_consumption(text: str):
    assert one(text).metric == "consumption"


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        ("江苏省拟安排援藏项目132个,总投资25.6亿元。", "investment"),
        ("拉萨饭店1985年竣工使用,总投资8500余万元。", "investment"),
        ("当日签约落户投资项目48个,签约金额307.3亿元。", "investment"),
        ("签订产业援疆协议金额超过5600亿元。", "investment"),
        ("实施合作项目1200多个,到位资金250亿元。", "investment"),
        ("江苏省投入财政资金61.3亿元。", "funds"),
        ("全社会固定资产投资从0.8亿元增长到375.4亿元。", "other"),
    ],
)
def test_an_enterprises_total_investment_is_not_assistance_funds(text: str, metric: str):
    assert claims_of(text)[-1].metric == metric


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        ("8年来,约1500名“组团式”援藏医疗人才接续奔赴西藏。", "doctors"),
        ("江阳区选派教育人才50名。", "teachers"),
        ("江阳区引进高层次人才12名。", "professionals"),
        ("选派19名党政干部和专技人才赴对口地区挂职交流。", "persons"),
        ("2114名第十批援藏干部人才进藏。", "persons"),
    ],
)
def test_professionals_of_a_kind_are_not_persons_in_general(text: str, metric: str):
    assert one(text).metric == metric


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        ("东西部120多家企业和50多家政府部门单位洽谈对接。", ["enterprises", "other"]),
        ("认定扶贫产品10批次102家662个品种。", ["other", "enterprises", "other"]),
        ("新增东西部产业协作企业(项目)32个。", ["enterprises"]),
        ("共有 24 家企业参展。", ["enterprises"]),
        ("与25家央企签署投资协议。", ["enterprises"]),
        ("展销15家企业的农特产品有200余类。", ["enterprises", "other"]),
        ("推动内地284个县区与西藏的332个县区结对。", ["other", "other"]),
    ],
)
def test_a_count_is_what_the_noun_after_it_names(text: str, metric: list[str]):
    assert [c.metric for c in claims_of(text)] == metric


@pytest.mark.parametrize(
    "text",
    [
        "先后选派五批次援彝干部人才。",
        "涵盖产业、旅游等八大领域。",
        "中央先后选派了四批共2890多名干部。",
    ],
)
def test_counted_groups_in_chinese_numerals_are_claims(text: str):
    assert claims_of(text)[0].metric == "other"


def test_a_congress_is_no_counted_group():
    assert claims_of("学习贯彻党的二十大精神。") == []


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("天津市向甘肃省投入财政帮扶资金22.06亿元。两地共建帮扶车间380个。", "天津市、甘肃省"),
        ("江阳区对口帮扶盐源县。双方共同举办培训班15期。", "江阳区、盐源县"),
        ("广东省与广西壮族自治区签订协议。两省区共建产业园区23个。", "广东省、广西壮族自治区"),
    ],
)
def test_both_sides_are_the_pairing_named_earlier(text: str, subject: str):
    claim = claims_of(text)[-1]
    assert claim.subject_name == subject and not claim.uncertain


def test_both_sides_with_no_pairing_named_is_uncertain():
    claim = one("两地共建帮扶车间380个。")
    assert claim.subject_name == "" and claim.uncertain and "两地" in claim.why_uncertain


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("今年以来,江苏采购销售对口帮扶地区农特产品达8.34亿元。", "江苏省"),
        ("上海已累计投入近10亿元。", "上海市"),
        ("新疆安排资金200亿元。", "新疆维吾尔自治区"),
        ("引导46家广东企业到毕节投资兴业,到位资金31.2亿元。", ""),
        ("19个对口援疆省市安排援疆资金近200亿元。", ""),
        ("各援疆省市安排资金近200亿元。", ""),
        ("中新社消息,来上海市投资的企业达19家。", "上海市"),
    ],
)
def test_a_province_is_named_in_full_and_counts_are_no_names(text: str, subject: str):
    assert claims_of(text)[-1].subject_name == subject


def test_we_resolve_to_the_county_named_in_the_text():
    claims = claims_of("盐源县位于凉山州西部。我县去年实施帮扶项目22个。")
    assert claims[-1].subject_name == "盐源县"


@pytest.mark.parametrize(
    ("text", "metric", "value", "qualifier"),
    [
        ("累计帮助当地逾6.2万建档立卡贫困家庭劳动力实现转移就业。", "jobs", 62_000, "more_than"),
        ("5年间培训54万农民兄弟。", "trained", 540_000, "exact"),
    ],
)
def test_people_counted_in_wan_without_a_measure_word(
    text: str, metric: str, value: int, qualifier: str
):
    claim = one(text)
    assert (claim.metric, claim.value, claim.qualifier) == (metric, Decimal(value), qualifier)


def test_money_and_dates_are_not_people_without_a_measure_word():
    assert [c.unit for c in claims_of("投入3万元帮助农民增收。")] == ["万元"]


def test_we_with_no_place_named_is_unknown_and_uncertain():
    claim = one("记者从省扶贫办获悉:我省5年投入扶贫资金3.3亿元。")
    assert claim.subject == "我省" and claim.subject_name == "" and claim.uncertain


def test_a_dateline_names_no_subject():
    claim = one("中评社北京6月15日电/现场签署9份帮扶协议。")
    assert claim.subject_name == ""
