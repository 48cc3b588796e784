"""Shared fixtures. The demo data set (the ledger's records and the founding article as a
checked text) is loaded once into the test database; every test
runs in a transaction that is rolled back, so tests may add records freely."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

# Property tests never fail for being slow: this machine may be busy, or small.
settings.register_profile("pairaid", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("pairaid")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.db import connection

    from pairaid.ops.demo import load_demo

    with django_db_blocker.unblock():
        name = str(connection.settings_dict["NAME"])
        # Never load the demo into a real database by mistake.
        assert name.startswith("test_") or "memory" in name, name
        load_demo()


@pytest.fixture
def admin_user(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("admin", "admin@example.org", "pass")


@pytest.fixture
def build(db):
    from builders import Builder

    return Builder()


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


@pytest.fixture
def personas(db):
    """One user per office and role, plus `outsider` (no role) and `admin` (superuser)."""
    from types import SimpleNamespace

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
