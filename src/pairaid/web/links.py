"""The links of one page: a page with many links to the same views (a figure's list in every
cell of a table, every pairing's dashboard) reverses each view's URL once and makes the
others from it, with the same text `reverse` gives.

One `Links` serves one page (it lives as long as the request): nothing is kept between
requests, so a change of the URLconf or of the script prefix is never missed.
"""

from __future__ import annotations

from django.urls import reverse

# A primary key that no route mistakes for anything else, reversed once and replaced.
PLACEHOLDER = 987654321


class Links:
    def __init__(self) -> None:
        self._made: dict[tuple[str, bool], tuple[str, str]] = {}

    def url(self, name: str, pk: int | None = None) -> str:
        """`reverse(name)`, or `reverse(name, args=[pk])` for a view of one record."""
        parts = self._made.get((name, pk is not None))
        if parts is None:
            if pk is None:
                parts = (reverse(name), "")
            else:
                before, found, after = reverse(name, args=[PLACEHOLDER]).partition(str(PLACEHOLDER))
                if not found:
                    return reverse(name, args=[pk])
                parts = (before, after)
            self._made[(name, pk is not None)] = parts
        before, after = parts
        return before if pk is None else f"{before}{int(pk)}{after}"
