"""Figures computed once and kept in the database, read back by every process until a write
changes what they count.

A figure set is stored under a digest of everything that decides its answer
(`StoredFigures.key`): what is counted (the figure keys, or the name of a page's values), the
pairings counted (after the user's view of the tree: `figure_sets.Tree.scope`), the fund
years, the as-of date, confirmed-only, and the head of the audit chain of each pairing
counted and of the chain of records outside any pairing (`AuditChain.last_hash`).

Every write of a record — web form, API, import and its rollback, reversal, bulk service,
command line — goes through `ledger/services/`, whose one audit append (`services.audit.
_append`) moves the head of the record's pairing's chain in the same transaction. So the
chain heads are a generation counter per pairing that no write can forget: once a write
commits, every reader sees the new head, computes a new digest and finds nothing stored
under it; the stale row is never read again. A change of the tree or of the user's view
changes the pairings counted, a new day the as-of date: a new digest too. Records outside
any pairing (persons, regions, organisations) are on one chain whose head is in every digest.

Heads are read before the figures are computed: a write committed in between is counted by
figures stored under the older heads, which nobody asks for after that commit.

Rows hold values only (numbers, no words): labels and rules are made in the reader's
language from the declarations. Rows older than `KEEP` are pruned when a new set is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from pairaid.ledger import areas, figure_sets
from pairaid.ledger.figure_sets import FIGURES, Subject, TargetActual, Tree, window_of
from pairaid.ledger.figure_spec_types import Made
from pairaid.ledger.figures import Figure, Window
from pairaid.ledger.models import AuditChain, AuditEntry, StoredFigures, Target

# How long a stored set is kept (a set under an old key is never read again; this bounds
# the table, and each set is computed again at most once a day while nothing changes).
KEEP = dt.timedelta(days=1)

Values = dict[str, Any]
# What a target's pairing's name is made of (`Pairing.__str__`), fetched with it.
NAMED = (
    "pairing__helper_region",
    "pairing__helper_organisation",
    "pairing__recipient_region",
    "pairing__recipient_organisation",
)


class Unstorable(TypeError):
    """A value the store cannot keep exactly (computed each time instead)."""


def encode(value: Any) -> Any:
    """A JSON value that decodes to exactly `value` (Decimal kept as text, never a float)."""
    if value is None:  # unknown (a figure of records the pairing does not keep)
        return {"n": 1}
    if isinstance(value, bool):
        return {"b": int(value)}
    if isinstance(value, Decimal):
        return {"d": str(value)}
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return {"s": value}
    if isinstance(value, dict):
        return {"m": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, list | tuple):
        return {"l": [encode(item) for item in value]}
    raise Unstorable(repr(value))


def decode(value: Any) -> Any:
    if isinstance(value, int):
        return value
    if "n" in value:
        return None
    if "b" in value:
        return bool(value["b"])
    if "d" in value:
        return Decimal(value["d"])
    if "s" in value:
        return value["s"]
    if "m" in value:
        return {_hashable(decode(k)): decode(v) for k, v in value["m"]}
    return [decode(item) for item in value["l"]]


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


@dataclass(frozen=True)
class Heads:
    """The heads of the audit chains of some pairings (a pairing with no chain yet has none)
    and of the chain of records outside any pairing, read at one moment."""

    pairings: frozenset[int]
    names: dict[str, str]

    def covers(self, pairing_ids: Iterable[int]) -> bool:
        return self.pairings.issuperset(pairing_ids)


def heads(pairing_ids: Iterable[int]) -> Heads:
    """The heads of the chains of `pairing_ids` (and of records outside any pairing), in one
    query. Read them once for a page, before anything is computed, and pass them on."""
    pairings = frozenset(pairing_ids)
    names = {AuditEntry.chain_for(pk) for pk in pairings} | {AuditEntry.chain_for(None)}
    found = AuditChain.objects.filter(name__in=names).values_list("name", "last_hash")
    return Heads(pairings, dict(found))


def heads_for(pairing_ids: Iterable[int], known: Heads | None) -> Heads:
    """`known` when it holds the heads of every pairing of `pairing_ids`, else read anew."""
    ids = set(pairing_ids)
    return known if known is not None and known.covers(ids) else heads(ids)


def digest(what: str, window: Window, chain_heads: Heads) -> str:
    """The key of `what` over `window`, as of the chain heads."""
    if not chain_heads.covers(window.pairing_ids):
        raise ValueError("the heads of some pairings of the window were not read")
    pairings = sorted(window.pairing_ids)
    names = chain_heads.names
    payload = {
        "what": what,
        "pairings": pairings,
        "years": [window.from_year, window.to_year],
        "as_of": window.as_of.isoformat(),
        "confirmed": window.confirmed_only,
        "heads": [names.get(AuditEntry.chain_for(pk), "") for pk in pairings],
        "unpaired": names.get(AuditEntry.chain_for(None), ""),
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def fetch(keys: Iterable[str]) -> dict[str, Values]:
    """The stored values under `keys` (one query)."""
    return dict(StoredFigures.objects.filter(key__in=set(keys)).values_list("key", "values"))


def store(sets: dict[str, tuple[dt.date, Values]]) -> None:
    """Keep each set of values under its key (a set another process stored first under the
    same key is the same answer: the first one stays), and prune old sets."""
    now = timezone.now()
    rows = []
    for key, (as_of, values) in sets.items():
        try:
            encoded = {name: encode(value) for name, value in values.items()}
        except Unstorable:
            continue
        rows.append(StoredFigures(key=key, as_of=as_of, values=encoded, stored_at=now))
    if rows:
        StoredFigures.objects.filter(stored_at__lt=now - KEEP).delete()
        StoredFigures.objects.bulk_create(rows, ignore_conflicts=True)


def forget_all() -> int:
    """Drop every stored set: after the rollups were rebuilt from the records, a set stored
    before may hold a figure read from a wrong rollup, and no chain head moved to retire it."""
    deleted, _by_model = StoredFigures.objects.all().delete()
    return deleted


def compute(
    keys: Iterable[str],
    subjects: Iterable[Subject],
    *,
    as_of: dt.date | None = None,
    confirmed_only: bool = False,
    user: Any = None,
    tree: Tree | None = None,
    known_heads: Heads | None = None,
) -> dict[Subject, dict[str, Figure]]:
    """`areas.compute` (every declared figure of `keys` for every subject, as
    `figure_sets.compute` answers it), reading the sets stored under the current chain heads
    and computing, together, only the subjects not stored yet. Two queries when every subject
    is stored."""
    keys = list(keys)
    subjects = list(dict.fromkeys(subjects))
    as_of = as_of or timezone.localdate()
    tree = tree or Tree(user)
    windows = {s: window_of(s, tree, as_of, confirmed_only) for s in subjects}
    chain_heads = heads_for(
        (pk for window in windows.values() for pk in window.pairing_ids), known_heads
    )
    what = "figures:" + ",".join(sorted(keys))
    digests = {s: digest(what, windows[s], chain_heads) for s in subjects}
    found = fetch(digests.values())
    result: dict[Subject, dict[str, Figure]] = {}
    missing: list[Subject] = []
    made: Made = {}
    for subject in subjects:
        stored = found.get(digests[subject])
        if stored is None or any(key not in stored for key in keys):
            missing.append(subject)
            continue
        window = windows[subject]
        result[subject] = {
            key: FIGURES[key].shown(window, decode(stored[key]), made) for key in keys
        }
    if missing:
        computed = areas.compute(
            keys, missing, as_of=as_of, confirmed_only=confirmed_only, user=user, tree=tree
        )
        store({digests[s]: (as_of, {key: computed[s][key].value for key in keys}) for s in missing})
        result.update(computed)
    return {subject: result[subject] for subject in subjects}


def remember(
    what: str, window: Window, make: Callable[[], Values], known_heads: Heads | None = None
) -> Values:
    """The values `make()` answers for `window` (numbers, or lists and maps of them), read
    from the store when a set of the same name was stored under the current chain heads."""
    key = digest(what, window, heads_for(window.pairing_ids, known_heads))
    stored = fetch([key]).get(key)
    if stored is not None:
        return {name: decode(value) for name, value in stored.items()}
    values = make()
    store({key: (window.as_of, values)})
    return values


def targets_against_actuals(
    window: Window,
    year: int,
    *,
    user: Any = None,
    tree: Tree | None = None,
    known_heads: Heads | None = None,
    of: Iterable[int] | None = None,
) -> list[TargetActual]:
    """`figure_sets.targets_against_actuals`, the actuals read from the store when they were
    stored under the current chain heads of the window's pairings (whose chains every change
    of a target appends to): the targets themselves are read each time (one query). `of`:
    only the targets of these pairings (each still measured within the whole window)."""
    tree = tree or Tree(user)
    only = None if of is None else set(of)
    key = digest(f"targets:{year}", window, heads_for(window.pairing_ids, known_heads))
    stored = fetch([key]).get(key)
    if stored is None:
        found = figure_sets.targets_against_actuals(window, year, user=user, tree=tree)
        measured = {
            str(item.target.pk): [item.key, item.children, item.actual.value]
            for item in found
            if item.actual is not None
        }
        if all(item[0] for item in measured.values()):
            store({key: (window.as_of, measured)})
        return [item for item in found if only is None or item.target.pairing_id in only]
    # each entry as stored above: [figure key, children counted, value]
    actuals: dict[str, Any] = {pk: decode(value) for pk, value in stored.items()}
    result = []
    made: Made = {}
    allowed = set(window.pairing_ids)
    targets = (
        Target.objects.filter(
            pairing_id__in=window.pairing_ids if only is None else allowed & only, year=year
        )
        .select_related(*NAMED)
        .order_by("pairing_id", "indicator")
    )
    for target in targets:
        if str(target.pk) not in actuals:
            result.append(TargetActual(target, None))
            continue
        figure_key, children, value = actuals[str(target.pk)]
        subject = Subject(target.pairing, children, year, year)
        alone = window_of(subject, tree, window.as_of, window.confirmed_only, allowed)
        actual = FIGURES[figure_key].shown(alone, value, made)
        result.append(TargetActual(target, actual, children, figure_key))
    return result
