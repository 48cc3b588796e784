"""The short forms of official region names that texts use (凉山彝族自治州 → 凉山州)."""

from __future__ import annotations

# Ethnic groups that name autonomous areas (凉山彝族自治州, 黔西南布依族苗族自治州).
PEOPLES = sorted(
    (
        "彝", "藏", "羌", "回", "苗", "布依", "侗", "土家", "壮", "瑶", "白", "哈尼", "傣",
        "傈僳", "佤", "拉祜", "纳西", "景颇", "朝鲜", "蒙古", "维吾尔", "哈萨克", "满", "畲",
        "黎", "仡佬", "水", "毛南", "仫佬", "达斡尔", "鄂温克", "鄂伦春", "撒拉", "东乡",
        "保安", "裕固", "土", "锡伯", "柯尔克孜", "塔吉克", "怒", "独龙", "普米", "阿昌",
        "德昂", "基诺", "布朗", "门巴", "珞巴", "京", "赫哲",
    ),
    key=len,
    reverse=True,
)  # fmt: skip


def aliases(name: str) -> list[str]:
    """The short forms of an official name: 凉山彝族自治州 → 凉山州, 北川羌族自治县 → 北川县,
    宁夏回族自治区 → 宁夏."""
    for suffix, short in (("自治州", "州"), ("自治县", "县"), ("自治区", "")):
        if not name.endswith(suffix):
            continue
        stem = name[: -len(suffix)]
        while stem.endswith("族"):
            people = next((p for p in PEOPLES if stem[:-1].endswith(p)), None)
            if people is None:
                break
            stem = stem[: -len(people) - 1]
        return [stem + short] if stem and stem != name[: -len(suffix)] else []
    return []
