"""Shared fixtures. The demo data set (the ledger's records and the founding article as a
checked text) is loaded once into the test database; every test
runs in a transaction that is rolled back, so tests may add records freely."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import shared_clients
from hypothesis import HealthCheck, settings
from scratch_databases import (
    DEMO_COPY_OF,
    climb_migrations,
    postgresql_admin,
    postgresql_url,
)
from shared_records import make_personas
from suite_plan import database_free, longest_first

# Property tests never fail for being slow: this machine may be busy, or small.
# 25 examples where a test names no number of its own (hypothesis's default is 100): most of
# the suite's property tests write records or ask pages for each example, and 100 of them
# cost a twelfth of a run. Each run of scripts/test draws its own examples, on SQLite and
# again on PostgreSQL; a test whose property needs more names its own max_examples.
DEFAULT_EXAMPLES = 25
settings.register_profile(
    "pairaid",
    deadline=None,
    max_examples=DEFAULT_EXAMPLES,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("pairaid")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix, tmp_path_factory: pytest.TempPathFactory
):
    """Each test process's database starts as a copy of one made once per test run by
    `pairaid demo` (migrated, the demo loaded): a copied file on SQLite, a database made from
    a template on PostgreSQL. Migrating from nothing costs far more than the copy, and the
    xdist workers of a run would each do it."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    test = database.setdefault("TEST", {})
    if database["ENGINE"] == "django.db.backends.sqlite3":
        if test.get("NAME") and "memory" not in str(test["NAME"]):
            master = build_demo_database(run_folder(tmp_path_factory))
            shutil.copyfile(master, test["NAME"])
            test[COPIED] = str(master)
    elif database["ENGINE"] == "django.db.backends.postgresql":
        test["TEMPLATE"] = build_postgresql_template(run_folder(tmp_path_factory))


COPIED = DEMO_COPY_OF  # a key of TEST: this process's SQLite file is a copy of that file


