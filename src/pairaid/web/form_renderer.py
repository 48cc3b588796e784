"""Django's form renderer, with its most drawn widgets written in Python.

Every list page draws its filter form — a chooser of 30 pairings and selects of kinds,
sources and statuses — and Django draws each `<input>` and each `<option>` through a
template include (`django/forms/widgets/select_option.html` and `attrs.html` per option):
about a sixth of a list page's CPU time. Here an input and a select (with its options and
groups) are written by `format_html` from the same context the widget makes
(`Widget.get_context`), into the same HTML the templates give, character for character
(`tests/test_form_renderer.py` compares them). Any other template — and any option drawn by
a template other than Django's own — is drawn by the templates as before.

`settings.FORM_RENDERER` names `Renderer`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

WIDGETS = "django/forms/widgets/"
OPTION = WIDGETS + "select_option.html"


def attrs(values: Mapping[str, Any]) -> str:
    """`django/forms/widgets/attrs.html`: ` name="value"`, ` name` for True, nothing for
    False."""
    out = []
    for name, value in values.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(out)


def input_tag(widget: Mapping[str, Any]) -> str:
    """`django/forms/widgets/input.html` (text, number, checkbox, hidden …)."""
    value = widget["value"]
    shown = f' value="{conditional_escape(str(value))}"' if value is not None else ""
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{attrs(widget["attrs"])}>'
    )


def select_tag(widget: Mapping[str, Any]) -> str | None:
    """`django/forms/widgets/select.html` with its options (`select_option.html`); None
    when an option is drawn by another template."""
    out = [f'<select name="{conditional_escape(widget["name"])}"{attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in group_choices:
            if option["template_name"] != OPTION or not isinstance(option["label"], (str, Promise)):
                return None  # drawn by another template, or a label the template localizes
            value = conditional_escape(str(option["value"]))
            out.append(
                f'\n  <option value="{value}"{attrs(option["attrs"])}>'
                f"{conditional_escape(str(option['label']))}</option>\n"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


WRITERS: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    WIDGETS + "select.html": select_tag,
    **{
        f"{WIDGETS}{kind}.html": input_tag
        for kind in (
            "input",
            "text",
            "number",
            "email",
            "url",
            "password",
            "hidden",
            "checkbox",
            "search",
            "date",
            "datetime",
            "time",
            "tel",
            "color",
        )
    },
}


class Renderer(DjangoTemplates):
    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> str:
        write = WRITERS.get(template_name)
        if write is not None and request is None and "widget" in context:
            made = write(context["widget"])
            if made is not None:
                return mark_safe(made)
        return super().render(template_name, context, request)
