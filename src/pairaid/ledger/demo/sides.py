"""The two district → county pairings of the article, and the figures each must add up to.

The totals are the article's (江阳区 14654.73万元, 154 projects, 320 persons; 龙马潭区
"9500余万元", 123, 268). The exact 龙马潭区 amount is invented inside the article's range.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Side:
    key: str
    helper: str  # region name, also the stem of its bodies' names
    helper_code: str
    recipient: str
    recipient_code: str
    prefix: str  # project codes and vouchers: JY-2016-001, JYCZ-2016-01
    document: str  # the helper's document series: 江帮办发〔2016〕3号
    funds: Decimal  # transfers of all sources since 2016, net of corrections
    projects: int  # started projects since 2016
    persons: int  # distinct persons dispatched since 2016
    second_postings: int  # of those, how many went twice
    towns: tuple[str, ...]  # township codes where projects are carried out
    products: tuple[str, ...]  # the county's produce, for industry project names
    schools: tuple[str, ...]  # the county's schools that host teachers


JIANGYANG = Side(
    key="jiangyang",
    helper="江阳区",
    helper_code="510502",
    recipient="盐源县",
    recipient_code="513423",
    prefix="JY",
    document="江帮办发",
    funds=Decimal("146547300.00"),
    projects=154,
    persons=320,
    second_postings=20,
    towns=("513423100000", "513423101000", "513423102000", "513423103000", "513423110000"),
    products=("苹果", "花椒", "核桃", "中药材", "马铃薯", "肉牛", "油橄榄"),
    schools=("盐源中学", "盐源县职业技术学校"),
)

LONGMATAN = Side(
    key="longmatan",
    helper="龙马潭区",
    helper_code="510504",
    recipient="普格县",
    recipient_code="513428",
    prefix="LMT",
    document="龙帮办发",
    funds=Decimal("95372816.45"),
    projects=123,
    persons=268,
    second_postings=16,
    towns=("513428100000", "513428101000", "513428102000", "513428103000"),
    products=("乌鸡", "高粱", "花椒", "荞麦", "蔬菜", "中药材", "脐橙"),
    schools=("普格中学", "螺髻山中学校"),
)

SIDES = (JIANGYANG, LONGMATAN)
