"""The year lock beyond "an approved year refuses its records" (tests/test_year_lock_rules.py):
what goes on in a locked year (a posting's departure, an agreement's or a task's status), a
record moved into or out of a locked year, records with no year yet, a year only submitted or
returned, other pairings and other years, and a batch with one locked row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pairaid.ledger import locks, services
from pairaid.ledger.models import (
    Agreement,
    AgreementParty,
    AuditEntry,
    Organisation,
    PairingYear,
    Posting,
    Project,
    Task,
    Team,
)

YEAR = 2021
LOCKED = "已审核锁定"


def approve(pairing, year=YEAR):
    for step in ("submitted", "approved"):
        services.move_year(pairing, year, step, acting_user=None, via="test")


def create(model, **fields):
    return services.create_record(model, acting_user=None, via="test", **fields)


def update(obj, **changes):
    return services.update_record(obj, acting_user=None, via="test", **changes)


def refused_update(obj, **changes):
    """The change is refused as locked; the stored record and the trail stay as they were."""
    before = {name: getattr(type(obj).objects.get(pk=obj.pk), name) for name in changes}
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError, match=LOCKED):
        update(obj, **changes)
    stored = type(obj).objects.get(pk=obj.pk)
    assert {name: getattr(stored, name) for name in changes} == before
    assert AuditEntry.objects.count() == entries


def agreement(pairing, **fields):
    fields.setdefault("status", Agreement.Status.SIGNED)
    fields.setdefault("signed_date", dt.date(YEAR, 5, 1))
    return create(Agreement, pairing=pairing, title="协议", kind="annual", **fields)


# --- which year a record is in -------------------------------------------------------------


def test_it_tells_the_record_and_the_year_that_decide_a_lock(build):
    pairing = build.pairing()
    signed = agreement(pairing)
    draft = agreement(pairing, status=Agreement.Status.DRAFT, signed_date=None)
    organisation = create(
        Organisation, name="某公司", region=pairing.recipient_region, kind="enterprise"
    )
    party = create(AgreementParty, agreement=signed, organisation=organisation, role="party_a")
    project = build.project(pairing, start=dt.date(2022, 3, 1))

    assert locks.locked_year(signed) == (signed, YEAR)
    assert locks.locked_year(party) == (signed, YEAR)  # a party is in its agreement's year
    assert locks.locked_year(draft) is None  # no signing date: no year yet
    assert locks.locked_year(project) == (project, 2022)
    assert locks.locked_year(project, ["progress"]) is None  # progress goes on
    assert locks.locked_year(project, ["progress", "name"]) == (project, 2022)
    assert locks.locked_year(pairing) is None


def test_it_lists_exactly_the_approved_years(build):
    first, second = build.pairing(), build.pairing()
    approve(first, 2020)
    approve(second, 2021)
    services.move_year(first, 2022, "submitted", acting_user=None, via="test")

    approved = locks.approved_years()
    assert {(first.pk, 2020), (second.pk, 2021)} <= approved
    assert (first.pk, 2022) not in approved
    assert approved == set(
        PairingYear.objects.filter(status="approved").values_list("pairing_id", "year")
    )


# --- what goes on in a locked year ---------------------------------------------------------


def test_it_lets_a_posting_end_in_a_locked_year_but_not_be_rewritten(build):
    pairing = build.pairing()
    posting = build.posting(build.person(), pairing, dt.date(YEAR, 3, 1))
    approve(pairing)

    update(posting, status=Posting.Status.COMPLETED, actual_end=dt.date(2023, 3, 1))
    stored = Posting.objects.get(pk=posting.pk)
    assert (stored.status, stored.actual_end) == ("completed", dt.date(2023, 3, 1))

    refused_update(stored, planned_end=dt.date(2023, 6, 1))
    refused_update(stored, post="副县长", status=Posting.Status.EXTENDED)


def test_it_lets_an_agreement_change_status_in_a_locked_year_but_nothing_else(build):
    pairing = build.pairing()
    signed = agreement(pairing)
    approve(pairing)

    update(signed, status=Agreement.Status.IN_FORCE)
    assert Agreement.objects.get(pk=signed.pk).status == "in_force"
    refused_update(Agreement.objects.get(pk=signed.pk), title="改名")
    refused_update(Agreement.objects.get(pk=signed.pk), amount=Decimal("10.00"))


def test_it_lets_a_task_be_done_in_a_locked_year_with_its_evidence(build):
    pairing = build.pairing()
    task = create(Task, pairing=pairing, title="落实", due_date=dt.date(YEAR, 12, 31))
    approve(pairing)

    update(task, status="done", evidence="验收报告")
    stored = Task.objects.get(pk=task.pk)
    assert (stored.status, stored.evidence) == ("done", "验收报告")
    refused_update(stored, title="改事项")
    with pytest.raises(ValidationError, match=LOCKED):
        services.delete_record(stored, acting_user=None, via="test")
    assert Task.objects.filter(pk=task.pk).exists()


def test_it_lets_a_project_report_progress_and_outcomes_in_its_locked_start_year(build):
    pairing = build.pairing()
    project = build.project(pairing, start=dt.date(YEAR, 3, 1))
    approve(pairing)

    update(project, progress=80, outcomes="受益农户增收")
    assert Project.objects.get(pk=project.pk).progress == 80
    refused_update(Project.objects.get(pk=project.pk), planned_budget=Decimal("5.00"))


# --- records moved between years -----------------------------------------------------------


def test_it_refuses_to_move_a_record_into_a_locked_year(build):
    pairing = build.pairing()
    project = build.project(pairing, start=dt.date(2022, 3, 1))
    task = create(Task, pairing=pairing, title="无时限")
    approve(pairing)

    refused_update(project, start_date=dt.date(YEAR, 3, 1))
    refused_update(task, due_date=dt.date(YEAR, 6, 30))
    assert Task.objects.get(pk=task.pk).due_date is None


def test_it_refuses_to_move_a_record_out_of_a_locked_year(build):
    pairing = build.pairing()
    project = build.project(pairing, start=dt.date(YEAR, 3, 1))
    approve(pairing)

    refused_update(project, start_date=dt.date(2022, 3, 1))
    assert Project.objects.get(pk=project.pk).start_date == dt.date(YEAR, 3, 1)


def test_it_refuses_to_sign_a_draft_into_a_locked_year(build):
    pairing = build.pairing()
    draft = agreement(pairing, status=Agreement.Status.DRAFT, signed_date=None)
    approve(pairing)

    update(draft, title="草拟中也可改名")  # no year yet: not locked
    refused_update(
        Agreement.objects.get(pk=draft.pk),
        status=Agreement.Status.SIGNED,
        signed_date=dt.date(YEAR, 8, 1),
    )
    update(
        Agreement.objects.get(pk=draft.pk),
        status=Agreement.Status.SIGNED,
        signed_date=dt.date(2022, 8, 1),
    )


def test_it_locks_an_agreements_parties_with_it(build):
    pairing = build.pairing()
    signed = agreement(pairing)
    organisation = create(Organisation, name="乙方", region=pairing.recipient_region, kind="other")
    party = create(AgreementParty, agreement=signed, organisation=organisation, role="party_b")
    approve(pairing)

    with pytest.raises(ValidationError, match=LOCKED):
        create(AgreementParty, agreement=signed, organisation=organisation, role="witness")
    with pytest.raises(ValidationError, match=LOCKED):
        services.delete_record(party, acting_user=None, via="test")
    with pytest.raises(ValidationError, match=LOCKED):
        services.delete_record(signed, acting_user=None, via="test")
    assert AgreementParty.objects.filter(agreement=signed).count() == 1


def test_it_refuses_to_change_a_teams_schools_in_a_locked_year(build):
    pairing = build.pairing()
    team = create(Team, pairing=pairing, name="教师团队", start_date=dt.date(YEAR, 9, 1))
    school = create(Organisation, name="某中学", region=pairing.recipient_region, kind="school")
    approve(pairing)

    with pytest.raises(ValidationError, match=LOCKED):
        services.set_related(team, "to_organisations", [school], acting_user=None, via="test")
    assert not team.to_organisations.exists()


# --- what a lock does not reach -------------------------------------------------------------


def test_it_locks_only_the_approved_year_of_the_approved_pairing(build):
    pairing, other = build.pairing(), build.pairing()
    approve(pairing)

    build.flow(pairing, "1.00", year=YEAR + 1)
    build.flow(pairing, "1.00", year=YEAR - 1)
    build.flow(other, "1.00", year=YEAR)
    with pytest.raises(ValidationError, match=f"{YEAR}年的数据已审核锁定"):
        build.flow(pairing, "1.00", year=YEAR)


@pytest.mark.parametrize("steps", [["submitted"], ["submitted", "returned"]])
def test_it_leaves_a_submitted_or_returned_year_open(build, steps):
    pairing = build.pairing()
    for step in steps:
        services.move_year(pairing, YEAR, step, acting_user=None, via="test", comment="退回")

    flow = build.flow(pairing, "1.00", year=YEAR)
    assert flow.pk is not None


def test_it_locks_a_coordinating_pairings_year_but_not_its_childrens(build):
    top = build.pairing()
    child = build.pairing(parent=top)
    approve(top)

    assert build.flow(child, "1.00", year=YEAR).pk is not None
    with pytest.raises(ValidationError, match=LOCKED):
        build.flow(top, "1.00", year=YEAR)


# --- many records at once -------------------------------------------------------------------


def test_it_writes_none_of_a_batch_with_one_row_in_a_locked_year(build):
    pairing, other = build.pairing(), build.pairing()
    approve(pairing)
    rows = [
        {
            "pairing": p,
            "code": f"B-{n}",
            "name": "项目",
            "sector": "industry",
            "mode": "direct_aid",
            "status": "in_progress",
            "start_date": dt.date(year, 3, 1),
        }
        for n, (p, year) in enumerate([(other, YEAR), (pairing, YEAR + 1), (pairing, YEAR)])
    ]
    before = Project.objects.count(), AuditEntry.objects.count()

    with pytest.raises(ValidationError, match=LOCKED):
        services.bulk_create_records(Project, rows, acting_user=None, via="import")
    assert (Project.objects.count(), AuditEntry.objects.count()) == before

    made = services.bulk_create_records(Project, rows[:2], acting_user=None, via="import")
    assert len(made) == 2


def test_it_deletes_none_of_a_batch_with_one_record_in_a_locked_year(build):
    pairing = build.pairing()
    open_one = build.project(pairing, start=dt.date(YEAR + 1, 3, 1))
    locked_one = build.project(pairing, start=dt.date(YEAR, 3, 1))
    approve(pairing)

    with pytest.raises(ValidationError, match=LOCKED):
        services.bulk_delete_records(
            Project, [open_one, locked_one], acting_user=None, via="import"
        )
    assert Project.objects.filter(pk__in=[open_one.pk, locked_one.pk]).count() == 2
    assert not AuditEntry.objects.filter(action="project.deleted", pairing=pairing).exists()
