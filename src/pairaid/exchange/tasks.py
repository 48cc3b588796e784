"""Background work for the upload page: check a file, import it, roll a batch back.

With the default (inline) task backend these run at once, in the request; with
PAIRAID_TASKS=database `pairaid worker` runs them and the page polls the batch's
progress (rows_done / rows_total), which the import writes between its chunks."""

from __future__ import annotations

import functools
import logging
import tempfile
import time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import DatabaseError, IntegrityError, connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from pairaid.exchange import services
from pairaid.exchange.models import ImportBatch
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
            _fail(
                batch_id,
                RuntimeError(
                    _("处理文件时出错（%(error)s），已中止") % {"error": type(exc).__name__}
                ),
            )
            return str(ImportBatch.Status.FAILED)

    return run


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
        report = services.check_file(
            batch.file.path,
            batch.file_name,
            kind=batch.kind or None,
            user=batch.user,
            progress=progress,
            rejected_out=rejected,
        )
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
        services.import_file(
            batch.file.path,
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
    except (ValidationError, PermissionDenied, DatabaseError) as exc:
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
