"""What every endpoint shares: who is asking, what they may see, references in a request
body, stable pagination and idempotent creates.

Scope: `pairaid.ledger.access` decides it (`within_view`, `visible_persons`,
`shared_records`, `get_pairing_for_user`); this module only answers "not found" (404) on
top, as the pages do. What a user may change is decided by the
ledger's services, which every write calls.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from functools import cache
from typing import Annotated, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status
from ninja.params import functions as param_functions
from pydantic import create_model

from pairaid.accounts.models import User
from pairaid.api import services as api_services
from pairaid.api.errors import error_responses, etag_of
from pairaid.api.types import MAX_ID, MAX_OFFSET
from pairaid.ledger import access
from pairaid.ledger.models import (
    Agreement,
    Event,
    Organisation,
    Pairing,
    Project,
    Region,
    Team,
)

VIA = "api"

M = TypeVar("M", bound=Model)

# The documented error answers, by kind of operation.
LIST_ERRORS = error_responses(401, 422)
READ_ERRORS = error_responses(401, 404, 422)
WRITE_ERRORS = error_responses(401, 403, 404, 409, 422)

IfMatchHeader = param_functions.Header(
    None,
    alias="If-Match",
    max_length=200,
    description=(
        '记录的版本（读取或修改记录时响应头 ETag 的值，如 "3"）。带上它，若记录在此期间已被他人'
        "修改，服务器拒绝本次修改（412），并返回被修改的字段及其现值，不会覆盖他人的修改。"
        "不带此头时修改照常进行，但可能覆盖他人同时所做的修改。"
    ),
)
IF_MATCH_NOTE = (
    "为避免覆盖他人的修改（丢失更新），请先读取记录，把响应头 ETag 的值放在 If-Match 请求头中；"
    "记录已被他人修改时返回 412 Precondition Failed，响应头 ETag 为当前版本。"
)


def etag(record: Any) -> str | None:
    version = getattr(record, "version", None)
    return None if version is None else etag_of(version)


def tag_version(response: HttpResponse, record: Any) -> None:
    """The record's version as the answer's ETag (records that have a version)."""
    tag = etag(record)
    if tag is not None:
        response["ETag"] = tag


def expected_version(if_match: str | None, record: Any) -> int | None:
    """The version an If-Match header holds the request to: None without one (or with `*`);
    the current version if it is among those listed; else one that cannot match (412)."""
    current: int | None = getattr(record, "version", None)
    if not if_match or current is None:
        return None
    tags = [tag.strip() for tag in if_match.split(",")]
    if "*" in tags:
        return None
    versions = []
    for tag in tags:
        tag = tag.removeprefix("W/").strip('"')
        if tag.isdigit():
            versions.append(int(tag))
    if current in versions:
        return current
    return versions[0] if versions and versions[0] > 0 else 0


RecordId = param_functions.Path(..., ge=1, le=MAX_ID, description="记录编号")
IdempotencyKeyHeader = param_functions.Header(
    None,
    alias="Idempotency-Key",
    max_length=200,
    pattern=r"^[\x21-\x7e]{1,200}$",
    description=(
        "幂等键：客户端为每个新请求生成的唯一字符串（如 UUID）。重试同一请求时带上同一个键，"
        "服务器返回第一次的结果而不会重复登记；同一个键用于不同内容的请求会被拒绝（422）。"
    ),
)


def user_of(request: HttpRequest) -> User:
    """The user the request acts for: the token's owner, or the logged-in user."""
    user: User = request.auth  # type: ignore[attr-defined]  # set by the API's authentication
    return user


# --- scope ----------------------------------------------------------------------------------


def in_scope(queryset: QuerySet[M], user: access.Viewer) -> QuerySet[M]:
    """The records of `queryset` the user sees, through their pairing (`ledger.access`)."""
    return access.within_view(user, queryset)


def shared_records(model: type[M], user: access.Viewer) -> QuerySet[M]:
    """Regions and organisations: the common vocabulary of everyone who holds a role."""
    return access.shared_records(user, model)


visible_persons = access.visible_persons


def fetch(queryset: QuerySet[M], pk: int) -> M:
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404(_("未找到该记录"))
    return obj


def pairing_for(user: Any, pk: int) -> Pairing:
    """The pairing `pk` if the user sees it; 404 otherwise."""
    try:
        return access.get_pairing_for_user(user, pk)
    except access.OutOfScope as exc:
        raise Http404(_("未找到该记录")) from exc


# --- references in a request body -------------------------------------------------------------

Finder = Callable[[Any, Pairing | None], QuerySet[Any]]


def _same_pairing(model: type[Model]) -> Finder:
    return lambda user, pairing: model._default_manager.filter(pairing=pairing)


def _events_of(user: Any, pairing: Pairing | None) -> QuerySet[Event]:
    # A city's visit may witness its districts' agreements: the pairing's or its parent's.
    assert pairing is not None
    return Event.objects.filter(pairing_id__in=[pairing.pk, pairing.parent_id])


