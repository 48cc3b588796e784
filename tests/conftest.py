"""Shared fixtures. The demo data set (the ledger's records and the founding article as a
checked text) is loaded once into the test database; every test
runs in a transaction that is rolled back, so tests may add records freely."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

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
        assert name.rsplit("/", 1)[-1].startswith("test_") or "memory" in name, name
        load_demo()


@pytest.fixture(scope="session", autouse=True)
def sqlite_sidecar_files():
    """Removes the WAL files Django leaves beside the SQLite test database it deletes."""
    yield
    import os

    from django.conf import settings

    name = str(settings.DATABASES["default"].get("TEST", {}).get("NAME") or "")
    for suffix in ("-wal", "-shm"):
        if name and os.path.exists(name + suffix) and not os.path.exists(name):
            os.remove(name + suffix)


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


@pytest.fixture(scope="session", autouse=True)
def media_root(tmp_path_factory: pytest.TempPathFactory):
    """Uploaded files go to a folder of this test process (each xdist worker has its own),
    never to the checkout's var/."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


PAIRAID = Path(sys.executable).with_name("pairaid")


def pairaid_env(database: Path) -> dict[str, str]:
    """The environment of the console script run as a user runs it, on its own SQLite file."""
    env = {**os.environ, "PAIRAID_DATABASE_URL": f"sqlite:///{database}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def build_demo_database(folder: Path) -> Path:
    """`pairaid demo` once into `folder`, whichever worker asks first; the others wait for the
    file. A directory made with mkdir is the lock: atomic on every system. What the command
    printed is kept beside the file (`demo.stdout`)."""
    database = folder / "demo.sqlite3"
    failed = folder / "demo.failed"
    try:
        (folder / "demo.lock").mkdir()
    except FileExistsError:
        waited = time.monotonic()
        while not database.exists():
            if failed.exists():
                pytest.fail("pairaid demo failed: " + failed.read_text(encoding="utf-8"))
            if time.monotonic() - waited > 3600:
                pytest.fail("pairaid demo (in another test process) did not finish")
            time.sleep(0.5)
        return database
    building = folder / "demo-building.sqlite3"
    done = subprocess.run(
        [str(PAIRAID), "demo"],
        capture_output=True,
        text=True,
        env=pairaid_env(building),
        timeout=3600,  # a hung process, not a slow one: a busy machine takes minutes
    )
    if done.returncode != 0:
        failed.write_text(done.stderr, encoding="utf-8")
        pytest.fail("pairaid demo failed: " + done.stderr)
    (folder / "demo.stdout").write_text(done.stdout, encoding="utf-8")
    building.replace(database)
    return database


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
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder, above each worker's own
    return DemoDatabase(build_demo_database(shared))


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
