"""Evidence (佐证材料) through the services: accepted by content, size-limited, stored under
generated names outside the web root, thumbnails for images, audited upload and removal,
and tasks and obligations closed with their evidence."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from evidence_files import docx, exe, jpeg, pdf, png, xlsx
from PIL import Image

from pairaid.ledger import services
from pairaid.ledger.access import OutOfScope
from pairaid.ledger.models import (
    Agreement,
    AuditEntry,
    Evidence,
    FundFlow,
    Obligation,
    Project,
    Task,
    WorkStatus,
)


def jiangyang_project() -> Project:
    return Project.objects.filter(pairing__helper_region__code="510502").order_by("pk").first()


def stored_path(name: str) -> Path:
    return Path(settings.PAIRAID_EVIDENCE_DIR) / name


@pytest.mark.parametrize(
    ("make", "content_type"),
    [
        (pdf, "application/pdf"),
        (png, "image/png"),
        (jpeg, "image/jpeg"),
        (docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_it_accepts_each_kind_of_file_by_its_content(personas, make, content_type):
    upload = make()
    body = upload.read()
    evidence = services.attach_evidence(
        jiangyang_project(), upload, title="材料", acting_user=personas.jiangyang, via="test"
    )
    assert evidence.content_type == content_type
    assert evidence.size == len(body)
    assert evidence.sha256 == hashlib.sha256(body).hexdigest()
    assert stored_path(evidence.file.name).read_bytes() == body


def test_it_refuses_a_program_renamed_as_a_pdf(personas):
    project = jiangyang_project()
    with pytest.raises(ValidationError, match="不支持该文件类型"):
        services.attach_evidence(project, exe(), acting_user=personas.jiangyang, via="test")
    assert not Evidence.objects.filter(project=project).exists()


def test_it_refuses_a_file_over_the_size_limit(personas, settings):
    settings.PAIRAID_EVIDENCE_MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("大文件.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError, match="超过 1 MB"):
        services.attach_evidence(
            jiangyang_project(), big, acting_user=personas.jiangyang, via="test"
        )
    big.size = None  # without a declared size, the bytes are counted
    with pytest.raises(ValidationError, match="超过 1 MB"):
        services.attach_evidence(
            jiangyang_project(), big, acting_user=personas.jiangyang, via="test"
        )


def test_it_never_uses_the_uploaded_name_as_a_path(personas):
    evidence = services.attach_evidence(
        jiangyang_project(),
        pdf("../../../etc/passwd\x00.pdf"),
        acting_user=personas.jiangyang,
        via="test",
    )
    assert "/" not in evidence.original_name and "\x00" not in evidence.original_name
    assert evidence.original_name.endswith(".pdf")
    folder, name = evidence.file.name.split("/")
    assert folder == str(evidence.pairing_id)
    assert name.endswith(".pdf") and ".." not in name and "passwd" not in name
    root = Path(settings.PAIRAID_EVIDENCE_DIR).resolve()
    assert stored_path(evidence.file.name).resolve().is_relative_to(root)


def test_it_makes_a_small_thumbnail_of_an_image(personas):
    evidence = services.attach_evidence(
        jiangyang_project(), png(size=(1600, 1200)), acting_user=personas.jiangyang, via="test"
    )
    with Image.open(stored_path(evidence.thumbnail.name)) as thumb:
        assert max(thumb.size) <= 240
    document = services.attach_evidence(
        jiangyang_project(), pdf(), acting_user=personas.jiangyang, via="test"
    )
    assert document.thumbnail.name == ""


def test_it_audits_the_upload_under_the_pairing(personas):
    project = jiangyang_project()
    evidence = services.attach_evidence(
        project, pdf(), title="开工报告", acting_user=personas.jiangyang, via="test"
    )
    entry = AuditEntry.objects.get(record_type="evidence", record_id=str(evidence.pk))
    assert entry.action == "evidence.uploaded"
    assert entry.user == personas.jiangyang
    assert entry.pairing_id == project.pairing_id
    assert entry.changes["sha256"] == evidence.sha256
    assert entry.changes["project"] == project.pk


def test_it_removes_softly_and_audits_the_removal(personas):
    evidence = services.attach_evidence(
        jiangyang_project(), pdf(), acting_user=personas.jiangyang, via="test"
    )
    with pytest.raises(ValidationError):
        services.remove_evidence(evidence, reason=" ", acting_user=personas.jiangyang, via="test")
    services.remove_evidence(
        evidence, reason="传错了文件", acting_user=personas.jiangyang, via="test"
    )
    evidence.refresh_from_db()
    assert evidence.removed and evidence.removed_by == personas.jiangyang
    assert stored_path(evidence.file.name).exists()  # nothing is erased
    entry = AuditEntry.objects.get(record_id=str(evidence.pk), action="evidence.removed")
    assert entry.changes["removal_reason"] == "传错了文件"


def test_it_lets_only_those_who_record_data_attach(personas):
    project = jiangyang_project()
    with pytest.raises(OutOfScope):
        services.attach_evidence(project, pdf(), acting_user=personas.longmatan, via="test")
    with pytest.raises(OutOfScope):
        services.attach_evidence(project, pdf(), acting_user=personas.outsider, via="test")
    with pytest.raises(PermissionDenied):
        services.attach_evidence(project, pdf(), acting_user=personas.viewer, via="test")
    # the recipient side attaches too (photos of progress, receipts)
    services.attach_evidence(project, png(), acting_user=personas.yanyuan, via="test")


def test_it_attaches_to_each_kind_of_record(personas):
    flow = FundFlow.objects.filter(pairing__helper_region__code="510502").first()
    agreement = Agreement.objects.filter(pairing__helper_region__code="510502").first()
    for record in (flow, agreement):
        evidence = services.attach_evidence(
            record, pdf(), acting_user=personas.jiangyang, via="test"
        )
        assert evidence.record == record
        assert evidence.pairing_id == record.pairing_id


def test_it_closes_a_task_with_its_evidence(personas):
    project = jiangyang_project()
    task = services.create_record(
        Task, acting_user=personas.jiangyang, via="test", pairing=project.pairing, title="送教"
    )
    services.close_with_evidence(
        task,
        file=docx(),
        title="送教总结",
        note="已完成送教",
        acting_user=personas.jiangyang,
        via="test",
    )
    task.refresh_from_db()
    assert task.status == WorkStatus.DONE
    assert "已完成送教" in task.evidence
    assert task.evidence_files.get().title == "送教总结"
    actions = set(
        AuditEntry.objects.filter(
            pairing=project.pairing, record_id__in=[str(task.pk)]
        ).values_list("action", flat=True)
    )
    assert {"task.created", "task.updated"} <= actions


def test_it_closes_an_obligation_all_or_nothing(personas):
    agreement = Agreement.objects.filter(pairing__helper_region__code="510502").first()
    obligation = services.create_record(
        Obligation, acting_user=None, via="test", agreement=agreement, deliverable="交流挂职"
    )
    with pytest.raises(ValidationError):
        services.close_with_evidence(
            obligation, file=exe(), acting_user=personas.jiangyang, via="test"
        )
    obligation.refresh_from_db()
    assert obligation.status == WorkStatus.OPEN  # the refused file undid the closing
    services.close_with_evidence(obligation, file=pdf(), acting_user=personas.jiangyang, via="test")
    obligation.refresh_from_db()
    assert obligation.status == WorkStatus.DONE
    assert obligation.evidence_files.count() == 1


def test_it_carries_evidence_files_through_a_backup_and_restore(personas, tmp_path, settings):
    settings.PAIRAID_EVIDENCE_DIR = tmp_path / "evidence"
    evidence = services.attach_evidence(
        jiangyang_project(), png(), acting_user=personas.jiangyang, via="test"
    )
    body = stored_path(evidence.file.name).read_bytes()
    backup = tmp_path / "backup.zip"
    call_command("backup", "-o", str(backup), stdout=io.StringIO())
    with zipfile.ZipFile(backup) as archive:
        assert archive.read(f"evidence/{evidence.file.name}") == body
    stored_path(evidence.file.name).unlink()
    stored_path(evidence.thumbnail.name).unlink()

    call_command("restore", str(backup), "--force", stdout=io.StringIO())

    restored = Evidence.objects.get(pk=evidence.pk)
    assert stored_path(restored.file.name).read_bytes() == body
    assert stored_path(restored.thumbnail.name).exists()
