"""What a figure counts (the metric): keywords near the figure decide, and a figure whose
keywords do not settle it is marked uncertain."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pairaid.bulletin.extract.quantities import FIGURE, PERSON_UNITS, Quantity

# --- what a figure counts: keywords near it --------------------------------------------------

# (metric, keywords); earlier rules win over later ones when both are present in the clause.
OVERRIDES_FOR_PEOPLE = (
    ("trained", ("培训", "带教", "轮训", "帮带", "进修", "培养")),
    (
        "jobs",
        (
            "就业", "务工", "转移", "岗位", "劳务输出", "输出劳动力", "招聘", "工人", "女工",
            "员工", "劳务", "输送劳动力", "劳动力输送",
        ),
    ),
    (
        "beneficiaries",
        (
            "受益", "惠及", "带动", "覆盖", "增收", "脱贫", "减贫", "群众", "接诊", "联农带农",
            "带农", "带贫", "贫困人口",
        ),
    ),
)  # fmt: skip
# A predicate after a list of people (选派32名干部、241名大学生到援疆省市接受培训;
# 带动农村人口3928人、脱贫人口761人就近就业) tells what all of them count.
PREDICATES = (
    ("trained", re.compile("接受培训|参加培训|进修|跟岗|来.学习|培训")),
    ("jobs", re.compile("(?<!未)(?:实现|转移|稳定|就近|就地|来.|到.|务工)?就业(?!率)|务工")),
)
NOT_KEYWORDS = re.compile("未就业|就业率|就业渠道")
PEOPLE = (
    ("teachers", ("教师", "老师", "支教", "校长", "教育人才")),
    (
        "doctors",
        (
            "医生", "医务人员", "医护人员", "医疗专家", "医疗人才", "医疗骨干", "医疗队员",
            "支医", "卫生人才",
        ),
    ),
    ("persons", ("干部人才", "干部和人才", "干部、人才", "人才")),
    ("cadres", ("党政干部", "挂职干部", "干部")),
    (
        "professionals",
        ("专业技术人才", "专技人才", "专业技术人员", "技术人员", "专家", "高层次人才"),
    ),
)  # fmt: skip
MONEY = (
    (
        "consumption",
        (
            "消费帮扶", "消费扶贫", "消费协作", "采购", "购买", "销售", "农特产品", "832",
            "卖出", "订单", "货值", "帮销", "展销", "购销",
        ),
    ),
    (
        "investment",
        (
            "企业投资", "招商", "引进", "到位投资", "签约投资", "引导", "总投资", "协议金额",
            "合同投资", "签约金额", "产业援", "投资协议",
        ),
    ),
    ("funds", ("资金", "援助", "拨付", "投入", "捐赠", "捐款", "捐助", "交付", "援建")),
)  # fmt: skip
ENTERPRISES = ("企业", "公司", "厂", "央企", "供应商", "商户")
COUNTS = {
    "所": (("schools", ("学校", "中学", "小学", "高中", "幼儿园", "学院", "职校", "校")),),
    "家": (("enterprises", ENTERPRISES),),
    "个": (
        ("projects", ("项目",)),
        ("jobs", ("岗位",)),
        ("enterprises", ("企业",)),
        ("workshops", ("车间",)),
        ("parks", ("产业园区", "产业园", "工业园区", "园区")),
    ),
    "项": (("projects", ("项目", "工程")),),
    "户": (("enterprises", ("企业",)),),
    "大": (("projects", ("项目", "工程")),),
}
# Parks count as the pairing's (共建产业园区) only where the text says they were built together.
CO_BUILT = re.compile("共建|援建|合建|携手建|共同建设|合作建设")
# What the pairing builds and counts (帮扶车间, 产业园区), by the nouns that may follow the count.
BUILT_THINGS = {
    "workshops": ("帮扶车间", "扶贫车间", "就业车间", "车间", "就业帮扶车间"),
    "parks": ("产业园区", "产业园", "工业园区", "园区", "农业园区"),
}
DEFAULT_COUNT = {"户": "beneficiaries"}  # households helped, unless they are enterprises
# 家 with no noun of its own counts firms (认定扶贫产品10批次102家); with a noun it counts
# what the noun names (50多家政府部门单位 are no firms).
DEFAULT_BARE_COUNT = {"家": "enterprises"}
NEAR = 14  # a keyword further than this from the figure is only a guess
ASIDE = re.compile(r"\([^()]{0,12}\)|（[^（）]{0,12}）")
ORDINAL = re.compile("第[0-9一二两三四五六七八九十百]+")


# --- metric ----------------------------------------------------------------------------------


def head_of(after: str) -> str:
    """The noun right after a figure (20家企业, 2114名第十批援藏干部人才): up to the next
    figure or list break, asides, ordinals and quotation marks left out."""
    text = ORDINAL.sub("", ASIDE.sub("", after))
    text = re.sub("[“”「」‘’\"']", "", text)
    return re.split(r"[\d一二两三四五六七八九十、，,;；。！？!?:：]", text, maxsplit=1)[0][:12]


def nearest(keywords: Iterable[str], before: str, after: str) -> tuple[int, str] | None:
    """The distance to the closest keyword: in the noun right after the figure (distance
    0) or ending nearest before it; ties go to the longer keyword."""
    best: tuple[int, str] | None = None
    head = head_of(after)
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

    `after` runs to the end of the clause (past the 、 of a list). `previous` is the
    (metric, unit) of the figure before it in the sentence: a breakdown (其中脱贫劳动力870人)
    counts what the figure it breaks down counts, unless it names a narrower kind of its
    own (其中教师85名); so does a count whose noun is understood (实施帮扶项目22个，已完工
    17个)."""
    before = ASIDE.sub("", before)
    if figure.base == "元":
        return classify_money(before, after, sentence_before)
    kind = "人" if figure.base in {"人", "名", "位"} else figure.base
    inherited = previous[0] if previous and previous[1] == kind else None
    end = last_figure_end(before)
    tail = before[end:]
    joined = re.search("[和与及、]", tail)
    if end and joined:
        tail = tail[joined.end() :]  # 120多家企业和50多家…: the first figure's noun is its own
    head = head_of(after)
    if figure.base in PERSON_UNITS:
        return classify_people(figure, before, after, inherited)
    rules = COUNTS.get(figure.base, ())
    hit = choose(rules, tail, after) or (None if head else choose(rules, before, ""))
    if hit and hit[0] in BUILT_THINGS:
        if head and not head.startswith(BUILT_THINGS[hit[0]]):
            return "other", True  # 10个省区市共建产业园区: the noun right after is what counts
        if hit[0] == "parks" and not CO_BUILT.search(before + head):
            return "other", True  # 支持400个园区基础设施建设: parks helped, not built together
    if hit and hit[1] <= NEAR:
        return hit[0], True
    if inherited and figure.base in {"个", "项"} and not head and not has_keyword(tail):
        return inherited, True  # 实施帮扶项目22个，已完工17个: the noun is understood
    if not head and figure.base in DEFAULT_BARE_COUNT:
        return DEFAULT_BARE_COUNT[figure.base], True
    return DEFAULT_COUNT.get(figure.base, "other"), True


