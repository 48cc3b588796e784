"""The admin's one rule: every change goes through `pairaid.ledger.services`.

`ServiceAdmin` routes saving, deleting, inline rows and many-to-many fields to the service
functions (audited as `via="admin"`, with the logged-in user). A `ValidationError` raised by a
service after the form has validated rolls the whole request back and is shown to the user:
as a form error on the add/change page, as an error message after a deletion or an action.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template import engines
from django.urls import reverse
from django.utils.translation import gettext as _

from pairaid.ledger import access, record_types, services
from pairaid.ledger.messages import integrity_message, readable, set_form_messages
from pairaid.ledger.models import Pairing
from pairaid.ledger.money import round_money

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

VIA = "admin"

REASON_PAGE = """{% extends "admin/base_site.html" %}{% load admin_urls %}
{% block breadcrumbs %}<div class="breadcrumbs">
<a href="{% url 'admin:index' %}">{{ home }}</a> ›
<a href="{% url opts|admin_urlname:'changelist' %}">{{ opts.verbose_name_plural }}</a> ›
{{ title }}</div>{% endblock %}
{% block content %}
<p>{{ intro }}</p>
<ul>{% for obj in objects %}<li>#{{ obj.pk }} {{ obj }}</li>{% endfor %}</ul>
<form method="post">{% csrf_token %}
{{ form.as_p }}
{% for obj in objects %}<input type="hidden" name="{{ checkbox }}" value="{{ obj.pk }}">
{% endfor %}<input type="hidden" name="action" value="{{ action }}">
<input type="hidden" name="post" value="yes">
<input type="submit" value="{{ submit }}">
<a href="{% url opts|admin_urlname:'changelist' %}" class="button cancel-link">{{ back }}</a>
</form>
{% endblock %}"""


def yuan(value: Decimal | None) -> str:
    """Money in 元 with two decimals and thousands separators: 146,547,300.00."""
    return "—" if value is None else f"{round_money(value):,.2f}"


class Refused(Exception):
    """A service refused a change after the form had validated."""

    def __init__(self, error: ValidationError) -> None:
        super().__init__(error)
        self.error = error


def refusal_text(error: ValidationError) -> str:
    return "；".join(str(message) for message in error.messages)


def call_service(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a service; its refusal (or the database's) becomes `Refused`."""
    try:
        return function(*args, **kwargs)
    except ValidationError as exc:
        raise Refused(readable(exc)) from exc
    except PermissionDenied as exc:
        # The services' and `access.require`'s refusals say why, in the user's language.
        message = str(exc) or _("您无权进行此项操作")
        raise Refused(ValidationError(message)) from exc
    except IntegrityError as exc:
        message = _("数据库拒绝了此次修改：%(error)s") % {"error": integrity_message(exc)}
        raise Refused(ValidationError(message)) from exc


def add_refusal_to_form(form: Any, error: ValidationError) -> None:
    """Put a refusal on the form: on the fields it names where the form has them."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def own_fields(obj: models.Model) -> list[models.Field[Any, Any]]:
    return [
        field
        for field in obj._meta.concrete_fields
        if not field.primary_key
        and not getattr(field, "auto_now", False)
        and not getattr(field, "auto_now_add", False)
    ]


def values_of(obj: models.Model, names: Iterable[str] | None = None) -> dict[str, Any]:
    """The column values a form put on an unsaved instance (all, or only `names`)."""
    wanted = None if names is None else set(names)
    return {
        field.attname: getattr(obj, field.attname)
        for field in own_fields(obj)
        if wanted is None or field.name in wanted
    }


def adopt(obj: models.Model, saved: models.Model) -> None:
    """Make the form's instance stand for the record the service saved."""
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=200, widget=forms.Textarea(attrs={"rows": 3}))


def ask_reason(
    model_admin: admin.ModelAdmin[Any],
    request: Any,
    objects: list[models.Model],
    *,
    action: str,
    title: StrOrPromise,
    intro: StrOrPromise,
    label: StrOrPromise,
    submit: StrOrPromise,
) -> str | HttpResponse:
    """An action's intermediate page: the reason once given, else the page asking for it."""
    form = ReasonForm(request.POST if request.POST.get("post") == "yes" else None)
    form.fields["reason"].label = label
    if form.is_valid() and form.cleaned_data["reason"].strip():
        return str(form.cleaned_data["reason"].strip())
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": title,
        "home": _("首页"),
        "intro": intro,
        "objects": objects,
        "form": form,
        "checkbox": helpers.ACTION_CHECKBOX_NAME,
        "action": action,
        "submit": submit,
        "back": _("返回"),
    }
    return HttpResponse(engines["django"].from_string(REASON_PAGE).render(context, request))


class PairingFilter(admin.RelatedFieldListFilter):
    """Filter by pairing, offering only the pairings the user may see."""

    def field_choices(self, field: Any, request: Any, model_admin: Any) -> Any:
        if access.is_administrator(request.user):
            return super().field_choices(field, request, model_admin)
        visible = access.visible_pairings(request.user).values("pk")
        return field.get_choices(include_blank=False, limit_choices_to={"pk__in": visible})


