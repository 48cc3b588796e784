"""Find every quantified claim about assistance work in a clean text (see `normalize`).

A claim is a figure (`14654.73万元`, `9500余万元`, `一百五十四个`, `近5000人`) with what it
counts (the metric), whose figure it is (the subject, as written, carried over from an
earlier clause when the sentence leaves it out) and over which period. The rules are
plain and local — keywords next to the figure, the grammar of a Chinese news sentence —
so that a reader can see why a claim was read as it was; where they do not settle the
question the claim is marked `uncertain` with the reason, never guessed silently.

Extraction needs no database. The checker passes the ledger's names (`gazetteer`) so that
names it knows are cut exactly.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from pairaid.bulletin.numbers import (
    ARABIC_NUMBER,
    BIG_UNITS,
    CHINESE_NUMBER,
    DIGITS,
    NotANumber,
    parse_number,
    significant_step,
)
from pairaid.ledger.money import WAN, round_step

METRICS = (
    "funds", "projects", "persons", "cadres", "professionals", "teachers", "doctors",
    "schools", "consumption", "jobs", "beneficiaries", "trained", "enterprises",
    "investment", "other",
)  # fmt: skip
EXACT, MORE_THAN, NEARLY, ABOUT = "exact", "more_than", "nearly", "about"
QUALIFIERS = (EXACT, MORE_THAN, NEARLY, ABOUT)

CJK = "\u3400-\u4dbf\u4e00-\u9fff"

# --- figures -------------------------------------------------------------------------------

MONEY_UNITS = ("元",)
PERSON_UNITS = ("人次", "人", "名", "位")
COUNT_UNITS = (
    "个", "项", "所", "家", "户", "批", "次", "场", "期", "座", "套", "台", "亩", "吨",
    "公里", "平方米", "头", "只", "株", "间", "处", "条", "支", "批次", "%",
)  # fmt: skip
UNITS = sorted((*MONEY_UNITS, *PERSON_UNITS, *COUNT_UNITS), key=len, reverse=True)
PRE_QUALIFIERS = {
    "近": NEARLY, "将近": NEARLY, "接近": NEARLY, "约": ABOUT, "大约": ABOUT,
    "逾": MORE_THAN, "超过": MORE_THAN, "超": MORE_THAN, "多于": MORE_THAN,
    "不低于": MORE_THAN, "不少于": MORE_THAN, "至少": MORE_THAN,
}  # fmt: skip
POST_QUALIFIERS = {"左右": ABOUT, "以上": MORE_THAN, "有余": MORE_THAN, "多": MORE_THAN}
FIGURE = re.compile(
    rf"(?P<pre>{'|'.join(sorted(PRE_QUALIFIERS, key=len, reverse=True))})?"
    rf"(?P<number>{ARABIC_NUMBER}|{CHINESE_NUMBER})"
    r"(?P<mid>余|多)?(?P<mag>万亿|千万|百万|亿|万|千)?(?P<mid2>余|多)?"
    rf"(?P<unit>{'|'.join(re.escape(u) for u in UNITS)})"
    r"(?P<post>左右|以上|有余)?"
)

# --- what a figure counts: keywords near it --------------------------------------------------

# (metric, keywords); earlier rules win over later ones when both are present in the clause.
OVERRIDES_FOR_PEOPLE = (
    ("trained", ("培训", "带教", "轮训")),
    ("jobs", ("就业", "务工", "转移", "岗位", "劳务输出", "输出劳动力", "招聘")),
    ("beneficiaries", ("受益", "惠及", "带动", "覆盖", "增收", "脱贫", "减贫", "群众", "接诊")),
)
PEOPLE = (
    ("teachers", ("教师", "老师", "支教", "校长")),
    (
        "doctors",
        (
            "医生",
            "医务人员",
            "医护人员",
            "医疗专家",
            "医疗人才",
            "医疗骨干",
            "医疗队员",
            "支医",
            "卫生人才",
        ),
    ),
    ("persons", ("干部人才", "干部和人才", "干部、人才", "人才")),
    ("cadres", ("党政干部", "挂职干部", "干部")),
    ("professionals", ("专业技术人才", "专技人才", "专业技术人员", "技术人员", "专家")),
)
MONEY = (
    ("consumption", ("消费帮扶", "消费扶贫", "采购", "购买", "销售", "农特产品", "832")),
    ("investment", ("企业投资", "招商", "引进", "到位投资", "签约投资", "引导")),
    ("funds", ("资金", "援助", "拨付", "投入", "捐赠", "捐款", "交付", "援建")),
)
COUNTS = {
    "所": (("schools", ("学校", "中学", "小学", "高中", "幼儿园", "学院", "职校", "校")),),
    "家": (("enterprises", ("企业", "公司", "厂")),),
    "个": (("projects", ("项目",)), ("jobs", ("岗位",))),
    "项": (("projects", ("项目", "工程")),),
    "户": (("enterprises", ("企业",)),),
}
DEFAULT_COUNT = {"户": "beneficiaries"}  # households helped, unless they are enterprises
NEAR = 14  # a keyword further than this from the figure is only a guess

# --- subjects ------------------------------------------------------------------------------

ADMIN_SUFFIXES = (
    "彝族自治州", "藏族自治州", "自治州", "自治县", "自治区", "地区", "新区", "省", "市",
    "州", "盟", "县", "区", "旗", "镇", "乡", "村",
)  # fmt: skip
ORG_SUFFIXES = (
    "人民医院", "中医院", "医院", "卫生院", "中学校", "中学", "小学", "学校", "学院", "大学",
    "教育局", "局", "集团", "公司", "商会", "协会", "委员会",
)  # fmt: skip
# Words a place name never contains: a name starts after one of them (or after
# punctuation or another name), never inside one.
STOP_WORDS = (
    "对口帮扶", "结对帮扶", "帮扶", "对口", "结对", "支援", "援助", "支持", "帮助", "协作",
    "前往", "深入", "面向", "覆盖", "带动", "推动", "组织", "开展", "完成", "实施", "选派",
    "派出", "投入", "拨付", "交付", "累计", "以来", "分别", "来到", "走进", "落户", "联合",
    "携手", "指导", "协助", "其中", "培训", "建成", "建设", "新建", "援建", "引导", "销售",
    "采购", "安置", "共建", "实现", "提供", "签订", "依托", "动员", "接收", "通报", "召开",
    "举行", "考察", "调研", "看望", "慰问", "陪同", "见证", "对接", "服务", "挂职", "分赴",
    "进驻", "常驻", "奔赴", "抵达", "截至", "今年", "去年", "全年", "期间", "方面", "同时",
    "此外", "目前", "已经", "先后", "新增", "开工", "据悉", "介绍", "表示", "强调", "要求",
    "来自", "本批次", "本年度", "年度", "上半年", "下半年", "入驻", "还", "的", "和", "与",
    "及", "同", "向", "对", "为", "给", "在", "从", "到", "赴", "把", "将", "被", "是", "并",
    "或", "其", "共", "已", "由", "等", "于", "年", "月", "日", "了",
    "至", "即", "也", "都", "又", "就", "均", "据", "经",
)  # fmt: skip
SINGLE_STOPS = {word for word in STOP_WORDS if len(word) == 1}
MULTI_STOPS = tuple(word for word in STOP_WORDS if len(word) > 1)
# Two-character words that end like a name but are not one (园区, 乡村 …).
NOT_NAMES = {
    "园区", "城区", "社区", "山区", "景区", "库区", "片区", "校区", "辖区", "彝区", "藏区",
    "灾区", "牧区", "林区", "矿区", "市区", "郊区", "乡村", "农村", "城乡", "城镇", "乡镇",
    "村镇", "县区", "区县", "市县",
}  # fmt: skip
NUMERALS = "一二两三四五六七八九十几多个"
# Verbs and prepositions that may stand between a body's place and its name: not these.
ORG_BLOCKERS = re.compile(
    "累计|投入|选派|实施|帮扶|援助|拨付|交付|向|对|为|给|在|从|到|赴|与|及|共|已|还|将"
)
GENERIC_STEMS = {
    "全", "各", "本", "该", "此", "两", "三", "四", "五", "六", "七", "八", "九", "十", "城",
    "社", "山", "园", "景", "片", "校", "库", "新", "灾", "辖", "彝", "藏", "羌", "地", "副",
    "正", "贫困", "脱贫", "示范", "行政", "乡镇", "农", "县", "区", "市", "州", "省", "乡",
    "镇", "村", "民族", "民族地", "贫困地", "城乡", "省市", "市县", "县区", "区县", "下辖",
    "受援", "帮扶", "结对", "所在", "当地", "属地", "同", "兄弟",
}  # fmt: skip
PRONOUNS = {
    "我市": "市", "我区": "区", "我县": "县", "我州": "州", "我省": "省",
    "全市": "市", "全区": "区", "全县": "县", "全州": "州", "全省": "省",
}  # fmt: skip
# Stop words after which a name is still the subject (time, adverbs, conjunctions); after
# any other stop word (a verb or a preposition) a name is the object: 向盐源县, 培训凉山州.
SUBJECT_MAY_FOLLOW = {
    "累计", "以来", "分别", "其中", "截至", "今年", "去年", "全年", "期间", "方面", "同时",
    "此外", "目前", "已经", "先后", "新增", "据悉", "介绍", "表示", "强调", "要求", "本批次",
    "本年度", "年度", "上半年", "下半年", "还", "的", "和", "与", "及", "并", "或", "其", "共",
    "已", "等", "年", "月", "日", "了", "即", "也", "都", "又", "就", "均", "据",
}  # fmt: skip
OBJECT_MARKERS = tuple(
    sorted(
        {word for word in STOP_WORDS if word not in SUBJECT_MAY_FOLLOW}
        | {"落地", "面向", "邀请", "带领", "接收"},
        key=len,
        reverse=True,
    )
)
COORDINATORS = ("以及", "和", "与", "及", "、", "同")
CLAUSE_BREAKS = ",，;；:："
SENTENCE_BREAKS = "。！？!?"

# --- periods ---------------------------------------------------------------------------------

YEAR = r"(?:19|20)\d{2}"
PERIOD = re.compile(
    rf"(?P<span>(?P<a>{YEAR})年?\s*[-—–~至到]\s*(?P<b>{YEAR})年)"
    rf"|(?P<since>(?:自|从)?(?P<s>{YEAR})年(?:以来|来|起|开始|至今))"
    rf"|(?P<until>截至(?:到)?(?P<u>{YEAR})年(?:(?P<um>\d{{1,2}})月)?(?:底|末)?)"
    r"|(?P<plan>“?十[三四]五”?(?:期间|以来|时期)?)"
    r"|(?P<this>今年(?:以来)?|去年)"
    rf"|(?P<single>(?P<y>{YEAR})年(?:度)?)(?![0-9一二三四五六七八九十]+月)"
    r"|(?P<cumulative>累计|合计|总计|先后)"
)
PUBLISHED = re.compile(
    rf"(?:发布时间|发布日期|发布于|日期|时间)\s*[:：]?\s*(?P<y>{YEAR})[-年/.](?P<m>\d{{1,2}})"
    r"[-月/.](?P<d>\d{1,2})"
)
FULL_DATE = re.compile(
    rf"(?P<y>{YEAR})(?:年(?P<m>\d{{1,2}})月(?P<d>\d{{1,2}})日|-(?P<m2>\d{{1,2}})-(?P<d2>\d{{1,2}}))"
)


@dataclass(frozen=True)
class Mention:
    name: str
    start: int
    end: int
    role: str = "subject"  # or "object"
    group: int = 0  # mentions joined by 和/、 share a group


@dataclass(frozen=True)
class Claim:
    """One quantified claim: what the text says, where, and how sure the reading is.

    `value` is in base units (yuan for money, persons or items for counts); `start`/`end`
    locate the figure in the clean text; `subject` is as written and `subject_name` what
    it stands for (我市 → 泸州市)."""

    subject: str
    subject_name: str
    metric: str
    value: Decimal
    unit: str
    qualifier: str
    period: str
    start: int
    end: int
    quote: str
    number: str = ""  # the number as written, without qualifier and unit
    magnitude: Decimal = Decimal(1)  # 万元 → 10000
    subject_carried: bool = False
    tags: tuple[str, ...] = ()
    uncertain: bool = False
    why_uncertain: str = ""
    sentence: tuple[int, int] = (0, 0)

    @property
    def is_money(self) -> bool:
        return self.unit.endswith("元")

    @property
    def is_count(self) -> bool:
        return not self.is_money and self.unit != "%"

    def precision(self) -> Decimal:
        """The smallest step the figure is written to, in base units: `14654.73万元` →
        100 元. An exact money figure agrees with a total that rounds to it."""
        decimals = self.number.split(".")[1] if "." in self.number else ""
        return Decimal(1).scaleb(-len(decimals)) * self.magnitude

    def step(self) -> Decimal:
        """The round step of an approximate figure, in base units. Money in 万元 follows
        the ledger's `round_step` (9500余万元 → 100万元) unless the text is more precise."""
        written = significant_step(self.number) * self.magnitude
        if self.is_money and self.magnitude == WAN:
            return min(written, round_step(self.value / WAN) * WAN)
        return written

    def bounds(self) -> tuple[Decimal, Decimal]:
        """[low, high): the totals for which the claim holds, honouring the qualifier."""
        if self.qualifier == MORE_THAN:
            return self.value, self.value + self.step()
        if self.qualifier == NEARLY:
            return self.value - self.step(), self.value
        if self.qualifier == ABOUT:
            half = self.step() / 2
            return self.value - half, self.value + half
        if self.is_count and self.unit != "%" and self.precision() <= 1:
            return self.value, self.value + 1
        half = self.precision() / 2
        return self.value - half, self.value + half


