"""The evidence pages: upload from a record's page, files and thumbnails served only in
scope (404 for outsiders and other pairings' users), removal with a reason, a posting's and
an obligation's evidence, and closing a task with its evidence."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from evidence_files import exe, pdf, png

from pairaid.ledger import services
from pairaid.ledger.models import (
    Agreement,
    AuditEntry,
    Event,
    Evidence,
    FundFlow,
    Obligation,
    Posting,
    Project,
    Task,
    WorkStatus,
)

JIANGYANG = {"pairing__helper_region__code": "510502"}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def project() -> Project:
    return Project.objects.filter(**JIANGYANG).order_by("pk").first()


def test_it_uploads_a_photo_from_the_project_page_and_shows_its_thumbnail(personas):
    record = project()
    client = client_for(personas.jiangyang)
    page = client.get(reverse("web:project", args=[record.pk]))
    assert "佐证材料" in page.content.decode()
    upload = reverse("web:evidence_upload", args=["projects", record.pk])
    assert upload in page.content.decode()

    answer = client.post(upload, {"file": png(), "title": "开工现场", "kind": "photo"})

    assert answer.status_code == 302
    evidence = Evidence.objects.get(project=record)
    page = client.get(reverse("web:project", args=[record.pk])).content.decode()
    assert "开工现场" in page
    assert reverse("web:evidence_thumbnail", args=[evidence.pk]) in page
    thumb = client.get(reverse("web:evidence_thumbnail", args=[evidence.pk]))
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert b"".join(thumb.streaming_content).startswith(b"\xff\xd8\xff")


def test_it_refuses_a_renamed_program_on_the_page(personas):
    record = project()
    answer = client_for(personas.jiangyang).post(
        reverse("web:evidence_upload", args=["projects", record.pk]),
        {"file": exe(), "title": "凭证", "kind": "voucher"},
    )
    assert answer.status_code == 400
    assert "不支持该文件类型" in answer.content.decode()
    assert not Evidence.objects.filter(project=record).exists()


def test_it_serves_a_file_only_in_scope(personas):
    evidence = services.attach_evidence(
        project(), pdf(), title="拨付凭证", acting_user=personas.jiangyang, via="test"
    )
    address = reverse("web:evidence_file", args=[evidence.pk])

    for user in (personas.jiangyang, personas.yanyuan, personas.luzhou, personas.viewer):
        answer = client_for(user).get(address)
        assert answer.status_code == 200, user
        assert answer["Content-Type"] == "application/pdf"
        assert answer["X-Content-Type-Options"] == "nosniff"
    for user in (personas.longmatan, personas.puge, personas.outsider):
        assert client_for(user).get(address).status_code == 404, user
    assert Client().get(address).status_code == 302  # to the login page
    upload = reverse("web:evidence_upload", args=["projects", evidence.project_id])
    assert client_for(personas.longmatan).post(upload, {"file": pdf()}).status_code == 404


def test_it_removes_a_file_with_a_reason_and_hides_it(personas):
    evidence = services.attach_evidence(
        project(), pdf(), title="旧凭证", acting_user=personas.jiangyang, via="test"
    )
    client = client_for(personas.jiangyang)
    address = reverse("web:evidence_remove", args=[evidence.pk])
    assert client.post(address, {"reason": ""}).status_code == 400

    answer = client.post(address, {"reason": "重复上传"})

    assert answer.status_code == 302
    assert AuditEntry.objects.filter(record_id=str(evidence.pk), action="evidence.removed")
    page = client.get(reverse("web:project", args=[evidence.project_id])).content.decode()
    file = reverse("web:evidence_file", args=[evidence.pk])
    assert file not in page
    assert client.get(file).status_code == 404
    assert client_for(personas.sichuan_auditor).get(file).status_code == 200
    assert client_for(personas.viewer).post(address, {"reason": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("model", "page"),
    [(FundFlow, "web:fund"), (Agreement, "web:agreement"), (Event, "web:event")],
)
def test_it_shows_the_evidence_section_on_each_record_page(personas, model, page):
    record = model.objects.order_by("pk").first()
    services.attach_evidence(record, pdf(), title="附件甲", acting_user=personas.admin, via="test")
    content = client_for(personas.admin).get(reverse(page, args=[record.pk])).content
    assert "附件甲" in content.decode()


def test_it_keeps_a_postings_and_an_obligations_evidence_on_their_page(personas):
    posting = Posting.objects.filter(**JIANGYANG).order_by("pk").first()
    client = client_for(personas.jiangyang)
    person_page = client.get(reverse("web:person", args=[posting.person_id])).content.decode()
    address = reverse("web:record_evidence", args=["postings", posting.pk])
    assert address in person_page
    client.post(
        reverse("web:evidence_upload", args=["postings", posting.pk]),
        {"file": pdf(), "title": "到岗报到单", "kind": "other"},
    )
    assert "到岗报到单" in client.get(address).content.decode()
    assert client_for(personas.longmatan).get(address).status_code == 404

    agreement = Agreement.objects.filter(**JIANGYANG).order_by("pk").first()
    obligation = services.create_record(
        Obligation, acting_user=None, via="test", agreement=agreement, deliverable="互派干部"
    )
    address = reverse("web:record_evidence", args=["obligations", obligation.pk])
    assert address in client.get(reverse("web:agreement", args=[agreement.pk])).content.decode()
    assert client.get(address).status_code == 200


def test_it_closes_a_task_with_its_evidence(personas):
    record = project()
    task = services.create_record(
        Task, acting_user=None, via="test", pairing=record.pairing, title="组织劳务培训"
    )
    client = client_for(personas.jiangyang)
    address = reverse("web:close_with_evidence", args=["tasks", task.pk])
    assert address in client.get(reverse("web:task", args=[task.pk])).content.decode()
    assert client.post(address, {"note": ""}).status_code == 400

    answer = client.post(address, {"note": "培训120人次", "file": pdf("签到表.pdf")})

    assert answer.status_code == 302
    task.refresh_from_db()
    assert task.status == WorkStatus.DONE
    assert task.evidence_files.get().original_name == "签到表.pdf"
    assert client_for(personas.viewer).get(address).status_code == 403
