"""Text every output can carry.

A record's text goes into pages, xlsx and csv downloads, Word and PDF reports. Control
characters (a bell, an escape), C1 controls and the bidi overrides that reorder what a
reader sees are refused when typed (`check_line`, `check_lines`: one rule for forms, the
API and the importer, wired onto every text field of the ledger's records by
`attach_validators`). Text stored before the rule existed is still shown: the writers
drop what XML cannot carry (`xml_safe`) and write formulas as text (`formula_safe`).
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# C0 controls but tab, newline and carriage return (multi-line text); DEL; C1 controls;
# the bidi embeddings, overrides and isolates.
_BIDI = "\u202a-\u202e\u2066-\u2069"
_MULTI_LINE_REFUSED = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]")
_ONE_LINE_REFUSED = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
# The characters `check_lines` and `check_line` refuse (a batch checks many texts with them).
MULTI_LINE_REFUSED, ONE_LINE_REFUSED = _MULTI_LINE_REFUSED, _ONE_LINE_REFUSED
# What XML 1.0 cannot hold at all (openpyxl and python-docx raise on it).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Text a spreadsheet would run as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _describe(char: str) -> str:
    return f"U+{ord(char):04X}"


def _check(pattern: re.Pattern[str], value: Any, multi_line: bool) -> None:
    if not isinstance(value, str):
        return
    found = pattern.search(value)
    if found is None:
        return
    if multi_line:
        message = _(
            "不能包含控制字符或文字方向控制符（发现 %(char)s，位于第 %(position)s 个字符）；"
            "可以换行，请删除该字符后重新输入"
        )
    else:
        message = _(
            "不能包含换行、制表符等控制字符或文字方向控制符（发现 %(char)s，"
            "位于第 %(position)s 个字符）；请删除该字符后重新输入"
        )
    raise ValidationError(
        message,
        code="control_character",
        params={"char": _describe(found.group()), "position": found.start() + 1},
    )


def check_line(value: Any) -> None:
    """One-line text: no control characters at all, no bidi controls."""
    _check(_ONE_LINE_REFUSED, value, multi_line=False)


def check_lines(value: Any) -> None:
    """Multi-line text: tab, newline and carriage return allowed, other controls not."""
    _check(_MULTI_LINE_REFUSED, value, multi_line=True)


def refused_character(value: str, *, multi_line: bool = False) -> str | None:
    """The first character `check_line`/`check_lines` would refuse, or None."""
    found = (_MULTI_LINE_REFUSED if multi_line else _ONE_LINE_REFUSED).search(value)
    return found.group() if found else None


def xml_safe(value: Any) -> Any:
    """Text without the characters XML cannot carry (others pass unchanged)."""
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    return value


def formula_safe(value: Any) -> Any:
    """Text a spreadsheet would take for a formula, prefixed with a quote; XML-safe."""
    value = xml_safe(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def strip_nul(value: str) -> str:
    """A query parameter without NUL characters (PostgreSQL refuses them in text)."""
    return value.replace("\x00", "") if "\x00" in value else value


def attach_validators(app_models: Any, skip: set[str] | frozenset[str] = frozenset()) -> None:
    """Give every free-text field of these models the check for its kind: TextField
    (multi-line) `check_lines`, CharField `check_line`; choice fields are checked by
    their choices. The check is added to the field's run-time validator list, not to its
    definition, so it needs no migration and every `full_clean` — model forms, the
    ledger's services behind the API and the importer — runs it."""
    for model in app_models:
        if model._meta.label in skip:
            continue
        for field in model._meta.concrete_fields:
            if field.choices or not isinstance(field, models.CharField | models.TextField):
                continue
            check = check_lines if isinstance(field, models.TextField) else check_line
            if getattr(field, "_pairaid_text_checked", False):
                continue
            if field.__class__.__name__ == "EncryptedTextField":
                check = check_line  # identity and phone numbers are one line
            field.__dict__["validators"] = [*field.validators, check]
            field.__dict__["_pairaid_text_checked"] = True


class StripNulMiddleware:
    """Query parameters without NUL characters: PostgreSQL cannot hold NUL in text, so a
    filter such as ?q=%00 would fail deep in a query. They are dropped before any view
    (list pages, exports, the API) reads them."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        if "%00" in request.META.get("QUERY_STRING", ""):
            from django.http import QueryDict

            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(strip_nul(key), [strip_nul(value) for value in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)