@dataclass
class Context:
    """What the reader remembers while going through the text."""

    text: str
    gazetteer: Gazetteer
    pronouns: dict[str, str] = field(default_factory=dict)
    last_subject: Mention | None = None
    last_subject_paragraph: int = -1
    last_group: tuple[Mention, ...] = ()


def extract(text: str, gazetteer: Iterable[str] = ()) -> list[Claim]:
    """Every quantified claim in `text`, in reading order."""
    context = Context(text, index_names(gazetteer))
    context.pronouns = pronoun_referents(text, context.gazetteer)
    claims: list[Claim] = []
    for paragraph_no, (p_start, p_end) in enumerate(paragraphs(text)):
        for s_start, s_end in sentences(text, p_start, p_end):
            claims.extend(read_sentence(context, s_start, s_end, paragraph_no))
    return claims


Gazetteer = dict[str, tuple[str, ...]]  # first character → names, longest first


def index_names(names: Iterable[str]) -> Gazetteer:
    """Known names by their first character, so that looking one up is cheap even with
    every region of the country in the list."""
    found: dict[str, set[str]] = {}
    for name in names:
        name = name.strip()
        if len(name) > 1:
            found.setdefault(name[0], set()).add(name)
    return {first: tuple(sorted(group, key=len, reverse=True)) for first, group in found.items()}


