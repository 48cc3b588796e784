"""Which year of its pairing each record belongs to, for the year lock (年度审核锁定).

Once a coordinator approves a pairing's year (`PairingYear`), no record of that year is
created, changed or deleted until the year is reopened. The rule is declared once per
record type (`ledger/record_types.py`) and `services.guards._ensure_unlocked` (and the
importer's check before it writes) reads it; nothing else decides which year a record is in.

Every model of the ledger is declared: with its record type (`ledger/record_types.py`,
`year_lock`: how its year is found, its own year or date field or the record it is part of;
collected in `YEAR_LOCKS`) or in `NOT_YEAR_LOCKED` (why it has no year of a pairing).
`tests/test_year_lock_rules.py` fails for a model in neither.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from pairaid.ledger import record_types
from pairaid.ledger.models import (
    AuditAnchor,
    AuditChain,
    AuditEntry,
    Evidence,
    FundRollup,
    Organisation,
    Pairing,
    PairingTreeLink,
    PairingYear,
    Person,
    ProgressUpdate,
    ProjectRollup,
    ProjectStatusChange,
    Region,
    SearchKey,
    StoredFigures,
    SubtreeFundDelta,
    SubtreeFundRollup,
    SubtreePerson,
    SubtreePersonDelta,
    SubtreeProjectDelta,
    SubtreeProjectRollup,
)
from pairaid.ledger.record_types import PROGRESS_FIELDS, YearLock

__all__ = [
    "NOT_YEAR_LOCKED",
    "PROGRESS_FIELDS",
    "YEAR_LOCKS",
    "YearLock",
    "approved_years",
    "locked_year",
]

# Each record type's rule is declared with the type, in `ledger/record_types.py`.
YEAR_LOCKS: dict[type[models.Model], YearLock] = record_types.year_locks()

NOT_YEAR_LOCKED: dict[type[models.Model], str] = {
    Region: "行政区划不属于任何结对关系",
    Organisation: "单位不属于任何结对关系",
    Pairing: "结对关系本身跨越多个年度",
    Person: "人员的年度由其各次选派决定，选派按年度锁定",
    PairingYear: "年度审核记录本身就是锁",
    AuditEntry: "审计记录只追加，不经服务修改",
    AuditChain: "审计链的链头随审计记录追加，不属于任何年度",
    AuditAnchor: "锚点记录全部审计链的链头，不属于任何年度",
    SearchKey: "检索键随所属记录由服务维护，不属于任何年度",
    FundRollup: "资金汇总由资金记录派生，随资金记录的写入一并维护，不经服务修改",
    ProjectRollup: "项目汇总由项目记录派生，由数据库触发器随项目的写入维护，不经服务修改",
    SubtreeFundRollup: "下级资金汇总由资金记录派生，随资金记录的写入一并维护，不经服务修改",
    SubtreeProjectRollup: "下级项目汇总由项目记录派生，由数据库触发器随项目写入维护，不经服务修改",
    SubtreePerson: "下级选派人员由选派记录派生，由数据库触发器随选派的写入维护，不经服务修改",
    SubtreeFundDelta: "下级资金汇总增量随资金记录的写入追加，汇入下级资金汇总后删除，不经服务修改",
    SubtreeProjectDelta: "下级项目汇总增量由数据库触发器随项目写入追加，汇入后删除，不经服务修改",
    SubtreePersonDelta: "下级选派人员变动由触发器随选派写入追加，重新统计后删除，不经服务修改",
    PairingTreeLink: "结对关系层级由上级结对关系派生，随结对关系的新建和调整维护，不属于任何年度",
    Evidence: "佐证材料可在年度审核后补充；移除只作标记，文件和记录都保留",
    ProgressUpdate: "进展报告同项目进度一样，在开工年度审核后仍可填报",
    ProjectStatusChange: "状态变更随项目状态记录，项目状态在年度审核后仍可更新",
    StoredFigures: "已计算数字由记录派生，随审计链头失效，不属于任何年度",
}


def locked_year(obj: models.Model, changed: Any = None) -> tuple[models.Model, int] | None:
    """The record that decides the lock and its year, or None when no year applies (the
    type has none, the record has no year yet, or only ongoing fields change)."""
    declared = record_types.of(type(obj))
    rule = declared.year_lock if declared else None
    if rule is None:
        return None
    if rule.parent:
        parent = getattr(obj, rule.parent, None)
        return locked_year(parent) if parent is not None else None
    if changed is not None and set(changed) <= rule.ongoing:
        return None
    year = rule.year_of(obj)
    return (obj, year) if year else None


def approved_years() -> set[tuple[int, int]]:
    """Every (pairing id, year) whose year is approved and so locked: one query, for a
    check of many records at once (the importer's)."""
    return set(
        PairingYear.objects.filter(status=PairingYear.Status.APPROVED).values_list(
            "pairing_id", "year"
        )
    )