@pytest.fixture(scope="session")
def django_db_keepdb(request: pytest.FixtureRequest, django_db_modify_db_settings) -> bool:
    """Django must not make the copied SQLite file again (it would migrate from nothing):
    it is kept, and removed by `django_db_setup` at the end."""
    from django.conf import settings

    copied = bool(settings.DATABASES["default"]["TEST"].get(COPIED))
    return copied or bool(request.config.getvalue("reuse_db"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, django_db_keepdb):
    from django.conf import settings
    from django.db import connection, connections

    from pairaid.ledger.models import Pairing
    from pairaid.ops.demo import load_demo

    with django_db_blocker.unblock():
        name = str(connection.settings_dict["NAME"])
        # Never load the demo into a real database by mistake.
        assert name.rsplit("/", 1)[-1].startswith("test_") or "memory" in name, name
        if not Pairing.objects.exists():  # made without a copy of the run's demo database
            load_demo()
    yield
    test = settings.DATABASES["default"]["TEST"]
    if test.get(COPIED):
        with django_db_blocker.unblock():
            connections.close_all()
        for suffix in ("", "-wal", "-shm"):
            Path(str(test["NAME"]) + suffix).unlink(missing_ok=True)


@pytest.fixture(autouse=True)
def language_of_record():
    """Every test starts in Chinese. A page requested in English activates English on the
    test's thread, and Django leaves it active afterwards; a later test on the same worker
    that prints text (a command, a report) would otherwise run half in English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def client():
    """pytest-django's client, with the middleware loaded once per test process
    (`shared_clients`: loading it reads every static file's headers, a tenth of a CPU second
    for each client a test makes)."""
    return shared_clients.client()


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's admin_client, with the shared middleware."""
    made = shared_clients.client()
    made.force_login(admin_user)
    return made


@pytest.fixture(scope="session", autouse=True)
def media_root(tmp_path_factory: pytest.TempPathFactory):
    """Uploaded files go to a folder of this test process (each xdist worker has its own),
    never to the checkout's var/."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


PAIRAID = Path(sys.executable).with_name("pairaid")


def pairaid_env(database: Path | str) -> dict[str, str]:
    """The environment of the console script run as a user runs it, on its own SQLite file
    (or the database at a URL)."""
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    env = {**os.environ, "PAIRAID_DATABASE_URL": url}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--only-database-tests",
        action="store_true",
        help="leave out the tests that cannot reach a database (suite_plan.database_free):"
        " scripts/test runs them in its SQLite run only",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The longest modules first (`suite_plan.longest_first`); with --only-database-tests,
    without the database-free tests."""
    items[:] = longest_first(items)
    if config.getoption("only_database_tests"):
        free = {item.nodeid for item in items if database_free(item)}
        if free:
            config.hook.pytest_deselected(items=[item for item in items if item.nodeid in free])
            items[:] = [item for item in items if item.nodeid not in free]


def pytest_configure(config: pytest.Config) -> None:
    # One name for what a test run shares (inherited by its xdist workers, started later).
    os.environ.setdefault("PAIRAID_TEST_RUN", uuid.uuid4().hex[:8])
    _flush_in_name_order()


def _flush_in_name_order() -> None:
    """Transactional tests end with Django's flush, which on SQLite deletes every table in
    one transaction in the order of a set: it changed with each process's string hashing.
    The subtree triggers mark a deleted posting's or project's trees (rows that refer to the
    pairing), so a flush that emptied the marks first and the pairings last left marks of
    deleted pairings behind and failed at COMMIT. In name order the tree's links
    (ledger_pairingtreelink) go before the postings and projects, and their triggers find no
    tree to mark, as in `pairaid demo --reset`'s wipe. (The product deletes no other way:
    pairings and persons with postings or projects are protected. PostgreSQL's flush
    truncates, which fires no row trigger.)"""
    from django.db.backends.base.introspection import BaseDatabaseIntrospection

    unordered = BaseDatabaseIntrospection.django_table_names

    def in_name_order(self, only_existing=False, include_views=True):  # type: ignore[no-untyped-def]
        return sorted(unordered(self, only_existing, include_views))

    BaseDatabaseIntrospection.django_table_names = in_name_order  # type: ignore[method-assign]


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The run's template database goes when the run ends (in the process that started the
    xdist workers, after they all stopped)."""
    if hasattr(session.config, "workerinput"):
        return
    folder = session.config._tmp_path_factory.getbasetemp()
    made = folder / "postgresql-template.done"
    if made.exists():
        postgresql_admin(f'DROP DATABASE IF EXISTS "{made.read_text(encoding="utf-8")}"')
    points = folder / "migration-points.done"
    if points.exists():
        for name in json.loads(points.read_text(encoding="utf-8")).values():
            if not name.endswith(".sqlite3"):  # PostgreSQL's: a database, not a file
                postgresql_admin(f'DROP DATABASE IF EXISTS "{name}"')


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test run's folder: shared by its xdist workers (each has its own below it)."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    return shared


def once_per_run(folder: Path, what: str, make: Callable[[], str]) -> str:
    """`make()` once per test run, in whichever worker asks first; the others wait for its
    answer. A directory made with mkdir is the lock: atomic on every system. The answer is
    kept in `folder/<what>.done`; a failure in `<what>.failed`."""
    done, failed = folder / f"{what}.done", folder / f"{what}.failed"
    try:
        (folder / f"{what}.lock").mkdir()
    except FileExistsError:
        waited = time.monotonic()
        while not done.exists():
            if failed.exists():
                pytest.fail(f"{what} failed: " + failed.read_text(encoding="utf-8"))
            if time.monotonic() - waited > 3600:
                pytest.fail(f"{what} (in another test process) did not finish")
            time.sleep(0.5)
        return done.read_text(encoding="utf-8")
    try:
        answer = make()
    except BaseException as error:
        failed.write_text(str(error), encoding="utf-8")
        raise
    (folder / f"{what}.writing").write_text(answer, encoding="utf-8")
    (folder / f"{what}.writing").replace(done)
    return answer


def run_demo_command(env: dict[str, str]) -> str:
    """`pairaid demo` as a user runs it; what it printed."""
    done = subprocess.run(
        [str(PAIRAID), "demo"],
        capture_output=True,
        text=True,
        env=env,
        timeout=3600,  # a hung process, not a slow one: a busy machine takes minutes
    )
    if done.returncode != 0:
        pytest.fail("pairaid demo failed: " + done.stderr)
    return done.stdout


def build_demo_database(folder: Path) -> Path:
    """`pairaid demo` once into a SQLite file in `folder`, whichever worker asks first. What
    the command printed is kept beside the file (`demo.stdout`). PAIRAID_TEST_DEMO_DIR names
    a folder shared by several test runs instead (scripts/test: the SQLite and browser runs)."""
    folder = Path(os.environ.get("PAIRAID_TEST_DEMO_DIR") or folder)

    def make() -> str:
        building = folder / "demo-building.sqlite3"
        printed = run_demo_command(pairaid_env(building))
        (folder / "demo.stdout").write_text(printed, encoding="utf-8")
        building.replace(folder / "demo.sqlite3")
        return str(folder / "demo.sqlite3")

    return Path(once_per_run(folder, "demo", make))


def build_postgresql_template(folder: Path) -> str:
    """`pairaid demo` once into a database of the suite's PostgreSQL server, the template of
    every test process's database: its name."""

    def make() -> str:
        name = f"test_pairaid_template_{os.environ['PAIRAID_TEST_RUN']}"
        postgresql_admin(f'DROP DATABASE IF EXISTS "{name}"')
        postgresql_admin(f'CREATE DATABASE "{name}"')
        run_demo_command(pairaid_env(postgresql_url(name)))
        return name

    return once_per_run(folder, "postgresql-template", make)


@pytest.fixture(scope="session")
def migration_points(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Copies of an empty database migrated to each of `scratch_databases.MIGRATION_POINTS`,
    made once per test run (shared by the xdist workers; on PostgreSQL, dropped when the run
    ends): by point, "app.name". A migration test starts its scratch database from its own."""
    folder = run_folder(tmp_path_factory)

    def make() -> str:
        return json.dumps(climb_migrations(folder, os.environ["PAIRAID_TEST_RUN"]))

    return json.loads(once_per_run(folder, "migration-points", make))


class DemoDatabase:
    """Copies of the database `pairaid demo` made in a new SQLite file (`printed`: what the
    command printed then)."""

    def __init__(self, master: Path) -> None:
        self.master = master
        self.printed = master.with_name("demo.stdout").read_text(encoding="utf-8")

    def __call__(self, path: Path) -> Path:
        shutil.copyfile(self.master, path)
        return path


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> DemoDatabase:
    """A copy of a SQLite database that the console script filled with the demo, at the
    path given: loaded once per test run (shared by the xdist workers), copied per use, so
    the tests that drive `pairaid` as a separate process don't each load the demo again."""
    return DemoDatabase(build_demo_database(run_folder(tmp_path_factory)))


@pytest.fixture
def admin_user(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("admin", "admin@example.org", "pass")


@pytest.fixture
def build(db):
    from builders import Builder

    return Builder()


@pytest.fixture
def personas(db):
    """One user per office and role (`shared_records.PERSONAS`), plus `outsider` (no role)
    and `admin` (superuser)."""
    return make_personas()
