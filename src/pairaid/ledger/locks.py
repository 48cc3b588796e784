"""Which year of its pairing each record belongs to, for the year lock (年度审核锁定).

Once a coordinator approves a pairing's year (`PairingYear`), no record of that year is
created, changed or deleted until the year is reopened. The rule is declared here once per
record type and `services.guards._ensure_unlocked` (and the importer's check before it writes)
reads it; nothing else decides which year a record is in.

Every record type of the ledger is declared: in `YEAR_LOCKS` (how its year is found: its
own year or date field, or the record it is part of) or in `NOT_YEAR_LOCKED` (why it has no
year of a pairing). `tests/test_year_lock_rules.py` fails for a model in neither.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models

from pairaid.ledger.models import (
    Agreement,
    AgreementFile,
    AgreementParty,
    AuditAnchor,
    AuditChain,
    AuditEntry,
    Event,
    EventParticipant,
    Evidence,
    FundFlow,
    GuidedInvestment,
    Obligation,
    Organisation,
    Pairing,
    PairingYear,
    Person,
    Posting,
    ProgressUpdate,
    Project,
    ProjectStatusChange,
    Region,
    Target,
    Task,
    Team,
)

# What the recipient side may update on a project (its progress), besides the helper side;
# progress goes on after the year the project started is approved.
PROGRESS_FIELDS = frozenset(
    {
        "status",
        "progress",
        "end_date",
        "outcomes",
        "after_completion",
        "beneficiary_households",
        "beneficiary_persons",
    }
)


@dataclass(frozen=True)
class YearLock:
    """How a record type is locked.

    `year_field` names the field that decides the record's year: a year (an integer, e.g.
    `fund_year`) or a date (its calendar year); an empty value means the record is in no
    year yet and is not locked. `parent` instead names the record it is part of (an
    agreement's obligations are locked with the agreement). `ongoing` lists the fields
    that may still change after approval (a project's progress, a posting's departure).
    """

    year_field: str = ""
    parent: str = ""
    ongoing: frozenset[str] = frozenset()

    def year_of(self, obj: models.Model) -> int | None:
        value = getattr(obj, self.year_field)
        if isinstance(value, dt.date):
            return value.year
        return int(value) if value else None


YEAR_LOCKS: dict[type[models.Model], YearLock] = {
    FundFlow: YearLock("fund_year"),
    GuidedInvestment: YearLock("year"),
    Project: YearLock("start_date", ongoing=PROGRESS_FIELDS),
    Posting: YearLock("start_date", ongoing=frozenset({"status", "actual_end"})),
    Team: YearLock("start_date"),
    Target: YearLock("year"),
    Agreement: YearLock("signed_date", ongoing=frozenset({"status"})),
    Event: YearLock("start_date"),
    Task: YearLock("due_date", ongoing=frozenset({"status", "evidence"})),
    EventParticipant: YearLock(parent="event"),
    AgreementParty: YearLock(parent="agreement"),
    Obligation: YearLock(parent="agreement"),
    AgreementFile: YearLock(parent="agreement"),
}

NOT_YEAR_LOCKED: dict[type[models.Model], str] = {
    Region: "行政区划不属于任何结对关系",
    Organisation: "单位不属于任何结对关系",
    Pairing: "结对关系本身跨越多个年度",
    Person: "人员的年度由其各次选派决定，选派按年度锁定",
    PairingYear: "年度审核记录本身就是锁",
    AuditEntry: "审计记录只追加，不经服务修改",
    AuditChain: "审计链的链头随审计记录追加，不属于任何年度",
    AuditAnchor: "锚点记录全部审计链的链头，不属于任何年度",
    Evidence: "佐证材料可在年度审核后补充；移除只作标记，文件和记录都保留",
    ProgressUpdate: "进展报告同项目进度一样，在开工年度审核后仍可填报",
    ProjectStatusChange: "状态变更随项目状态记录，项目状态在年度审核后仍可更新",
}


def locked_year(obj: models.Model, changed: Any = None) -> tuple[models.Model, int] | None:
    """The record that decides the lock and its year, or None when no year applies (the
    type has none, the record has no year yet, or only ongoing fields change)."""
    rule = YEAR_LOCKS.get(type(obj))
    if rule is None:
        return None
    if rule.parent:
        parent = getattr(obj, rule.parent, None)
        return locked_year(parent) if parent is not None else None
    if changed is not None and set(changed) <= rule.ongoing:
        return None
    year = rule.year_of(obj)
    return (obj, year) if year else None
