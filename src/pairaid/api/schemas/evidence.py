"""Evidence files (佐证材料) and progress reports (进展报告), as the API answers them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.urls import reverse

from pairaid.api.schemas.base import Out
from pairaid.api.types import Choice, Date, MoneyOut
from pairaid.ledger.models import Evidence


class EvidenceOut(Out):
    id: int
    pairing_id: int
    fund_flow_id: int | None
    project_id: int | None
    agreement_id: int | None
    posting_id: int | None
    event_id: int | None
    task_id: int | None
    obligation_id: int | None
    update_id: int | None
    title: str
    kind: Annotated[str, Choice(Evidence.Kind)]
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    removed_at: dt.datetime | None
    removal_reason: str
    is_demo: bool
    download: str

    @staticmethod
    def resolve_download(obj: Evidence) -> str:
        """The address of the file (a logged-in session's page; scope checked there)."""
        return reverse("web:evidence_file", args=[obj.pk])


class ProgressUpdateOut(Out):
    id: int
    project_id: int
    date: Date
    progress: int
    text: str
    spent_to_date: MoneyOut | None
    reported_at: dt.datetime
    is_demo: bool