def classify_people(
    figure: Quantity, before: str, after: str, inherited: str | None
) -> tuple[str, bool]:
    """Persons in general, or of a kind (教师, 医务人员, 干部), or people trained, brought
    into work or helped: a word of what happens to them (培训, 就业, 脱贫) decides first."""
    before, after = NOT_KEYWORDS.sub("", before), NOT_KEYWORDS.sub("", after)
    tail = before[last_figure_end(before) :]
    head = head_of(after)
    breakdown = inherited is not None and "其中" in before
    if not breakdown:
        scope = before + after[:8]
        for metric, keywords in OVERRIDES_FOR_PEOPLE:
            if metric == "trained" and figure.base == "人次" and "培训" in scope:
                return metric, True
            near = nearest(keywords, before, after)
            if near and near[0] <= NEAR:
                return metric, True
            predicate = dict(PREDICATES).get(metric)
            if predicate is not None and predicate.search(after[len(head) :]):
                return metric, True
    both = tail + head
    if "干部" in both and "人才" in both and not nearest(("教师", "医生"), "", after):
        return "persons", True  # 干部和专业技术人才: both kinds together
    hit = choose(PEOPLE, before, after)
    if hit:
        return hit[0], hit[1] <= NEAR
    if breakdown and inherited:
        return inherited, True
    return "other", True


