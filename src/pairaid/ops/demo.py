"""The demo data set of the whole product: the ledger's records (`pairaid.ledger.demo`) and
the founding article they reproduce, kept as a checked text so that the text check page
shows it, every figure marked against the ledger, from the first start."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from pairaid.bulletin.models import SourceDocument
from pairaid.bulletin.services import record_check
from pairaid.ledger import demo as ledger_demo

# Where the article was published (its first line: 川南在線 發布時間:2022-12-04).
FOUNDING_ARTICLE_SOURCE = "川南在线"


def founding_article() -> str:
    return ledger_demo.FOUNDING_ARTICLE.read_text(encoding="utf-8")


@transaction.atomic
def load_demo(*, acting_user: Any = None) -> dict[str, int]:
    """Load the ledger's demo records, then check the founding article against them and keep
    it with its claims (as of its publication date). Returns how many records of each type
    were created, by model name ("project", "sourcedocument" …). All or nothing."""
    counts = ledger_demo.load_demo(acting_user=acting_user)
    record_check(founding_article(), acting_user=acting_user, source=FOUNDING_ARTICLE_SOURCE)
    counts[SourceDocument._meta.model_name or "sourcedocument"] = 1
    return counts
