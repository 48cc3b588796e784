"""Evidence (佐证材料): attaching a file to a record, removing it (a soft delete, like a
reversal), and closing a task or an obligation with its evidence. Each is audited.

A file is accepted by its content (`lib.uploads.sniff`: PDF, JPEG/PNG/WebP images, Word and
Excel documents), up to `settings.PAIRAID_EVIDENCE_MAX_UPLOAD_MB`, stored in
`settings.PAIRAID_EVIDENCE_DIR` under a generated name (`<pairing>/<random hex>.<type>`: no
part of the uploaded name reaches the file system), with a thumbnail for images.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pairaid.ledger import access
from pairaid.ledger.models import (
    Agreement,
    Event,
    Evidence,
    FundFlow,
    Obligation,
    Posting,
    ProgressUpdate,
    Project,
    Task,
    WorkStatus,
)
from pairaid.ledger.models.evidence import evidence_storage
from pairaid.ledger.services.audit import log_action, pairing_of, record_values
from pairaid.ledger.services.records import update_record
from pairaid.lib import uploads

# Who may attach or remove evidence on a pairing: whoever records data there (the helper
# side's EDIT, the recipient side's CONFIRM or PROGRESS).
EVIDENCE_ACTIONS = (access.EDIT, access.CONFIRM, access.PROGRESS)
# The field of `Evidence` that links each kind of record.
LINK_FIELD: dict[type[models.Model], str] = {
    FundFlow: "fund_flow",
    Project: "project",
    Agreement: "agreement",
    Posting: "posting",
    Event: "event",
    Task: "task",
    Obligation: "obligation",
    ProgressUpdate: "update",
}
CHUNK = 1 << 16


def evidence_link(record: models.Model) -> str:
    """The field of `Evidence` that links files to this kind of record."""
    return LINK_FIELD[type(record)]


def max_upload_bytes() -> int:
    return int(settings.PAIRAID_EVIDENCE_MAX_UPLOAD_MB) * 1024 * 1024


def _measure(file: IO[bytes]) -> tuple[int, str]:
    """The size and sha256 of a file, refusing it as soon as it passes the limit."""
    limit = max_upload_bytes()
    declared = getattr(file, "size", None)
    if declared is not None and declared > limit:
        raise ValidationError(_too_large())
    digest = hashlib.sha256()
    size = 0
    file.seek(0)
    for chunk in iter(lambda: file.read(CHUNK), b""):
        size += len(chunk)
        if size > limit:
            raise ValidationError(_too_large())
        digest.update(chunk)
    file.seek(0)
    if size == 0:
        raise ValidationError(_("文件是空的"))
    return size, digest.hexdigest()


def _too_large() -> str:
    return _("文件超过 %(mb)s MB，不能上传") % {"mb": settings.PAIRAID_EVIDENCE_MAX_UPLOAD_MB}


@transaction.atomic
def attach_evidence(
    record: models.Model,
    file: IO[bytes],
    *,
    title: str = "",
    kind: str = Evidence.Kind.OTHER,
    acting_user: Any,
    via: str,
    is_demo: bool = False,
) -> Evidence:
    """Attach an uploaded file to a record (a fund flow, project, agreement, posting, event,
    task, obligation or progress report), audited as `evidence.uploaded`."""
    link = LINK_FIELD.get(type(record))
    if link is None:
        raise ValidationError(_("此类记录不能附佐证材料"))
    pairing = pairing_of(record)
    if pairing is None:
        raise ValidationError(_("此类记录不能附佐证材料"))
    if acting_user is not None:
        access.require(acting_user, pairing, *EVIDENCE_ACTIONS)
    size, sha256 = _measure(file)
    try:
        detected = uploads.sniff(file)
    except uploads.Refused as refused:
        raise ValidationError(str(refused)) from refused
    original = uploads.safe_name(getattr(file, "name", "") or "")
    stem = f"{pairing.pk}/{uuid.uuid4().hex}"
    evidence = Evidence(
        pairing=pairing,
        title=(title or original)[:200],
        kind=kind,
        original_name=original,
        content_type=detected.content_type,
        size=size,
        sha256=sha256,
        uploaded_by=acting_user if getattr(acting_user, "pk", None) else None,
        uploaded_at=timezone.now(),
        is_demo=is_demo,
        **{link: record},
    )
    evidence.full_clean(exclude=["file", "thumbnail"])
    written = [evidence_storage.save(stem + detected.extension, File(file))]
    try:
        if detected.is_image:
            written.append(
                evidence_storage.save(stem + ".thumb.jpg", ContentFile(uploads.thumbnail(file)))
            )
        evidence.file.name = written[0]
        evidence.thumbnail.name = written[1] if len(written) > 1 else ""
        evidence.save(force_insert=True)
        log_action(
            "evidence.uploaded",
            evidence,
            acting_user=acting_user,
            via=via,
            changes=record_values(evidence),
        )
    except BaseException:
        for name in written:
            evidence_storage.delete(name)
        raise
    return evidence


@transaction.atomic
def remove_evidence(evidence: Evidence, *, reason: str, acting_user: Any, via: str) -> Evidence:
    """Take a file off its record: like a reversal, nothing is erased — the record and the
    file stay (auditors still read them), marked removed, with who, when and why."""
    if acting_user is not None:
        access.require(acting_user, evidence.pairing, *EVIDENCE_ACTIONS)
    if evidence.removed:
        raise ValidationError(_("该材料已移除"))
    if not reason.strip():
        raise ValidationError({"removal_reason": _("请说明移除原因")})
    evidence.removed_at = timezone.now()
    evidence.removed_by = acting_user if getattr(acting_user, "pk", None) else None
    evidence.removal_reason = reason.strip()[:300]
    evidence.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    log_action(
        "evidence.removed",
        evidence,
        acting_user=acting_user,
        via=via,
        changes={
            "removed_at": evidence.removed_at.isoformat(),
            "removal_reason": evidence.removal_reason,
        },
    )
    return evidence


@transaction.atomic
def close_with_evidence(
    record: Task | Obligation,
    *,
    file: IO[bytes] | None = None,
    title: str = "",
    note: str = "",
    acting_user: Any,
    via: str,
    expected_version: int | None = None,
) -> Task | Obligation:
    """Mark a task or an obligation done (已完成), with the file that proves it and/or a
    note added to its evidence text; all or nothing, each part audited."""
    if record.status == WorkStatus.DONE:
        raise ValidationError(_("该事项已完成"))
    if file is None and not note.strip():
        raise ValidationError(_("请上传佐证材料或填写完成情况"))
    changes: dict[str, Any] = {"status": WorkStatus.DONE}
    if note.strip():
        changes["evidence"] = "\n".join(filter(None, [record.evidence.strip(), note.strip()]))
    closed = update_record(
        record,
        acting_user=acting_user,
        via=via,
        expected_version=expected_version,
        **changes,
    )
    if file is not None:
        attach_evidence(
            record,
            file,
            title=title,
            kind=Evidence.Kind.OTHER,
            acting_user=acting_user,
            via=via,
        )
    return closed
