"""The suite itself: it runs the same on any machine — a fresh clone, a slow machine, either
database — and never skips what it cannot do."""

from __future__ import annotations

import ast
from pathlib import Path

from django.db import connection
from hypothesis import settings
from scratch_databases import DEMO_COPY_OF

import pairaid
from pairaid.ledger.demo import FOUNDING_ARTICLE
from pairaid.ledger.models import Pairing

TESTS = Path(__file__).resolve().parent
SKIPPING = {"skip", "skipif", "importorskip", "xfail"}


def test_property_tests_have_no_deadline():
    assert settings().deadline is None


def test_no_test_skips():
    """A test that cannot run on some machine is made to run there, or fails, never skips."""
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in SKIPPING
                and isinstance(node.value, ast.Attribute | ast.Name)
                and getattr(node.value, "attr", getattr(node.value, "id", "")) in {"pytest", "mark"}
            ):
                found.append(f"{path.relative_to(TESTS)}:{node.lineno} {node.attr}")
    assert found == []


def test_the_founding_article_is_in_the_package():
    assert FOUNDING_ARTICLE.is_relative_to(Path(pairaid.__file__).resolve().parent)
    text = FOUNDING_ARTICLE.read_text(encoding="utf-8")
    assert text.startswith("川南在線 發(fā)布時間:2022-12-04")
    assert "14654.73萬元" in text


def test_it_starts_each_test_database_from_the_runs_demo_database(db):
    """Migrating from nothing costs each process many seconds: a test run migrates and loads
    the demo once (`pairaid demo`), and its processes start from a copy of that."""
    test = connection.settings_dict["TEST"]
    if connection.vendor == "sqlite":
        assert Path(test[DEMO_COPY_OF]).name == "demo.sqlite3"
    else:
        assert test["TEMPLATE"].startswith("test_pairaid_template_")
    assert Pairing.objects.filter(helper_region__name="江阳区", parent__isnull=False).exists()
