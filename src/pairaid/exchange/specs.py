"""One importer per record type: its columns, its natural key, how it writes.

The natural key is what makes a re-import update instead of duplicate: a project by its
code within a pairing, a person by number, a fund flow by its voucher within pairing, kind
and source (one 文号 often covers a plan's 财政 and 社会 parts, so the voucher alone is not
enough), a posting by person, pairing and start date, an agreement or a task by its title
within the pairing, an event by title and start date, a target by year and indicator.

Every write goes through `pairaid.ledger.services`: bulk creation (validated, one audit
entry per record), `update_record` for a changed record and, for money, never an edit:
a changed fund-flow row is `correct_fund_flow` (reversal plus new entry).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pairaid.exchange import cells
from pairaid.exchange.cells import CellError
from pairaid.exchange.columns import (
    KEEP,
    ChoiceColumn,
    CodeColumn,
    Column,
    ComputedColumn,
    DateColumn,
    DecimalColumn,
    IntColumn,
    KeptTextColumn,
    MoneyColumn,
    RefColumn,
    TextColumn,
    YearColumn,
)
from pairaid.ledger import access, services
from pairaid.ledger import locks as year_locks
from pairaid.ledger.models import (
    Agreement,
    Event,
    FundFlow,
    Organisation,
    Pairing,
    PairingYear,
    Person,
    Posting,
    Project,
    Region,
    Target,
    Task,
    Team,
    WorkStatus,
)

_ARROW = re.compile(r"\s*(->|－>|—>|=>|→|—|至)\s*")
_WITH_CODE = re.compile(r"^(.*?)[(（]\s*(\d{6}|\d{12})\s*[)）]$")


def pairing_term(text: str) -> str:
    return _ARROW.sub("→", cells.normalise(text))


@dataclass(frozen=True)
class _Refused:
    """A look-up that found nothing, remembered as its message."""

    message: str


@dataclass
class Context:
    """What cleaning a row needs besides the row: who imports (scope), the units the
    headers gave, and caches of looked-up records (one query per distinct name)."""

    user: Any = None
    via: str = "import"
    units: dict[str, Decimal] = field(default_factory=dict)
    _cache: dict[tuple[str, Any], Any] = field(default_factory=dict)
    _locked: set[tuple[int, int]] | None = None
    _visible: set[int] | None = None

    def cached(self, kind: str, key: Any, find: Any) -> Any:
        slot = (kind, key)
        if slot not in self._cache:
            try:
                self._cache[slot] = find()
            except CellError as exc:
                # Kept as data, not as the exception: raising one exception object again
                # and again lengthens its traceback each time (memory grew with every row).
                self._cache[slot] = _Refused(str(exc))
        found = self._cache[slot]
        if isinstance(found, _Refused):
            raise CellError(found.message)
        return found

    # --- scope ------------------------------------------------------------------------

    def visible_pairings(self) -> QuerySet[Pairing]:
        return access.visible_pairings(self.user).select_related(
            "helper_region", "recipient_region", "helper_organisation", "recipient_organisation"
        )

    def pairing_names(self) -> list[str]:
        return [str(p) for p in self.visible_pairings().order_by("pk")]

    def locked(self, pairing_id: int, year: int | None) -> bool:
        if self._locked is None:
            self._locked = set(
                PairingYear.objects.filter(status=PairingYear.Status.APPROVED).values_list(
                    "pairing_id", "year"
                )
            )
        return year is not None and (pairing_id, year) in self._locked

    # --- lookups ----------------------------------------------------------------------

    def pairing(self, text: str, row: dict[str, Any] | None = None) -> Pairing:
        term = pairing_term(text)

        def find() -> Pairing:
            scope = self.visible_pairings()
            found = (
                list(scope.filter(name__in={text, term}))
                or list(scope.matching(text)[:3])
                or list(scope.matching(term)[:3])
            )
            if not found and "→" in term:
                helper, _sep, recipient = term.partition("→")
                found = list(scope.matching(helper).filter(pk__in=scope.matching(recipient)))
            if not found:
                raise CellError(
                    _("未找到结对关系“%(name)s”（或不在您的权限范围内）") % {"name": text}
                )
            if len(found) > 1:
                raise CellError(
                    _("“%(name)s”对应多个结对关系，请写全称，如“%(example)s”")
                    % {"name": text, "example": found[0]}
                )
            return found[0]

        return self.cached("pairing", term, find)

    def region(self, text: str, row: dict[str, Any] | None = None) -> Region:
        def find() -> Region:
            with_code = _WITH_CODE.match(text)
            code = with_code.group(2) if with_code else text
            if code.isdigit() and len(code) in (6, 12):
                region = Region.objects.filter(code=code).first()
                if region is None:
                    raise CellError(_("未找到区划代码“%(code)s”") % {"code": code})
                return region
            found = list(Region.objects.filter(name=text)[:5])
            current = [r for r in found if r.valid_to is None]
            if len(found) > 1 and len(current) == 1:
                return current[0]
            if not found:
                raise CellError(
                    _("未找到行政区划“%(name)s”，可填写名称或区划代码") % {"name": text}
                )
            if len(found) > 1:
                raise CellError(
                    _("区划名称“%(name)s”不唯一，请填写区划代码（如 %(codes)s）")
                    % {"name": text, "codes": "、".join(r.code for r in found)}
                )
            return found[0]

        return self.cached("region", text, find)

    def organisation(self, text: str, row: dict[str, Any] | None = None) -> Organisation:
        def find() -> Organisation:
            found = list(Organisation.objects.filter(name=text)[:3])
            if not found:
                raise CellError(_("未找到单位“%(name)s”：请先在系统中登记该单位") % {"name": text})
            if len(found) > 1:
                raise CellError(_("单位名称“%(name)s”不唯一") % {"name": text})
            return found[0]

        return self.cached("organisation", text, find)

    def project(self, text: str, row: dict[str, Any]) -> Project | None:
        pairing = row.get("pairing")
        if not isinstance(pairing, Pairing):
            return None  # the pairing cell has its own error
        code = cells.normalise(text)

        def find() -> Project:
            projects = Project.objects.filter(pairing=pairing, code__in={text, code})
            project = projects.order_by("code").first()
            if project is None:
                raise CellError(
                    _("结对关系“%(pairing)s”中没有项目编号“%(code)s”")
                    % {"pairing": pairing, "code": code}
                )
            return project

        return self.cached("project", (pairing.pk, code), find)

    def person(self, text: str, row: dict[str, Any] | None = None) -> Person:
        number = cells.normalise(text)

        def find() -> Person:
            person = Person.objects.filter(number__in={text, number}).first()
            if person is None:
                raise CellError(
                    _("没有人员编号“%(number)s”：请先导入干部人才名单") % {"number": number}
                )
            return person

        return self.cached("person", number, find)

    def team(self, text: str, row: dict[str, Any]) -> Team | None:
        pairing = row.get("pairing")
        if not isinstance(pairing, Pairing):
            return None

        def find() -> Team:
            team = Team.objects.filter(pairing=pairing, name=text).first()
            if team is None:
                raise CellError(_("该结对关系中没有团队“%(name)s”") % {"name": text})
            return team

        return self.cached("team", (pairing.pk, text), find)

    def event(self, text: str, row: dict[str, Any]) -> Event | None:
        pairing = row.get("pairing")
        if not isinstance(pairing, Pairing):
            return None

        def find() -> Event:
            # An agreement may be witnessed at an event of the pairing above it.
            events = Event.objects.filter(
                pairing_id__in=[pairing.pk, pairing.parent_id], title=text
            ).order_by("start_date")
            event = events.first()
            if event is None:
                raise CellError(_("没有标题为“%(title)s”的活动") % {"title": text})
            return event

        return self.cached("event", (pairing.pk, text), find)

    def agreement(self, text: str, row: dict[str, Any]) -> Agreement | None:
        pairing = row.get("pairing")
        if not isinstance(pairing, Pairing):
            return None

        def find() -> Agreement:
            agreement = Agreement.objects.filter(pairing=pairing, title=text).first()
            if agreement is None:
                raise CellError(_("该结对关系中没有协议“%(title)s”") % {"title": text})
            return agreement

        return self.cached("agreement", (pairing.pk, text), find)

    def region_names(self) -> list[str]:
        return list(Region.objects.order_by("code").values_list("name", flat=True).distinct())

    def organisation_names(self) -> list[str]:
        return list(Organisation.objects.order_by("name").values_list("name", flat=True).distinct())


class RegionColumn(RefColumn):
    """A region by name; exported as 名称（代码） where the name alone is ambiguous (many
    towns share a name), so that the export always reads back."""

    _ambiguous: frozenset[str] | None = None

    def prepare(self) -> None:
        self._ambiguous = frozenset(
            Region.objects.values("name")
            .annotate(n=models.Count("id"))
            .filter(n__gt=1)
            .values_list("name", flat=True)
        )

    def export(self, record: Any) -> Any:
        region = getattr(record, self.field)
        if region is None:
            return ""
        if self._ambiguous is None:
            self.prepare()
        assert self._ambiguous is not None
        return f"{region.name}（{region.code}）" if region.name in self._ambiguous else region.name


def _pairing_column(**extra: Any) -> RefColumn:
    return RefColumn(
        "pairing",
        gettext_lazy("结对关系"),
        "pairing",
        required=True,
        note=gettext_lazy("名称如“江阳区→盐源县”，或帮扶方名称"),
        lookup=Context.pairing,
        choose=Context.pairing_names,
        width=22,
        **extra,
    )


def _region_column(name: str, zh: str | Promise, en: str, **extra: Any) -> RefColumn:
    return RegionColumn(
        name,
        zh,
        en,
        note=gettext_lazy("区划名称或代码"),
        lookup=Context.region,
        choose=Context.region_names,
        **extra,
    )


def _organisation_column(name: str, zh: str | Promise, en: str, **extra: Any) -> RefColumn:
    return RefColumn(
        name,
        zh,
        en,
        note=gettext_lazy("已登记的单位名称"),
        lookup=Context.organisation,
        choose=Context.organisation_names,
        width=24,
        **extra,
    )


def fund_state(flow: FundFlow) -> str:
    if flow.reverses_id:
        return str(_("冲销记录"))
    reversed_ = getattr(flow, "is_reversed", None)  # annotated by the export's queryset
    if reversed_ is None:
        reversed_ = FundFlow.objects.filter(reverses=flow).exists()
    return str(_("已冲销")) if reversed_ else str(_("有效"))


HISTORY_STATES = {"冲销记录", "已冲销", "reversal", "reversed"}


class Importer:
    """The import and export of one record type."""

    kind: str = ""
    label: str | Promise = ""
    model: type[models.Model]
    columns: Sequence[Column] = ()
    key: tuple[str, ...] = ()
    key_column: str = ""  # the column a duplicate key is reported against
    key_words: str | Promise = ""  # "结对关系和项目编号" — what makes two rows the same record
    action: tuple[str, ...] = (access.EDIT,)

    # --- reading ----------------------------------------------------------------------

    def importable(self) -> list[Column]:
        return [column for column in self.columns if column.importable]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.field == name:
                return column
        raise KeyError(name)

    def is_history(self, cells_by_field: dict[str, Any]) -> bool:
        """A row that is history, not input (a reversal in an exported fund ledger)."""
        return False

    def key_of(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(_pk(values[name]) for name in self.key)

    def key_of_record(self, obj: models.Model) -> tuple[Any, ...]:
        return tuple(getattr(obj, self.model._meta.get_field(name).attname) for name in self.key)

    def base_queryset(self) -> QuerySet[Any]:
        return self.model._default_manager.all()

    def find(self, keys: Iterable[tuple[Any, ...]]) -> dict[tuple[Any, ...], list[models.Model]]:
        """The stored records with these keys (a list per key: more than one is an error)."""
        keys = set(keys)
        if not keys:
            return {}
        filters = {}
        for position, name in enumerate(self.key):
            attname = self.model._meta.get_field(name).attname
            filters[f"{attname}__in"] = {key[position] for key in keys}
        found: dict[tuple[Any, ...], list[models.Model]] = {}
        for obj in self.base_queryset().filter(**filters):
            key = self.key_of_record(obj)
            if key in keys:
                found.setdefault(key, []).append(obj)
        return found

    def new(self, values: dict[str, Any]) -> models.Model:
        return self.model(**values)

    def changes(self, obj: models.Model, values: dict[str, Any]) -> dict[str, Any]:
        """The fields whose value in the row differs from the record's."""
        diff = {}
        for name, value in values.items():
            if name in self.key:
                continue
            field_ = self.model._meta.get_field(name)
            current = getattr(obj, field_.attname)
            if _pk(value) != current:
                diff[name] = value
        return diff

    def candidate(self, obj: models.Model, changes: dict[str, Any]) -> models.Model:
        """The record as it would be after the changes (for validation only)."""
        candidate = copy.copy(obj)
        for name, value in changes.items():
            setattr(candidate, name, value)
        return candidate

    def pairing_of(self, values: dict[str, Any], obj: models.Model | None) -> Pairing | None:
        pairing = values.get("pairing")
        if isinstance(pairing, Pairing):
            return pairing
        return getattr(obj, "pairing", None) if obj is not None else None

    def may_write(
        self, context: Context, pairing: Pairing | None, changed: Iterable[str] | None
    ) -> bool:
        if context.user is None:
            return True
        return any(access.can(context.user, pairing, action) for action in self.action)

    def lock_year(self, candidate: models.Model, changed: Iterable[str] | None) -> int | None:
        found = year_locks.locked_year(candidate, changed)
        return found[1] if found else None

    # --- writing ----------------------------------------------------------------------

    def create(self, rows: list[dict[str, Any]], context: Context) -> list[models.Model]:
        return services.bulk_create_records(
            self.model, rows, acting_user=context.user, via=context.via
        )

    def change(
        self, obj: models.Model, changes: dict[str, Any], context: Context, reason: str
    ) -> tuple[str, dict[str, Any]]:
        """Apply the changes; returns the action and what a rollback needs besides the
        values before and after (which the caller keeps)."""
        services.update_record(obj, acting_user=context.user, via=context.via, **changes)
        return "updated", {"record_id": obj.pk}

    # --- exporting --------------------------------------------------------------------

    def export_columns(self) -> list[Column]:
        return list(self.columns)

    def export_queryset(self, pairings: QuerySet[Pairing] | None) -> QuerySet[Any]:
        queryset = self.model._default_manager.all()
        if pairings is not None:
            queryset = queryset.filter(pairing__in=pairings)
        return queryset


