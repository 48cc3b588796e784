"""Records a test module builds once and its tests share.

A scene built through the audited services costs a test seconds; a module whose tests only
read it (or write in their own transaction, rolled back after each test) builds it once:

    @pytest.fixture(scope="module")
    def scene(django_db_setup, django_db_blocker):
        yield from for_the_module(django_db_blocker, lambda: Scene(Builder()))

The scene is written in a transaction held open for the whole module and rolled back at its
end, so nothing of it outlives the module; each test runs, as before, in a transaction of its
own inside it (a savepoint), rolled back after the test. Not for modules with
`transactional_db` tests (they would see no scene, and empty the tables at their end).
The objects given are shared by the module's tests: a test that changes one in memory
re-reads it (`refresh_from_db`, or a fresh `get`) rather than leave it changed for the next.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any, TypeVar

from django.db import transaction

Made = TypeVar("Made")

PERSONAS = {
    # name: (role, region code) — the offices of DESIGN.md, over the demo's regions
    "jiangyang": ("helper_editor", "510502"),
    "longmatan": ("helper_editor", "510504"),
    "yanyuan": ("recipient_editor", "513423"),
    "puge": ("recipient_editor", "513428"),
    "luzhou": ("coordinator", "510500"),
    "sichuan_auditor": ("auditor", "510000"),
    "viewer": ("viewer", "510500"),
}


def for_the_module(django_db_blocker: Any, make: Callable[[], Made]) -> Iterator[Made]:
    """`make()` in a transaction kept open until the module's tests are done, then rolled
    back: what it made, for a module-scoped fixture to yield from."""
    with django_db_blocker.unblock():
        kept = transaction.atomic()
        kept.__enter__()
        try:
            made = make()
        except BaseException:
            transaction.set_rollback(True)
            kept.__exit__(None, None, None)
            raise
    try:
        yield made
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            kept.__exit__(None, None, None)


def make_personas() -> SimpleNamespace:
    """One user per office and role, plus `outsider` (no role) and `admin` (superuser)."""
    from django.contrib.auth import get_user_model

    from pairaid.accounts.models import RoleAssignment
    from pairaid.ledger.models import Region

    users = get_user_model()
    people = {}
    for name, (role, code) in PERSONAS.items():
        user = users.objects.create_user(name, password="pass-" + name)
        RoleAssignment.objects.create(user=user, role=role, region=Region.objects.get(code=code))
        people[name] = user
    people["outsider"] = users.objects.create_user("outsider", password="pass-outsider")
    people["admin"] = users.objects.create_superuser("root", password="pass-root")
    return SimpleNamespace(**people)
