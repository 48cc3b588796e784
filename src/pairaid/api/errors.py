"""The one place where errors become HTTP answers.

Every error is JSON. `detail` says what went wrong (a sentence, or for 422 a list of
{loc, msg, type}); a 422 also carries `errors`, the messages by field, in Chinese, keyed by
the API's field names (`project_id`, not `project`), with `__all__` for the record as a
whole — the same shape whether the request was malformed or the ledger refused it.

| raised                                    | status |
|-------------------------------------------|--------|
| a body that is not JSON (malformed)       | 400    |
| a body sent as another type than JSON     | 415    |
| no or unknown credentials                 | 401    |
| django PermissionDenied, a read-only token | 403    |
| Http404, access.OutOfScope (outside the user's scope) | 404 |
| IntegrityError (a concurrent duplicate)   | 409    |

A database rule is never named to the client: `ledger.messages` says it in words.
| ninja ValidationError (malformed request) | 422    |
| django ValidationError (the ledger's rules) | 422  |
| StaleRecord (If-Match names an old version) | 412 (409 without If-Match) |
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any, TypeVar

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestValidationError
from ninja.parser import Parser

from pairaid.ledger import access
from pairaid.ledger.messages import integrity_message, readable
from pairaid.ledger.services import StaleRecord

WHOLE_RECORD = "__all__"

E = TypeVar("E", bound=Exception)


def etag_of(version: int) -> str:
    """A record's ETag: its version, quoted ("3")."""
    return f'"{version}"'


class ErrorOut(Schema):
    detail: str


class UnsupportedMediaType(Exception):
    """A request body sent with a Content-Type other than application/json."""


class JSONOnlyParser(Parser):
    """Request bodies are JSON, said so by their Content-Type: a form, text/plain or a body
    without a type is refused (415) rather than read as JSON by luck."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        content_type = request.content_type or ""
        if content_type != "application/json" and not content_type.endswith("+json"):
            raise UnsupportedMediaType(content_type)
        body: dict[str, Any] = json.loads(request.body)
        return body


# Answers every operation with a request body may give, besides its own (OpenAPI).
BODY_ERRORS = {
    400: "请求体不是有效的 JSON",
    415: "请求体须为 JSON（Content-Type: application/json）",
}


def document_body_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the 400 and 415 answers to every operation of an OpenAPI document that reads a
    request body."""
    ref = {"$ref": "#/components/schemas/ErrorOut"}
    schema.setdefault("components", {}).setdefault("schemas", {}).setdefault(
        "ErrorOut", ErrorOut.model_json_schema()
    )
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict) or "requestBody" not in operation:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in BODY_ERRORS.items():
                responses.setdefault(
                    str(status),
                    {
                        "description": description,
                        "content": {"application/json": {"schema": ref}},
                    },
                )
    return schema


class ErrorItem(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[ErrorItem]
    errors: dict[str, list[str]]


class StaleOut(Schema):
    detail: str
    version: int
    changed: dict[str, str]


def error_responses(*statuses: int) -> dict[int, type[Schema]]:
    """The documented error answers of an operation."""
    special: dict[int, type[Schema]] = {422: ValidationErrorOut, 412: StaleOut}
    return {status: special.get(status, ErrorOut) for status in statuses}


@cache
def _foreign_keys() -> frozenset[str]:
    """Foreign keys of the ledger's records: the API names them `<name>_id`."""
    return frozenset(
        field.name
        for model in apps.get_app_config("ledger").get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey)
    )


def api_field(name: str) -> str:
    return f"{name}_id" if name in _foreign_keys() else name


def ledger_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    exc = readable(exc)
    if hasattr(exc, "error_dict"):
        return {
            (WHOLE_RECORD if field == "__all__" else api_field(field)): [
                str(message) for message in messages
            ]
            for field, messages in exc.message_dict.items()
        }
    return {WHOLE_RECORD: [str(message) for message in exc.messages]}


