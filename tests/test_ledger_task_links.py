"""A task (清单事项) names the event and the agreement it came from: an event of its own pairing
or of the pairing above it (a city's joint meeting sets its districts' tasks), an agreement of
its own pairing. The API and the importer always looked them up there; the rule is the task's
own (`Task.clean()`), so the pages, the admin and the services refuse a task tied to another
pairing's event or agreement too, in the same words."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from pairaid.accounts.models import Role, RoleAssignment
from pairaid.ledger import services
from pairaid.ledger.models import Agreement, AuditEntry, Event, Region, Task


def create(model, **fields):
    return services.create_record(model, acting_user=None, via="test", **fields)


def event_of(pairing):
    return create(
        Event,
        pairing=pairing,
        kind="joint_meeting",
        title="联席会议",
        start_date=dt.date(2022, 12, 2),
    )


def agreement_of(pairing):
    return create(Agreement, pairing=pairing, title="框架协议", kind="framework")


@pytest.fixture
def tree(build):
    """A city's pairing with two district pairings under it."""
    top = build.pairing(
        "市甲",
        "州乙",
    )
    return {
        "top": top,
        "first": build.pairing("区丙", "县丁", parent=top),
        "second": build.pairing("区戊", "县己", parent=top),
    }


def refused(field, message, **fields):
    before = Task.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        create(Task, title="事项", **fields)
    assert caught.value.message_dict[field] == [message]
    assert (Task.objects.count(), AuditEntry.objects.count()) == before


def test_it_takes_an_event_of_the_tasks_pairing_or_of_the_pairing_above(tree):
    for event in (event_of(tree["first"]), event_of(tree["top"])):
        task = create(Task, pairing=tree["first"], title="落实", event=event)
        assert Task.objects.get(pk=task.pk).event_id == event.pk


def test_it_refuses_an_event_of_a_sibling_a_child_or_an_unrelated_pairing(tree, build):
    child = build.pairing("镇庚", "村辛", parent=tree["first"])
    for pairing in (tree["second"], build.pairing()):
        refused("event", "活动不属于该结对关系", pairing=tree["first"], event=event_of(pairing))
    refused("event", "活动不属于该结对关系", pairing=tree["top"], event=event_of(child))


def test_it_takes_an_agreement_of_the_tasks_own_pairing_only(tree):
    own = agreement_of(tree["first"])
    task = create(Task, pairing=tree["first"], title="履约", agreement=own)
    assert Task.objects.get(pk=task.pk).agreement_id == own.pk

    for pairing in (tree["top"], tree["second"]):
        refused(
            "agreement",
            "协议不属于该结对关系",
            pairing=tree["first"],
            agreement=agreement_of(pairing),
        )


def test_it_refuses_moving_a_task_away_from_its_event(tree):
    task = create(Task, pairing=tree["first"], title="落实", event=event_of(tree["first"]))

    with pytest.raises(ValidationError) as caught:
        services.update_record(task, acting_user=None, via="test", pairing=tree["second"])

    assert caught.value.message_dict["event"] == ["活动不属于该结对关系"]
    assert Task.objects.get(pk=task.pk).pairing_id == tree["first"].pk


def test_it_refuses_another_pairings_event_on_the_task_page(client, tree):
    """A city's helper editor records for both districts: the page offers both districts'
    events, and must not tie one district's task to the other's meeting."""
    editor = get_user_model().objects.create_user("task-editor", password="x")
    city = Region.objects.get(pk=tree["top"].helper_region_id)
    services.update_record(
        Region.objects.get(pk=tree["first"].helper_region_id),
        acting_user=None,
        via="test",
        parent=city,
    )
    services.update_record(
        Region.objects.get(pk=tree["second"].helper_region_id),
        acting_user=None,
        via="test",
        parent=city,
    )
    RoleAssignment.objects.create(user=editor, role=Role.HELPER_EDITOR, region=city)
    client.force_login(editor)
    foreign = event_of(tree["second"])

    response = client.post(
        "/tasks/new/",
        {
            "pairing": tree["first"].pk,
            "title": "跨区事项",
            "status": "open",
            "event": foreign.pk,
        },
    )

    assert response.status_code == 400  # the page's answer to a refused form
    assert "活动不属于该结对关系" in response.content.decode()
    assert not Task.objects.filter(title="跨区事项").exists()

    own = event_of(tree["first"])
    done = client.post(
        "/tasks/new/",
        {"pairing": tree["first"].pk, "title": "本区事项", "status": "open", "event": own.pk},
    )
    assert done.status_code == 302
    assert Task.objects.get(title="本区事项").event_id == own.pk
