"""`{% list_rows "funds" page %}`: a list page's rows, written by `web.rows`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.safestring import SafeString

from pairaid.web import rows

register = template.Library()


@register.simple_tag
def list_rows(kind: str, records: Iterable[Any], **context: Any) -> SafeString:
    return rows.render(kind, records, **context)


@register.simple_tag
def table_rows(shown: Iterable[Any]) -> SafeString:
    """A generic list's rows (`views/records_list.rows_of`)."""
    return rows.table(shown)


@register.simple_tag
def audit_rows(shown: Iterable[Any]) -> SafeString:
    """The audit list's rows (`web/audit_display.describe`)."""
    return rows.audit(shown)
