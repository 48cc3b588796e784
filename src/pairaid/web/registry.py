"""The pages' side of the record types declared in `ledger/record_types.py`: the main menu's
entries and the menu section a page belongs to (a list's sortable columns: `listing.Sorts.of`).
Nothing here names a record type: a type registered there appears in the menu without an edit
here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from pairaid.ledger import record_types
from pairaid.ledger.access import Viewer
from pairaid.web import access


@dataclass(frozen=True)
class MenuEntry:
    label: Any
    url: str
    section: str


def menu(user: Viewer) -> list[MenuEntry]:
    """The record types' entries of the main menu that the user is offered, in order."""
    return [
        MenuEntry(nav.label, reverse(nav.url_name), nav.section)
        for nav in record_types.nav_entries()
        if not nav.action or access.can(user, None, nav.action)
    ]


# The 协作考核 page's section: it and the pages of every type declared with `Pages`.
ASSESSMENT = "assessment"
# The url names of a type's generic pages: "<slug>", "<slug>_detail" … (`views/records.py`).
PAGES_SUFFIXES = ("", "_create", "_choices", "_detail", "_edit", "_delete", "_confirm", "_reopen")


def section_of(url_name: str) -> str:
    """The menu section of a page of the web app, by its url name ("task_edit" → "tasks");
    "" when no record type claims it."""
    for nav in record_types.nav_entries():
        if url_name == nav.section or url_name.startswith(nav.prefixes):
            return nav.section
    if url_name == ASSESSMENT:
        return ASSESSMENT
    for declared in record_types.with_pages():
        slug = declared.pages.slug if declared.pages else ""
        if slug and url_name.startswith(slug) and url_name[len(slug) :] in PAGES_SUFFIXES:
            return ASSESSMENT
    return ""
