"""Progress reports (进展报告): dated updates of a project through the service and its page,
shown newest first as a timeline, the project's progress following the newest report; and
"funded with no progress" asking for a report in the last year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from evidence_files import png

from pairaid.ledger import services, status_history
from pairaid.ledger.models import AuditEntry, Project


def jiangyang_project() -> Project:
    return Project.objects.filter(pairing__helper_region__code="510502").order_by("pk").first()


def report(project, day, progress, user=None, **fields):
    return services.record_progress_update(
        project, date=day, progress=progress, text=f"进度{progress}", acting_user=user,
        via="test", **fields,
    )  # fmt: skip


def test_it_records_an_update_audited_and_moves_the_projects_progress(build, admin_user):
    project = build.project(build.pairing())
    update = report(project, dt.date(2022, 5, 1), 30, admin_user, spent_to_date=Decimal("12345.67"))

    entry = AuditEntry.objects.get(record_type="progressupdate", record_id=str(update.pk))
    assert entry.action == "progressupdate.created"
    assert entry.pairing_id == project.pairing_id
    assert entry.changes["spent_to_date"] == "12345.67"
    project.refresh_from_db()
    assert project.progress == 30
    # an older report does not move the project back
    report(project, dt.date(2022, 1, 1), 10)
    project.refresh_from_db()
    assert project.progress == 30


def test_it_refuses_a_report_dated_after_today_or_over_100(build):
    project = build.project(build.pairing())
    with pytest.raises(ValidationError):
        report(project, timezone.localdate() + dt.timedelta(days=1), 10)
    with pytest.raises(ValidationError):
        report(project, dt.date(2022, 1, 1), 101)


def test_it_lets_both_sides_report_and_no_one_else(personas):
    project = jiangyang_project()
    report(project, dt.date(2022, 6, 1), project.progress, personas.yanyuan)
    report(project, dt.date(2022, 6, 2), project.progress, personas.jiangyang)
    with pytest.raises(PermissionDenied):
        report(project, dt.date(2022, 6, 3), 1, personas.viewer)
    with pytest.raises(Exception, match="no such pairing"):
        report(project, dt.date(2022, 6, 3), 1, personas.longmatan)


def test_it_shows_the_updates_as_a_timeline_newest_first(personas):
    project = jiangyang_project()
    client = Client()
    client.force_login(personas.yanyuan)
    address = reverse("web:update_create", args=[project.pk])
    for day, text in (
        ("2021-04-01", "基础完工"),
        ("2022-09-01", "设备安装"),
        ("2022-01-15", "主体封顶"),
    ):
        answer = client.post(
            address,
            {"date": day, "progress": "50", "text": text, "spent_to_date": "1000.00",
             "photo": png()},
        )  # fmt: skip
        assert answer.status_code == 302, answer.content.decode()

    page = client.get(reverse("web:project", args=[project.pk])).content.decode()
    positions = [page.index(text) for text in ("设备安装", "主体封顶", "基础完工")]
    assert positions == sorted(positions)
    photo = project.updates.get(text="设备安装").evidence_files.get()
    assert reverse("web:evidence_thumbnail", args=[photo.pk]) in page
    outsider = Client()
    outsider.force_login(personas.longmatan)
    assert outsider.get(address).status_code == 404


def test_it_finds_funded_projects_without_a_report_in_the_last_year(build):
    pairing = build.pairing()
    quiet = build.project(pairing)
    active = build.project(pairing)
    day = dt.date(2023, 6, 30)
    report(active, dt.date(2023, 1, 10), 40)
    report(quiet, dt.date(2022, 1, 10), 40)  # more than a year before `day`
    projects = Project.objects.filter(pk__in=[quiet.pk, active.pk])

    assert list(status_history.without_recent_update(projects, day)) == [quiet]
    assert set(status_history.without_recent_update(projects, dt.date(2022, 3, 1))) == {active}