def has_keyword(text: str) -> bool:
    """Whether the clause names what it counts (any metric keyword)."""
    rules = [*OVERRIDES_FOR_PEOPLE, *PEOPLE, *MONEY, *(r for rs in COUNTS.values() for r in rs)]
    return any(keyword in text for _metric, keywords in rules for keyword in keywords)


SALES = re.compile("展销|销售|采购|消费|购销|农特产品")
COOPERATION = re.compile("投资|合作项目|企业|产业|招商")


def classify_money(before: str, after: str, sentence_before: str) -> tuple[str, bool]:
    """Funds given, purchases and sales (消费帮扶), or enterprises' money (投资): an
    enterprise's or a project's 总投资 is investment, never assistance funds."""
    if "固定资产投资" in before:
        return "other", True  # 全社会固定资产投资: a statistic of the place, not a firm's money
    if re.search(r"(总投资|计划投资|项目投资|投资规模|合同投资额?)$", before[-8:]):
        return "investment", True  # a project's budget, not money sent
    if "到位" in before and COOPERATION.search(sentence_before):
        return "investment", True  # 引导企业投资……到位资金1.2亿元
    if "投资" in before[-NEAR:] and not re.search("资金|援助", before[-6:]):
        hit = choose(MONEY[:2], before, after)
        if hit is None or hit[1] > NEAR or hit[0] == "investment":
            return "investment", True
    hit = choose(MONEY, before, after)
    if hit and hit[0] == "investment" and "签约" in before and SALES.search(sentence_before):
        return "consumption", True  # 展销会上签约金额: sales agreed, not investment
    return (hit[0], hit[1] <= NEAR) if hit else ("other", True)


def last_figure_end(text: str) -> int:
    ends = [match.end() for match in FIGURE.finditer(text)]
    return ends[-1] if ends else 0


def tags_for(metric: str, figure: Quantity, clause_before: str, sentence: str) -> tuple[str, ...]:
    """Details the checker needs: 组团式 teams, the sending or receiving side of a team,
    the source of money (财政, 社会), 人次, households (户) helped, a purchase or a helped
    sale (采购, 销售)."""
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
    if metric == "consumption":  # a helped sale (销售), a purchase (采购), or both (neither)
        sold = re.search("销售|卖出|订单|帮销", clause_before)
        bought = re.search("采购|购买", clause_before)
        if sold and not bought:
            tags.append("销售")
        elif bought and not sold:
            tags.append("采购")
    if metric == "jobs" and "脱贫" in clause_before[-12:]:
        tags.append("脱贫")  # 其中脱贫劳动力870人: a part of the persons placed
    if metric == "jobs" and "车间" in sentence and re.search("吸纳|带动|车间", clause_before):
        tags.append("车间")  # 建成帮扶车间12个，吸纳就业580人: the jobs of the workshops
    elif metric == "jobs" and re.search("就近|就地", clause_before[-12:]):
        tags.append("就近")  # 实现就近就业3000人: placed near home, in the province
    if figure.base == "人次":
        tags.append("人次")
    if metric == "beneficiaries" and figure.base == "户":
        tags.append("户")  # households, not persons
    return tuple(tags)