def _request_message(error: dict[str, Any]) -> str:
    """A pydantic error in Chinese, for the kinds a client meets; pydantic's own otherwise."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    messages = {
        "missing": _("此项必填"),
        "json_invalid": _("请求内容不是有效的 JSON"),
        "extra_forbidden": _("不接受此字段"),
        "string_type": _("应为文本"),
        "string_too_long": _("最多 %(n)s 个字符") % {"n": ctx.get("max_length")},
        "string_too_short": _("至少 %(n)s 个字符") % {"n": ctx.get("min_length")},
        "string_pattern_mismatch": _("格式不正确"),
        "int_type": _("应为整数"),
        "int_parsing": _("应为整数"),
        "int_from_float": _("应为整数"),
        "bool_type": _("应为 true 或 false"),
        "bool_parsing": _("应为 true 或 false"),
        "greater_than_equal": _("不能小于 %(n)s") % {"n": ctx.get("ge")},
        "greater_than": _("应大于 %(n)s") % {"n": ctx.get("gt")},
        "less_than_equal": _("不能大于 %(n)s") % {"n": ctx.get("le")},
        "less_than": _("应小于 %(n)s") % {"n": ctx.get("lt")},
        "decimal_type": _("应为数字"),
        "decimal_parsing": _("应为数字"),
        "decimal_max_digits": _("最多 %(n)s 位数字") % {"n": ctx.get("max_digits")},
        "decimal_max_places": _("最多 %(n)s 位小数") % {"n": ctx.get("decimal_places")},
        "decimal_whole_digits": _("整数部分最多 %(n)s 位") % {"n": ctx.get("whole_digits")},
        "date_type": _("应为日期（YYYY-MM-DD）"),
        "date_parsing": _("应为日期（YYYY-MM-DD）"),
        "date_from_datetime_parsing": _("应为日期（YYYY-MM-DD）"),
        "date_from_datetime_inexact": _("应为日期（YYYY-MM-DD）"),
        "literal_error": _("应为以下之一：%(values)s") % {"values": ctx.get("expected")},
        "list_type": _("应为列表"),
        "model_attributes_type": _("应为对象"),
        "dict_type": _("应为对象"),
        "model_type": _("应为对象"),
    }
    if kind in messages:
        return messages[kind]
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    return str(error.get("msg", _("不正确")))


def _field_of(loc: Iterable[Any]) -> str:
    """("body", "payload", "amount") → "amount"; ("query", "limit") → "limit"."""
    parts = [str(part) for part in loc]
    if parts and parts[0] == "body":
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    elif parts:
        parts = parts[1:]
    return ".".join(parts) or WHOLE_RECORD


def request_errors(
    errors: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    detail: list[dict[str, Any]] = []
    by_field: dict[str, list[str]] = {}
    for error in errors:
        message = _request_message(error)
        loc = [part if isinstance(part, int) else str(part) for part in error.get("loc", ())]
        detail.append({"loc": loc, "msg": message, "type": str(error.get("type", ""))})
        by_field.setdefault(_field_of(loc), []).append(message)
    return detail, by_field


def install(api: NinjaAPI) -> None:
    """Register the mapping on the API (replacing ninja's English defaults)."""

    def answer(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    def on_request_error(request: HttpRequest, exc: RequestValidationError) -> HttpResponse:
        detail, by_field = request_errors(exc.errors)
        return answer(request, 422, {"detail": detail, "errors": by_field})

    def on_ledger_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        by_field = ledger_errors(exc)
        detail = [
            {"loc": ["body", field], "msg": message, "type": "ledger"}
            for field, messages in by_field.items()
            for message in messages
        ]
        return answer(request, 422, {"detail": detail, "errors": by_field})

    def on_stale(request: HttpRequest, exc: StaleRecord) -> HttpResponse:
        # The record changed since the version the request was made on (If-Match): the
        # answer says what changed, and its ETag is the version to make the request on.
        response = answer(
            request,
            412 if request.headers.get("If-Match") else 409,
            {
                "detail": exc.messages[0],
                "version": exc.current_version,
                "changed": {
                    api_field(name): value for name, (_label, value) in exc.changed.items()
                },
            },
        )
        response["ETag"] = etag_of(exc.current_version)
        return response

    def on_not_found(request: HttpRequest, exc: Http404 | access.OutOfScope) -> HttpResponse:
        return answer(request, 404, {"detail": _("未找到该记录，或该记录不在您的权限范围内")})

    def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        # access.require's own reason is for developers ("not allowed"): say it in Chinese.
        reason = str(exc) if exc.args and str(exc) != "not allowed" else _("无权执行此操作")
        return answer(request, 403, {"detail": reason})

    def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = answer(
            request,
            401,
            {"detail": _("请提供有效的接口令牌（Authorization: Bearer <令牌>）或先登录")},
        )
        response["WWW-Authenticate"] = 'Bearer realm="pairaid"'
        return response

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja turns every failure to read the body into a 400 "Cannot parse request body".
        if isinstance(exc.__cause__, UnsupportedMediaType):
            message = _("请求体须为 JSON，请设置 Content-Type: application/json")
            return answer(request, 415, {"detail": message})
        if isinstance(exc.__cause__, ValueError):  # json.JSONDecodeError, UnicodeDecodeError
            return answer(request, 400, {"detail": _("请求体不是有效的 JSON")})
        return answer(request, exc.status_code, {"detail": str(exc)})

    def on_conflict(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        return answer(request, 409, {"detail": integrity_message(exc)})

    def handle(exc_class: type[E], handler: Callable[[HttpRequest, E], HttpResponse]) -> None:
        # ninja's handler type also admits the exception's class; ninja passes an instance.
        api.add_exception_handler(exc_class, handler)  # type: ignore[arg-type]

    handle(RequestValidationError, on_request_error)
    handle(DjangoValidationError, on_ledger_error)
    handle(StaleRecord, on_stale)
    handle(Http404, on_not_found)
    handle(access.OutOfScope, on_not_found)
    handle(PermissionDenied, on_forbidden)
    handle(AuthenticationError, on_unauthenticated)
    handle(HttpError, on_http_error)
    handle(IntegrityError, on_conflict)
