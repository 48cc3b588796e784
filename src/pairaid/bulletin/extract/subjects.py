"""Whose figure it is: names of places and bodies in a sentence, cut with the ledger's
names (the gazetteer) where it knows them, and what a pronoun refers to."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from pairaid.bulletin.extract.claims import CJK, Mention
from pairaid.bulletin.extract.text import CLAUSE_BREAKS, paragraphs

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
# Both sides of a pairing, resolved to the pairing named earlier in the text (江阳区对口帮扶
# 盐源县……两地共建 → 江阳区、盐源县).
BOTH_SIDES = ("两省市", "两省区", "两市州", "两地", "双方")
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
# The province-level units by the short name texts use for them (江苏, 上海, 新疆): a
# closed list, so that a subject is named the same way whether or not the text adds 省.
PROVINCES = {
    "北京": "北京市", "天津": "天津市", "上海": "上海市", "重庆": "重庆市", "河北": "河北省",
    "山西": "山西省", "辽宁": "辽宁省", "吉林": "吉林省", "黑龙江": "黑龙江省",
    "江苏": "江苏省", "浙江": "浙江省", "安徽": "安徽省", "福建": "福建省", "江西": "江西省",
    "山东": "山东省", "河南": "河南省", "湖北": "湖北省", "湖南": "湖南省", "广东": "广东省",
    "海南": "海南省", "四川": "四川省", "贵州": "贵州省", "云南": "云南省", "陕西": "陕西省",
    "甘肃": "甘肃省", "青海": "青海省", "内蒙古": "内蒙古自治区", "广西": "广西壮族自治区",
    "西藏": "西藏自治区", "宁夏": "宁夏回族自治区", "新疆": "新疆维吾尔自治区",
}  # fmt: skip
MODIFIED = set("企公籍人产商馆路特农品客游味菜话")
FULL_NAMES = {full: full for full in PROVINCES.values()} | PROVINCES | {
    "广西自治区": "广西壮族自治区", "宁夏自治区": "宁夏回族自治区",
    "新疆自治区": "新疆维吾尔自治区", "内蒙古自治区": "内蒙古自治区",
}  # fmt: skip


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
        following = text[name_end : name_end + 1]
        if text[name_start:name_end] in PROVINCES and (
            following in MODIFIED or following.isdigit()
        ):
            continue  # 广东企业, 甘肃特色产品, 北京6月15日电: describes or dates, does not act
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
    for pronoun in (*PRONOUNS, *BOTH_SIDES):
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
        if stem in GENERIC_STEMS or any(char in NUMERALS for char in stem[1:]):
            continue  # 全县, 两县, 津、鲁两省市: words, not names
        if stem[0] in "个几多余各每":
            continue  # 19个援疆省市, 各省市: a count's or a group's noun, not a name
        if any(known(text, index + k, gazetteer) for k in range(1, stem_length)):
            continue  # 来上海市: the known name starts later
        if stem[0] in SINGLE_STOPS or stem[-1] in "从向在对给把被将为的了于到赴":
            continue  # no name starts with 的, nor ends with 从 (记者从省扶贫办; 成都 is one)
        if any(stop in stem for stop in MULTI_STOPS):
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


def known(text: str, index: int, gazetteer: Gazetteer) -> bool:
    """Whether a name the gazetteer knows starts at `index`."""
    return any(text.startswith(name, index) for name in gazetteer.get(text[index], ()))


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
