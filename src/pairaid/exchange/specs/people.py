"""Importing persons (by number) and their postings (by person, pairing and start date)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from pairaid.exchange.columns import (
    ChoiceColumn,
    CodeColumn,
    Column,
    ComputedColumn,
    DateColumn,
    IntColumn,
    KeptTextColumn,
    RefColumn,
    TextColumn,
)
from pairaid.exchange.specs.base import Context, Importer, _organisation_column, _pairing_column
from pairaid.ledger import access
from pairaid.ledger.models import (
    Pairing,
    Person,
    Posting,
)


class PersonImporter(Importer):
    label = gettext_lazy("干部人才")
    model = Person
    key = ("number",)
    key_column = "number"
    key_words = gettext_lazy("人员编号")
    columns = (
        CodeColumn("number", gettext_lazy("人员编号"), "number", required=True, example="D0001"),
        TextColumn("name", gettext_lazy("姓名"), "name", required=True, example="张明"),
        ChoiceColumn(
            "gender",
            gettext_lazy("性别"),
            "gender",
            required=True,
            choices=Person.Gender,
            example="男",
        ),
        TextColumn("ethnicity", gettext_lazy("民族"), "ethnicity", example="汉族"),
        _organisation_column("home_organisation", gettext_lazy("派出单位"), "home organisation"),
        ChoiceColumn(
            "category",
            gettext_lazy("类别"),
            "category",
            required=True,
            choices=Person.Category,
            example="专业技术人才",
        ),
        ChoiceColumn(
            "profession",
            gettext_lazy("专业类别"),
            "profession",
            choices=Person.Profession,
            allow_blank=True,
            example="教师",
            note=gettext_lazy("党政干部不填"),
        ),
        KeptTextColumn(
            "id_number",
            gettext_lazy("身份证号"),
            "id number",
            note=gettext_lazy("个人敏感信息：导出时不含；留空表示不修改"),
            width=20,
        ),
        KeptTextColumn(
            "phone",
            gettext_lazy("联系电话"),
            "phone",
            note=gettext_lazy("个人敏感信息：导出时不含；留空表示不修改"),
        ),
    )

    def export_columns(self) -> list[Column]:
        # Personal data never leaves in a download (reading it is audited, one by one).
        return [c for c in self.columns if c.field not in {"id_number", "phone"}]

    def pairing_of(self, values: dict[str, Any], obj: models.Model | None) -> Pairing | None:
        return None

    def may_write(
        self, context: Context, pairing: Pairing | None, changed: Iterable[str] | None
    ) -> bool:
        if context.user is None:
            return True
        return access.can(context.user, None, access.EDIT)

    def export_queryset(self, pairings: QuerySet[Pairing] | None) -> QuerySet[Any]:
        queryset = Person.objects.select_related("home_organisation").order_by("number")
        if pairings is not None:
            queryset = queryset.filter(
                pk__in=Posting.objects.filter(pairing__in=pairings).values("person_id")
            )
        return queryset


class PostingImporter(Importer):
    label = gettext_lazy("选派")
    model = Posting
    key = ("person", "pairing", "start_date")
    key_column = "start_date"
    key_words = gettext_lazy("人员编号、结对关系和到岗日期")
    columns = (
        RefColumn(
            "person",
            gettext_lazy("人员编号"),
            "person number",
            required=True,
            note=gettext_lazy("须已在干部人才名单中"),
            lookup=Context.person,
            display=lambda person: person.number,
            example="D0001",
        ),
        ComputedColumn(
            "person_name", gettext_lazy("姓名"), "name", compute=lambda p: p.person.name
        ),
        _pairing_column(example="江阳区→盐源县"),
        _organisation_column(
            "host_organisation", gettext_lazy("挂职（服务）单位"), "host organisation"
        ),
        TextColumn("post", gettext_lazy("挂任职务"), "post", example="县委常委、副县长"),
        IntColumn("batch", gettext_lazy("批次"), "batch", nullable=True, minimum=1, example=1),
        DateColumn(
            "start_date",
            gettext_lazy("到岗日期"),
            "start date",
            required=True,
            example="2023年3月1日",
        ),
        DateColumn("planned_end", gettext_lazy("计划期满"), "planned end"),
        DateColumn("actual_end", gettext_lazy("实际离岗"), "actual end"),
        ChoiceColumn(
            "status", gettext_lazy("状态"), "status", choices=Posting.Status, example="在岗"
        ),
        ComputedColumn(
            "effective_status",
            gettext_lazy("截至今日状态"),
            "status today",
            compute=lambda posting: posting.effective_status_display(),
        ),
        RefColumn(
            "team",
            gettext_lazy("组团式团队"),
            "team",
            note=gettext_lazy("该结对关系中已登记的团队名称"),
            lookup=Context.team,
        ),
    )

    def export_queryset(self, pairings: QuerySet[Pairing] | None) -> QuerySet[Any]:
        return (
            super()
            .export_queryset(pairings)
            .select_related("person", "pairing", "host_organisation", "team")
            .order_by("start_date", "id")
        )
