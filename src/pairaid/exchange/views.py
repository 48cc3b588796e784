"""The import and export pages: upload with preview, batches with rollback, templates,
and the export behind every list's 导出 button.

Only roles that record data may upload (`access.may_upload`). Batches belong to who
uploaded them: anyone else but an administrator — a staff account too — gets "not found". Records
are scoped by `ledger.access` as everywhere: the importer checks every row against the
user's scope, the export lists only visible pairings."""

from __future__ import annotations

import hashlib
import tempfile
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from pairaid.accounts.http import AuthenticatedHttpRequest
from pairaid.exchange import services, tasks
from pairaid.exchange.exporters import CONTENT_TYPES, download, filtered
from pairaid.exchange.models import ImportBatch
from pairaid.exchange.originals import store_original
from pairaid.exchange.readers import SPREADSHEETS, TEXTS, Limits
from pairaid.exchange.services import batches_for, may_see
from pairaid.exchange.specs import IMPORTERS, Context
from pairaid.exchange.template_files import write_template
from pairaid.ledger import access
from pairaid.ledger.models import Pairing

XLSX = CONTENT_TYPES["xlsx"]
LIST_LIMIT = 50


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("文件（xlsx 或 csv）"))
    kind = forms.ChoiceField(
        label=gettext_lazy("记录类型"),
        required=False,
        choices=[("", gettext_lazy("按表头自动识别"))]
        + [(kind, importer.label) for kind, importer in IMPORTERS.items()],
    )

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not any(name.endswith(suffix) for suffix in SPREADSHEETS | TEXTS):
            raise forms.ValidationError(_("请上传 .xlsx 或 .csv 文件"))
        limit = Limits.from_settings().upload_bytes
        if upload.size and upload.size > limit:
            raise forms.ValidationError(
                _("文件超过 %(limit)s MB 的上限（PAIRAID_IMPORT_MAX_UPLOAD_MB）")
                % {"limit": limit // (1024 * 1024)}
            )
        return upload


def _batches(request: HttpRequest) -> Any:
    return batches_for(request.user)


def _batch_for(request: HttpRequest, pk: int) -> ImportBatch:
    """The batch if the user may see it: its owner, or staff; anyone else gets 404."""
    batch = get_object_or_404(ImportBatch.objects.select_related("user"), pk=pk)
    if not may_see(request.user, batch):
        raise Http404("no such batch")
    return batch


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    return _index_page(request)


def _index_page(
    request: HttpRequest, form: UploadForm | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "exchange/index.html",
        {
            "form": form or UploadForm(),
            "batches": _batches(request)[:LIST_LIMIT],
            "can_upload": access.may_upload(request.user),
            "kinds": [(kind, importer.label) for kind, importer in IMPORTERS.items()],
        },
        status=status,
    )


@require_POST
@login_required
def upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.may_upload(request.user):
        raise PermissionDenied(_("您无权导入数据：只有填报角色可以上传文件"))
    limit = Limits.from_settings().upload_bytes
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit + 64 * 1024:  # refused before the body is read
        return HttpResponse(
            _("文件超过 %(limit)s MB 的上限（PAIRAID_IMPORT_MAX_UPLOAD_MB）")
            % {"limit": limit // (1024 * 1024)},
            status=413,
            content_type="text/plain; charset=utf-8",
        )
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _index_page(request, form=form, status=400)
    upload_file: UploadedFile[bytes] = form.cleaned_data["file"]
    digest = hashlib.sha256()
    for chunk in upload_file.chunks():
        digest.update(chunk)
    upload_file.seek(0)
    batch = ImportBatch(
        user=request.user,
        via="web",
        file_name=(upload_file.name or "upload")[:255],
        sha256=digest.hexdigest(),
        kind=form.cleaned_data["kind"] or "",
        status=ImportBatch.Status.QUEUED,
    )
    store_original(batch, upload_file)  # encrypted: it may hold identity numbers
    batch.save()
    tasks.start(tasks.check_batch, batch.pk)
    return redirect("exchange:batch", pk=batch.pk)


@require_GET
@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for(request, pk)
    return render(request, "exchange/batch.html", {"batch": batch, **_batch_context(batch)})


def _batch_context(batch: ImportBatch) -> dict[str, Any]:
    importer = IMPORTERS.get(batch.kind)
    return {
        "kind_label": importer.label if importer else "",
        "can_import_all": batch.status == ImportBatch.Status.VALID,
        "can_import_valid": batch.status == ImportBatch.Status.INVALID
        and batch.rejected < batch.rows_total
        and batch.rows_total > 0,
        "can_rollback": batch.status == ImportBatch.Status.IMPORTED,
        "more_errors": max(0, batch.error_count - len(batch.errors)),
    }


@require_GET
@login_required
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress box, polled by the page (htmx) while the batch is busy."""
    batch = _batch_for(request, pk)
    response = render(request, "exchange/_progress.html", {"batch": batch})
    if not batch.is_busy:
        response["HX-Refresh"] = "true"
    return response


@require_POST
@login_required
def batch_import(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for(request, pk)
    valid_only = request.POST.get("mode") == "valid"
    allowed = ImportBatch.Status.INVALID if valid_only else ImportBatch.Status.VALID
    if batch.status != allowed:
        messages.error(request, _("该批次当前不能导入"))
        return redirect("exchange:batch", pk=batch.pk)
    if tasks.in_thread(tasks.import_batch):
        # Claimed here, so that a second click cannot start a second thread on the batch.
        claimed = ImportBatch.objects.filter(pk=batch.pk, status=allowed).update(
            status=ImportBatch.Status.IMPORTING, stage="validate", rows_done=0, **services.beat()
        )
        if not claimed:
            messages.error(request, _("该批次当前不能导入"))
            return redirect("exchange:batch", pk=batch.pk)
    tasks.start(tasks.import_batch, batch.pk, valid_only)
    return redirect("exchange:batch", pk=batch.pk)


@require_POST
@login_required
def batch_rollback(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for(request, pk)
    if batch.status != ImportBatch.Status.IMPORTED:
        messages.error(request, _("只有已导入的批次可以撤销"))
        return redirect("exchange:batch", pk=batch.pk)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.ROLLING_BACK, message=""
    )
    tasks.rollback.enqueue(batch.pk, request.user.pk)
    batch.refresh_from_db()
    if batch.status == ImportBatch.Status.IMPORTED and batch.message:
        # The inline backend ran it and it was refused (back to imported, with the reason).
        messages.error(request, batch.message)
    return redirect("exchange:batch", pk=batch.pk)


@require_POST
@login_required
def batch_resume(request: HttpRequest, pk: int) -> HttpResponse:
    """Check a batch again from its file, when its process died (`ImportBatch.is_stale`)."""
    batch = _batch_for(request, pk)
    if services.resume_batch(batch):
        tasks.start(tasks.check_batch, batch.pk)
    else:
        messages.error(request, _("该批次没有中断，或其文件已不在，不能重新校验"))
    return redirect("exchange:batch", pk=batch.pk)


@require_POST
@login_required
def batch_discard(request: HttpRequest, pk: int) -> HttpResponse:
    """Give up a batch whose process died: marked failed, its file deleted."""
    batch = _batch_for(request, pk)
    if not services.discard_batch(batch):
        messages.error(request, _("该批次没有中断，不能放弃"))
    return redirect("exchange:batch", pk=batch.pk)


@require_GET
@login_required
def batch_rejected(request: HttpRequest, pk: int) -> FileResponse:
    batch = _batch_for(request, pk)
    if not batch.rejected_file:
        raise Http404("no rejected rows")
    stem = batch.file_name.rsplit(".", 1)[0]
    return FileResponse(
        batch.rejected_file.open("rb"),
        as_attachment=True,
        filename=f"{stem}-被拒绝的行.xlsx",
        content_type=XLSX,
    )


@require_GET
@login_required
def template_download(request: HttpRequest, kind: str) -> FileResponse:
    if kind not in IMPORTERS:
        raise Http404("no such kind")
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_template(kind, handle, user=request.user)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{IMPORTERS[kind].label}-导入模板.xlsx",
        content_type=XLSX,
    )


@require_GET
@login_required
def export(request: HttpRequest, kind: str) -> StreamingHttpResponse | FileResponse:
    """The list's records as xlsx or csv: same filters (pairing, year, sector, status,
    source, kind, category, q), same scope."""
    if kind not in IMPORTERS:
        raise Http404("no such kind")
    fmt = request.GET.get("format", "xlsx")
    if fmt not in CONTENT_TYPES:
        fmt = "xlsx"
    visible = access.visible_pairings(request.user)
    pairings: QuerySet[Pairing] | None = visible
    chosen = (request.GET.get("pairing") or "").strip()
    if chosen:
        if chosen.isdigit():
            pairing = access.get_pairing_for_user(request.user, chosen)
        else:
            try:
                pairing = Context(user=request.user).pairing(chosen)
            except ValueError as exc:
                raise Http404("no such pairing") from exc
        pairings = visible.filter(pk__in=[p.pk for p in pairing.with_descendants()])
    elif access.is_administrator(request.user):
        pairings = None  # everything, persons without a posting too
    return download(kind, filtered(kind, request.GET, pairings), fmt)
