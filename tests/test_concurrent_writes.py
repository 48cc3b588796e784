"""Writes never block each other: an import from the upload page or the worker runs while
other users write to other pairings and log in, and every one of them finishes.

These tests commit for real (threads have connections of their own), so they run as
transactional tests; the demo data set, flushed at the end of each, is loaded again."""

from __future__ import annotations

import io
import threading
import time
import traceback
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import DatabaseError, connection, connections
from django.test import Client
from django.urls import reverse
from fund_files import fund_file

from pairaid.exchange import services as exchange_services
from pairaid.exchange.models import ImportBatch
from pairaid.exchange.services.columnar import ColumnarPass
from pairaid.exchange.services.validation import Pass
from pairaid.ledger import services
from pairaid.ledger.models import AuditEntry, FundFlow, Pairing

HANG = 60  # seconds: a hang detector, not a speed requirement
WRITERS = 20


@pytest.fixture
def demo_restored(django_db_blocker):
    """Requested before `transactional_db`, so it loads the demo again after the flush."""
    yield
    from pairaid.ledger.demo import load_demo

    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


class Threads:
    """Runs callables in threads with connections of their own and collects what failed."""

    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []
        self.errors: list[str] = []
        self.done = 0
        self.lock = threading.Lock()

    def start(self, work: Callable[[], object]) -> None:
        def run() -> None:
            try:
                work()
                with self.lock:
                    self.done += 1
            except BaseException:
                with self.lock:
                    self.errors.append(traceback.format_exc())
            finally:
                connections.close_all()

        thread = threading.Thread(target=run, daemon=True)
        self.threads.append(thread)
        thread.start()

    def join(self) -> None:
        for thread in self.threads:
            thread.join(HANG)
        hanging = sum(thread.is_alive() for thread in self.threads)
        assert hanging == 0, f"{hanging} of {len(self.threads)} threads still waiting"
        assert self.errors == [], "\n".join(self.errors)


def other_pairings(count: int) -> list[Pairing]:
    from builders import Builder

    build = Builder()
    return [build.pairing(f"并发甲{n}区", f"并发乙{n}县") for n in range(count)]


def write_to(pairing: Pairing, voucher: str) -> Callable[[], object]:
    def work() -> object:
        return services.record_fund_flow(
            acting_user=None,
            via="test",
            pairing=pairing,
            kind=FundFlow.Kind.TRANSFER,
            fund_year=pairing.valid_from.year,
            date=pairing.valid_from,
            amount=Decimal("10.00"),
            source=FundFlow.Source.FISCAL,
            voucher=voucher,
        )

    return work


def log_in(name: str, password: str) -> Callable[[], object]:
    def work() -> object:
        response = Client().post("/login/", {"username": name, "password": password})
        assert response.status_code == 302, response.status_code
        return response

    return work


def verify_audit() -> str:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out, stderr=out)
    return out.getvalue()


def test_it_imports_from_the_page_while_other_pairings_write_and_users_log_in(
    demo_restored, transactional_db, personas, media, monkeypatch
):
    # Small chunks: many short write transactions, so the import takes turns with the rest.
    monkeypatch.setattr(exchange_services.validation, "CHUNK", 200)
    pairing = Pairing.objects.get(helper_region__name="江阳区")
    others = other_pairings(WRITERS)
    users = get_user_model()
    for n in range(3):
        users.objects.create_user(f"login{n}", password=f"pass-login{n}")
    client = Client()
    client.force_login(personas.jiangyang)
    rows = 1000
    response = client.post(reverse("exchange:upload"), {"file": fund_file(pairing, rows, "CW")})
    assert response.status_code == 302
    batch = ImportBatch.objects.latest("id")
    assert batch.status == ImportBatch.Status.VALID, batch.errors

    threads = Threads()
    threads.start(lambda: client.post(reverse("exchange:import", args=[batch.pk]), {"mode": "all"}))
    for n, other in enumerate(others):
        threads.start(write_to(other, f"OTHER-{n}"))
    for n in range(3):
        threads.start(log_in(f"login{n}", f"pass-login{n}"))
    threads.join()

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED, batch.message
    assert (batch.added, batch.rows_done) == (rows, rows)
    assert FundFlow.objects.filter(pairing=pairing, voucher__startswith="CW-").count() == rows
    assert FundFlow.objects.filter(voucher__startswith="OTHER-").count() == WRITERS
    assert "哈希链完整" in verify_audit()


