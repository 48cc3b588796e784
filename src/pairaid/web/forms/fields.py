"""Widgets and fields the pages' forms share: dates, text areas, amounts in yuan."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})

M = TypeVar("M", bound=Model)


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's select `name`, as the select it is (to set its choices)."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is not a select: {type(field).__name__}")
    return field


def model_choice_field(
    form: forms.BaseForm, name: str, model: type[M]
) -> forms.ModelChoiceField[M]:
    """The form's select of records `name` (records of `model`), to set its queryset."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is not a select of records: {type(field).__name__}")
    return field


def blank_choice(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", _("全部")), *[(value, label) for value, label in choices if value != ""]]


class AmountField(forms.DecimalField):
    """An amount in 元 as people type it: digits with at most two decimals. Scientific
    notation (1e5, 1E5, 1e-2) is refused rather than read as a number nobody typed; the
    page shows the 万元 equivalent while typing (web/static/web/money.js)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.update({"data-money": "yuan", "data-unit": _("万元")})

    # django-stubs make DecimalField an IntegerField whose to_python gives an int; their own
    # DecimalField.to_python ignores the same override error.
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str) and "e" in value.casefold():
            raise ValidationError(
                _(
                    "金额请直接写数字（如 100000 或 100000.00，单位：元），"
                    "不接受 1e5 这样的科学计数法"
                ),
                code="scientific",
            )
        return super().to_python(value)


def amount_field(field: forms.DecimalField) -> AmountField:
    """The same field (label, help text, limits) as an `AmountField`."""
    return AmountField(
        max_digits=field.max_digits,
        decimal_places=field.decimal_places,
        min_value=field.min_value,
        max_value=field.max_value,
        required=field.required,
        label=field.label,
        help_text=field.help_text,
        initial=field.initial,
        disabled=field.disabled,
        localize=field.localize,
    )
