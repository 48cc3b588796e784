"""The list, read, create and update operations that most resources share, written once.

A `Resource` registers each operation on the module's router under the name it would have
as a hand-written view ("list_projects", "get_project", "create_project", "update_project"):
the OpenAPI operationId is the view's name (`PairaidAPI.get_openapi_operation_id`), and
generated clients depend on it. What differs between resources is passed in: the scope a
record is found in, the schemas, the summaries, and how a record is made or changed. Anything
else (nested parts, fund flows' reversals, confirmations) stays explicit in its module.
"""

# No `from __future__ import annotations` here: django-ninja reads the views' annotations to
# build the operations, and they name the schemas passed in, which exist only in the closure.

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status

from pairaid.api.common import (
    IF_MATCH_NOTE,
    LIST_ERRORS,
    READ_ERRORS,
    VIA,
    WRITE_ERRORS,
    IdempotencyKeyHeader,
    IfMatchHeader,
    PageParams,
    RecordId,
    expected_version,
    fetch,
    once,
    page_of,
    paginate,
    pairing_for,
    resolve,
    tag_version,
    user_of,
)
from pairaid.api.errors import error_responses
from pairaid.ledger import record_types, services

Scope = Callable[[HttpRequest], QuerySet[Any]]
# (user, validated body) → the answer, as the 201 body.
Make = Callable[[Any, Any], Schema]
# (user, record, the fields sent) → the answer.
Change = Callable[[Any, Any, dict[str, Any]], Any]

View = TypeVar("View", bound=Callable[..., Any])


def _named(name: str) -> Callable[[View], View]:
    def rename(view: View) -> View:
        view.__name__ = view.__qualname__ = name
        return view

    return rename


def make_in_pairing(model: type[Model], out: type[Schema]) -> Make:
    """A record of the pairing its body's `pairing_id` names, references resolved there."""

    def make(user: Any, payload: Any) -> Schema:
        pairing = pairing_for(user, payload.pairing_id)
        fields = resolve(user, payload.model_dump(exclude={"pairing_id"}), pairing)
        record = services.create_record(model, acting_user=user, via=VIA, pairing=pairing, **fields)
        return out.from_orm(record)

    return make


def make_shared(model: type[Model], out: type[Schema]) -> Make:
    """A record of no one pairing (a region, a unit, a person)."""

    def make(user: Any, payload: Any) -> Schema:
        fields = resolve(user, payload.model_dump())
        return out.from_orm(services.create_record(model, acting_user=user, via=VIA, **fields))

    return make


def change_in_pairing(user: Any, record: Any, data: dict[str, Any]) -> Any:
    """Changes to a record of a pairing, references resolved in that pairing."""
    changes = resolve(user, data, record.pairing)
    return services.update_record(record, acting_user=user, via=VIA, **changes)


def change_shared(user: Any, record: Any, data: dict[str, Any]) -> Any:
    """Changes to a record of no one pairing."""
    return services.update_record(record, acting_user=user, via=VIA, **resolve(user, data))


@dataclass(frozen=True)
class Resource:
    router: Router
    path: str  # the collection, "/projects/"; a record is at "/projects/{id}/"
    name: str  # singular, "project"; the list operation adds an "s"
    scope: Scope  # the records the asking user may see
    out: type[Schema]
    tag: str

    @classmethod
    def of(cls, model: type[Model], router: Router, scope: Scope, out: type[Schema]) -> "Resource":
        """The resource of a record type, at the path, under the name and tag declared with
        the type (`ledger/record_types.py`)."""
        declared = record_types.api_of(model)
        return cls(router, declared.path, declared.name, scope, out, declared.tag)

    def add_list(self, filters: type[Schema], summary: str) -> None:
        scope = self.scope
        # Each parameter below is annotated with the schema passed in: ninja documents it.
        criteria = filters

        @self.router.get(
            self.path,
            response={200: page_of(self.out), **LIST_ERRORS},
            tags=[self.tag],
            summary=summary,
        )
        @_named(f"list_{self.name}s")
        def view(
            request: HttpRequest,
            filters: Query[criteria],  # type: ignore[valid-type]  # the filters passed in
            page: Query[PageParams],
        ) -> dict[str, Any]:
            # every filters schema has apply() (a variable's type is unknown to the checker)
            return paginate(filters.apply(scope(request)), page)  # type: ignore[attr-defined]

    def add_read(self, summary: str) -> None:
        scope = self.scope

        @self.router.get(
            f"{self.path}{{id}}/",
            response={200: self.out, **READ_ERRORS},
            tags=[self.tag],
            summary=summary,
        )
        @_named(f"get_{self.name}")
        def view(request: HttpRequest, response: HttpResponse, id: int = RecordId) -> Any:
            record = fetch(scope(request), id)
            tag_version(response, record)
            return record

    def add_create(self, body: type[Schema], summary: str, make: Make) -> None:
        """With an Idempotency-Key, a retried create answers the first answer (`once`)."""

        @self.router.post(
            self.path,
            response={201: self.out, **WRITE_ERRORS},
            tags=[self.tag],
            summary=summary,
        )
        @_named(f"create_{self.name}")
        def view(
            request: HttpRequest,
            response: HttpResponse,
            payload: body,  # type: ignore[valid-type]  # the body schema passed in
            idempotency_key: str = IdempotencyKeyHeader,
        ) -> Status[dict[str, Any]]:
            def run() -> Schema:
                return make(user_of(request), payload)

            return once(request, response, idempotency_key, payload, run)

    def add_update(
        self,
        body: type[Schema],
        summary: str,
        change: Change = change_in_pairing,
        scope: Scope | None = None,
    ) -> None:
        """`scope` if a record is changed from other rows than it is answered from."""
        find = scope or self.scope

        @self.router.patch(
            f"{self.path}{{id}}/",
            response={200: self.out, **WRITE_ERRORS, **error_responses(412)},
            tags=[self.tag],
            summary=summary,
            description=IF_MATCH_NOTE,
        )
        @_named(f"update_{self.name}")
        def view(
            request: HttpRequest,
            response: HttpResponse,
            payload: body,  # type: ignore[valid-type]  # the body schema passed in
            id: int = RecordId,
            if_match: str = IfMatchHeader,
        ) -> Any:
            record = fetch(find(request), id)
            # the body schema passed in (a variable's type is unknown to the checker)
            data = payload.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
            expected = expected_version(if_match, record)
            if expected is not None:
                data["expected_version"] = expected
            answer = change(user_of(request), record, data)
            tag_version(response, record)
            return answer
