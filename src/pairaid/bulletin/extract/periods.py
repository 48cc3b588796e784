"""Over which period a figure counts, and the date a text was published."""

from __future__ import annotations

import datetime as dt
import re

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
