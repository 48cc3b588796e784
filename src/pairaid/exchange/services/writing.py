"""The entry points: check a file (`check_file`), import it (`import_file`) and keep its
report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pairaid.exchange.cells import CellError
from pairaid.exchange.models import ImportBatch, ImportChange
from pairaid.exchange.readers import ReadError, Source, open_source
from pairaid.exchange.services.columnar import ColumnarKept, ColumnarPass
from pairaid.exchange.services.layout import (
    ADDED,
    CHANGED,
    ImportRefused,
    Layout,
    Progress,
    Report,
    RowError,
    choose,
)
from pairaid.exchange.services.rollback import _undo, purge_original
from pairaid.exchange.services.validation import Kept, RejectedWriter, personal_positions
from pairaid.exchange.specs import Context, Importer

# --- the entry points ------------------------------------------------------------------------


def _start(
    path: Path | str, name: str | None, kind: str | None, report: Report
) -> tuple[Source, Importer, str, Layout]:
    try:
        source = open_source(path, name)
    except ReadError as exc:
        report.add_error(RowError(report.file_name, 0, "", str(exc)))
        report.file_error = True
        raise ImportRefused(report) from exc
    report.sha256 = source.sha256
    try:
        importer, sheet, layout = choose(source, kind, report)
    except ReadError as exc:
        report.add_error(RowError(report.file_name, 0, "", str(exc)))
        report.file_error = True
        raise ImportRefused(report) from exc
    except CellError as exc:  # an unknown kind
        report.add_error(RowError(report.file_name, 0, "", str(exc)))
        report.file_error = True
        raise ImportRefused(report) from exc
    report.preview = {
        "headers": [
            layout.headers[c.field] for c in importer.importable() if c.field in layout.positions
        ]
    }
    return source, importer, sheet, layout


def _validate(
    source: Source,
    importer: Importer,
    sheet: str,
    layout: Layout,
    context: Context,
    report: Report,
    progress: Progress | None,
    rejected_out: Path | None,
    kept: Kept | None = None,
) -> Report:
    rejected = (
        RejectedWriter(
            rejected_out, layout.header_cells, sheet, personal_positions(importer, layout)
        )
        if rejected_out
        else None
    )
    try:
        ColumnarPass(
            source,
            importer,
            sheet,
            layout,
            context,
            report,
            progress=progress,
            rejected=rejected,
            total=source.estimates.get(sheet, 0),
            kept=kept,
        ).run()
    except ReadError as exc:
        report.add_error(RowError(sheet, 0, "", str(exc)))
        report.file_error = True
    finally:
        if rejected is not None:
            rejected.close()
    report.tally()
    if report.rows == 0 and not report.file_error:
        report.add_error(RowError(sheet, layout.header_row + 1, "", _("文件中没有数据行")))
        report.file_error = True
    return report


def check_file(
    path: Path | str,
    name: str | None = None,
    *,
    kind: str | None = None,
    user: Any = None,
    progress: Progress | None = None,
    rejected_out: Path | None = None,
) -> Report:
    """Validate a file without writing anything (a dry run, or the upload page's preview)."""
    report = Report(file_name=name or Path(path).name)
    try:
        source, importer, sheet, layout = _start(path, name, kind, report)
    except ImportRefused:
        return report
    return _validate(
        source, importer, sheet, layout, Context(user=user), report, progress, rejected_out
    )


def import_file(
    path: Path | str,
    name: str | None = None,
    *,
    kind: str | None = None,
    user: Any = None,
    via: str = "import",
    valid_only: bool = False,
    progress: Progress | None = None,
    rejected_out: Path | None = None,
    batch: ImportBatch | None = None,
) -> tuple[ImportBatch | None, Report]:
    """Validate the whole file, then write it (all rows, or with `valid_only` the valid
    ones). Returns the batch (None if nothing was written) and the report; raises
    ImportRefused if the file is invalid and `valid_only` is not set.

    The file is read and each row cleaned and validated once: the check keeps the records
    it validated (`Kept`, in memory, compressed) and the writing step writes those."""
    report = Report(file_name=name or Path(path).name)
    source, importer, sheet, layout = _start(path, name, kind, report)
    context = Context(user=user, via=via)
    kept = ColumnarKept(importer.model)
    _validate(source, importer, sheet, layout, context, report, progress, rejected_out, kept)
    if report.file_error or (not report.valid and not valid_only):
        raise ImportRefused(report)
    checked = report
    statuses = bytes(checked.statuses)
    if batch is None:
        batch = ImportBatch(user=user if getattr(user, "pk", None) else None, via=via)
    batch.file_name = report.file_name[:255]
    batch.sha256 = source.sha256
    batch.kind, batch.sheet, batch.valid_only = importer.kind, sheet[:100], valid_only
    batch.rows_total = report.rows
    if statuses.count(ADDED) + statuses.count(CHANGED) == 0:
        # Nothing to write: record the batch (its counts) and stop.
        _finish_batch(batch, checked, ImportBatch.Status.IMPORTED)
        return batch, checked
    batch.status = ImportBatch.Status.IMPORTING
    batch.save()  # committed before writing starts: the import never holds the batch's row
    run = ColumnarPass(
        source,
        importer,
        sheet,
        layout,
        context,
        checked,
        batch=batch,
        progress=progress,
        total=checked.rows,
    )
    run.reason = _("按导入批次#%(id)s（%(file)s）更正") % {
        "id": batch.pk,
        "file": batch.file_name,
    }
    try:
        run.write_kept(kept)
    except BaseException:
        _discard_written(batch, user, via)
        raise
    _finish_batch(batch, checked, ImportBatch.Status.IMPORTED)
    return batch, checked


def _discard_written(batch: ImportBatch, user: Any, via: str) -> None:
    """A chunk failed: undo the chunks already committed, newest first, each in a short
    transaction of its own that also forgets the change (so an interrupted undo can go on
    where it stopped), and leave the batch with nothing to roll back."""
    reason = _("导入批次#%(id)s（%(file)s）未能完成，撤销已写入部分") % {
        "id": batch.pk,
        "file": batch.file_name,
    }
    for change in list(batch.changes.order_by("-id")):
        with transaction.atomic():
            _undo(change, user, via, reason)
            ImportChange.objects.filter(pk=change.pk).delete()


def _finish_batch(batch: ImportBatch, report: Report, status: str) -> None:
    batch.status = status
    batch.added, batch.changed = report.added, report.changed
    batch.unchanged, batch.rejected = report.unchanged, report.rejected
    batch.error_count = report.error_count
    batch.errors = [e.as_dict() for e in report.errors]
    batch.warnings = report.warnings
    batch.preview = report.preview
    batch.rows_total = report.rows
    batch.rows_done = report.rows
    batch.finished_at = timezone.now()
    batch.stage = ""
    batch.save()
    purge_original(batch)


def store_report(batch: ImportBatch, report: Report) -> None:
    """Keep a validation's outcome on the batch (the upload page shows it)."""
    batch.kind, batch.sheet, batch.sha256 = (
        report.kind,
        report.sheet[:100],
        report.sha256 or batch.sha256,
    )
    batch.rows_total = batch.rows_done = report.rows
    batch.added, batch.changed = report.added, report.changed
    batch.unchanged, batch.rejected = report.unchanged, report.rejected
    batch.error_count = report.error_count
    batch.errors = [e.as_dict() for e in report.errors]
    batch.warnings = report.warnings
    batch.preview = report.preview
    batch.stage = ""
    batch.status = ImportBatch.Status.VALID if report.valid else ImportBatch.Status.INVALID
    batch.save()