def test_it_imports_through_the_worker_while_other_pairings_write(
    demo_restored, transactional_db, personas, media, settings, monkeypatch
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr("signal.signal", lambda *args: None)  # the worker runs in a thread
    pairing = Pairing.objects.get(helper_region__name="江阳区")
    others = other_pairings(WRITERS)
    client = Client()
    client.force_login(personas.jiangyang)

    # The page returns at once: the check and the import wait for the worker.
    response = client.post(reverse("exchange:upload"), {"file": fund_file(pairing, 3, "WK")})
    assert response.status_code == 302
    batch = ImportBatch.objects.latest("id")
    assert batch.status == ImportBatch.Status.QUEUED
    progress = client.get(reverse("exchange:progress", args=[batch.pk]))
    assert progress.status_code == 200 and "HX-Refresh" not in progress

    call_command("worker", "--batch", "--interval", "0")
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.VALID, batch.errors
    client.post(reverse("exchange:import", args=[batch.pk]), {"mode": "all"})
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.VALID  # queued

    threads = Threads()
    threads.start(lambda: call_command("worker", "--batch", "--interval", "0"))
    for n, other in enumerate(others):
        threads.start(write_to(other, f"OTHER-{n}"))
    threads.join()

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED, batch.message
    assert FundFlow.objects.filter(pairing=pairing, voucher__startswith="WK-").count() == 3
    assert FundFlow.objects.filter(voucher__startswith="OTHER-").count() == WRITERS
    assert "哈希链完整" in verify_audit()


def test_it_keeps_writes_and_logins_going_through_a_long_import_and_its_rollback(
    demo_restored, transactional_db, personas, media, monkeypatch
):
    """Other connections wait a while for the database (10 s here, to keep the test short;
    20 s as configured): an import, or its rollback, longer than that must let them in
    between its chunks."""
    options = connections.settings["default"]["OPTIONS"]
    if connection.vendor == "sqlite":
        monkeypatch.setitem(options, "timeout", 10)
    else:
        monkeypatch.setitem(options, "options", "-c lock_timeout=10s")
    monkeypatch.setattr(exchange_services.validation, "CHUNK", 50)
    pairing = Pairing.objects.get(helper_region__name="江阳区")
    others = other_pairings(4)
    get_user_model().objects.create_user("waiting", password="pass-waiting")
    rows = 3000
    client = Client()
    client.force_login(personas.jiangyang)
    client.post(reverse("exchange:upload"), {"file": fund_file(pairing, rows, "LONG")})
    batch = ImportBatch.objects.latest("id")
    assert batch.status == ImportBatch.Status.VALID, batch.errors

    rounds, seen = alongside(
        lambda: client.post(reverse("exchange:import", args=[batch.pk]), {"mode": "all"}),
        others,
        "DURING",
        watch=(personas.jiangyang, batch),
    )
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED, batch.message
    assert batch.added == rows
    # The page saw the rows being written, chunk by chunk, while the import ran.
    assert any(stage == "write" and 0 < done < rows for stage, done in seen), seen
    during = FundFlow.objects.filter(voucher__startswith="DURING-")
    assert during.count() == rounds * len(others)
    chain = AuditEntry.objects.filter(chain=AuditEntry.chain_for(pairing.pk))
    assert (
        chain.filter(record_type="fundflow", changes__voucher__startswith="LONG-").count() == rows
    )

    # Rolling the whole batch back lets them in too.
    rounds, _seen = alongside(
        lambda: client.post(reverse("exchange:rollback", args=[batch.pk])), others, "UNDO"
    )
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.ROLLED_BACK, batch.message
    imported = FundFlow.objects.filter(voucher__startswith="LONG-")
    assert imported.exclude(reverses=None).count() == rows
    assert FundFlow.objects.filter(voucher__startswith="UNDO-").count() == rounds * len(others)
    assert "哈希链完整" in verify_audit()


def alongside(
    work: Callable[[], object],
    others: list[Pairing],
    tag: str,
    watch: tuple[object, ImportBatch] | None = None,
) -> tuple[int, list[tuple[str, int]]]:
    """Run `work` while another user writes to each of `others` and logs in, round after
    round (and a third user watches the batch's progress page); return the rounds done and
    the progress seen."""
    started, finished = threading.Event(), threading.Event()
    rounds: list[int] = []
    seen: list[tuple[str, int]] = []

    def writes_and_logins() -> None:
        started.wait(HANG)
        while not finished.is_set() or len(rounds) < 3:  # all through the work, and after
            for n, other in enumerate(others):
                write_to(other, f"{tag}-{len(rounds)}-{n}")()
            log_in("waiting", "pass-waiting")()
            rounds.append(1)
            time.sleep(0.05)

    def watch_progress(user: object, batch: ImportBatch) -> None:
        watcher = Client()
        watcher.force_login(user)
        started.wait(HANG)
        while not finished.is_set():
            page = watcher.get(reverse("exchange:progress", args=[batch.pk]))
            assert page.status_code == 200
            seen.append(ImportBatch.objects.values_list("stage", "rows_done").get(pk=batch.pk))
            time.sleep(0.1)

    def run_work() -> None:
        started.set()
        try:
            work()
        finally:
            finished.set()

    threads = Threads()
    threads.start(writes_and_logins)
    if watch is not None:
        threads.start(lambda: watch_progress(*watch))
    threads.start(run_work)
    threads.join()
    return len(rounds), seen


def test_it_leaves_nothing_when_a_later_chunk_fails(
    demo_restored, transactional_db, personas, media, monkeypatch
):
    """Chunks are committed one by one; when one fails, those already written are undone
    through the batch (fund flows, never deleted, are reversed) and nothing is left to roll
    back."""
    monkeypatch.setattr(exchange_services.validation, "CHUNK", 100)
    calls = []

    def failing_third(write):
        """`write`, failing on the third chunk written by either way of writing one."""

        def written(self, *chunk):
            calls.append(1)
            if len(calls) == 3:
                raise DatabaseError("the disk is full")
            return write(self, *chunk)

        return written

    # a chunk of new flows goes in as columns, any other chunk row by row
    monkeypatch.setattr(Pass, "apply", failing_third(Pass.apply))
    monkeypatch.setattr(ColumnarPass, "write_columns", failing_third(ColumnarPass.write_columns))
    pairing = Pairing.objects.get(helper_region__name="江阳区")
    client = Client()
    client.force_login(personas.jiangyang)
    client.post(reverse("exchange:upload"), {"file": fund_file(pairing, 250, "FAIL")})
    batch = ImportBatch.objects.latest("id")
    assert batch.status == ImportBatch.Status.VALID, batch.errors

    client.post(reverse("exchange:import", args=[batch.pk]), {"mode": "all"})

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert not batch.changes.exists()
    flows = FundFlow.objects.filter(voucher__startswith="FAIL-")
    written = flows.filter(reverses=None)
    assert written.count() == 200  # two chunks were committed before the third failed
    assert flows.exclude(reverses=None).count() == written.count()  # and each reversed
    assert sum(flow.amount for flow in flows) == Decimal("0.00")
    assert "哈希链完整" in verify_audit()
