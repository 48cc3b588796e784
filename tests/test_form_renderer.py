"""The form renderer (`web/form_renderer.py`) writes inputs and selects as Django's widget
templates do: the same HTML for every widget kind, for the list filters and the record
forms, in Chinese and English."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test import override_settings

from pairaid.ledger import record_types
from pairaid.web.form_renderer import Renderer

TEMPLATES = "django.forms.renderers.DjangoTemplates"

PAGES = [
    "/funds/",
    "/funds/?kind=plan&source=fiscal&year=2022&q=<b>&children=on",
    "/projects/",
    "/people/",
    "/postings/",
    "/agreements/",
    "/obligations/",
    "/events/",
    "/tasks/",
    "/audit/",
    "/funds/new/",
    "/projects/new/",
    "/people/new/",
    "/agreements/new/",
    "/events/new/",
    "/tasks/new/",
    "/funds/?year=abc",  # a refused value: the field's errors and the value typed
]


class Everything(forms.Form):
    text = forms.CharField(max_length=5, initial="<\"&'>", help_text="x")
    number = forms.IntegerField(min_value=1, max_value=9, initial=3)
    decimal = forms.DecimalField(max_digits=5, decimal_places=2, initial="1.50")
    tick = forms.BooleanField(required=False, initial=True)
    untick = forms.BooleanField(required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, initial="h&")
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    email = forms.EmailField(required=False)
    password = forms.CharField(widget=forms.PasswordInput(attrs={"data-x": True}))
    choice = forms.ChoiceField(
        choices=[("", "全部"), ("a", "<甲>"), ("b&", 'b"')], initial="b&", required=False
    )
    grouped = forms.ChoiceField(
        choices=[("", "—"), ("组<1>", [("1", "一"), ("2", "二")]), ("3", "三")], initial="2"
    )
    several = forms.MultipleChoiceField(choices=[(1, "x"), (2, "y")], initial=[2])
    numbers = forms.TypedChoiceField(choices=[(2021, 2021), (2022, 2022)], coerce=int)
    radio = forms.ChoiceField(widget=forms.RadioSelect, choices=[("a", "A"), ("b", "B")])


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_it_writes_every_widget_kind_as_the_templates_do():
    for data in (None, {"text": "<x>", "number": "0", "choice": "a", "several": ["1", "2"]}):
        fast = Everything(data, renderer=Renderer())
        slow = Everything(data, renderer=DjangoTemplates())
        for name in Everything.base_fields:
            assert str(fast[name]) == str(slow[name]), name
        assert fast.as_div() == slow.as_div()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_it_draws_the_filters_and_forms_of_the_pages_as_the_templates_do(
    client, admin_user, language
):
    client.force_login(admin_user)
    client.cookies["django_language"] = language
    generic = [f"/{d.pages.slug}/" for d in record_types.with_pages() if d.pages is not None]
    for url in PAGES + generic + [f"{u}new/" for u in generic]:
        fast = client.get(url)
        with override_settings(FORM_RENDERER=TEMPLATES):
            slow = client.get(url)
        assert fast.status_code == slow.status_code == 200, url
        assert without_tokens(fast.content.decode()) == without_tokens(slow.content.decode()), url
        assert "<select" in fast.content.decode() or "<input" in fast.content.decode(), url
