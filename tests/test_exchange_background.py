"""With the embedded (inline) task backend the upload page hands a file's check and import
to a thread of the web process and answers at once; the batch page then follows the
batch's progress. A crash on that thread marks the batch failed.

The thread has a database connection of its own, so these tests commit for real
(transactional tests; the demo data set, flushed at the end of each, is loaded again).
They wait for the thread by polling the batch's status a bounded number of times."""

from __future__ import annotations

import threading
import time

import pytest
from django.test import Client
from django.urls import reverse
from fund_files import fund_file

from pairaid.exchange import services
from pairaid.exchange.models import ImportBatch
from pairaid.ledger.models import FundFlow, Pairing

POLLS = 1200  # times 0.1 s: a hang detector, not a speed requirement


@pytest.fixture
def demo_restored(django_db_blocker):
    """Requested before `transactional_db`, so it loads the demo again after the flush."""
    yield
    from pairaid.ledger.demo import load_demo

    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture
def threaded(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PAIRAID_TASKS_INLINE_THREAD = True


def settled(batch_id: int) -> ImportBatch:
    """The batch once its thread is done with it (no longer busy)."""
    for _ in range(POLLS):
        batch = ImportBatch.objects.get(pk=batch_id)
        if not batch.is_busy:
            return batch
        time.sleep(0.1)
    raise AssertionError(f"batch {batch_id} still {batch.status}")


def purged(batch_id: int) -> bool:
    """Whether the batch's original is gone: the thread deletes it just after the import's
    transaction commits, a moment after the batch reads as imported."""
    for _ in range(POLLS):
        if not ImportBatch.objects.get(pk=batch_id).file:
            return True
        time.sleep(0.1)
    return False


def held(monkeypatch, name: str) -> threading.Event:
    """Makes `services.<name>` wait until the returned event is set: the test can look at
    the batch while its thread is still working."""
    release = threading.Event()
    original = getattr(services, name)

    def waiting(*args, **kwargs):
        release.wait(POLLS * 0.1)
        return original(*args, **kwargs)

    monkeypatch.setattr(services, name, waiting)
    return release


def test_it_answers_the_upload_at_once_and_imports_on_a_thread(
    demo_restored, transactional_db, personas, threaded, monkeypatch
):
    pairing = Pairing.objects.get(helper_region__name="江阳区")
    client = Client()
    client.force_login(personas.jiangyang)
    rows = 30

    checking = held(monkeypatch, "check_file")
    response = client.post(reverse("exchange:upload"), {"file": fund_file(pairing, rows, "BG")})
    assert response.status_code == 302
    batch = ImportBatch.objects.latest("id")
    assert batch.is_busy  # the page answered while its check is still to run
    progress = client.get(reverse("exchange:progress", args=[batch.pk]))
    assert progress.status_code == 200 and "HX-Refresh" not in progress
    checking.set()
    batch = settled(batch.pk)
    assert batch.status == ImportBatch.Status.VALID, batch.errors
    assert batch.rows_total == rows

    importing = held(monkeypatch, "import_file")
    response = client.post(reverse("exchange:import", args=[batch.pk]), {"mode": "all"})
    assert response.status_code == 302
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.IMPORTING
    # A second click while it runs starts nothing more.
    client.post(reverse("exchange:import", args=[batch.pk]), {"mode": "all"})
    assert FundFlow.objects.filter(voucher__startswith="BG-").count() == 0
    importing.set()
    batch = settled(batch.pk)
    assert batch.status == ImportBatch.Status.IMPORTED, batch.message
    assert (batch.added, batch.rows_done) == (rows, rows)
    assert FundFlow.objects.filter(pairing=pairing, voucher__startswith="BG-").count() == rows
    assert purged(batch.pk)  # the original is gone once imported


def test_it_marks_the_batch_failed_when_its_thread_crashes(
    demo_restored, transactional_db, personas, threaded, monkeypatch
):
    pairing = Pairing.objects.get(helper_region__name="江阳区")
    client = Client()
    client.force_login(personas.jiangyang)

    def crash(*args, **kwargs):
        raise RuntimeError("reader crashed")

    monkeypatch.setattr(services, "import_file", crash)
    client.post(reverse("exchange:upload"), {"file": fund_file(pairing, 3, "CR")})
    batch = settled(ImportBatch.objects.latest("id").pk)
    assert batch.status == ImportBatch.Status.VALID, batch.errors
    client.post(reverse("exchange:import", args=[batch.pk]), {"mode": "all"})
    batch = settled(batch.pk)
    assert batch.status == ImportBatch.Status.FAILED
    assert "RuntimeError" in batch.message and "已中止" in batch.message
    assert FundFlow.objects.filter(voucher__startswith="CR-").count() == 0

    monkeypatch.setattr(services, "check_file", crash)
    client.post(reverse("exchange:upload"), {"file": fund_file(pairing, 3, "CR")})
    batch = settled(ImportBatch.objects.latest("id").pk)
    assert batch.status == ImportBatch.Status.FAILED and "RuntimeError" in batch.message
    page = client.get(reverse("exchange:batch", args=[batch.pk]))
    assert page.status_code == 200 and "已中止" in page.content.decode()
