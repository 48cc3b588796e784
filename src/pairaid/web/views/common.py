"""What the views share: the service call behind a form, the form page, a record's history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.db import IntegrityError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from pairaid.ledger import services
from pairaid.ledger.access import Viewer
from pairaid.ledger.messages import integrity_message
from pairaid.ledger.models import AuditEntry, Pairing
from pairaid.ledger.services import StaleRecord
from pairaid.web import access
from pairaid.web.forms import ServiceForm, show_errors

M = TypeVar("M", bound=Model)  # the form's record
R = TypeVar("R", bound=Model)  # what the service returns

VIA = "web"
HISTORY_LIMIT = 20


def submitted(
    request: HttpRequest, form: ServiceForm[M], save: Callable[[dict[str, Any]], R]
) -> R | None:
    """On a valid POST, call `save` (a service) with the form's data; a ValidationError from
    the service (or an IntegrityError from the database, in words) goes onto the form.
    Returns the saved record, or None to show the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save(form.data_for_service())
    except StaleRecord as stale:
        form.add_error(None, stale.messages[0])
        form.read_again_at(stale.current_version)
        return None
    except ValidationError as error:
        show_errors(form, error)
        return None
    except IntegrityError as error:  # the database's own rules, e.g. a concurrent duplicate
        form.add_error(None, integrity_message(error))
        return None


def form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    cancel: str,
    intro: str = "",
    submit: str = "",
    status: int | None = None,
) -> HttpResponse:
    if status is None:
        status = 400 if request.method == "POST" else 200
    return render(
        request,
        "web/form.html",
        {"form": form, "title": title, "cancel": cancel, "intro": intro, "submit": submit},
        status=status,
    )


def done(request: HttpRequest, message: str, to: str, *args: Any) -> HttpResponse:
    messages.success(request, message)
    return redirect(to, *args)


def remove(request: HttpRequest, record: Model, message: str, to: str, *args: Any) -> HttpResponse:
    """Delete a part of a record (a party, a participant) through the services: done with
    `message`, or the service's refusal (an approved year …) as an error on the same page."""
    try:
        services.delete_record(record, acting_user=request.user, via=VIA)
    except ValidationError as error:
        messages.error(request, "；".join(str(m) for m in error.messages))
        return redirect(to, *args)
    return done(request, message, to, *args)


def history_visible(user: Viewer, pairing: Pairing | None) -> bool:
    """A record's change history is shown to those who audit its pairing and to its own
    editors — `can(AUDIT)` or `can(EDIT)` on the record's pairing — and to no one else
    (a viewer or the recipient side sees the record, not who changed what)."""
    return access.can(user, pairing, access.AUDIT) or access.can(user, pairing, access.EDIT)


def history_for(
    user: Viewer, obj: Model, pairing: Pairing | None
) -> QuerySet[AuditEntry] | list[AuditEntry]:
    """The record's history if the user may read it (`history_visible`), else nothing."""
    return history(obj) if history_visible(user, pairing) else []


def history(obj: Model, limit: int = HISTORY_LIMIT) -> QuerySet[AuditEntry]:
    """The audit entries of one record, newest first."""
    return AuditEntry.objects.filter(
        record_type=obj._meta.model_name, record_id=str(obj.pk)
    ).select_related("user")[:limit]


def parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def bad_date_message(value: str) -> str:
    """What a page says about an `as_of` (截至日期) in its address that is not a date."""
    return _("截至日期“%(value)s”不是有效日期，请写成 2022-12-04 这样的年-月-日") % {
        "value": value[:40]
    }


def as_of_error(request: HttpRequest) -> str:
    """The message for the request's `as_of` when it is given and not a date, else ""."""
    raw = request.GET.get("as_of", "")
    return bad_date_message(raw) if raw and parse_date(raw) is None else ""


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A 400 page that says what was wrong with the address (`BadRequest("…")`)."""
    message = str(exception) if isinstance(exception, BadRequest) and exception.args else ""
    return render(request, "400.html", {"message": message}, status=400)


def today() -> dt.date:
    return timezone.localdate()
