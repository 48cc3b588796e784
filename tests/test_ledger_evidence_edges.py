"""Evidence (佐证材料) at its edges, over pairings this module builds: an empty file, a file of
exactly the size limit and one byte more, records that take no evidence, a removal asked twice
or by the wrong role, evidence added after the year is approved, and closing a task or an
obligation twice, with nothing, or in a locked year. A refused file leaves no row, no audit
entry and no file on disk."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from evidence_files import pdf, png

from pairaid.accounts.models import Role, RoleAssignment
from pairaid.ledger import access, services
from pairaid.ledger.models import (
    Agreement,
    AuditEntry,
    Evidence,
    Obligation,
    Task,
    Team,
    WorkStatus,
)

PDF_HEAD = b"%PDF-1.4\n"


@pytest.fixture(autouse=True)
def evidence_dir(settings, tmp_path):
    settings.PAIRAID_EVIDENCE_DIR = tmp_path / "evidence"
    return Path(settings.PAIRAID_EVIDENCE_DIR)


def stored_files(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def user_with(role, region, name):
    user = get_user_model().objects.create_user(name, password="x")
    RoleAssignment.objects.create(user=user, role=role, region=region)
    return user


def nothing_written(before, folder):
    assert (Evidence.objects.count(), AuditEntry.objects.count()) == before
    assert stored_files(folder) == []


def counts():
    return Evidence.objects.count(), AuditEntry.objects.count()


# --- what a file must be --------------------------------------------------------------------


def test_it_refuses_an_empty_file_and_keeps_nothing(build, evidence_dir):
    project = build.project(build.pairing())
    before = counts()

    with pytest.raises(ValidationError, match="文件是空的"):
        services.attach_evidence(
            project, SimpleUploadedFile("空.pdf", b""), acting_user=None, via="test"
        )
    nothing_written(before, evidence_dir)


def test_it_takes_a_file_of_exactly_the_limit_and_refuses_one_byte_more(
    build, settings, evidence_dir
):
    settings.PAIRAID_EVIDENCE_MAX_UPLOAD_MB = 1
    limit = 1024 * 1024
    project = build.project(build.pairing())
    exactly = PDF_HEAD + b"0" * (limit - len(PDF_HEAD))
    before = counts()

    with pytest.raises(ValidationError, match="文件超过 1 MB，不能上传"):
        services.attach_evidence(
            project, SimpleUploadedFile("大.pdf", exactly + b"0"), acting_user=None, via="test"
        )
    nothing_written(before, evidence_dir)

    evidence = services.attach_evidence(
        project, SimpleUploadedFile("正好.pdf", exactly), acting_user=None, via="test"
    )
    assert evidence.size == limit == services.max_upload_bytes()
    assert (evidence_dir / evidence.file.name).stat().st_size == limit


def test_it_titles_a_file_by_its_name_when_no_title_is_given(build):
    project = build.project(build.pairing())

    named = services.attach_evidence(project, pdf("验收单.pdf"), acting_user=None, via="test")
    titled = services.attach_evidence(
        project, pdf("x.pdf"), title="标" * 300, acting_user=None, via="test"
    )

    assert named.title == "验收单.pdf"
    assert titled.title == "标" * Evidence._meta.get_field("title").max_length


def test_it_refuses_evidence_on_a_record_that_takes_none(build, evidence_dir):
    team = services.create_record(
        Team, acting_user=None, via="test", pairing=build.pairing(), name="团队"
    )
    before = counts()

    with pytest.raises(ValidationError, match="此类记录不能附佐证材料"):
        services.attach_evidence(team, pdf(), acting_user=None, via="test")
    nothing_written(before, evidence_dir)


# --- who may, and when ----------------------------------------------------------------------


def test_it_lets_only_those_who_record_data_remove_evidence(build):
    pairing = build.pairing()
    evidence = services.attach_evidence(build.project(pairing), pdf(), acting_user=None, via="test")
    auditor = user_with(Role.AUDITOR, pairing.recipient_region, "ev-auditor")
    stranger = user_with(Role.HELPER_EDITOR, build.region("他处"), "ev-stranger")
    recipient = user_with(Role.RECIPIENT_EDITOR, pairing.recipient_region, "ev-recipient")

    with pytest.raises(PermissionDenied):
        services.remove_evidence(evidence, reason="错", acting_user=auditor, via="test")
    with pytest.raises(access.OutOfScope):
        services.remove_evidence(evidence, reason="错", acting_user=stranger, via="test")
    assert not Evidence.objects.get(pk=evidence.pk).removed

    services.remove_evidence(evidence, reason="  传错了  ", acting_user=recipient, via="web")
    stored = Evidence.objects.get(pk=evidence.pk)
    assert stored.removed and stored.removed_by == recipient
    assert stored.removal_reason == "传错了"


def test_it_refuses_to_remove_evidence_twice(build):
    evidence = services.attach_evidence(
        build.project(build.pairing()), png(), acting_user=None, via="test"
    )
    services.remove_evidence(evidence, reason="重复", acting_user=None, via="test")
    removed_at = Evidence.objects.get(pk=evidence.pk).removed_at

    with pytest.raises(ValidationError, match="该材料已移除"):
        services.remove_evidence(evidence, reason="再次", acting_user=None, via="test")

    assert Evidence.objects.get(pk=evidence.pk).removed_at == removed_at
    removals = AuditEntry.objects.filter(record_id=str(evidence.pk), action="evidence.removed")
    assert removals.count() == 1


def test_it_takes_evidence_after_the_year_is_approved(build):
    pairing = build.pairing()
    flow = build.flow(pairing, "100.00", year=2021)
    for step in ("submitted", "approved"):
        services.move_year(pairing, 2021, step, acting_user=None, via="test")

    evidence = services.attach_evidence(flow, pdf("凭证.pdf"), acting_user=None, via="test")
    services.remove_evidence(evidence, reason="换一份", acting_user=None, via="test")

    assert Evidence.objects.filter(fund_flow=flow).count() == 1
    assert Evidence.objects.get(pk=evidence.pk).removed


# --- closing work with its evidence ---------------------------------------------------------


def task_of(pairing, **fields):
    return services.create_record(
        Task, acting_user=None, via="test", pairing=pairing, title="落实", **fields
    )


def test_it_asks_for_a_file_or_a_note_to_close_a_task(build):
    task = task_of(build.pairing())

    for note in ("", "   "):
        with pytest.raises(ValidationError, match="请上传佐证材料或填写完成情况"):
            services.close_with_evidence(task, note=note, acting_user=None, via="test")
    assert Task.objects.get(pk=task.pk).status == WorkStatus.OPEN


def test_it_adds_the_closing_note_under_the_evidence_already_written(build):
    task = task_of(build.pairing(), evidence="第一阶段已完成")

    services.close_with_evidence(task, note="  全部完成  ", acting_user=None, via="test")

    stored = Task.objects.get(pk=task.pk)
    assert stored.status == WorkStatus.DONE
    assert stored.evidence == "第一阶段已完成\n全部完成"
    entry = AuditEntry.objects.get(record_id=str(task.pk), action="task.updated")
    assert entry.changes["status"] == [WorkStatus.OPEN, WorkStatus.DONE]


def test_it_refuses_to_close_a_task_twice(build):
    task = task_of(build.pairing())
    services.close_with_evidence(task, note="完成", acting_user=None, via="test")

    with pytest.raises(ValidationError, match="该事项已完成"):
        services.close_with_evidence(
            Task.objects.get(pk=task.pk), note="再次", acting_user=None, via="test"
        )
    assert Task.objects.get(pk=task.pk).evidence == "完成"


def test_it_closes_a_task_of_an_approved_year_with_its_file(build):
    pairing = build.pairing()
    task = task_of(pairing, due_date=dt.date(2021, 12, 31))
    for step in ("submitted", "approved"):
        services.move_year(pairing, 2021, step, acting_user=None, via="test")

    services.close_with_evidence(
        task, file=pdf("总结.pdf"), note="按期完成", acting_user=None, via="test"
    )

    stored = Task.objects.get(pk=task.pk)
    assert stored.status == WorkStatus.DONE
    assert stored.evidence_files.get().title == "总结.pdf"


def test_it_leaves_an_obligation_open_and_no_file_when_its_file_is_empty(build, evidence_dir):
    pairing = build.pairing()
    agreement = services.create_record(
        Agreement, acting_user=None, via="test", pairing=pairing, title="协议", kind="other"
    )
    obligation = services.create_record(
        Obligation, acting_user=None, via="test", agreement=agreement, deliverable="交付"
    )
    before = counts()

    with pytest.raises(ValidationError, match="文件是空的"):
        services.close_with_evidence(
            obligation,
            file=SimpleUploadedFile("空.pdf", b""),
            note="已交付",
            acting_user=None,
            via="test",
        )

    stored = Obligation.objects.get(pk=obligation.pk)
    assert (stored.status, stored.evidence) == (WorkStatus.OPEN, "")
    nothing_written(before, evidence_dir)


def test_it_refuses_a_close_by_a_role_that_records_nothing(build):
    pairing = build.pairing()
    task = task_of(pairing)
    viewer = user_with(Role.VIEWER, pairing.helper_region, "ev-viewer")

    with pytest.raises(PermissionDenied):
        services.close_with_evidence(task, note="完成", acting_user=viewer, via="test")
    assert Task.objects.get(pk=task.pk).status == WorkStatus.OPEN