def _pk(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


# --- the record types ------------------------------------------------------------------------


class ProjectImporter(Importer):
    kind = "projects"
    label = gettext_lazy("帮扶项目")
    model = Project
    key = ("pairing", "code")
    key_column = "code"
    key_words = gettext_lazy("结对关系和项目编号")
    action = (access.EDIT, access.PROGRESS)
    columns = (
        _pairing_column(example="江阳区→盐源县"),
        CodeColumn("code", gettext_lazy("项目编号"), "code", required=True, example="JY-2023-001"),
        TextColumn(
            "name",
            gettext_lazy("项目名称"),
            "name",
            required=True,
            example="润盐镇花椒产业园",
            width=30,
        ),
        ChoiceColumn(
            "sector",
            gettext_lazy("领域"),
            "sector",
            required=True,
            choices=Project.Sector,
            example="产业",
        ),
        ChoiceColumn(
            "mode",
            gettext_lazy("帮扶方式"),
            "mode",
            required=True,
            choices=Project.Mode,
            example="造血",
        ),
        _region_column("location", gettext_lazy("实施地点"), "location", example="润盐镇"),
        _organisation_column("implementing_organisation", gettext_lazy("实施单位"), "implementer"),
        MoneyColumn("planned_budget", gettext_lazy("计划投资"), "planned budget", example=1200000),
        DateColumn("start_date", gettext_lazy("开工日期"), "start date", example="2023年3月1日"),
        DateColumn("end_date", gettext_lazy("完工日期"), "end date"),
        ChoiceColumn(
            "status", gettext_lazy("状态"), "status", choices=Project.Status, example="实施中"
        ),
        IntColumn("progress", gettext_lazy("进度（%）"), "progress", maximum=100, example=30),
        IntColumn("beneficiary_households", gettext_lazy("受益户数"), "households"),
        IntColumn("beneficiary_persons", gettext_lazy("受益人数"), "persons"),
        TextColumn("outcomes", gettext_lazy("成效"), "outcomes", width=30),
        TextColumn(
            "after_completion", gettext_lazy("资产移交与后续管护"), "after completion", width=30
        ),
    )

    def export_queryset(self, pairings: QuerySet[Pairing] | None) -> QuerySet[Any]:
        return (
            super()
            .export_queryset(pairings)
            .select_related("pairing", "location", "implementing_organisation")
            .order_by("pairing_id", "code")
        )

    def may_write(
        self, context: Context, pairing: Pairing | None, changed: Iterable[str] | None
    ) -> bool:
        if context.user is None:
            return True
        if access.can(context.user, pairing, access.EDIT):
            return True
        # The recipient side may update progress on existing projects.
        return (
            changed is not None
            and set(changed) <= services.PROGRESS_FIELDS
            and access.can(context.user, pairing, access.PROGRESS)
        )


class FundImporter(Importer):
    kind = "funds"
    label = gettext_lazy("资金记录")
    model = FundFlow
    key = ("pairing", "kind", "voucher", "source")
    key_column = "voucher"
    key_words = gettext_lazy("结对关系、类型、资金来源和凭证或文号")
    columns = (
        _pairing_column(example="江阳区→盐源县"),
        ChoiceColumn(
            "kind",
            gettext_lazy("类型"),
            "kind",
            required=True,
            choices=FundFlow.Kind,
            example="拨付",
        ),
        YearColumn("fund_year", gettext_lazy("资金年度"), "fund year", required=True, example=2023),
        DateColumn("date", gettext_lazy("日期"), "date", required=True, example="2023年6月1日"),
        MoneyColumn("amount", gettext_lazy("金额"), "amount", required=True, example=3580000),
        ChoiceColumn(
            "source",
            gettext_lazy("资金来源"),
            "source",
            required=True,
            choices=FundFlow.Source,
            example="财政援助资金",
        ),
        RefColumn(
            "project",
            gettext_lazy("项目编号"),
            "project code",
            note=gettext_lazy("分配到项目、支出必填；须是该结对关系的项目"),
            lookup=Context.project,
            display=lambda project: project.code,
        ),
        CodeColumn(
            "voucher",
            gettext_lazy("凭证或文号"),
            "voucher",
            required=True,
            note=gettext_lazy("用于识别记录：再次导入时按凭证更新而不重复登记"),
            example="JYCZ-2023-01",
            width=20,
        ),
        TextColumn(
            "note", gettext_lazy("摘要"), "note", example="2023年财政援助资金第1批拨付", width=30
        ),
        TextColumn(
            "cross_year_reason",
            gettext_lazy("跨年度说明"),
            "cross-year reason",
            note=gettext_lazy("日期与资金年度相差超过一年时必填"),
            width=24,
        ),
        ComputedColumn(
            "confirmation",
            gettext_lazy("受援方确认"),
            "confirmation",
            compute=lambda flow: str(flow.get_confirmation_display()),
        ),
        ComputedColumn("state", gettext_lazy("记录状态"), "state", compute=fund_state),
    )

    def base_queryset(self) -> QuerySet[Any]:
        # Only live entries carry a key: a reversed entry and its reversal are history.
        return FundFlow.objects.filter(reverses__isnull=True, reversed_by__isnull=True)

    def is_history(self, cells_by_field: dict[str, Any]) -> bool:
        state = cells_by_field.get("state")
        return bool(state) and cells.normalise(cells.parse_text(state)).casefold() in HISTORY_STATES

    def create(self, rows: list[dict[str, Any]], context: Context) -> list[models.Model]:
        return services.bulk_record_fund_flows(rows, acting_user=context.user, via=context.via)

    def change(
        self, obj: models.Model, changes: dict[str, Any], context: Context, reason: str
    ) -> tuple[str, dict[str, Any]]:
        assert isinstance(obj, FundFlow)
        reversal, replacement = services.correct_fund_flow(
            obj, acting_user=context.user, via=context.via, reason=reason, **changes
        )
        return "corrected", {
            "record_id": obj.pk,
            "reversal_id": reversal.pk,
            "replacement_id": replacement.pk,
        }

    def export_queryset(self, pairings: QuerySet[Pairing] | None) -> QuerySet[Any]:
        return (
            super()
            .export_queryset(pairings)
            .select_related("pairing", "project")
            .annotate(
                is_reversed=models.Exists(FundFlow.objects.filter(reverses=models.OuterRef("pk")))
            )
            .order_by("date", "id")
        )


class PersonImporter(Importer):
    kind = "persons"
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
    kind = "postings"
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


class AgreementImporter(Importer):
    kind = "agreements"
    label = gettext_lazy("协议合同")
    model = Agreement
    key = ("pairing", "title")
    key_column = "title"
    key_words = gettext_lazy("结对关系和协议名称")
    columns = (
        _pairing_column(example="江阳区→盐源县"),
        TextColumn(
            "title",
            gettext_lazy("协议名称"),
            "title",
            required=True,
            width=30,
            example="2023年度对口帮扶协议",
        ),
        ChoiceColumn(
            "kind",
            gettext_lazy("类型"),
            "kind",
            required=True,
            choices=Agreement.Kind,
            example="年度协议",
        ),
        DateColumn("signed_date", gettext_lazy("签订日期"), "signed date", example="2023年3月1日"),
        TextColumn("signed_place", gettext_lazy("签订地点"), "signed place"),
        RefColumn(
            "event",
            gettext_lazy("签约（见证）活动"),
            "event",
            note=gettext_lazy("活动标题"),
            lookup=Context.event,
        ),
        MoneyColumn("amount", gettext_lazy("合同金额"), "amount", nullable=True),
        DateColumn("term_start", gettext_lazy("期限起"), "term start"),
        DateColumn("term_end", gettext_lazy("期限止"), "term end"),
        ChoiceColumn(
            "status", gettext_lazy("状态"), "status", choices=Agreement.Status, example="已签订"
        ),
        ComputedColumn(
            "effective_status",
            gettext_lazy("截至今日状态"),
            "status today",
            compute=lambda agreement: agreement.effective_status_display(),
        ),
    )

    def export_queryset(self, pairings: QuerySet[Pairing] | None) -> QuerySet[Any]:
        return (
            super()
            .export_queryset(pairings)
            .select_related("pairing", "event")
            .order_by("signed_date", "id")
        )


class EventImporter(Importer):
    kind = "events"
    label = gettext_lazy("活动")
    model = Event
    key = ("pairing", "title", "start_date")
    key_column = "title"
    key_words = gettext_lazy("结对关系、标题和开始日期")
    columns = (
        _pairing_column(example="江阳区→盐源县"),
        ChoiceColumn(
            "kind",
            gettext_lazy("类型"),
            "kind",
            required=True,
            choices=Event.Kind,
            example="联席会议",
        ),
        TextColumn(
            "title",
            gettext_lazy("标题"),
            "title",
            required=True,
            width=30,
            example="2023年对口帮扶联席会议",
        ),
        DateColumn(
            "start_date",
            gettext_lazy("开始日期"),
            "start date",
            required=True,
            example="2023年5月8日",
        ),
        DateColumn("end_date", gettext_lazy("结束日期"), "end date"),
        TextColumn("places", gettext_lazy("地点"), "places", width=24),
        TextColumn("summary", gettext_lazy("概要"), "summary", width=40),
    )

    def export_queryset(self, pairings: QuerySet[Pairing] | None) -> QuerySet[Any]:
        return (
            super().export_queryset(pairings).select_related("pairing").order_by("start_date", "id")
        )


class TaskImporter(Importer):
    kind = "tasks"
    label = gettext_lazy("清单事项")
    model = Task
    key = ("pairing", "title")
    key_column = "title"
    key_words = gettext_lazy("结对关系和事项")
    columns = (
        _pairing_column(example="江阳区→盐源县"),
        TextColumn(
            "title",
            gettext_lazy("事项"),
            "title",
            required=True,
            width=40,
            example="制定2024年对口帮扶资金计划",
        ),
        _organisation_column("owner", gettext_lazy("责任单位"), "owner"),
        DateColumn("due_date", gettext_lazy("完成时限"), "due date", example="2024年1月31日"),
        ChoiceColumn(
            "status", gettext_lazy("状态"), "status", choices=WorkStatus, example="推进中"
        ),
        TextColumn("evidence", gettext_lazy("佐证材料"), "evidence", width=30),
        RefColumn("event", gettext_lazy("来源活动"), "event", lookup=Context.event),
        RefColumn("agreement", gettext_lazy("来源协议"), "agreement", lookup=Context.agreement),
        YearColumn("plan_year", gettext_lazy("来源年度计划"), "plan year", nullable=True),
    )

    def export_queryset(self, pairings: QuerySet[Pairing] | None) -> QuerySet[Any]:
        return (
            super()
            .export_queryset(pairings)
            .select_related("pairing", "owner", "event", "agreement")
            .order_by("due_date", "id")
        )


class TargetImporter(Importer):
    kind = "targets"
    label = gettext_lazy("年度目标")
    model = Target
    key = ("pairing", "year", "indicator")
    key_column = "indicator"
    key_words = gettext_lazy("结对关系、年度和指标")
    action = (access.TARGETS,)
    columns = (
        _pairing_column(example="江阳区→盐源县"),
        YearColumn("year", gettext_lazy("年度"), "year", required=True, example=2023),
        ChoiceColumn(
            "indicator",
            gettext_lazy("指标"),
            "indicator",
            required=True,
            choices=Target.Indicator,
            example="拨付资金（元）",
        ),
        DecimalColumn(
            "value",
            gettext_lazy("目标值"),
            "value",
            required=True,
            note=gettext_lazy("金额类指标以元计，人数、个数填整数"),
            example=26000000,
        ),
    )

    def export_queryset(self, pairings: QuerySet[Pairing] | None) -> QuerySet[Any]:
        return (
            super()
            .export_queryset(pairings)
            .select_related("pairing")
            .order_by("pairing_id", "year", "indicator")
        )


IMPORTERS: dict[str, Importer] = {
    importer.kind: importer
    for importer in (
        ProjectImporter(),
        FundImporter(),
        PersonImporter(),
        PostingImporter(),
        AgreementImporter(),
        EventImporter(),
        TaskImporter(),
        TargetImporter(),
    )
}
KINDS = tuple(IMPORTERS)


def get_importer(kind: str) -> Importer:
    try:
        return IMPORTERS[kind]
    except KeyError:
        raise CellError(
            _("未知的记录类型“%(kind)s”；可选：%(kinds)s")
            % {"kind": kind, "kinds": ", ".join(KINDS)}
        ) from None


__all__ = ["IMPORTERS", "KEEP", "KINDS", "Context", "Importer", "get_importer"]
