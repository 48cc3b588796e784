"""Evidence files (佐证材料) and projects' progress reports (进展报告): read-only lists and
records, in the asking user's scope. Files are uploaded and downloaded on the pages."""

from __future__ import annotations

from typing import Annotated

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema

from pairaid.api.common import in_scope, user_of
from pairaid.api.endpoints.crud import Resource
from pairaid.api.schemas.evidence import EvidenceOut, ProgressUpdateOut
from pairaid.api.types import Id
from pairaid.ledger.models import Evidence, ProgressUpdate

router = Router()

LINKS = ("project", "fund_flow", "agreement", "posting", "event", "task", "obligation", "update")


class EvidenceFilters(Schema):
    pairing: Annotated[Id, Field(None, description="结对关系编号")]
    project: Annotated[Id, Field(None, description="帮扶项目编号")]
    fund_flow: Annotated[Id, Field(None, description="资金记录编号")]
    agreement: Annotated[Id, Field(None, description="协议编号")]
    posting: Annotated[Id, Field(None, description="选派编号")]
    event: Annotated[Id, Field(None, description="活动编号")]
    task: Annotated[Id, Field(None, description="清单事项编号")]
    obligation: Annotated[Id, Field(None, description="履约事项编号")]
    update: Annotated[Id, Field(None, description="进展报告编号")]
    removed: bool = Field(False, description="是否列出已移除的材料")

    def apply(self, files: QuerySet[Evidence]) -> QuerySet[Evidence]:
        if self.pairing:
            files = files.filter(pairing_id=self.pairing)
        for name in LINKS:
            if getattr(self, name):
                files = files.filter(**{f"{name}_id": getattr(self, name)})
        return files if self.removed else files.filter(removed_at=None)


def evidence(request: HttpRequest) -> QuerySet[Evidence]:
    return in_scope(Evidence.objects.order_by("uploaded_at", "id"), user_of(request))


EVIDENCE = Resource(router, "/evidence/", "evidence", evidence, EvidenceOut, "佐证材料")
EVIDENCE.add_list(EvidenceFilters, "列出佐证材料")
EVIDENCE.add_read("读取佐证材料的说明")


class UpdateFilters(Schema):
    pairing: Annotated[Id, Field(None, description="结对关系编号")]
    project: Annotated[Id, Field(None, description="帮扶项目编号")]

    def apply(self, updates: QuerySet[ProgressUpdate]) -> QuerySet[ProgressUpdate]:
        if self.pairing:
            updates = updates.filter(project__pairing_id=self.pairing)
        if self.project:
            updates = updates.filter(project_id=self.project)
        return updates


def updates(request: HttpRequest) -> QuerySet[ProgressUpdate]:
    return in_scope(
        ProgressUpdate.objects.order_by("project_id", "-date", "-id"),
        user_of(request),
    )


UPDATES = Resource(router, "/progress-updates/", "progress_update", updates, ProgressUpdateOut,
                   "进展报告")  # fmt: skip
UPDATES.add_list(UpdateFilters, "列出项目进展报告（按编号，每条带报告日期）")
UPDATES.add_read("读取项目进展报告")
