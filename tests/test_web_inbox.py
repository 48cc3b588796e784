"""The to-do inbox (/inbox/), its count on the menu (/inbox/count/) and bulk confirmation,
through HTTP, for offices of a fresh pairing made by the test."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pairaid.accounts.models import Role, RoleAssignment
from pairaid.ledger import services
from pairaid.ledger.models import (
    Agreement,
    AuditEntry,
    Confirmation,
    FundFlow,
    Obligation,
    Posting,
    Task,
)

LAST_YEAR = timezone.localdate().year - 1


@pytest.fixture
def office(build):
    """A pairing with its helper office (helper editor) and recipient office."""
    pairing = build.pairing("待办甲区", "待办乙县")
    users = get_user_model()
    helper = users.objects.create_user("inbox_helper", password="x")
    RoleAssignment.objects.create(
        user=helper, role=Role.HELPER_EDITOR, region=pairing.helper_region
    )
    recipient = users.objects.create_user("inbox_recipient", password="x")
    RoleAssignment.objects.create(
        user=recipient, role=Role.RECIPIENT_EDITOR, region=pairing.recipient_region
    )
    coordinator = users.objects.create_user("inbox_coordinator", password="x")
    RoleAssignment.objects.create(
        user=coordinator, role=Role.COORDINATOR, region=pairing.recipient_region
    )
    return pairing, helper, recipient, coordinator


def section_count(response, key: str) -> int:
    found = re.search(rf'data-kind="{key}" data-count="(\d+)"', response.content.decode())
    return int(found[1]) if found else -1


def transfers(build, pairing, amounts: list[str]) -> list[FundFlow]:
    return [
        build.flow(pairing, amount, year=LAST_YEAR, day=dt.date(LAST_YEAR, 3, 1 + i))
        for i, amount in enumerate(amounts)
    ]


def test_it_lists_money_and_postings_to_confirm_for_the_recipient_side(client, build, office):
    pairing, helper, recipient, _ = office
    flows = transfers(build, pairing, ["1000.00", "2000.00"])
    posting = build.posting(build.person("待办张三"), pairing, dt.date(LAST_YEAR, 1, 5))
    client.force_login(recipient)
    page = client.get("/inbox/")
    assert page.status_code == 200
    assert section_count(page, "money") == len(flows)
    assert section_count(page, "postings") == 1
    text = page.content.decode()
    for flow in flows:
        assert f"/funds/{flow.pk}/" in text
    assert f"/people/{posting.person_id}/" in text
    # the helper side records money; it does not confirm it
    client.force_login(helper)
    assert section_count(client.get("/inbox/"), "money") == -1


def test_it_shows_nothing_of_a_pairing_outside_the_users_scope(client, build, office, personas):
    pairing, *_ = office
    transfers(build, pairing, ["1000.00"])
    client.force_login(personas.yanyuan)  # a recipient office of another pairing
    page = client.get("/inbox/")
    assert "待办甲区" not in page.content.decode()
    client.force_login(personas.outsider)
    assert "data-kind" not in client.get("/inbox/").content.decode()


def test_it_lists_overdue_work_postings_past_their_end_and_expiring_agreements(
    client, build, office
):
    pairing, helper, *_ = office
    today = timezone.localdate()
    create = services.create_record
    task = create(
        Task,
        acting_user=None,
        via="test",
        pairing=pairing,
        title="逾期清单事项",
        due_date=today - dt.timedelta(days=3),
    )
    create(
        Task,
        acting_user=None,
        via="test",
        pairing=pairing,
        title="未到期事项",
        due_date=today + dt.timedelta(days=3),
    )
    agreement = create(
        Agreement,
        acting_user=None,
        via="test",
        pairing=pairing,
        title="将到期协议",
        kind=Agreement.Kind.ANNUAL,
        status=Agreement.Status.IN_FORCE,
        signed_date=today - dt.timedelta(days=300),
        term_end=today + dt.timedelta(days=30),
    )
    obligation = create(
        Obligation,
        acting_user=None,
        via="test",
        agreement=agreement,
        deliverable="逾期履约",
        due_date=today - dt.timedelta(days=1),
    )
    posting = build.posting(
        build.person("期满李四"),
        pairing,
        today - dt.timedelta(days=800),
        planned_end=today - dt.timedelta(days=10),
    )
    client.force_login(helper)
    page = client.get("/inbox/")
    text = page.content.decode()
    assert section_count(page, "tasks") == 1
    assert f"/tasks/{task.pk}/" in text
    assert section_count(page, "obligations") == 1
    assert f"/obligations/{obligation.pk}/edit/" in text
    assert section_count(page, "expiring") == 1
    assert f"/agreements/{agreement.pk}/" in text
    assert section_count(page, "past_end") == 1
    assert f"/postings/{posting.pk}/edit/" in text


def test_it_warns_of_an_unusual_amount_and_a_funded_project_without_progress(client, build, office):
    pairing, helper, *_ = office
    usual = transfers(build, pairing, ["1000.00", "1200.00", "900.00", "1100.00"])
    mean = sum((f.amount for f in usual), Decimal("0.00")) / len(usual)
    unusual = build.flow(pairing, str(mean * 11), year=LAST_YEAR, day=dt.date(LAST_YEAR, 5, 1))
    today = timezone.localdate()
    stalled = build.project(pairing, start=today - dt.timedelta(days=400), progress=0)
    moving = build.project(pairing, start=today - dt.timedelta(days=400), progress=30)
    for project in (stalled, moving):
        build.flow(
            pairing,
            "500.00",
            kind=FundFlow.Kind.ALLOCATE,
            year=LAST_YEAR,
            day=dt.date(LAST_YEAR, 6, 1),
            project=project,
        )
    client.force_login(helper)
    page = client.get("/inbox/")
    text = page.content.decode()
    assert section_count(page, "unusual") == 1
    assert f"/funds/{unusual.pk}/" in text
    assert all(f"/funds/{f.pk}/" not in text for f in usual)
    assert section_count(page, "stalled") == 1
    assert f"/projects/{stalled.pk}/edit/" in text
    assert f"/projects/{moving.pk}/edit/" not in text


def test_it_lists_submitted_years_for_the_coordinator(client, build, office):
    pairing, *_, coordinator = office
    services.move_year(pairing, LAST_YEAR, "submitted", acting_user=None, via="test")
    client.force_login(coordinator)
    page = client.get("/inbox/")
    assert section_count(page, "years") == 1
    assert f"/pairings/{pairing.pk}/years/" in page.content.decode()


def test_it_counts_in_the_same_queries_whatever_the_ledger_holds(client, build, office):
    pairing, _, recipient, _ = office
    transfers(build, pairing, ["100.00"])
    client.force_login(recipient)
    with CaptureQueriesContext(connection) as few:
        small = client.get("/inbox/count/")
    transfers(build, pairing, [f"{100 + i}.00" for i in range(12)])
    build.posting(build.person("计数赵六"), pairing, dt.date(LAST_YEAR, 2, 1))
    with CaptureQueriesContext(connection) as many:
        large = client.get("/inbox/count/")
    assert len(many.captured_queries) == len(few.captured_queries)
    assert 'data-inbox-count="1"' in small.content.decode()
    assert 'data-inbox-count="14"' in large.content.decode()
    # the page itself does not count: the menu fetches the count after it (htmx)
    assert 'hx-get="/inbox/count/"' in client.get("/inbox/").content.decode()


def test_it_confirms_the_chosen_records_only_after_asking(client, build, office):
    pairing, _, recipient, _ = office
    flows = transfers(build, pairing, ["100.00", "200.00", "300.00"])
    posting = build.posting(build.person("确认王五"), pairing, dt.date(LAST_YEAR, 2, 1))
    chosen = {"fund": [flows[0].pk, flows[1].pk], "posting": [posting.pk]}
    client.force_login(recipient)
    asked = client.post("/inbox/confirm/", chosen)
    assert asked.status_code == 200
    assert 'name="sure" value="1"' in asked.content.decode()
    assert FundFlow.objects.filter(pk=flows[0].pk, confirmation=Confirmation.CONFIRMED).count() == 0
    done = client.post("/inbox/confirm/", {**chosen, "sure": "1"})
    assert done.status_code == 302
    confirmed = FundFlow.objects.filter(pk__in=[f.pk for f in flows]).values_list(
        "confirmation", flat=True
    )
    assert sorted(confirmed) == sorted(
        [Confirmation.CONFIRMED, Confirmation.CONFIRMED, Confirmation.UNCONFIRMED]
    )
    assert Posting.objects.get(pk=posting.pk).confirmation == Confirmation.CONFIRMED
    entries = AuditEntry.objects.filter(action__endswith=".confirmed", user=recipient)
    assert entries.count() == len(chosen["fund"]) + len(chosen["posting"])


def test_it_confirms_none_when_one_cannot_be(client, build, office):
    pairing, _, recipient, _ = office
    early = build.flow(pairing, "100.00", year=LAST_YEAR - 1, day=dt.date(LAST_YEAR - 1, 3, 1))
    late = build.flow(pairing, "200.00", year=LAST_YEAR, day=dt.date(LAST_YEAR, 3, 1))
    services.move_year(pairing, LAST_YEAR, "submitted", acting_user=None, via="test")
    services.move_year(pairing, LAST_YEAR, "approved", acting_user=None, via="test")
    client.force_login(recipient)
    client.post("/inbox/confirm/", {"fund": [early.pk, late.pk], "sure": "1"})
    states = set(
        FundFlow.objects.filter(pk__in=[early.pk, late.pk]).values_list("confirmation", flat=True)
    )
    assert states == {Confirmation.UNCONFIRMED}


def test_it_refuses_bulk_confirmation_to_those_who_do_not_confirm(client, build, office):
    pairing, helper, *_ = office
    flows = transfers(build, pairing, ["100.00"])
    client.force_login(helper)
    response = client.post("/inbox/confirm/", {"fund": [flows[0].pk], "sure": "1"})
    assert response.status_code == 403
    assert FundFlow.objects.get(pk=flows[0].pk).confirmation == Confirmation.UNCONFIRMED


def test_it_requires_login(client):
    assert client.get("/inbox/").status_code == 302
    assert client.get("/inbox/count/").status_code == 302


def test_it_puts_the_inbox_on_the_menu(client, personas):
    client.force_login(personas.yanyuan)
    page = client.get("/projects/").content.decode()
    assert 'href="/inbox/"' in page