def paragraphs(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    begin = start
    for index in range(start, end):
        if text[index] in SENTENCE_BREAKS:
            spans.append((begin, index + 1))
            begin = index + 1
    if begin < end:
        spans.append((begin, end))
    return spans


# --- figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    number: str
    value: Decimal
    magnitude: Decimal
    unit: str
    qualifier: str
    base: str  # 元, 人, 个 … without the magnitude


def quantities_in(text: str, start: int, end: int) -> list[Quantity]:
    found = []
    for match in FIGURE.finditer(text, start, end):
        figure = read_quantity(text, match)
        if figure is not None:
            found.append(figure)
    return found


def read_quantity(text: str, match: re.Match[str]) -> Quantity | None:
    number, base = match["number"], match["unit"]
    magnitude_text = match["mag"] or ""
    before = text[match.start("number") - 1] if match.start("number") else ""
    if before in "第.-/" or before.isdigit() or re.match(r"[A-Za-z]", before):
        return None  # an ordinal (第三批), part of a date, a code or a longer number
    chinese = not number[0].isdigit()
    if chinese:
        if not any(char in DIGITS or char == "十" for char in number):
            return None  # 千家万户, 百姓: a magnitude alone is no figure
        if number[-1] in BIG_UNITS and not magnitude_text and len(number) > 1:
            number, magnitude_text = number[:-1], number[-1]  # 五十万元: 五十 + 万元
        if re.search(r"一(.)一\1", text[max(0, match.start() - 2) : match.end() + 2]):
            return None  # 一项一项: an idiom, not a count
        if number == "一" and not magnitude_text:
            return None  # 一家亲, 一条路, 一所学校: a word more often than a figure (一万 is one)
        if number in {"两", "二"} and base not in {"所", "家", "个", "名", "人", "位", "项"}:
            return None
    try:
        value = parse_number(number)
        factor = parse_number("1" + magnitude_text) if magnitude_text else Decimal(1)
    except NotANumber:
        return None
    if not value and base != "%":
        return None
    qualifier = EXACT
    for part in ("mid", "mid2"):
        if match[part]:
            qualifier = MORE_THAN
    if match["post"]:
        qualifier = POST_QUALIFIERS[match["post"]]
    if match["pre"]:
        qualifier = PRE_QUALIFIERS[match["pre"]]
    after = text[match.end() : match.end() + 1]
    if after == "多" and qualifier == EXACT and base not in {"%"}:
        qualifier = MORE_THAN  # 300人多 is rare, but 10个多月 is a duration: units guard it
    start = match.start("pre") if match["pre"] else match.start("number")
    return Quantity(
        start=start,
        end=match.end(),
        number=number,
        value=value * factor,
        magnitude=factor,
        unit=magnitude_text + base,
        qualifier=qualifier,
        base=base,
    )


# --- metric ----------------------------------------------------------------------------------


def nearest(keywords: Iterable[str], before: str, after: str) -> tuple[int, str] | None:
    """The distance to the closest keyword: in the noun right after the figure (distance
    0) or ending nearest before it; ties go to the longer keyword."""
    best: tuple[int, str] | None = None
    head = re.split(r"[\d一二两三四五六七八九十]", after, maxsplit=1)[0][:10]
    for keyword in keywords:
        if keyword in head:
            candidate = (0, keyword)
        else:
            at = before.rfind(keyword)
            if at < 0:
                continue
            candidate = (len(before) - at - len(keyword) + 1, keyword)
        if best is None or (candidate[0], -len(candidate[1])) < (best[0], -len(best[1])):
            best = candidate
    return best


def choose(
    rules: Iterable[tuple[str, tuple[str, ...]]], before: str, after: str
) -> tuple[str, int] | None:
    """The rule whose keyword is nearest to the figure."""
    best: tuple[int, int, str] | None = None
    for metric, keywords in rules:
        hit = nearest(keywords, before, after)
        if hit and (best is None or (hit[0], -len(hit[1])) < (best[0], best[1])):
            best = (hit[0], -len(hit[1]), metric)
    return (best[2], best[0]) if best else None


def classify(
    figure: Quantity,
    before: str,
    after: str,
    sentence_before: str,
    previous: tuple[str, str] | None,
) -> tuple[str, bool]:
    """(metric, sure): what the figure counts, from the words around it in its clause.

    `previous` is the (metric, unit) of the figure before it in the sentence: a breakdown
    (其中脱贫劳动力870人) counts what the figure it breaks down counts, unless it names a
    narrower kind of its own (其中教师85名); so does a count whose noun is understood
    (实施帮扶项目22个，已完工17个)."""
    inherited = previous[0] if previous and previous[1] == figure.base else None
    tail = before[last_figure_end(before) :]
    if figure.base == "元":
        return classify_money(before, after, sentence_before)
    if figure.base in PERSON_UNITS:
        breakdown = inherited is not None and "其中" in before
        scope = before + after[:8]
        if not breakdown:
            for metric, keywords in OVERRIDES_FOR_PEOPLE:
                if metric == "trained" and figure.base == "人次" and "培训" in scope:
                    return metric, True
                hit = nearest(keywords, before, after)
                if hit and hit[0] <= NEAR:
                    return metric, True
        if "干部" in tail and "人才" in tail and not nearest(("教师", "医生"), "", after):
            return "persons", True  # 干部和专业技术人才: both kinds together
        hit = choose(PEOPLE, before, after)
        if hit:
            return hit[0], hit[1] <= NEAR
        if breakdown and inherited:
            return inherited, True
        return "other", True
    for metric, keywords in COUNTS.get(figure.base, ()):
        hit = nearest(keywords, before, after)
        if hit and hit[0] <= NEAR:
            return metric, True
    if inherited and figure.base in {"个", "项"} and not has_keyword(before):
        return inherited, True  # 实施帮扶项目22个，已完工17个: the noun is understood
    return DEFAULT_COUNT.get(figure.base, "other"), True


def has_keyword(text: str) -> bool:
    """Whether the clause names what it counts (any metric keyword)."""
    rules = [*OVERRIDES_FOR_PEOPLE, *PEOPLE, *MONEY, *(r for rs in COUNTS.values() for r in rs)]
    return any(keyword in text for _metric, keywords in rules for keyword in keywords)


def classify_money(before: str, after: str, sentence_before: str) -> tuple[str, bool]:
    if re.search(r"(总投资|计划投资|项目投资|投资规模)$", before[-8:]):
        return "other", True  # a project's budget, not money sent
    if "到位" in before and "投资" in sentence_before:
        return "investment", True  # 引导企业投资……到位资金1.2亿元
    if "投资" in before[-NEAR:] and not re.search("资金|援助", before[-6:]):
        hit = choose(MONEY[:2], before, after)
        if hit is None or hit[1] > NEAR or hit[0] == "investment":
            return "investment", True
    hit = choose(MONEY, before, after)
    return (hit[0], hit[1] <= NEAR) if hit else ("other", True)


def last_figure_end(text: str) -> int:
    ends = [match.end() for match in FIGURE.finditer(text)]
    return ends[-1] if ends else 0


def tags_for(metric: str, figure: Quantity, clause_before: str, sentence: str) -> tuple[str, ...]:
    """Details the checker needs: 组团式 teams, the sending or receiving side of a team,
    the source of money (财政, 社会), 人次."""
    tags = []
    if "组团式" in sentence:
        tags.append("组团式")
    if metric in {"schools", "teachers", "doctors"}:
        if re.search("选派|派出|抽调|来自|从", clause_before):
            tags.append("派出")
        elif re.search("帮扶|援助|支援|受援|结对|对口", clause_before):
            tags.append("受援")
    if metric == "funds":
        near = clause_before[-16:]
        if "计划" in near:
            tags.append("计划")
        if "财政" in near:
            tags.append("财政")
        elif "社会" in near:
            tags.append("社会")
    if figure.base == "人次":
        tags.append("人次")
    return tuple(tags)


# --- subjects --------------------------------------------------------------------------------


def mentions_in(text: str, start: int, end: int, gazetteer: Gazetteer) -> list[Mention]:
    """Names of places and bodies in text[start:end], left to right, with their role."""
    found: list[tuple[int, int]] = []
    index = start
    while index < end:
        hit = name_at(text, index, end, gazetteer)
        if hit and hit > index:
            found.append((index, hit))
            index = hit
        else:
            index += 1
    mentions: list[Mention] = []
    clause_start = start
    group = 0
    for name_start, name_end in found:
        breaks = [i for i in range(clause_start, name_start) if text[i] in CLAUSE_BREAKS]
        if breaks:
            clause_start = breaks[-1] + 1
        previous = mentions[-1] if mentions else None
        gap_from = max(previous.end, clause_start) if previous else clause_start
        gap = text[gap_from:name_start]
        name = text[name_start:name_end]
        if previous and previous.end == name_start:
            # Apposition (我市江阳区, 凉山州盐源县): the narrower name stands for both.
            mentions[-1] = Mention(name, name_start, name_end, previous.role, previous.group)
            continue
        if previous and previous.end >= clause_start and gap in COORDINATORS:
            mentions.append(Mention(name, name_start, name_end, previous.role, previous.group))
            continue
        group += 1
        role = "object" if is_object(gap) else "subject"
        mentions.append(Mention(name, name_start, name_end, role, group))
    return mentions


def is_object(gap: str) -> bool:
    """Whether a name after `gap` (the text since the clause start or the last name) is
    an object: right after a verb or preposition, or in a list that follows one
    (帮扶盐源中学、盐源县职业技术学校)."""
    if gap.endswith(OBJECT_MARKERS) or (len(gap) > 1 and gap.endswith(("与", "同"))):
        return True  # 向盐源县; 组织15所学校与盐源县学校结对
    return gap.endswith(("、", "和", "及")) and any(marker in gap for marker in OBJECT_MARKERS)


def inside_word(text: str, index: int) -> bool:
    """Whether `index` falls inside a stop word (其中 → 中龙马潭区 is no name)."""
    for word in STOP_WORDS:
        for offset in range(1, len(word)):
            if text.startswith(word, index - offset) and index - offset >= 0:
                return True
    return False


def name_at(text: str, index: int, end: int, gazetteer: Gazetteer) -> int | None:
    """The end of a name starting at `index`, if one does: a known name, a pronoun
    (我市), or a stem of 1–4 characters with an administrative suffix, optionally
    followed by the name of a body (江阳区人民医院)."""
    for name in gazetteer.get(text[index], ()):
        if text.startswith(name, index) and index + len(name) <= end:
            return extend_org(text, index + len(name), end)
    for pronoun in PRONOUNS:
        if text.startswith(pronoun, index):
            return index + len(pronoun)
    if index and re.match(f"[{CJK}]", text[index - 1]) and not starts_after_stop(text, index):
        return None  # a name starts after a boundary, a stop word or another name
    if inside_word(text, index):
        return None
    lengths = (2, 3, 1)  # county and city names: 2 characters mostly, 3 some, 1 few (泸县)
    for stem_length in lengths:
        stem = text[index : index + stem_length]
        if len(stem) < stem_length or not re.fullmatch(f"[{CJK}]+", stem):
            continue
        if stem in GENERIC_STEMS or stem[-1] in NUMERALS:
            continue  # 全县, 两县, 个市: words, not names
        if stem[0] in SINGLE_STOPS or any(stop in stem for stop in MULTI_STOPS):
            continue  # 成都 may hold 都, but no name starts with 的 or holds 培训
        for suffix in ADMIN_SUFFIXES:
            if text.startswith(suffix, index + stem_length):
                if (
                    stem[-1] + suffix[0] in NOT_NAMES
                    or suffix
                    + text[
                        index + stem_length + len(suffix) : index + stem_length + len(suffix) + 1
                    ]
                    in NOT_NAMES
                ):
                    continue
                if stem_length == 1 and suffix not in {"县", "区", "市", "州"}:
                    continue
                after = index + stem_length + len(suffix)
                if after > end or text[after : after + 1] in {"长", "民", "级", "场", "域"}:
                    continue  # 州长, 市民, 县级, 市场, 县域: words, not names
                return extend_org(text, after, end)
    return None


def starts_after_stop(text: str, index: int) -> bool:
    """Whether a name may start here: right after a stop word or an administrative
    suffix (两个名字相连: 凉山州盐源县)."""
    before = text[max(0, index - 4) : index]
    if before.endswith(STOP_WORDS):
        return True
    if before.endswith(tuple(PRONOUNS)):
        return True
    return before.endswith(ADMIN_SUFFIXES)


def extend_org(text: str, end_of_place: int, end: int) -> int:
    """江阳区 + 人民医院: a body named after its place is one name."""
    match = re.match(rf"[{CJK}]{{0,6}}?(?:{'|'.join(ORG_SUFFIXES)})", text[end_of_place:end])
    if match and not ORG_BLOCKERS.search(match.group(0)):
        return end_of_place + match.end()
    return end_of_place


def pronoun_referents(text: str, gazetteer: Gazetteer) -> dict[str, str]:
    """我市 → the city the text names most often (泸州市), and so on for 我县, 我区 …"""
    counts: Counter[str] = Counter()
    for start, end in paragraphs(text):
        for mention in mentions_in(text, start, end, gazetteer):
            counts[mention.name] += 1
    referents = {}
    for pronoun, suffix in PRONOUNS.items():
        named = [(n, name) for name, n in counts.items() if name.endswith(suffix)]
        named = [(n, name) for n, name in named if name not in PRONOUNS]
        if named:
            referents[pronoun] = max(named)[1]
    return referents


# --- periods ---------------------------------------------------------------------------------


def period_for(text: str, clause_start: int, sentence_start: int, at: int) -> str:
    """The period a figure covers, as written: a year expression in its clause, else
    earlier in its sentence, else 累计 if the clause or sentence says so, else ''."""
    best_cumulative = ""
    for start in (clause_start, sentence_start):
        for match in reversed(list(PERIOD.finditer(text, start, at))):
            if match["cumulative"]:
                best_cumulative = best_cumulative or match.group(0)
                continue
            return re.sub('[“”"]', "", match.group(0))
    return best_cumulative


def published_date(text: str) -> dt.date | None:
    """The text's own date: a 发布时间 line, else the first full date in it."""
    for pattern in (PUBLISHED, FULL_DATE):
        match = pattern.search(text)
        if match:
            month = match.groupdict().get("m") or match.groupdict().get("m2")
            day = match.groupdict().get("d") or match.groupdict().get("d2")
            try:
                return dt.date(int(match["y"]), int(month or 0), int(day or 0))
            except ValueError:
                continue
    return None


# --- a sentence ------------------------------------------------------------------------------


def clause_start_of(text: str, sentence_start: int, at: int) -> int:
    for index in range(at - 1, sentence_start - 1, -1):
        if text[index] in CLAUSE_BREAKS:
            return index + 1
    return sentence_start


def read_sentence(context: Context, start: int, end: int, paragraph: int) -> list[Claim]:
    text = context.text
    quantities = quantities_in(text, start, end)
    mentions = mentions_in(text, start, end, context.gazetteer)
    claims: list[Claim] = []
    sentence = text[start:end]
    previous: tuple[str, str] | None = None
    for figure in quantities:
        clause_start = clause_start_of(text, start, figure.start)
        before = text[clause_start : figure.start]
        after = text[figure.end : clause_end(text, figure.end, end)]
        metric, sure = classify(figure, before, after, text[start : figure.start], previous)
        previous = (metric, figure.base)
        subject, carried, why = subject_for(context, mentions, figure, paragraph)
        uncertain_reasons = [why] if why else []
        if not sure:
            uncertain_reasons.append("指标依据的关键词离数字较远")
        if figure.number in {"两", "二"}:
            uncertain_reasons.append("“两”常为虚指")
        slogan = len(figure.number) == 1 and not figure.number.isdigit() and figure.magnitude == 1
        if slogan and metric == "other":
            continue  # 三个方面, 五个一批, 两地: slogans and words, not figures
        name = subject.name if subject is not None else ""
        resolved = "、".join(context.pronouns.get(part, part) for part in name.split("、"))
        claims.append(
            Claim(
                subject=name,
                subject_name=resolved if name else "",
                metric=metric,
                value=figure.value,
                unit=figure.unit,
                qualifier=figure.qualifier,
                period=period_for(text, clause_start, start, figure.start),
                start=figure.start,
                end=figure.end,
                quote=text[figure.start : figure.end],
                number=figure.number,
                magnitude=figure.magnitude,
                subject_carried=carried,
                tags=tags_for(metric, figure, before, sentence),
                uncertain=bool(uncertain_reasons),
                why_uncertain="；".join(uncertain_reasons),
                sentence=(start, end),
            )
        )
    claims = distribute(context, claims)
    subjects = [m for m in mentions if m.role == "subject"]
    if subjects:
        last = subjects[-1]
        context.last_subject = last
        context.last_subject_paragraph = paragraph
        context.last_group = tuple(m for m in subjects if m.group == last.group)
    return claims


def clause_end(text: str, at: int, sentence_end: int) -> int:
    for index in range(at, sentence_end):
        if text[index] in CLAUSE_BREAKS + "、":
            return index
    return sentence_end


def subject_for(
    context: Context, mentions: list[Mention], figure: Quantity, paragraph: int
) -> tuple[Mention | None, bool, str]:
    """The subject of a figure: the last subject named before it in the sentence, else
    the one carried over from earlier (uncertain when from another paragraph)."""
    before = [m for m in mentions if m.role == "subject" and m.end <= figure.start]
    if before:
        group = [m for m in before if m.group == before[-1].group]
        return joint(group), False, ""
    carried = context.last_subject
    if carried is None:
        return None, False, "未找到数字所属的主体"
    if len(context.last_group) > 1:
        carried = joint(list(context.last_group))
    if context.last_subject_paragraph != paragraph:
        return carried, True, "主体承接自上一段"
    return carried, True, ""


def joint(group: list[Mention]) -> Mention:
    """Names joined by 和/、 are one subject: 江阳区、龙马潭区 (both pairings together)."""
    if len(group) == 1:
        return group[0]
    name = "、".join(mention.name for mention in group)
    return Mention(name, group[0].start, group[-1].end, "subject", group[0].group)


def distribute(context: Context, claims: list[Claim]) -> list[Claim]:
    """江阳区、龙马潭区分别投入3000万元、2000万元: one subject per figure, in order. When
    the figures do not pair up with the names, the claims keep the joint subject and are
    marked uncertain."""
    out = list(claims)
    groups: dict[tuple[str, str, tuple[int, int]], list[int]] = {}
    for index, claim in enumerate(claims):
        if "、" in claim.subject:
            groups.setdefault((claim.subject, claim.metric, claim.sentence), []).append(index)
    for (subject, _metric, sentence), indices in groups.items():
        names = subject.split("、")
        if "分别" not in context.text[sentence[0] : claims[indices[0]].start]:
            continue
        if len(indices) == len(names):
            for index, name in zip(indices, names, strict=True):
                resolved = context.pronouns.get(name, name)
                out[index] = replace(out[index], subject=name, subject_name=resolved)
            continue
        for index in indices:
            why = "；".join(
                filter(None, [out[index].why_uncertain, "“分别”后的数字与主体个数不对应"])
            )
            out[index] = replace(out[index], uncertain=True, why_uncertain=why)
    return out
