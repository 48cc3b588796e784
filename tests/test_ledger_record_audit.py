"""What the record services leave in the audit trail beyond a plain create, update and delete
(tests/test_services.py): the parts deleted with a record, batches deleted or refused whole,
many-to-many members, a pairing moved in the tree, and the edit made on an older version
(`StaleRecord`), which tells the user what the other user changed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pairaid.ledger import services
from pairaid.ledger.models import (
    Agreement,
    AgreementParty,
    AuditEntry,
    Event,
    EventParticipant,
    FundFlow,
    Organisation,
    Person,
    Project,
    Team,
)


def create(model, **fields):
    return services.create_record(model, acting_user=None, via="test", **fields)


def entries_of(obj, action=None):
    entries = AuditEntry.objects.filter(record_type=obj._meta.model_name, record_id=str(obj.pk))
    return entries.filter(action=action) if action else entries


def event_with_participants(pairing, names):
    event = create(
        Event, pairing=pairing, kind="visit", title="调研", start_date=dt.date(2022, 12, 1)
    )
    parts = [create(EventParticipant, event=event, name=name, title="副县长") for name in names]
    return event, parts


# --- parts that go with a record ------------------------------------------------------------


def test_it_audits_each_part_deleted_with_its_record_before_the_record(build):
    pairing = build.pairing()
    event, parts = event_with_participants(pairing, ["甲", "乙"])
    part_pks = [part.pk for part in parts]

    services.delete_record(event, acting_user=None, via="web")

    assert not EventParticipant.objects.filter(pk__in=part_pks).exists()
    deleted = list(
        AuditEntry.objects.filter(pairing=pairing, action__endswith=".deleted").order_by("id")
    )
    assert [e.action for e in deleted] == [
        "eventparticipant.deleted",
        "eventparticipant.deleted",
        "event.deleted",
    ]
    assert {e.record_id for e in deleted[:2]} == {str(pk) for pk in part_pks}
    assert {e.changes["name"] for e in deleted[:2]} == {"甲", "乙"}
    assert all(e.actor == "web" for e in deleted)


def test_it_deletes_a_batch_with_its_parts_each_audited(build):
    pairing = build.pairing()
    first, first_parts = event_with_participants(pairing, ["丙"])
    second, second_parts = event_with_participants(pairing, ["丁", "戊"])

    services.bulk_delete_records(Event, [first, second], acting_user=None, via="import")

    assert not Event.objects.filter(pk__in=[first.pk, second.pk]).exists()
    for part in [*first_parts, *second_parts]:
        assert entries_of(part, "eventparticipant.deleted").count() == 1
    for event in (first, second):
        entry = entries_of(event, "event.deleted").get()
        assert entry.actor == "import" and entry.changes["title"] == "调研"


def test_it_refuses_a_whole_batch_when_one_record_is_still_referenced(build):
    pairing = build.pairing()
    free = build.project(pairing, code="FREE-1")
    used = build.project(pairing, code="USED-1")
    build.flow(pairing, "5.00", kind=FundFlow.Kind.SPEND, project=used)
    before = AuditEntry.objects.count()

    with pytest.raises(ValidationError) as caught:
        services.bulk_delete_records(Project, [free, used], acting_user=None, via="import")

    assert caught.value.messages == [f"{used} 仍被其他记录引用，不能删除"]
    assert Project.objects.filter(pk__in=[free.pk, used.pk]).count() == 2
    assert AuditEntry.objects.count() == before


def test_it_does_nothing_for_an_empty_batch(db):
    before = AuditEntry.objects.count()
    services.bulk_delete_records(Project, [], acting_user=None, via="import")
    assert AuditEntry.objects.count() == before


def test_it_refuses_fund_flows_through_the_plain_record_doors(build):
    pairing = build.pairing()
    flow = build.flow(pairing, "1.00")
    fields = {
        "pairing": pairing,
        "kind": "transfer",
        "fund_year": 2021,
        "date": dt.date(2021, 6, 1),
        "amount": Decimal("1.00"),
        "source": "fiscal",
    }
    message = "资金记录只能登记或冲销，不能直接修改或删除"
    before = FundFlow.objects.count(), AuditEntry.objects.count()

    with pytest.raises(ValidationError, match=message):
        services.create_record(FundFlow, acting_user=None, via="test", **fields)
    with pytest.raises(ValidationError, match=message):
        services.bulk_create_records(FundFlow, [fields], acting_user=None, via="test")
    with pytest.raises(ValidationError, match=message):
        services.bulk_delete_records(FundFlow, [flow], acting_user=None, via="test")
    assert (FundFlow.objects.count(), AuditEntry.objects.count()) == before


# --- many-to-many members and the tree ------------------------------------------------------


def test_it_audits_a_teams_members_sorted_and_nothing_when_they_stay(build):
    pairing = build.pairing()
    team = create(Team, pairing=pairing, name="医疗队")
    schools = [
        create(Organisation, name=f"医院{n}", region=pairing.recipient_region, kind="hospital")
        for n in range(3)
    ]

    services.set_related(
        team, "to_organisations", [schools[2], schools[0]], acting_user=None, via="web"
    )
    services.set_related(
        team, "to_organisations", [schools[0], schools[2]], acting_user=None, via="web"
    )
    services.set_related(team, "to_organisations", [schools[1]], acting_user=None, via="web")

    entries = list(entries_of(team, "team.updated").order_by("id"))
    first, second = sorted([schools[0].pk, schools[2].pk]), [schools[1].pk]
    assert [e.changes for e in entries] == [
        {"to_organisations": [[], first]},
        {"to_organisations": [first, second]},
    ]
    assert set(team.to_organisations.values_list("pk", flat=True)) == set(second)


def test_it_audits_a_pairing_moved_under_another(build):
    old_parent, new_parent = build.pairing(), build.pairing()
    pairing = build.pairing(parent=old_parent)

    services.update_record(pairing, acting_user=None, via="admin", parent=new_parent)

    entry = entries_of(pairing, "pairing.updated").get()
    assert entry.changes == {"parent": [old_parent.pk, new_parent.pk]}
    assert new_parent.descendant_ids() == [pairing.pk]
    assert old_parent.descendant_ids() == []


def test_it_audits_a_record_of_no_pairing_without_a_pairing(build):
    region = build.region("审计县")
    organisation = create(Organisation, name="审计单位", region=region, kind="other")

    for record in (region, organisation):
        entry = entries_of(record).get()
        assert entry.pairing_id is None
        assert entry.chain == AuditEntry.UNPAIRED


def test_it_audits_a_part_under_its_records_pairing(build):
    pairing = build.pairing()
    agreement = create(Agreement, pairing=pairing, title="采购合同", kind="purchase")
    organisation = create(Organisation, name="甲方单位", region=pairing.helper_region, kind="other")

    party = create(AgreementParty, agreement=agreement, organisation=organisation, role="party_a")

    entry = entries_of(party, "agreementparty.created").get()
    assert entry.pairing_id == pairing.pk
    assert entry.chain == f"pairing:{pairing.pk}"


# --- an edit made on an older version -------------------------------------------------------


def test_it_refuses_an_edit_of_an_older_version_naming_what_changed_since(build):
    project = build.project(build.pairing(), name="原名")
    opened = Project.objects.get(pk=project.pk).version
    services.update_record(
        project, acting_user=None, via="web", name="他人改名", status=Project.Status.COMPLETED
    )
    before = AuditEntry.objects.count()

    with pytest.raises(services.StaleRecord) as caught:
        services.update_record(
            Project.objects.get(pk=project.pk),
            acting_user=None,
            via="web",
            expected_version=opened,
            progress=50,
        )

    stale = caught.value
    assert stale.current_version == opened + 1
    assert stale.changed["name"] == ("项目名称", "他人改名")
    assert stale.changed["status"] == ("状态", "已完工")  # the label, not the stored code
    message = stale.messages[0]
    assert f"您打开的是第 {opened} 版，现在是第 {opened + 1} 版" in message
    assert "项目名称：他人改名" in message
    assert Project.objects.get(pk=project.pk).progress == 0
    assert AuditEntry.objects.count() == before


def test_it_saves_an_edit_of_the_current_version_and_counts_on(build):
    project = build.project(build.pairing())
    version = Project.objects.get(pk=project.pk).version

    services.update_record(
        project, acting_user=None, via="web", expected_version=version, progress=10
    )
    services.update_record(
        Project.objects.get(pk=project.pk),
        acting_user=None,
        via="web",
        expected_version=version + 1,
        progress=20,
    )

    stored = Project.objects.get(pk=project.pk)
    assert (stored.version, stored.progress) == (version + 2, 20)


def test_it_names_changed_personal_data_without_showing_it(build):
    person = build.person("冯十三", phone="13900000000")
    opened = Person.objects.get(pk=person.pk).version
    services.update_record(person, acting_user=None, via="web", phone="13911111111")

    with pytest.raises(services.StaleRecord) as caught:
        services.update_record(
            Person.objects.get(pk=person.pk),
            acting_user=None,
            via="web",
            expected_version=opened,
            ethnicity="汉族",
        )

    assert caught.value.changed["phone"] == ("联系电话", "（个人信息，已修改）")
    assert "1391111" not in caught.value.messages[0]


def test_it_shows_a_value_emptied_since_as_empty(build):
    project = build.project(build.pairing(), outcomes="原成效")
    opened = Project.objects.get(pk=project.pk).version
    services.update_record(project, acting_user=None, via="web", outcomes="")

    changed = services.changes_since(Project.objects.get(pk=project.pk), opened)

    assert changed == {"outcomes": ("成效", "（空）")}
