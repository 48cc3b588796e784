"""Labour cooperation (劳务协作) through the services: placements, training sessions,
workshops and vocational enrolments are created, changed and deleted with their audit entries;
each rule is refused in Chinese, by every entry point (the model's rules) and against a raw
write (the database's); placements and workshops are witnessed by the recipient side only; a
locked year refuses them; the names of placed persons are encrypted at rest."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from builders import Builder
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from labour_records import DAY, enrolment, offices, placement, training, workshop
from shared_records import for_the_module

from pairaid.ledger import record_types, services
from pairaid.ledger.messages import CONSTRAINT_MESSAGES, integrity_message, readable
from pairaid.ledger.models import (
    AuditEntry,
    Confirmation,
    Pairing,
    Placement,
    TrainingSession,
    VocationalEnrolment,
    Workshop,
)


def audit_actions(record) -> list[str]:
    return list(
        AuditEntry.objects.filter(record_type=record._meta.model_name, record_id=str(record.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def refusal(make) -> str:
    with pytest.raises(ValidationError) as caught:
        make()
    return str(readable(caught.value))


@pytest.fixture(scope="module")
def module_office(django_db_setup, django_db_blocker):
    """The pairing and its offices, made once for the module: what each test writes is
    undone after it."""
    yield from for_the_module(django_db_blocker, lambda: offices(Builder()))


@pytest.fixture
def office(db, module_office):
    """Read afresh for each test: nothing one test cached on them reaches the next."""
    users = get_user_model().objects
    return SimpleNamespace(
        pairing=Pairing.objects.get(pk=module_office.pairing.pk),
        helper=users.get(pk=module_office.helper.pk),
        recipient=users.get(pk=module_office.recipient.pk),
    )


# --- create, update, delete, audited --------------------------------------------------------

MAKERS = {
    Placement: (placement, {"stable_months": 4}),
    TrainingSession: (training, {"attendance": 60}),
    Workshop: (workshop, {"jobs": 45}),
    VocationalEnrolment: (enrolment, {"students": 35}),
}


@pytest.mark.parametrize("model", list(MAKERS), ids=lambda m: m.__name__)
def test_it_creates_changes_and_deletes_each_record_with_its_audit_entries(office, model):
    make, change = MAKERS[model]
    record = make(office.pairing, office.helper)
    assert record.is_demo is False and record.version == 1
    services.update_record(
        record, acting_user=office.helper, via="test", expected_version=1, **change
    )
    record.refresh_from_db()
    assert record.version == 2
    assert all(getattr(record, name) == value for name, value in change.items())
    pk = record.pk
    services.delete_record(record, acting_user=office.helper, via="test")
    assert not model.objects.filter(pk=pk).exists()
    name = model._meta.model_name
    record.pk = pk
    assert audit_actions(record) == [f"{name}.created", f"{name}.updated", f"{name}.deleted"]
    entry = AuditEntry.objects.get(record_id=str(pk), action=f"{name}.updated")
    field, value = next(iter(change.items()))
    assert entry.changes[field][1] == value


def test_it_lets_only_the_helper_side_record_labour_cooperation(office):
    with pytest.raises(PermissionDenied):
        placement(office.pairing, office.recipient)
    with pytest.raises(PermissionDenied):
        training(office.pairing, office.recipient)


# --- the rules, in Chinese ----------------------------------------------------------------


def test_it_refuses_each_rule_in_chinese(office):
    pairing, tomorrow = office.pairing, timezone.localdate() + dt.timedelta(days=1)
    refused = {
        "其中脱贫劳动力不能超过就业人数": lambda: placement(pairing, persons=5, poor_persons=6),
        "就业日期不能晚于今天": lambda: placement(pairing, date=tomorrow),
        "结束日期不能早于开始日期": lambda: training(pairing, end_date=DAY - dt.timedelta(days=1)),
        "其中脱贫劳动力人次不能超过培训人次": lambda: training(
            pairing, attendance=10, poor_attendance=11, certificates=0
        ),
        "取得证书人数不能超过培训人次": lambda: training(
            pairing, attendance=10, poor_attendance=0, certificates=11
        ),
        "其中脱贫劳动力不能超过吸纳就业人数": lambda: workshop(pairing, jobs=3, poor_jobs=4),
        "建成日期不能晚于今天": lambda: workshop(pairing, established=tomorrow),
        "帮扶车间应在受援方": lambda: workshop(pairing, location=pairing.helper_region),
        "其中脱贫家庭学生不能超过招生人数": lambda: enrolment(pairing, students=3, poor_students=4),
        "招生年度不能晚于今年": lambda: enrolment(pairing, year=tomorrow.year + 1),
    }
    for message, make in refused.items():
        assert message in refusal(make), message
    assert Placement.objects.filter(pairing=pairing).count() == 0


def test_it_refuses_a_place_outside_both_sides_and_a_workshop_code_twice(office, build):
    pairing = office.pairing
    elsewhere = build.region("别处县")
    assert "培训地点应在受援方或帮扶方" in refusal(lambda: training(pairing, location=elsewhere))
    training(pairing, location=pairing.helper_region)  # training at the helper's end
    training(pairing, location=pairing.recipient_region)
    workshop(pairing, code="CJ-01")
    assert str(CONSTRAINT_MESSAGES["workshop_unique_code_in_pairing"]) in refusal(
        lambda: workshop(pairing, code="CJ-01")
    )
    workshop(build.pairing("另一区", "另一县"), code="CJ-01")  # per pairing


def test_it_refuses_a_part_beyond_its_whole_even_in_a_raw_write(office):
    pairing = office.pairing
    rows = {
        "placement_poor_within_persons": lambda: Placement.objects.create(
            pairing=pairing,
            date=DAY,
            persons=2,
            poor_persons=3,
            destination="helper",
            employer="甲",
        ),
        "placement_persons_positive": lambda: Placement.objects.create(
            pairing=pairing, date=DAY, persons=0, destination="helper", employer="甲"
        ),
        "training_certificates_within_attendance": lambda: TrainingSession.objects.create(
            pairing=pairing,
            title="培训",
            kind="other",
            start_date=DAY,
            attendance=1,
            certificates=2,
        ),
        "workshop_poor_within_jobs": lambda: Workshop.objects.create(
            pairing=pairing,
            code="RAW",
            name="车间",
            location=pairing.recipient_region,
            established=DAY,
            jobs=1,
            poor_jobs=2,
        ),
        "vocational_poor_within_students": lambda: VocationalEnrolment.objects.create(
            pairing=pairing, year=2021, school="学校", students=1, poor_students=2
        ),
    }
    for name, write in rows.items():
        with pytest.raises(IntegrityError) as caught, transaction.atomic():
            write()
        assert integrity_message(caught.value) == str(CONSTRAINT_MESSAGES[name]), name


# --- two-sided: the recipient side witnesses -------------------------------------------------


@pytest.mark.parametrize("make", [placement, workshop], ids=["placement", "workshop"])
def test_it_lets_the_recipient_side_confirm_dispute_and_reopen(office, make):
    record = make(office.pairing, office.helper)
    assert record.confirmation == Confirmation.UNCONFIRMED
    with pytest.raises(PermissionDenied):
        services.confirm_record(record, acting_user=office.helper, via="test", accept=True)
    services.confirm_record(record, acting_user=office.recipient, via="test", accept=True)
    record.refresh_from_db()
    assert record.confirmation == Confirmation.CONFIRMED and record.confirmed_at is not None
    assert record.version == 2
    with pytest.raises(ValidationError, match="受援方已答复"):
        services.confirm_record(
            record, acting_user=office.recipient, via="test", accept=False, note="再答一次"
        )
    with pytest.raises(PermissionDenied):
        services.reopen_confirmation(record, office.helper, "重新核实")
    services.reopen_confirmation(record, office.recipient, "重新核实")
    with pytest.raises(ValidationError, match="有异议时请说明原因"):
        services.confirm_record(record, acting_user=office.recipient, via="test", accept=False)
    services.confirm_record(
        record, acting_user=office.recipient, via="test", accept=False, note="到岗人数不符"
    )
    record.refresh_from_db()
    assert record.confirmation == Confirmation.DISPUTED
    assert record.confirmation_note == "到岗人数不符"
    name = record._meta.model_name
    assert audit_actions(record) == [
        f"{name}.created",
        f"{name}.confirmed",
        f"{name}.confirmation_reopened",
        f"{name}.disputed",
    ]


def test_it_refuses_a_record_the_helper_side_confirms_itself(office):
    with pytest.raises(PermissionDenied, match="须由受援方"):
        placement(office.pairing, office.helper, confirmation=Confirmation.CONFIRMED)
    record = placement(office.pairing, office.helper)
    with pytest.raises(ValidationError, match="确认功能"):
        services.update_record(
            record, acting_user=office.helper, via="test", confirmation=Confirmation.CONFIRMED
        )


# --- the year lock --------------------------------------------------------------------------


def approve(pairing, year: int) -> None:
    for step in ("submitted", "approved"):
        services.move_year(pairing, year, step, acting_user=None, via="test")


def test_it_locks_an_approved_year_but_lets_the_later_checks_in(office):
    pairing = office.pairing
    placed = placement(pairing, office.helper)
    shop = workshop(pairing, office.helper)
    school = enrolment(pairing, office.helper)
    approve(pairing, DAY.year)
    for make in (placement, training, workshop, enrolment):
        assert "已审核锁定" in refusal(lambda make=make: make(pairing, office.helper))
    assert "已审核锁定" in refusal(
        lambda: services.update_record(placed, acting_user=office.helper, via="test", persons=11)
    )
    assert "已审核锁定" in refusal(
        lambda: services.update_record(school, acting_user=office.helper, via="test", students=40)
    )
    # a later check of the months in work, and a workshop's jobs and state, still go in
    placed.refresh_from_db()
    services.update_record(placed, acting_user=office.helper, via="test", stable_months=7)
    services.update_record(
        shop, acting_user=office.helper, via="test", jobs=50, status=Workshop.Status.SUSPENDED
    )
    assert Placement.objects.get(pk=placed.pk).stable_months == 7
    placement(pairing, office.helper, date=dt.date(DAY.year + 1, 2, 1))  # next year is open


# --- personal data ----------------------------------------------------------------------------


def test_it_keeps_the_names_of_placed_persons_encrypted_at_rest(office):
    names = "张三、李四、王五"
    record = placement(office.pairing, office.helper, names=names)
    assert Placement.objects.get(pk=record.pk).names == names
    with connection.cursor() as cursor:
        cursor.execute("SELECT names FROM ledger_placement WHERE id = %s", [record.pk])
        stored = cursor.fetchone()[0]
    assert names not in stored and "张三" not in stored
    created = AuditEntry.objects.get(record_id=str(record.pk), action="placement.created")
    assert "李四" not in str(created.changes)


def test_it_takes_the_answer_back_when_what_was_witnessed_changes(office):
    shop = workshop(office.pairing, office.helper, jobs=40, poor_jobs=20)
    services.confirm_record(shop, acting_user=office.recipient, via="test", accept=True)
    shop.refresh_from_db()
    services.update_record(shop, acting_user=office.helper, via="test", name="新名称")
    shop.refresh_from_db()
    assert shop.confirmation == Confirmation.CONFIRMED  # the name is not witnessed
    services.update_record(shop, acting_user=office.helper, via="test", jobs=60)
    shop.refresh_from_db()
    assert shop.confirmation == Confirmation.UNCONFIRMED and shop.confirmed_at is None
    assert "吸纳就业人数" in shop.confirmation_note and "重新确认" in shop.confirmation_note
    updates = AuditEntry.objects.filter(record_id=str(shop.pk), action="workshop.updated")
    entry = updates.order_by("id").last()
    assert entry.changes["jobs"] == [40, 60]
    assert entry.changes["confirmation"] == [Confirmation.CONFIRMED, Confirmation.UNCONFIRMED]
    placed = placement(office.pairing, office.helper)
    services.confirm_record(placed, acting_user=office.recipient, via="test", accept=True)
    placed.refresh_from_db()
    services.update_record(placed, acting_user=office.helper, via="test", stable_months=5)
    placed.refresh_from_db()
    assert placed.confirmation == Confirmation.CONFIRMED  # a later check, not what was witnessed
    services.update_record(placed, acting_user=office.helper, via="test", persons=12)
    placed.refresh_from_db()
    assert placed.confirmation == Confirmation.UNCONFIRMED


def test_it_lets_the_county_witness_a_workshops_current_jobs_in_an_approved_year(office):
    shop = workshop(office.pairing, office.helper)
    placed = placement(office.pairing, office.helper)
    approve(office.pairing, DAY.year)
    services.update_record(shop, acting_user=office.helper, via="test", jobs=55)
    services.confirm_record(shop, acting_user=office.recipient, via="test", accept=True)
    assert Workshop.objects.get(pk=shop.pk).confirmation == Confirmation.CONFIRMED
    # a placement is an event of its year: its answer is locked with the year
    assert "已审核锁定" in refusal(
        lambda: services.confirm_record(
            placed, acting_user=office.recipient, via="test", accept=True
        )
    )


def test_it_shows_the_names_of_placed_persons_on_no_generic_surface():
    declared = record_types.of(Placement).pages
    assert "names" not in declared.columns and "names" not in declared.fields
