"""Each record family's `clean()` rules, through the services every door calls: the refusal
names the field in Chinese, and a refused record leaves neither a row nor an audit entry.
An edit that would break a rule is refused the same way and leaves the stored record as it
was."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pairaid.ledger import services
from pairaid.ledger.messages import readable
from pairaid.ledger.models import (
    Agreement,
    AuditEntry,
    Event,
    GuidedInvestment,
    IndustrialPark,
    Pairing,
    Person,
    Posting,
    Project,
    Region,
    Team,
)

DAY = dt.timedelta(days=1)


def refused(model, field, message, **fields):
    """Create `model` through the services, expecting `message` on `field` and nothing
    written: no row, no audit entry."""
    rows, entries = model.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.create_record(model, acting_user=None, via="test", **fields)
    errors = caught.value.message_dict
    assert message in " ".join(errors.get(field, [])), errors
    assert model.objects.count() == rows
    assert AuditEntry.objects.count() == entries


def refused_edit(obj, field, message, **changes):
    """Update `obj` expecting `message` on `field`; the stored record and the trail unchanged."""
    stored = type(obj).objects.get(pk=obj.pk)
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.update_record(obj, acting_user=None, via="test", **changes)
    assert message in " ".join(caught.value.message_dict.get(field, [])), caught.value
    again = type(obj).objects.get(pk=obj.pk)
    for name in changes:
        assert getattr(again, name) == getattr(stored, name)
    assert AuditEntry.objects.count() == entries


# --- pairings ------------------------------------------------------------------------------


def test_it_refuses_a_pairing_without_a_helper_or_a_recipient(build):
    county = build.region("丙县")
    for side, message in (("helper", "请填写帮扶方"), ("recipient", "请填写受援方")):
        other = "recipient" if side == "helper" else "helper"
        refused(
            Pairing,
            "__all__",
            message,
            **{f"{other}_region": county},
            scheme=Pairing.Scheme.IN_PROVINCE,
            valid_from=dt.date(2020, 1, 1),
        )


def test_it_refuses_a_pairing_that_ends_before_it_starts(build):
    refused(
        Pairing,
        "valid_to",
        "终止日期不能早于起始日期",
        helper_region=build.region("丁区"),
        recipient_region=build.region("戊县"),
        scheme=Pairing.Scheme.EAST_WEST,
        valid_from=dt.date(2021, 5, 2),
        valid_to=dt.date(2021, 5, 1),
    )


def test_it_accepts_a_pairing_that_ends_the_day_it_starts(build):
    pairing = build.pairing(valid_from=dt.date(2021, 5, 1), valid_to=dt.date(2021, 5, 1))
    assert Pairing.objects.get(pk=pairing.pk).valid_to == dt.date(2021, 5, 1)


def test_it_names_a_pairing_from_its_sides_when_no_name_is_given(build):
    pairing = build.pairing(helper="己区", recipient="庚县")

    stored = Pairing.objects.get(pk=pairing.pk)
    assert stored.name == f"{stored.helper_region.name}→{stored.recipient_region.name}"
    entry = AuditEntry.objects.get(action="pairing.created", record_id=str(pairing.pk))
    assert entry.changes["name"] == stored.name


def test_it_keeps_a_name_given_to_a_pairing(build):
    pairing = build.pairing(name="甲乙协作")
    assert Pairing.objects.get(pk=pairing.pk).name == "甲乙协作"


def test_it_refuses_to_put_a_pairing_under_its_own_grandchild(build):
    top = build.pairing()
    middle = build.pairing(parent=top)
    bottom = build.pairing(parent=middle)

    refused_edit(top, "parent", "上级结对关系不能是自身或其下级", parent=bottom)
    top.refresh_from_db()
    assert top.parent_id is None


# --- projects ------------------------------------------------------------------------------


def test_it_refuses_a_project_finished_before_it_started(build):
    refused(
        Project,
        "end_date",
        "完工日期不能早于开工日期",
        pairing=build.pairing(),
        code="R-1",
        name="道路",
        sector=Project.Sector.INFRASTRUCTURE,
        mode=Project.Mode.DIRECT_AID,
        status=Project.Status.COMPLETED,
        start_date=dt.date(2021, 3, 2),
        end_date=dt.date(2021, 3, 1),
    )


@pytest.mark.parametrize("status", sorted(Project.STARTED))
def test_it_refuses_a_started_project_without_its_start_date(build, status):
    refused(
        Project,
        "start_date",
        "已开工的项目须填写开工日期",
        pairing=build.pairing(),
        code="R-2",
        name="学校",
        sector=Project.Sector.EDUCATION,
        mode=Project.Mode.CAPACITY_BUILDING,
        status=status,
    )


@pytest.mark.parametrize("status", sorted(set(Project.Status.values) - set(Project.STARTED)))
def test_it_takes_a_project_not_started_without_dates(build, status):
    project = build.project(build.pairing(), status=status, start=None)
    assert Project.objects.get(pk=project.pk).start_date is None


def test_it_refuses_starting_a_planned_project_without_a_date_and_keeps_it_planned(build):
    project = build.project(build.pairing(), status=Project.Status.PLANNED, start=None)

    refused_edit(
        project, "start_date", "已开工的项目须填写开工日期", status=Project.Status.IN_PROGRESS
    )
    assert Project.objects.get(pk=project.pk).status == Project.Status.PLANNED


def test_it_refuses_progress_over_one_hundred(build):
    project = build.project(build.pairing())

    with pytest.raises(ValidationError) as caught:
        services.update_record(project, acting_user=None, via="test", progress=101)
    assert "progress" in caught.value.message_dict
    assert Project.objects.get(pk=project.pk).progress == 0


def test_it_refuses_the_same_project_code_twice_in_a_pairing_but_not_across(build):
    pairing, other = build.pairing(), build.pairing()
    build.project(pairing, code="DUP-1")

    with pytest.raises(ValidationError) as caught:
        build.project(pairing, code="DUP-1")
    assert "该结对关系中已有相同项目编号的项目" in str(readable(caught.value))
    assert build.project(other, code="DUP-1").pairing_id == other.pk


# --- regions -------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["51050", "5105021", "51050a", "51050210200", "5105021020001"])
def test_it_refuses_a_region_code_of_another_length_or_with_letters(build, code):
    refused(Region, "code", "区划代码应为6位或12位数字", code=code, name="某地", level="county")


@pytest.mark.parametrize("code", ["990601", "990601100201"])
def test_it_takes_six_and_twelve_digit_region_codes(build, code):
    level = Region.Level.COUNTY if len(code) == 6 else Region.Level.VILLAGE
    region = build.region("某地", level=level, code=code)
    assert Region.objects.get(pk=region.pk).code == code


# --- people --------------------------------------------------------------------------------


def test_it_refuses_a_profession_for_a_cadre(build):
    refused(
        Person,
        "profession",
        "党政干部不填写专业类别",
        number="R-P-1",
        name="李四",
        gender=Person.Gender.FEMALE,
        category=Person.Category.CADRE,
        profession=Person.Profession.TEACHER,
    )


def test_it_takes_a_profession_for_a_professional(build):
    person = build.person(category=Person.Category.PROFESSIONAL, profession="doctor")
    assert Person.objects.get(pk=person.pk).get_profession_display() == "医生"


def test_it_refuses_postings_that_end_before_they_start(build):
    pairing, person = build.pairing(), build.person()
    start = dt.date(2021, 9, 1)
    for field, message in (
        ("planned_end", "计划期满不能早于到岗日期"),
        ("actual_end", "实际离岗不能早于到岗日期"),
    ):
        refused(
            Posting,
            field,
            message,
            person=person,
            pairing=pairing,
            start_date=start,
            **{field: start - DAY},
        )


def test_it_takes_a_posting_that_ends_the_day_it_starts(build):
    start = dt.date(2021, 9, 1)
    posting = build.posting(
        build.person(), build.pairing(), start, planned_end=start, actual_end=start
    )
    assert Posting.objects.get(pk=posting.pk).actual_end == start


def test_it_refuses_a_posting_in_another_pairings_team(build):
    pairing, other = build.pairing(), build.pairing()
    team = services.create_record(Team, acting_user=None, via="test", pairing=other, name="医疗队")

    refused(
        Posting,
        "team",
        "团队不属于该结对关系",
        person=build.person(),
        pairing=pairing,
        start_date=dt.date(2021, 9, 1),
        team=team,
    )


# --- agreements and events -----------------------------------------------------------------


def event_of(pairing, **fields):
    fields.setdefault("start_date", dt.date(2022, 12, 1))
    return services.create_record(
        Event, acting_user=None, via="test", pairing=pairing, kind="visit", title="调研", **fields
    )


def agreement_fields(pairing, **fields):
    return {"pairing": pairing, "title": "框架协议", "kind": Agreement.Kind.FRAMEWORK, **fields}


def test_it_refuses_an_event_that_ends_before_it_starts(build):
    with pytest.raises(ValidationError) as caught:
        event_of(build.pairing(), end_date=dt.date(2022, 11, 30))
    assert "结束日期不能早于开始日期" in caught.value.message_dict["end_date"][0]


def test_it_refuses_an_agreement_whose_term_ends_before_it_begins(build):
    refused(
        Agreement,
        "term_end",
        "期限止不能早于期限起",
        **agreement_fields(
            build.pairing(), term_start=dt.date(2023, 1, 2), term_end=dt.date(2023, 1, 1)
        ),
    )


@pytest.mark.parametrize("status", sorted(set(Agreement.Status.values) - {Agreement.Status.DRAFT}))
def test_it_refuses_an_agreement_past_draft_without_its_signing_date(build, status):
    refused(
        Agreement,
        "signed_date",
        "已签订的协议须填写签订日期",
        **agreement_fields(build.pairing(), status=status),
    )


def test_it_takes_a_draft_agreement_without_a_signing_date(build):
    agreement = services.create_record(
        Agreement, acting_user=None, via="test", **agreement_fields(build.pairing())
    )
    assert agreement.get_status_display() == "草拟"


def test_it_takes_an_event_of_the_pairing_or_of_the_pairing_above_it(build):
    top = build.pairing()
    pairing = build.pairing(parent=top)
    for event in (event_of(pairing), event_of(top)):
        agreement = services.create_record(
            Agreement, acting_user=None, via="test", **agreement_fields(pairing, event=event)
        )
        assert agreement.event_id == event.pk


def test_it_refuses_an_event_of_a_sibling_or_a_child_pairing(build):
    top = build.pairing()
    pairing, sibling = build.pairing(parent=top), build.pairing(parent=top)
    child = build.pairing(parent=pairing)
    for event in (event_of(sibling), event_of(child)):
        refused(
            Agreement, "event", "活动不属于该结对关系", **agreement_fields(pairing, event=event)
        )


# --- enterprise investment -----------------------------------------------------------------


def investment_fields(pairing, **fields):
    today = timezone.localdate()
    return {
        "pairing": pairing,
        "enterprise": "某农业公司",
        "year": today.year,
        "date": today,
        "amount": Decimal("100.00"),
        **fields,
    }


def test_it_refuses_investment_that_arrives_or_lands_after_today(build):
    tomorrow = timezone.localdate() + DAY
    pairing = build.pairing()
    refused(
        GuidedInvestment, "date", "日期不能晚于今天", **investment_fields(pairing, date=tomorrow)
    )
    refused(
        GuidedInvestment,
        "landed",
        "日期不能晚于今天",
        **investment_fields(pairing, landed=tomorrow),
    )


@pytest.mark.parametrize("agreed", ["0.00", "-0.01"])
def test_it_refuses_an_agreed_investment_not_above_zero(build, agreed):
    refused(
        GuidedInvestment,
        "agreed_amount",
        "协议投资必须大于0",
        **investment_fields(build.pairing(), agreed_amount=Decimal(agreed)),
    )


def test_it_refuses_a_park_of_another_pairing(build):
    pairing, other = build.pairing(), build.pairing()
    park = services.create_record(
        IndustrialPark,
        acting_user=None,
        via="test",
        pairing=other,
        code="PK-1",
        name="共建园区",
        location=other.recipient_region,
        established=dt.date(2021, 1, 1),
    )
    refused(
        GuidedInvestment, "park", "园区不属于该结对关系", **investment_fields(pairing, park=park)
    )
    taken = services.create_record(
        GuidedInvestment, acting_user=None, via="test", **investment_fields(other, park=park)
    )
    assert taken.park_id == park.pk
