"""Finding records by name, code or pinyin: the search keys and the one query over them.

Each findable record (pairing, project, person, agreement, organisation, region) has one
`SearchKey` row: its label, the pairing it hangs off (for scope), and a key — the lowercased
name and code, the name's full pinyin and its initials, both without tones (乌鸡 → `wuji`,
`wj`; 油橄榄 → `youganlan`, `ygl`). The services keep the rows (`services.search`) as records
are created, changed and deleted; migration 0012_search_keys filled them for the rows
there were. A query is a LIKE on the key, in the user's scope, with a bounded number of
results per kind.

The pinyin is pypinyin's (`lazy_pinyin`, with its defaults), which cuts a text into words by
its phrase dictionary and then converts each word on its own: the converter here keeps each
word's syllables once worked out (`WordCache`), so names that share words (place names,
"特色产业园建设") cost one dictionary walk per distinct word. A word's pinyin depends on the
word alone, so the keys are the same as without it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q, QuerySet
from pypinyin.constants import Style
from pypinyin.converter import UltimateConverter
from pypinyin.core import Pinyin

from pairaid.ledger import access
from pairaid.ledger.models import (
    Agreement,
    Organisation,
    Pairing,
    Person,
    Project,
    Region,
    SearchKey,
)

if TYPE_CHECKING:  # pypinyin's stubs name these types; its modules do not
    from pypinyin.core import TErrors, TPinyinResult

LIMIT = 10  # results per kind
MAX_QUERY = 50
CACHED_WORDS = 200_000  # distinct words whose pinyin is kept (a few tens of MB at most)


class WordCache(UltimateConverter):
    """The converter `pypinyin.lazy_pinyin` uses (with its default options), keeping the
    syllables of each word it converts: a pure function of the word and the options over
    pypinyin's fixed dictionaries, not of any record, so the same in every process."""

    def __init__(self) -> None:
        super().__init__()
        self.words: dict[tuple[Any, ...], TPinyinResult] = {}

    def convert(
        self,
        words: str,
        style: Style,
        heteronym: bool,
        errors: TErrors,
        strict: bool = True,
        **kwargs: Any,
    ) -> TPinyinResult:
        key = (words, style, heteronym, errors, strict)
        if kwargs:  # not how lazy_pinyin calls it: nothing kept
            return super().convert(words, style, heteronym, errors, strict, **kwargs)
        found = self.words.get(key)
        if found is None:
            found = super().convert(words, style, heteronym, errors, strict)
            if len(self.words) < CACHED_WORDS:
                self.words[key] = found
        return [list(syllables) for syllables in found]  # the caller's own lists


PINYIN = Pinyin(WordCache())


def pinyin_forms(text: str) -> tuple[str, str]:
    """The full pinyin and the initials of `text`, without tones or spaces (other
    characters — digits, latin letters — are kept as they are, lowercased)."""
    pinyin = PINYIN.lazy_pinyin(text, style=Style.NORMAL, errors="default")
    syllables = [s.strip().lower() for s in pinyin if s.strip()]
    full = "".join(syllables).replace(" ", "")
    initials = "".join(s[0] for s in syllables if s)
    return full, initials


def key_for(*texts: str) -> str:
    """The search key of a record from its name(s) and code(s)."""
    parts: list[str] = []
    for text in texts:
        text = (text or "").strip()
        if not text:
            continue
        parts.append(text.lower())
        full, initials = pinyin_forms(text)
        if full != text.lower():
            parts.extend([full, initials])
    return " ".join(parts)[:1000]


def _region_or_organisation(obj: Any, side: str) -> str:
    return getattr(obj, f"{side}_name", "")


# kind: (model, label and texts of a record, its pairing id)
def describe(obj: models.Model) -> tuple[str, str, str, int | None] | None:
    """(kind, label, key, pairing id) of a findable record, or None for other records."""
    if isinstance(obj, Pairing):
        label = str(obj)
        return (
            SearchKey.Kind.PAIRING,
            label,
            key_for(label, obj.helper_name, obj.recipient_name),
            obj.pk,
        )
    if isinstance(obj, Project):
        label = f"{obj.code} {obj.name}"
        return SearchKey.Kind.PROJECT, label, key_for(obj.name, obj.code), obj.pairing_id
    if isinstance(obj, Person):
        return SearchKey.Kind.PERSON, obj.name, key_for(obj.name, obj.number), None
    if isinstance(obj, Agreement):
        return SearchKey.Kind.AGREEMENT, obj.title, key_for(obj.title), obj.pairing_id
    if isinstance(obj, Organisation):
        return SearchKey.Kind.ORGANISATION, obj.name, key_for(obj.name), None
    if isinstance(obj, Region):
        label = f"{obj.name} {obj.code}"
        return SearchKey.Kind.REGION, label, key_for(obj.name, obj.code), None
    return None


def rows_for(objs: Iterable[models.Model]) -> list[SearchKey]:
    rows = []
    for obj in objs:
        described = describe(obj)
        if described is None or obj.pk is None:
            continue
        kind, label, key, pairing_id = described
        rows.append(
            SearchKey(
                kind=kind, record_id=obj.pk, label=label[:300], key=key, pairing_id=pairing_id
            )
        )
    return rows


def normalise(query: str) -> str:
    """What is looked for: lowercased, spaces and apostrophes (xi'an) dropped for latin text."""
    query = (query or "").strip().lower()[:MAX_QUERY]
    if query.isascii():
        query = query.replace(" ", "").replace("'", "")
    return query


def in_scope(user: Any, keys: QuerySet[SearchKey]) -> QuerySet[SearchKey]:
    """The keys of records the user may see: through their pairing; persons posted in a
    pairing the user sees; organisations and regions (the ledger's reference lists, which
    every form offers) for anyone signed in with a role."""
    if access.is_administrator(user):
        return keys
    if not access.actions_anywhere(user):
        return keys.none()
    shared = (SearchKey.Kind.ORGANISATION, SearchKey.Kind.REGION)
    return keys.filter(
        Q(kind__in=shared)
        | Q(
            kind__in=(SearchKey.Kind.PAIRING, SearchKey.Kind.PROJECT, SearchKey.Kind.AGREEMENT),
            pairing_id__in=access.visible_pairings(user).values("pk"),
        )
        | Q(
            kind=SearchKey.Kind.PERSON,
            record_id__in=access.visible_persons(user).values("pk"),
        )
    )


def find(
    user: Any, query: str, kinds: Iterable[str] | None = None, limit: int = LIMIT
) -> dict[str, list[SearchKey]]:
    """The records matching `query` that the user may see, at most `limit` of each kind,
    one query per kind."""
    wanted = normalise(query)
    found: dict[str, list[SearchKey]] = {}
    if not wanted:
        return found
    base = in_scope(user, SearchKey.objects.filter(key__contains=wanted))
    for kind in kinds or SearchKey.Kind.values:
        rows = list(base.filter(kind=kind).order_by("label", "record_id")[:limit])
        if rows:
            found[kind] = rows
    return found
