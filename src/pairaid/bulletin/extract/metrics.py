"""What a figure counts (the metric): keywords near the figure decide, and a figure whose
keywords do not settle it is marked uncertain."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pairaid.bulletin.extract.quantities import FIGURE, PERSON_UNITS, Quantity

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