REFERENCES: dict[str, tuple[str, Finder, str]] = {
    # API field: (model field, where the record must be found, what it is called)
    "project_id": ("project", _same_pairing(Project), "项目"),
    "team_id": ("team", _same_pairing(Team), "团队"),
    "agreement_id": ("agreement", _same_pairing(Agreement), "协议"),
    "event_id": ("event", _events_of, "活动"),
    "person_id": ("person", lambda user, pairing: visible_persons(user), "人员"),
    "region_id": ("region", lambda user, p: shared_records(Region, user), "行政区划"),
    "parent_id": ("parent", lambda user, p: shared_records(Region, user), "上级区划"),
    "location_id": ("location", lambda user, p: shared_records(Region, user), "实施地点"),
    **{
        f"{name}_id": (name, lambda user, p: shared_records(Organisation, user), "单位")
        for name in (
            "implementing_organisation",
            "home_organisation",
            "host_organisation",
            "owner",
            "organisation",
        )
    },
}


def resolve(user: Any, data: Mapping[str, Any], pairing: Pairing | None = None) -> dict[str, Any]:
    """Request fields → model fields, each `<name>_id` replaced by the record it names if the
    user may refer to it there; otherwise a field error (422)."""
    fields: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key, value in data.items():
        if key not in REFERENCES:
            fields[key] = value
            continue
        field, finder, label = REFERENCES[key]
        if value is None:
            fields[field] = None
            continue
        found = finder(user, pairing).filter(pk=value).first()
        if found is None:
            errors[key] = [
                _("%(what)s %(id)s 不存在，或不属于该结对关系") % {"what": label, "id": value}
            ]
        fields[field] = found
    if errors:
        raise ValidationError(errors)
    return fields


def resolve_many(user: Any, model: type[M], ids: list[int], field: str) -> list[M]:
    records = list(shared_records(model, user).filter(pk__in=ids))
    missing = sorted(set(ids) - {record.pk for record in records})
    if missing:
        raise ValidationError(
            {field: [_("单位 %(ids)s 不存在") % {"ids": "、".join(map(str, missing))}]}
        )
    return records


# --- pagination -----------------------------------------------------------------------------


class PageParams(Schema):
    limit: int = Field(100, ge=1, le=500, description="每页条数（1—500，默认100）")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="跳过的条数")
    after: Annotated[
        int,
        Field(
            None,
            ge=0,
            le=MAX_ID,
            description=(
                "游标：只列出编号大于此值的记录。翻页时传入上一页的 next_after，offset 置 0"
            ),
        ),
    ]


@cache
def page_of(item: type[Schema]) -> type[Schema]:
    """The paged list of `item`: always ordered by record number (id), so that pages are
    stable while records are added (new records get higher numbers)."""
    name = item.__name__.removesuffix("Out") + "Page"
    return create_model(
        name,
        __base__=Schema,
        count=(int, Field(description="符合条件的记录总数（不计 offset 和 after）")),
        limit=(int, ...),
        offset=(int, ...),
        next_after=(
            int | None,
            Field(description="下一页的游标（传给 after）；没有下一页时为 null"),
        ),
        items=(list[item], ...),  # type: ignore[valid-type]  # the schema passed in
    )


def paginate(queryset: QuerySet[Any], page: PageParams) -> dict[str, Any]:
    queryset = queryset.order_by("pk")
    if page.after is not None:
        queryset = queryset.filter(pk__gt=page.after)
    count = queryset.count()
    items = list(queryset[page.offset : page.offset + page.limit]) if count else []
    more = page.offset + len(items) < count
    return {
        "count": count,
        "limit": page.limit,
        "offset": page.offset,
        "next_after": items[-1].pk if items and more else None,
        "items": items,
    }


# --- creates that a retry must not repeat --------------------------------------------------------


def fingerprint(request: HttpRequest, payload: Schema | None) -> str:
    body = payload.model_dump(mode="json") if payload is not None else None
    canonical = json.dumps(
        {"method": request.method, "path": request.path, "body": body},
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def once(
    request: HttpRequest,
    response: HttpResponse,
    key: str | None,
    payload: Schema | None,
    make: Callable[[], Schema],
    status: int = 201,
) -> Status[dict[str, Any]]:
    """Run a create, or with an Idempotency-Key, run it at most once per key and answer a
    retry with the stored answer (header `Idempotent-Replayed: true`)."""
    if key is None:
        # The answer is read back inside the write's transaction: a record that cannot be
        # answered is not left behind by a request that failed.
        with transaction.atomic():
            return Status(status, make().model_dump(mode="json"))
    answer_status, body, replayed = api_services.run_once(
        user_of(request),
        key,
        method=request.method or "",
        path=request.path,
        request_hash=fingerprint(request, payload),
        run=lambda: (status, make().model_dump(mode="json")),
    )
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(answer_status, body)