class LedgerAdmin(admin.ModelAdmin[Any]):
    """Lists and forms show only the records of pairings the user may see (`ledger.access`,
    through the pairing path declared with the record type, `ledger/record_types.py`);
    anything else is "not found", as on every other surface. An action refused by a service
    is rolled back whole and shown as an error message."""

    list_per_page = 50
    show_full_result_count = False  # one COUNT(*) fewer on long filtered lists

    def get_queryset(self, request: Any) -> Any:
        queryset = super().get_queryset(request)
        declared = record_types.of(self.model)
        if declared is None or not declared.pairing_path:
            return queryset  # shared vocabulary (regions, units, persons): unscoped here
        return access.within_view(request.user, queryset)

    def formfield_for_foreignkey(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        if db_field.related_model is Pairing and not access.is_administrator(request.user):
            kwargs["queryset"] = access.visible_pairings(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        """Limits stated in 元 or characters, as on the pages (`ledger.messages`)."""
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            set_form_messages({db_field.name: field})
        return field

    def response_action(
        self, request: HttpRequest, queryset: QuerySet[Any], *args: Any, **kwargs: Any
    ) -> HttpResponse | None:
        try:
            with transaction.atomic():
                return super().response_action(request, queryset, *args, **kwargs)
        except Refused as refused:
            self.message_user(request, refusal_text(refused.error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class ServiceAdmin(LedgerAdmin):
    """A ModelAdmin whose every write is a call to a service function."""

    # --- saving -------------------------------------------------------------------------

    def create(self, request: Any, obj: models.Model) -> models.Model:
        return services.create_record(
            type(obj), acting_user=request.user, via=VIA, **values_of(obj)
        )

    def save_instance(self, request: Any, obj: models.Model, changed: Iterable[str]) -> None:
        """Create `obj`, or write its `changed` fields, through the services."""
        if obj._state.adding or obj.pk is None:
            adopt(obj, call_service(self.create, request, obj))
            return
        names = {f.name for f in own_fields(obj)} & set(changed)
        if not names:
            return
        stored = type(obj)._default_manager.get(pk=obj.pk)
        call_service(
            services.update_record,
            stored,
            acting_user=request.user,
            via=VIA,
            **values_of(obj, names),
        )

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        self.save_instance(request, obj, form.changed_data)

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        obj = form.instance
        for field in obj._meta.many_to_many:
            if field.name in form.cleaned_data:
                call_service(
                    services.set_related,
                    obj,
                    field.name,
                    form.cleaned_data[field.name],
                    acting_user=request.user,
                    via=VIA,
                )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request: Any, form: Any, formset: Any, change: bool) -> None:
        formset.save(commit=False)  # builds the rows; writes nothing
        steps: list[tuple[Callable[..., None], models.Model, Iterable[str]]] = [
            *((self._delete_row, row, ()) for row in formset.deleted_objects),
            *((self.save_instance, row, changed) for row, changed in formset.changed_objects),
            *((self.save_instance, row, ()) for row in formset.new_objects),
        ]
        for step, row, changed in steps:
            try:
                step(request, row, changed)
            except Refused as refused:
                # Said of the row, on the main form (the inline's fields are not the form's).
                text = _("%(kind)s“%(row)s”：%(error)s") % {
                    "kind": row._meta.verbose_name,
                    "row": row,
                    "error": refusal_text(refused.error),
                }
                raise Refused(ValidationError(text)) from refused

    def _delete_row(self, request: Any, row: models.Model, changed: Iterable[str]) -> None:
        self.delete_instance(request, row)

    # --- deleting -----------------------------------------------------------------------

    def delete_instance(self, request: Any, obj: models.Model) -> None:
        call_service(services.delete_record, obj, acting_user=request.user, via=VIA)

    def delete_with_rows(self, request: Any, obj: models.Model) -> None:
        """Delete a record and its inline rows: the rows first, one audit entry each,
        rather than by a silent database cascade."""
        for inline in self.inlines:
            fk = next(
                f
                for f in inline.model._meta.get_fields()
                if f.many_to_one and f.related_model is type(obj)
            )
            for row in inline.model._default_manager.filter(**{fk.name: obj}):
                self.delete_instance(request, row)
        self.delete_instance(request, obj)

    def delete_model(self, request: Any, obj: Any) -> None:
        self.delete_with_rows(request, obj)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_with_rows(request, obj)

    # --- refusals -----------------------------------------------------------------------

    def get_form(self, request: Any, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change, **kwargs)
        refusal: ValidationError | None = getattr(request, "_pairaid_refusal", None)
        if refusal is None:
            return form_class
        refused = refusal

        # (A class made at run time from the admin's form: mypy cannot check its base.)
        class RefusedForm(form_class):  # type: ignore[misc, valid-type]
            def clean(self) -> Any:
                cleaned = super().clean()
                add_refusal_to_form(self, refused)
                return cleaned

        return RefusedForm

    def changeform_view(
        self, request: Any, object_id: Any = None, form_url: str = "", extra_context: Any = None
    ) -> Any:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except Refused as refused:
            # Everything was rolled back; show the same form again, with the refusal on it.
            request._pairaid_refusal = refused.error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request: Any, object_id: Any, extra_context: Any = None) -> Any:
        try:
            return super().delete_view(request, object_id, extra_context)
        except Refused as refused:
            self.message_user(request, refusal_text(refused.error), messages.ERROR)
            opts = self.opts
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id])
            return HttpResponseRedirect(url)
