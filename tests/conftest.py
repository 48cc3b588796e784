"""Shared fixtures. The demo data set is loaded once into the test database; every test
runs in a transaction that is rolled back, so tests may add records freely."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # noqa: ANN001, ANN201
    from pairaid.ledger.demo import load_demo

    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture
def admin_user(db):  # noqa: ANN001, ANN201
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("admin", "admin@example.org", "pass")
