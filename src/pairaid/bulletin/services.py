"""Keeping a checked text: the document, its hash, its repairs and its claims, at once."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.db import transaction

from pairaid.bulletin.checks import Report, check_text
from pairaid.bulletin.extract import published_date
from pairaid.bulletin.models import Claim, SourceDocument

DATELINE = re.compile(r"发布时间|发布日期|来源[:：]|^\s*\d{4}[-年]")


def title_of(text: str) -> str:
    """The headline: the first line that is not a dateline (川南在线 发布时间:…)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if not DATELINE.search(line):
            return line[:300]
    return lines[0][:300] if lines else ""


@transaction.atomic
def record_check(
    raw: str,
    *,
    acting_user: Any,
    source: str = "",
    as_of: dt.date | None = None,
) -> tuple[SourceDocument, Report]:
    """Check `raw` and keep it with its claims and verdicts (nothing in the ledger
    changes). What the acting user sees bounds what the ledger answers (None: the
    operator, who sees every pairing)."""
    report = check_text(raw, as_of=as_of, user=acting_user)
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    document = SourceDocument.objects.create(
        source=source[:500],
        title=title_of(report.normalised.text),
        published=published_date(report.normalised.text),
        as_of=report.as_of,
        raw_text=raw,
        clean_text=report.normalised.text,
        sha256=report.normalised.sha256,
        repair_flags=[flag.to_dict() for flag in report.normalised.flags],
        created_by=user,
    )
    Claim.objects.bulk_create(
        [
            Claim(
                document=document,
                position=position,
                subject=result.claim.subject[:200],
                subject_name=result.claim.subject_name[:200],
                subject_carried=result.claim.subject_carried,
                subject_ref=result.subject.to_dict() if result.subject else None,
                metric=result.claim.metric,
                value=result.claim.value,
                unit=result.claim.unit,
                qualifier=result.claim.qualifier,
                period=result.claim.period[:40],
                span_start=result.claim.start,
                span_end=result.claim.end,
                quote=result.claim.quote[:100],
                tags=list(result.claim.tags),
                uncertain=result.claim.uncertain,
                why_uncertain=result.claim.why_uncertain[:300],
                verdict=result.verdict,
                reason=result.reason,
                ledger_value=(
                    Decimal(result.ledger_value) if result.ledger_value is not None else None
                ),
                rule=result.ledger.rule if result.ledger else "",
                records=result.ledger.records.count() if result.ledger else None,
            )
            for position, result in enumerate(report.results, start=1)
        ]
    )
    return document, report
