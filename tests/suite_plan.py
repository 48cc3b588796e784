"""Which tests a run needs, and in what order its xdist workers take the modules.

Database-free tests: a test that asks for no database (no `django_db` mark, no fixture that
opens one) in a module that names no other way to a database checks the same thing on
SQLite and on PostgreSQL. pytest-django refuses it Django's database (the test fails with
"Database access not allowed"), and the module's text has none of `DATABASE_DOORS`: no raw
connection, scratch database, SQL (a query's text differs by database), subprocess of the
product or database URL. scripts/test runs
such tests in its SQLite run only (`--only-database-tests` in the PostgreSQL run).

The order: with `--dist loadfile` a module goes whole to one worker, taken in the order of
the collection. The longest modules go first, so that the run does not end with one worker
running a long module while the other has nothing left (`MODULE_CPU_SECONDS`, measured).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

# Fixtures that open the test database (pytest-django's, and the suite's that climb
# migrations or copy the demo). A fixture of the suite's own that asks for
# `django_db_blocker` opens it too (`for_the_module`): found by `opens_the_database`.
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_setup",
    "_django_db_helper",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "migration_points",
    "demo_database",
}

# What in a test module's text is a way to a database that pytest-django does not guard.
DATABASE_DOORS = re.compile(
    r"connection|DATABASE|scratch_database|psycopg|sql|\bSQL\b|\.query\b|pairaid_env"
    r"|run_demo_command|subprocess|Popen|sys\.executable|PAIRAID|call_command|conftest"
)


@cache
def names_a_door(path: Path) -> bool:
    return bool(DATABASE_DOORS.search(path.read_text(encoding="utf-8")))


def opens_the_database(item: pytest.Item) -> bool:
    if item.get_closest_marker("django_db"):
        return True
    names = set(getattr(item, "fixturenames", ()))
    if names & DATABASE_FIXTURES:
        return True
    info = getattr(item, "_fixtureinfo", None)
    for name in names:
        for fixture in info.name2fixturedefs.get(name, ()) if info else ():
            ours = not str(getattr(fixture.func, "__module__", "")).startswith("pytest_django")
            if ours and "django_db_blocker" in fixture.argnames:
                return True
    return False


def database_free(item: pytest.Item) -> bool:
    """True when `item` cannot reach a database: it checks the same on either."""
    return not opens_the_database(item) and not names_a_door(Path(str(item.path)))


# Seconds per module, the larger of the two databases' (bench/results/suite-times.txt:
# CPU per module, bench/suite_cpu.py, and the slowest tests of the whole runs). Only the
# modules that a count of their tests would put too late: most are few tests, each long
# (a migration climbed, a console script run, a national set loaded). Modules not listed
# count `UNLISTED_SECONDS_PER_TEST` per test.
MODULE_CPU_SECONDS: dict[str, float] = {
    "test_authorization_matrix": 24,
    "test_list_pages_bounded": 39,
    "test_record_pages": 23,
    "test_api_schema": 30,
    "test_demo": 27,
    "test_web_dashboard": 25,
    "test_hostile_files": 22,
    "test_figure_sets": 20,
    "test_backup_restore": 25,
    "test_output_characters": 24,
    "test_demo_national": 18,
    "test_api_matrix": 20,
    "test_admin": 18,
    "test_scope_children": 17,
    "test_concurrent_writes": 15,
    "test_migrations_reverse": 22,
    "test_money_migration": 14,
    "test_api_lists_schema": 13,
    "test_figure_query_counts": 12,
    "test_serve": 12,
    "test_cli": 12,
    "test_bulletin_check": 11,
    "test_demo_national_load": 10,
    "test_lost_updates": 10,
    "test_audit_chain_locks": 8,
    "test_accounts_roles": 5,
    "test_reports_docx": 5,
    "test_subtree_rollup_migration": 4,
    "test_rollup_migration": 3,
    "test_project_rollup_migration": 3,
    "test_migration_status_history": 3,
    "test_effective_status": 2,
}
UNLISTED_SECONDS_PER_TEST = 0.3


def transactional(item: pytest.Item) -> bool:
    """Whether the test commits for real: it ends with a flush of every table, after which
    only what its module reloads (the demo's records, not everything `pairaid demo` makes)
    is back."""
    fixtures = set(getattr(item, "fixturenames", ()))
    mark = item.get_closest_marker("django_db")
    return bool(
        fixtures & {"transactional_db", "live_server", "django_db_reset_sequences"}
        or (mark is not None and mark.kwargs.get("transaction"))
    )


def longest_first(items: list[pytest.Item]) -> list[pytest.Item]:
    """The items, module by module, the modules in order of their expected CPU seconds
    (longest first); the tests of a module keep their order. Modules with a transactional
    test come after all the others, as pytest-django orders them: a test that reads the
    demo's whole database must not run after a flush on the same worker."""
    modules: dict[str, list[pytest.Item]] = {}
    for item in items:
        modules.setdefault(item.nodeid.split("::", 1)[0], []).append(item)

    def seconds(module: str) -> float:
        name = module.rsplit("/", 1)[-1].removesuffix(".py")
        listed = MODULE_CPU_SECONDS.get(name)
        return listed if listed is not None else len(modules[module]) * UNLISTED_SECONDS_PER_TEST

    def order(module: str) -> tuple[bool, float]:
        return any(map(transactional, modules[module])), -seconds(module)

    ordered = sorted(modules, key=order)  # stable: ties keep their order
    return [item for module in ordered for item in modules[module]]
