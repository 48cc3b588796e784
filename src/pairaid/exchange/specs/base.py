"""What every importer shares: the import's `Context` (references looked up once, scope,
refusals), reference columns for pairings, regions and organisations, and `Importer`."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.db import models
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pairaid.exchange import cells
from pairaid.exchange.cells import CellError
from pairaid.exchange.columns import (
    Column,
    RefColumn,
)
from pairaid.ledger import access, record_types, services
from pairaid.ledger import locks as year_locks
from pairaid.ledger.access import Viewer
from pairaid.ledger.models import (
    Agreement,
    Event,
    FundFlow,
    Organisation,
    Pairing,
    PairingQuerySet,
    Person,
    Project,
    Region,
    Team,
)
from pairaid.lib.fields import own_field

T = TypeVar("T")

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

    user: Viewer = None
    via: str = "import"
    units: dict[str, Decimal] = field(default_factory=dict)
    _cache: dict[tuple[str, object], object] = field(default_factory=dict)
    _locked: set[tuple[int, int]] | None = None
    _visible: set[int] | None = None

    def cached(self, kind: str, key: object, find: Callable[[], T]) -> T:
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
        return cast("T", found)  # what `find` gave for this kind and key

    # --- scope: decided by `ledger.access`; a look-up outside it is a cell's error -----------

    def visible_pairings(self) -> PairingQuerySet:
        # access.visible_pairings, typed as the pairings queryset it is (`matching`)
        return access.pairings(self.user, access.READ).select_related(
            "helper_region", "recipient_region", "helper_organisation", "recipient_organisation"
        )

    def pairing_names(self) -> list[str]:
        return [str(p) for p in self.visible_pairings().order_by("pk")]

    def locked(self, pairing_id: int, year: int | None) -> bool:
        if self._locked is None:
            self._locked = year_locks.approved_years()
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

    label: str | Promise = ""
    model: type[models.Model]
    columns: Sequence[Column] = ()
    key: tuple[str, ...] = ()
    key_column: str = ""  # the column a duplicate key is reported against
    key_words: str | Promise = ""  # "结对关系和项目编号" — what makes two rows the same record
    action: tuple[str, ...] = (access.EDIT,)

    @property
    def kind(self) -> str:
        """The kind declared with the record type (`ledger/record_types.py`): what an upload,
        a download and `pairaid import --kind` call it."""
        declared = record_types.of(self.model)
        return declared.kind if declared is not None else ""

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
        return tuple(getattr(obj, own_field(self.model, name).attname) for name in self.key)

    def base_queryset(self) -> QuerySet[Any]:
        return self.model._default_manager.all()

    def find(self, keys: Iterable[tuple[Any, ...]]) -> dict[tuple[Any, ...], list[models.Model]]:
        """The stored records with these keys (a list per key: more than one is an error)."""
        keys = set(keys)
        if not keys:
            return {}
        filters = {}
        for position, name in enumerate(self.key):
            attname = own_field(self.model, name).attname
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
            field_ = own_field(self.model, name)
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

    def create(
        self, rows: list[Any], context: Context, *, validated: bool = False
    ) -> list[models.Model]:
        """Write new records: field values, or records the check validated (`validated`)."""
        return services.bulk_create_records(
            self.model, rows, acting_user=context.user, via=context.via, validated=validated
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
