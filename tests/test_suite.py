"""The suite itself: it runs the same on any machine — a fresh clone, a slow machine, either
database — and never skips what it cannot do."""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection
from hypothesis import settings
from scratch_databases import DEMO_COPY_OF
from suite_plan import (
    MODULE_CPU_SECONDS,
    UNLISTED_SECONDS_PER_TEST,
    database_free,
    longest_first,
)

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


def test_it_refuses_the_database_to_a_test_that_did_not_ask_for_it():
    """What lets the PostgreSQL run leave out the database-free tests (suite_plan): a test
    without the `django_db` mark or a database fixture cannot use Django's database."""
    with pytest.raises(RuntimeError, match="Database access not allowed"):
        Pairing.objects.exists()


class Fixture(SimpleNamespace):
    func = staticmethod(lambda: None)


def an_item(path: Path, *fixtures: str, marked: bool = False, asks: tuple[str, ...] = ()):
    """A stand-in for a collected test: in module `path`, asking for `fixtures`, one of them
    (`scene`) asking for `asks`."""
    return SimpleNamespace(
        nodeid=f"{path.name}::test_{len(fixtures)}",
        path=path,
        fixturenames=["request", "django_db_blocker", *fixtures],
        get_closest_marker=lambda name: marked and name == "django_db",
        _fixtureinfo=SimpleNamespace(name2fixturedefs={"scene": [Fixture(argnames=asks)]}),
    )


def test_it_counts_as_database_free_only_a_test_that_asks_for_no_database(tmp_path):
    plain = tmp_path / "test_plain.py"
    plain.write_text("def test_it_adds():\n    assert 1 + 1 == 2\n", encoding="utf-8")
    assert database_free(an_item(plain))
    assert not database_free(an_item(plain, marked=True))
    for fixture in ("db", "transactional_db", "live_server", "migration_points", "demo_database"):
        assert not database_free(an_item(plain, fixture))
    assert not database_free(an_item(plain, "scene", asks=("django_db_blocker",)))
    assert database_free(an_item(plain, "scene", asks=("tmp_path",)))


def test_it_counts_no_test_of_a_module_with_another_way_to_a_database_as_free(tmp_path):
    doors = [
        "from django.db import connection",
        "settings.DATABASES",
        "scratch_database()",
        "import psycopg",
        "f'sqlite:///{path}'",
        "a raw SQL statement",
        "str(rows.query)",
        "pairaid_env(path)",
        "subprocess.run(['pairaid', 'check'])",
        "[sys.executable, '-c', script]",
        "os.environ['PAIRAID_DATABASE_URL']",
        "call_command('check')",
        "from conftest import run_demo_command",
    ]
    for number, door in enumerate(doors):
        module = tmp_path / f"test_door_{number}.py"
        module.write_text(f"def test_it_opens():\n    {door}\n", encoding="utf-8")
        assert not database_free(an_item(module)), door


def test_it_orders_the_modules_longest_first_and_keeps_each_modules_tests_in_order(monkeypatch):
    """A listed module by its measured seconds, the others by their number of tests."""
    monkeypatch.setitem(MODULE_CPU_SECONDS, "test_long", 5 * UNLISTED_SECONDS_PER_TEST)
    counts = {"test_a_few": 1, "test_many": 6, "test_long": 2, "test_some": 3}
    items = [
        collected(f"tests/{name}.py::test_{n}")
        for name, count in counts.items()
        for n in range(count)
    ]
    order = [item.nodeid for item in longest_first(items)]
    assert order == [
        f"tests/{name}.py::test_{n}"
        for name in ("test_many", "test_long", "test_some", "test_a_few")
        for n in range(counts[name])
    ]


def test_it_runs_the_modules_with_a_transactional_test_after_all_the_others(monkeypatch):
    """A flush ends each transactional test: a module reading the demo's whole database
    must not follow it on the same worker, however long either module is."""
    monkeypatch.setitem(MODULE_CPU_SECONDS, "test_flushing", 100 * UNLISTED_SECONDS_PER_TEST)
    monkeypatch.setitem(MODULE_CPU_SECONDS, "test_marked", 50 * UNLISTED_SECONDS_PER_TEST)
    items = [
        collected("tests/test_flushing.py::test_0"),
        collected("tests/test_flushing.py::test_1", fixtures=("transactional_db",)),
        collected("tests/test_marked.py::test_0", transaction=True),
        collected("tests/test_reading.py::test_0", fixtures=("db",)),
        collected("tests/test_reading.py::test_1", fixtures=("db",)),
        collected("tests/test_plain.py::test_0"),
    ]
    order = [item.nodeid.split("::")[0] for item in longest_first(items)]
    assert order == [
        "tests/test_reading.py",
        "tests/test_reading.py",
        "tests/test_plain.py",
        "tests/test_flushing.py",
        "tests/test_flushing.py",
        "tests/test_marked.py",
    ]


def collected(nodeid, *, fixtures=(), transaction=None):
    """What `longest_first` reads of a collected test."""
    mark = None if transaction is None else SimpleNamespace(kwargs={"transaction": transaction})
    return SimpleNamespace(
        nodeid=nodeid,
        fixturenames=list(fixtures),
        get_closest_marker=lambda name: mark if name == "django_db" else None,
    )


def test_it_runs_the_database_free_tests_in_the_sqlite_run_only():
    script = (TESTS.parent / "scripts" / "test").read_text(encoding="utf-8")
    sqlite_run = script[script.index("== tests on SQLite") : script.index("== tests in the brow")]
    postgresql_run = script[script.index("== tests on PostgreSQL") :]
    assert "--only-database-tests" not in sqlite_run
    assert "--only-database-tests" in postgresql_run
