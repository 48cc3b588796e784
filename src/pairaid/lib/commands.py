"""What the product's console commands share."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.management.base import BaseCommand


def tags_but_urls() -> list[str]:
    """Every system check's tag but the URL configuration's."""
    available = checks.registry.registry.tags_available()
    return sorted(tag for tag in available if tag != checks.Tags.urls)


class DataCommand(BaseCommand):
    """A command over the ledger's records (summary, report, import, export, backup, …).

    It runs every system check but the URL configuration's: those import every page's and
    the API's URLs and build the API's schemas, about 1.5 s of CPU on each run, half of what
    `pairaid summary` costs, for a command that serves no page. `pairaid check`, `migrate`,
    `serve` and the article's demo still check everything."""

    def check(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("tags") is None:
            kwargs["tags"] = tags_but_urls()
        super().check(*args, **kwargs)
