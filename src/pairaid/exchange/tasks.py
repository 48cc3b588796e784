"""Background work for the upload page: check a file, import it, roll a batch back.

The pages hand work over with `start`: with PAIRAID_TASKS=database it is queued and
`pairaid worker` runs it; with the embedded default (inline) it runs on a daemon thread of
the web process (PAIRAID_TASKS_INLINE_THREAD, on by default), so the request returns at
once either way. The page polls the batch's progress (rows_done / rows_total), which the
import writes between its chunks. A thread that dies with its process leaves a stale batch
(heartbeat), which the page or `pairaid stale-imports` resumes or discards. Commands call
the tasks' `enqueue` and wait for them: a command's thread would die with the command."""

from __future__ import annotations

import functools
import logging
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task

from pairaid.exchange import services
from pairaid.exchange.models import ImportBatch
from pairaid.exchange.originals import clear_original
from pairaid.exchange.readers import ReadError
from pairaid.ledger.messages import integrity_message, readable

logger = logging.getLogger(__name__)


class BatchProgress:
    """Writes a batch's progress where the page can read it, at most every `every` seconds.

    The importer calls it only between chunks, after each chunk's short transaction has
    committed, so this single-row update in autocommit neither waits for the import nor
    makes anyone wait: no lock is held across it, on PostgreSQL or SQLite, in one process or
    several (the page and the worker only share the database)."""

    def __init__(self, batch_id: int, every: float = 0.5) -> None:
        self.batch_id, self.every = batch_id, every
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        final = done >= total
        if now - self.last < self.every and not final:
            return
        self.last = now
        values = {"stage": stage, "rows_done": done, "rows_total": total}
        if stage == "validate" and final:
            values = {"stage": "write", "rows_done": 0, "rows_total": total}
        try:
            ImportBatch.objects.filter(pk=self.batch_id).update(**values, **services.beat())
        except DatabaseError:  # progress is a courtesy; the import goes on
            if not connection.in_atomic_block:
                logger.warning("could not record import progress", exc_info=True)
            else:
                raise

    def close(self) -> None:
        pass


def _user(user_id: int | None) -> Any:
    return get_user_model().objects.filter(pk=user_id).first() if user_id else None


def marks_failure(function: Any) -> Any:
    """A task that cannot finish marks its batch failed (with a reason the page shows)
    instead of leaving it checking or importing for good."""

    @functools.wraps(function)
    def run(batch_id: int, *args: Any) -> str:
        try:
            return str(function(batch_id, *args))
        except Exception as exc:
            logger.exception("import batch %s: task %s failed", batch_id, function.__name__)
            _fail(batch_id, RuntimeError(_crashed(exc)))
            return str(ImportBatch.Status.FAILED)

    return run


def in_thread(work: Task[Any, Any]) -> bool:
    """Whether `start` runs this task on a thread of this process."""
    inline = isinstance(work.get_backend(), ImmediateBackend)
    return inline and bool(settings.PAIRAID_TASKS_INLINE_THREAD)


def start(work: Task[Any, Any], batch_id: int, *args: Any) -> None:
    """Hand a batch's task over without waiting for it: queued for the worker, or, with the
    inline backend, on a thread of this process started once the caller's transaction has
    committed (the thread's own connection must see the batch)."""
    if not in_thread(work):
        work.enqueue(batch_id, *args)
        return

    def spawn() -> None:
        threading.Thread(
            target=_run_in_thread,
            args=(work, batch_id, args),
            name=f"pairaid-{work.name}-{batch_id}",
            daemon=True,
        ).start()

    transaction.on_commit(spawn)


def _run_in_thread(work: Task[Any, Any], batch_id: int, args: tuple[Any, ...]) -> None:
    """Run a task on this thread, with a database connection of its own that is closed at
    the end; whatever escapes the task marks its batch failed rather than leaving it busy."""
    try:
        work.call(batch_id, *args)
    except Exception as exc:
        logger.exception("import batch %s: task %s failed on its thread", batch_id, work.name)
        try:
            _fail(batch_id, RuntimeError(_crashed(exc)))
        except Exception:
            logger.exception("import batch %s: could not mark it failed", batch_id)
    finally:
        connections.close_all()


def _crashed(exc: BaseException) -> str:
    return _("处理文件时出错（%(error)s），已中止") % {"error": type(exc).__name__}


@task()
@marks_failure
def check_batch(batch_id: int) -> str:
    """Validate an uploaded file: counts, errors, preview and the rejected rows file."""
    batch = ImportBatch.objects.get(pk=batch_id)
    ImportBatch.objects.filter(pk=batch_id).update(
        status=ImportBatch.Status.VALIDATING, **services.beat()
    )
    progress = BatchProgress(batch_id)
    with tempfile.TemporaryDirectory() as folder:
        rejected = Path(folder) / "rejected.xlsx"
        try:
            with clear_original(batch) as original:
                report = services.check_file(
                    original,
                    batch.file_name,
                    kind=batch.kind or None,
                    user=batch.user,
                    progress=progress,
                    rejected_out=rejected,
                )
        except ReadError as exc:
            _fail(batch_id, exc)
            return str(ImportBatch.Status.FAILED)
        batch.refresh_from_db()
        services.store_report(batch, report)
        if report.rejected and rejected.exists():
            with open(rejected, "rb") as handle:
                batch.rejected_file.save(f"rejected-{batch.pk}.xlsx", File(handle), save=True)
    return batch.status


@task()
@marks_failure
def import_batch(batch_id: int, valid_only: bool) -> str:
    batch = ImportBatch.objects.get(pk=batch_id)
    ImportBatch.objects.filter(pk=batch_id).update(
        status=ImportBatch.Status.IMPORTING, stage="validate", rows_done=0, **services.beat()
    )
    progress = BatchProgress(batch_id)
    try:
        with clear_original(batch) as original:
            services.import_file(
                original,
                batch.file_name,
                kind=batch.kind or None,
                user=batch.user,
                via="import",
                valid_only=valid_only,
                progress=progress,
                batch=batch,
            )
    except services.ImportRefused as refused:
        batch.refresh_from_db()
        services.store_report(batch, refused.report)
    except (ValidationError, PermissionDenied, DatabaseError, ReadError) as exc:
        _fail(batch_id, exc)
    finally:
        progress.close()
    return ImportBatch.objects.get(pk=batch_id).status


@task()
def rollback(batch_id: int, user_id: int | None) -> str:
    batch = ImportBatch.objects.get(pk=batch_id)
    try:
        services.rollback_batch(batch, user=_user(user_id), via="import")
    except (ValidationError, PermissionDenied) as exc:  # refused: still imported, and why
        ImportBatch.objects.filter(pk=batch_id).update(
            status=ImportBatch.Status.IMPORTED, message=_message(exc)
        )
    return ImportBatch.objects.get(pk=batch_id).status


def _message(exc: Exception) -> str:
    """What the batch page says: a refusal in words, never a database rule's name."""
    if isinstance(exc, IntegrityError):
        return integrity_message(exc)
    if isinstance(exc, ValidationError):
        return "；".join(readable(exc).messages)
    return "；".join(getattr(exc, "messages", None) or [str(exc)])


def _fail(batch_id: int, exc: Exception) -> None:
    logger.warning("import batch %s failed", batch_id, exc_info=True)
    ImportBatch.objects.filter(pk=batch_id).update(
        status=ImportBatch.Status.FAILED,
        message=_message(exc),
        finished_at=timezone.now(),
        stage="",
    )
    services.purge_original(ImportBatch.objects.get(pk=batch_id))
