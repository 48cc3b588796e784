"""Many records at once (`services.bulk_create_records`, the demo's and the importer's door):
rows given as field values or as unsaved records, one audit entry each, a project's first
status and a pairing's place in the tree kept as one by one, and what a caller that validated
the rows itself (`validated=True`) still cannot get past: access, the year lock, the recipient's
answer and the database's own rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from pairaid.accounts.models import Role, RoleAssignment
from pairaid.ledger import access, services
from pairaid.ledger.messages import integrity_message
from pairaid.ledger.models import (
    AuditEntry,
    Confirmation,
    Pairing,
    Posting,
    Project,
    ProjectStatusChange,
)


def project_row(pairing, code, **fields):
    return {
        "pairing": pairing,
        "code": code,
        "name": "批量项目",
        "sector": "education",
        "mode": "capacity_building",
        **fields,
    }


def written():
    return Project.objects.count(), AuditEntry.objects.count()


def test_it_takes_field_values_and_unsaved_records_alike_each_audited(build, admin_user):
    pairing = build.pairing()
    rows = [
        project_row(pairing, "BK-1"),
        Project(**project_row(pairing, "BK-2")),
        project_row(pairing, "BK-3", status="in_progress", start_date=dt.date(2022, 4, 1)),
    ]

    made = services.bulk_create_records(Project, rows, acting_user=admin_user, via="import")

    assert [p.code for p in made] == ["BK-1", "BK-2", "BK-3"]
    assert all(p.pk for p in made)
    for project in made:
        entry = AuditEntry.objects.get(record_id=str(project.pk), record_type="project")
        assert (entry.action, entry.user, entry.actor) == ("project.created", admin_user, "import")
        assert entry.pairing_id == pairing.pk
        assert entry.changes["code"] == project.code


def test_it_keeps_the_first_status_of_each_project_as_one_by_one_does(build):
    pairing = build.pairing()
    started = dt.date(2022, 4, 1)
    one = build.project(pairing, code="ONE", status="in_progress", start=started)

    many = services.bulk_create_records(
        Project,
        [project_row(pairing, "MANY", status="in_progress", start_date=started)],
        acting_user=None,
        via="import",
    )[0]

    def history(project):
        return list(
            ProjectStatusChange.objects.filter(project=project).values_list(
                "status", "effective_on"
            )
        )

    assert history(many) == history(one)
    assert history(many)  # a started project's status is kept from its start


def test_it_places_pairings_made_at_once_in_the_tree(build):
    top = build.pairing()
    rows = [
        {
            "parent": top,
            "helper_region": build.region(f"批区{n}"),
            "recipient_region": build.region(f"批县{n}"),
            "scheme": Pairing.Scheme.OTHER,
            "valid_from": dt.date(2021, 1, 1),
        }
        for n in range(2)
    ]

    made = services.bulk_create_records(Pairing, rows, acting_user=None, via="import")

    assert top.descendant_ids() == [p.pk for p in made]
    assert [p.name for p in made] == [
        f"{r['helper_region'].name}→{r['recipient_region'].name}" for r in rows
    ]


def test_it_still_checks_access_for_rows_validated_by_the_caller(build):
    pairing = build.pairing()
    viewer = get_user_model().objects.create_user("bulk-viewer", password="x")
    RoleAssignment.objects.create(user=viewer, role=Role.VIEWER, region=pairing.helper_region)
    stranger = get_user_model().objects.create_user("bulk-stranger", password="x")
    RoleAssignment.objects.create(user=stranger, role=Role.HELPER_EDITOR, region=build.region("外"))
    rows = [Project(**project_row(pairing, "ACC-1"))]
    before = written()

    with pytest.raises(PermissionDenied):
        services.bulk_create_records(
            Project, rows, acting_user=viewer, via="import", validated=True
        )
    with pytest.raises(access.OutOfScope):
        services.bulk_create_records(
            Project, rows, acting_user=stranger, via="import", validated=True
        )
    assert written() == before


def test_it_still_checks_the_year_lock_for_rows_validated_by_the_caller(build):
    pairing = build.pairing()
    for step in ("submitted", "approved"):
        services.move_year(pairing, 2022, step, acting_user=None, via="test")
    rows = [
        Project(
            **project_row(pairing, "LCK-1", status="in_progress", start_date=dt.date(2022, 5, 1))
        )
    ]
    before = written()

    with pytest.raises(ValidationError, match="2022年的数据已审核锁定"):
        services.bulk_create_records(Project, rows, acting_user=None, via="import", validated=True)
    assert written() == before


def test_it_lets_no_user_record_an_arrival_already_confirmed(build):
    pairing = build.pairing()
    helper = get_user_model().objects.create_user("bulk-helper", password="x")
    RoleAssignment.objects.create(
        user=helper, role=Role.HELPER_EDITOR, region=pairing.helper_region
    )
    row = {
        "person": build.person(),
        "pairing": pairing,
        "start_date": dt.date(2022, 3, 1),
        "confirmation": Confirmation.CONFIRMED,
    }

    with pytest.raises(PermissionDenied, match="须由受援方通过确认功能确认"):
        services.bulk_create_records(Posting, [row], acting_user=helper, via="import")
    assert not Posting.objects.filter(pairing=pairing).exists()


def test_it_leaves_the_databases_rules_to_refuse_what_a_caller_wrongly_validated(build):
    pairing = build.pairing()
    rows = [
        Project(**project_row(pairing, "DB-1")),
        Project(
            **project_row(
                pairing,
                "DB-2",
                status="completed",
                start_date=dt.date(2022, 5, 2),
                end_date=dt.date(2022, 5, 1),
            )
        ),
    ]
    before = written()

    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        services.bulk_create_records(Project, rows, acting_user=None, via="import", validated=True)

    assert integrity_message(caught.value) == "完工日期不能早于开工日期"
    assert written() == before
