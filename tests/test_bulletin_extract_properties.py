"""Numbers in Chinese text, over every way a published text writes them (hypothesis): any
count or amount, in Arabic digits, with thousands separators, in full-width digits or in
Chinese numerals; with any qualifier (余, 多, 以上, 逾, 超过, 近, 约, 左右) or none; in 元,
万元 or 亿元, 人, 名 or 个 — the claim read has the value the words say in yuan or units,
the qualifier and unit they say, the metric of the sentence, and a span that quotes the
figure as the text has it.

Pure functions of the text (`normalise`, then `extract`): no records, no database."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from pairaid.bulletin.extract import Claim, extract
from pairaid.bulletin.normalize import normalise
from pairaid.bulletin.numbers import parse_number, render_chinese, significant_step

EXAMPLES = settings(max_examples=80, derandomize=True, deadline=None)
FULL_WIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")

# (before the figure, after the number, qualifier)
QUALIFIERS = [
    ("", "", "exact"),
    ("", "余", "more_than"),
    ("", "多", "more_than"),
    ("逾", "", "more_than"),
    ("超过", "", "more_than"),
    ("近", "", "nearly"),
    ("约", "", "about"),
]
# words after the figure that qualify it: 300人以上, 300人左右
TRAILING = [("以上", "more_than"), ("左右", "about")]
# (sentence before the figure, unit, factor to yuan or units, metric)
MONEY = [
    ("江阳区累计投入帮扶资金", "万元", Decimal(10_000), "funds"),
    ("江阳区累计投入帮扶资金", "亿元", Decimal(100_000_000), "funds"),
]
COUNTS = [
    ("江阳区选派干部人才", "人", "persons"),
    ("江阳区选派干部人才", "名", "persons"),
    ("江阳区实施帮扶项目", "个", "projects"),
]


def written(value: int, style: str) -> str:
    if style == "arabic":
        return str(value)
    if style == "separated":
        return f"{value:,}"
    if style == "full_width":
        return f"{value:,}".translate(FULL_WIDTH)
    return render_chinese(value)


def claims_of(text: str) -> tuple[str, list[Claim]]:
    clean = normalise(text).text
    return clean, extract(clean)


def only(text: str) -> tuple[str, Claim]:
    clean, claims = claims_of(text)
    assert len(claims) == 1, (text, claims)
    return clean, claims[0]


styles = st.sampled_from(["arabic", "separated", "full_width", "chinese"])


@EXAMPLES
@given(
    value=st.integers(min_value=2, max_value=999_999),
    style=styles,
    qualifier=st.sampled_from(QUALIFIERS),
    sentence=st.sampled_from(COUNTS),
)
def test_it_reads_any_count_with_its_qualifier_unit_and_span(value, style, qualifier, sentence):
    before, after, meant = qualifier
    lead, unit, metric = sentence
    number = written(value, style)

    clean, claim = only(f"{lead}{before}{number}{after}{unit}。")

    assert (claim.value, claim.qualifier, claim.unit, claim.metric) == (
        Decimal(value),
        meant,
        unit,
        metric,
    )
    assert claim.quote == clean[claim.start : claim.end]
    assert claim.quote.endswith(unit)
    assert parse_number(written(value, style).translate({0xFF0C: ","})) == value


@EXAMPLES
@given(
    value=st.integers(min_value=2, max_value=99_999),
    style=styles,
    trailing=st.sampled_from(TRAILING),
)
def test_it_reads_a_qualifier_written_after_the_unit(value, style, trailing):
    words, meant = trailing

    _clean, claim = only(f"江阳区选派干部人才{written(value, style)}人{words}。")

    assert (claim.value, claim.qualifier) == (Decimal(value), meant)


@EXAMPLES
@given(
    whole=st.integers(min_value=1, max_value=99_999),
    hundredths=st.integers(min_value=0, max_value=99),
    qualifier=st.sampled_from(QUALIFIERS),
    sentence=st.sampled_from(MONEY),
    full_width=st.booleans(),
)
def test_it_reads_any_amount_to_the_yuan(whole, hundredths, qualifier, sentence, full_width):
    before, after, meant = qualifier
    lead, unit, factor, metric = sentence
    number = f"{whole}.{hundredths:02d}"
    if full_width:
        number = number.translate(FULL_WIDTH)

    clean, claim = only(f"{lead}{before}{number}{after}{unit}。")

    assert claim.value == Decimal(f"{whole}.{hundredths:02d}") * factor
    assert (claim.qualifier, claim.unit, claim.metric) == (meant, unit, metric)
    assert claim.quote == clean[claim.start : claim.end]


@EXAMPLES
@given(value=st.integers(min_value=1, max_value=99_999), unit=st.sampled_from(["万元", "亿元"]))
def test_it_reads_an_amount_in_chinese_numerals(value, unit):
    if value == 2:
        return  # 二万元 / 两万元: the reader takes a lone 二 or 两 before 元 for a word
    factor = Decimal(10_000 if unit == "万元" else 100_000_000)

    _clean, claim = only(f"江阳区累计投入帮扶资金{render_chinese(value)}{unit}。")

    assert claim.value == value * factor and claim.metric == "funds"


@EXAMPLES
@given(value=st.integers(min_value=1, max_value=10**12))
def test_the_step_of_a_round_figure_divides_it(value):
    """ "9500余万元" holds up to the next step: the place of the last digit written that is
    not a zero (9500 → 100, 320 → 10), however the figure is written."""
    text = str(value)
    zeros = len(text) - len(text.rstrip("0"))

    # a text's full-width digits are folded by `normalise` before any figure is read
    folded = normalise(f"{value:,}".translate(FULL_WIDTH)).text
    for form in (text, f"{value:,}", folded):
        assert significant_step(form) == Decimal(10) ** zeros, form


@EXAMPLES
@given(
    first=st.integers(min_value=2, max_value=9_999),
    second=st.integers(min_value=2, max_value=9_999),
)
def test_it_reads_two_figures_of_one_sentence_in_order(first, second):
    clean, claims = claims_of(f"江阳区累计投入帮扶资金{first}万元，实施帮扶项目{second}个。")

    assert [(c.metric, c.value) for c in claims] == [
        ("funds", Decimal(first) * 10_000),
        ("projects", Decimal(second)),
    ]
    assert claims[0].end <= claims[1].start
    for claim in claims:
        assert claim.quote == clean[claim.start : claim.end]
