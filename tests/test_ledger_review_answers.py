"""The recipient side's answer (confirm, dispute, reopen) and a year's review (submit, approve,
return, reopen): who may take each step, what each refuses and says, the versions and audit
entries each leaves, and any sequence of review steps followed against a model of it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.accounts.models import Role, RoleAssignment
from pairaid.ledger import access, services
from pairaid.ledger.models import AuditEntry, Confirmation, FundFlow, PairingYear, Posting


def user_with(role, region, name):
    user = get_user_model().objects.create_user(name, password="pass")
    RoleAssignment.objects.create(user=user, role=role, region=region)
    return user


@pytest.fixture
def sides(build):
    pairing = build.pairing()
    coordinator_region = build.region("上级市", level="prefecture")
    return {
        "pairing": pairing,
        "helper": user_with(Role.HELPER_EDITOR, pairing.helper_region, "a-helper"),
        "recipient": user_with(Role.RECIPIENT_EDITOR, pairing.recipient_region, "a-recipient"),
        "coordinator": user_with(Role.COORDINATOR, pairing.recipient_region, "a-coordinator"),
        "auditor": user_with(Role.AUDITOR, pairing.recipient_region, "a-auditor"),
        "viewer": user_with(Role.VIEWER, pairing.helper_region, "a-viewer"),
        "stranger": user_with(Role.RECIPIENT_EDITOR, coordinator_region, "a-stranger"),
    }


def entries_of(obj):
    return AuditEntry.objects.filter(
        record_type=obj._meta.model_name, record_id=str(obj.pk)
    ).order_by("id")


# --- confirming, disputing, reopening -------------------------------------------------------


def test_it_confirms_a_posting_with_a_new_version_and_an_audit_entry(build, sides):
    posting = build.posting(build.person(), sides["pairing"], dt.date(2021, 3, 1))
    version = Posting.objects.get(pk=posting.pk).version

    services.confirm_record(
        posting, acting_user=sides["recipient"], via="web", accept=True, note="  已到岗  "
    )

    stored = Posting.objects.get(pk=posting.pk)
    assert stored.confirmation == Confirmation.CONFIRMED
    assert stored.confirmation_note == "已到岗"
    assert stored.confirmed_at is not None
    assert stored.version == version + 1
    entry = entries_of(posting).last()
    assert entry.action == "posting.confirmed" and entry.user == sides["recipient"]
    assert entry.changes["confirmation"] == [Confirmation.UNCONFIRMED, Confirmation.CONFIRMED]
    assert entry.changes["confirmation_note"] == ["", "已到岗"]


@pytest.mark.parametrize("note", ["", "   "])
def test_it_asks_why_a_record_is_disputed(build, sides, note):
    flow = build.flow(sides["pairing"], "10.00")
    before = entries_of(flow).count()

    with pytest.raises(ValidationError) as caught:
        services.confirm_record(
            flow, acting_user=sides["recipient"], via="web", accept=False, note=note
        )

    assert caught.value.message_dict["confirmation_note"] == ["有异议时请说明原因"]
    assert FundFlow.objects.get(pk=flow.pk).confirmation == Confirmation.UNCONFIRMED
    assert entries_of(flow).count() == before


def test_it_takes_one_answer_until_it_is_reopened(build, sides):
    flow = build.flow(sides["pairing"], "10.00")
    services.confirm_record(flow, acting_user=sides["recipient"], via="web", accept=True)

    for accept, note in ((True, ""), (False, "金额不符")):
        with pytest.raises(ValidationError, match="受援方已答复（已确认或有异议）"):
            services.confirm_record(
                flow, acting_user=sides["recipient"], via="web", accept=accept, note=note
            )
    assert FundFlow.objects.get(pk=flow.pk).confirmation == Confirmation.CONFIRMED


def test_it_reopens_an_answer_with_a_reason_and_takes_a_new_one(build, sides):
    flow = build.flow(sides["pairing"], "10.00")
    services.confirm_record(
        flow, acting_user=sides["recipient"], via="web", accept=False, note="未到账"
    )

    services.reopen_confirmation(flow, sides["coordinator"], "  已补拨  ")
    stored = FundFlow.objects.get(pk=flow.pk)
    assert stored.confirmation == Confirmation.UNCONFIRMED
    assert stored.confirmed_at is None
    assert stored.confirmation_note == "重新开放：已补拨"

    services.confirm_record(stored, acting_user=sides["recipient"], via="web", accept=True)
    actions = [entry.action for entry in entries_of(flow)]
    assert actions == [
        "fundflow.recorded",
        "fundflow.disputed",
        "fundflow.confirmation_reopened",
        "fundflow.confirmed",
    ]
    reopened = entries_of(flow).get(action="fundflow.confirmation_reopened")
    assert reopened.changes["confirmation"] == [Confirmation.DISPUTED, Confirmation.UNCONFIRMED]
    assert reopened.user == sides["coordinator"]


def test_it_refuses_to_reopen_what_has_no_answer_or_without_a_reason(build, sides):
    flow = build.flow(sides["pairing"], "10.00")
    with pytest.raises(ValidationError, match="该记录尚未答复，无需重新开放"):
        services.reopen_confirmation(flow, sides["recipient"], "原因")

    services.confirm_record(flow, acting_user=sides["recipient"], via="web", accept=True)
    with pytest.raises(ValidationError) as caught:
        services.reopen_confirmation(flow, sides["recipient"], " ")
    assert caught.value.message_dict["reason"] == ["请填写重新开放的原因"]
    assert FundFlow.objects.get(pk=flow.pk).confirmation == Confirmation.CONFIRMED


def test_it_lets_only_the_recipient_side_answer_and_hides_the_record_from_outsiders(build, sides):
    flow = build.flow(sides["pairing"], "10.00")
    for name in ("helper", "coordinator", "auditor", "viewer"):
        with pytest.raises(PermissionDenied):
            services.confirm_record(flow, acting_user=sides[name], via="web", accept=True)
    with pytest.raises(access.OutOfScope):
        services.confirm_record(flow, acting_user=sides["stranger"], via="web", accept=True)
    assert FundFlow.objects.get(pk=flow.pk).confirmation == Confirmation.UNCONFIRMED


def test_it_lets_the_answering_side_and_the_coordinator_reopen_but_not_the_helper(build, sides):
    flow = build.flow(sides["pairing"], "10.00")
    services.confirm_record(flow, acting_user=sides["recipient"], via="web", accept=True)

    for name in ("helper", "auditor", "viewer"):
        with pytest.raises(PermissionDenied):
            services.reopen_confirmation(flow, sides[name], "原因")
    services.reopen_confirmation(flow, sides["recipient"], "看错了")
    assert FundFlow.objects.get(pk=flow.pk).confirmation == Confirmation.UNCONFIRMED


def test_it_sends_an_answer_through_the_confirm_door_only(build, sides):
    posting = build.posting(build.person(), sides["pairing"], dt.date(2021, 3, 1))

    with pytest.raises(ValidationError, match="确认或异议请使用确认功能"):
        services.update_record(
            posting, acting_user=None, via="test", confirmation=Confirmation.CONFIRMED
        )
    assert Posting.objects.get(pk=posting.pk).confirmation == Confirmation.UNCONFIRMED


def test_it_refuses_an_answer_in_an_approved_year(build, sides):
    pairing = sides["pairing"]
    flow = build.flow(pairing, "10.00", year=2021)
    for step in ("submitted", "approved"):
        services.move_year(pairing, 2021, step, acting_user=None, via="test")

    with pytest.raises(ValidationError, match="2021年的数据已审核锁定"):
        services.confirm_record(flow, acting_user=sides["recipient"], via="web", accept=True)
    assert FundFlow.objects.get(pk=flow.pk).confirmation == Confirmation.UNCONFIRMED


# --- a year's review -----------------------------------------------------------------------


def test_it_lets_either_side_submit_and_only_the_coordinator_approve(sides):
    pairing = sides["pairing"]
    for name in ("auditor", "viewer", "coordinator"):
        with pytest.raises(PermissionDenied):
            services.move_year(pairing, 2022, "submitted", acting_user=sides[name], via="web")
    with pytest.raises(access.OutOfScope):
        services.move_year(pairing, 2022, "submitted", acting_user=sides["stranger"], via="web")

    services.move_year(pairing, 2022, "submitted", acting_user=sides["recipient"], via="web")
    for name in ("helper", "recipient", "auditor"):
        with pytest.raises(PermissionDenied):
            services.move_year(pairing, 2022, "approved", acting_user=sides[name], via="web")
    services.move_year(pairing, 2022, "approved", acting_user=sides["coordinator"], via="web")
    assert PairingYear.objects.get(pairing=pairing, year=2022).status == "approved"


def test_it_audits_each_step_with_the_status_it_left_and_the_comment(sides):
    pairing, coordinator = sides["pairing"], sides["coordinator"]
    services.move_year(pairing, 2023, "submitted", acting_user=sides["helper"], via="web")
    services.move_year(
        pairing, 2023, "returned", acting_user=coordinator, via="web", comment=" 缺凭证 "
    )

    year = PairingYear.objects.get(pairing=pairing, year=2023)
    assert (year.status, year.comment) == (PairingYear.Status.DRAFT, "缺凭证")
    entries = list(entries_of(year))
    assert [e.action for e in entries] == ["pairingyear.submitted", "pairingyear.returned"]
    assert entries[0].changes == {"status": ["draft", "submitted"], "comment": ""}
    assert entries[1].changes == {"status": ["submitted", "draft"], "comment": "缺凭证"}
    assert entries[1].pairing_id == pairing.pk and entries[1].user == coordinator


@pytest.mark.parametrize("step", ["returned", "reopened"])
def test_it_asks_for_a_comment_to_return_or_reopen(sides, step):
    pairing = sides["pairing"]
    services.move_year(pairing, 2024, "submitted", acting_user=None, via="test")
    if step == "reopened":
        services.move_year(pairing, 2024, "approved", acting_user=None, via="test")
    status = PairingYear.objects.get(pairing=pairing, year=2024).status

    with pytest.raises(ValidationError) as caught:
        services.move_year(pairing, 2024, step, acting_user=None, via="test", comment="  ")

    assert caught.value.message_dict["comment"] == ["请填写意见或原因"]
    assert PairingYear.objects.get(pairing=pairing, year=2024).status == status


# Where each step may start, and where it goes: the review as the users were told it works.
MODEL = {
    "submitted": ({"draft"}, "submitted"),
    "approved": ({"submitted"}, "approved"),
    "returned": ({"submitted"}, "draft"),
    "reopened": ({"approved"}, "draft"),
}
MESSAGES = {
    "submitted": "只有填报中的年度可以报送",
    "approved": "只有已报送的年度可以审核通过",
    "returned": "只有已报送的年度可以退回",
    "reopened": "只有已审核锁定的年度可以重新开放",
}


@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.sampled_from(sorted(MODEL)), min_size=1, max_size=8))
def test_it_follows_any_sequence_of_review_steps_as_the_model_says(build, steps):
    pairing = build.pairing()
    status = "draft"
    taken = []
    for step in steps:
        allowed_from, goes_to = MODEL[step]
        if status in allowed_from:
            record = services.move_year(
                pairing, 2021, step, acting_user=None, via="test", comment="意见"
            )
            status = goes_to
            taken.append(f"pairingyear.{step}")
            assert record.status == status
        else:
            with pytest.raises(ValidationError) as caught:
                services.move_year(
                    pairing, 2021, step, acting_user=None, via="test", comment="意见"
                )
            assert caught.value.messages == [MESSAGES[step]]
        # a refused first step leaves no year behind: a year never reviewed is in draft
        stored = PairingYear.objects.filter(pairing=pairing, year=2021).first()
        assert (stored.status if stored else "draft") == status

    actions = AuditEntry.objects.filter(pairing=pairing, action__startswith="pairingyear.")
    assert list(actions.order_by("id").values_list("action", flat=True)) == taken
    # the year is locked exactly when it is approved
    locked = True
    try:
        build.flow(pairing, "1.00", year=2021)
        locked = False
    except ValidationError as refusal:
        assert "已审核锁定" in str(refusal)
    assert locked == (status == "approved")


# --- personal data ---------------------------------------------------------------------------


def test_it_shows_personal_data_to_roles_that_read_it_and_audits_each_look(build, sides):
    person = build.person(id_number="510502199001011234", phone="13800000000")
    build.posting(person, sides["pairing"], dt.date(2021, 3, 1))

    for name in ("helper", "recipient", "auditor", "coordinator"):
        shown = services.reveal_personal_data(person, acting_user=sides[name], via="web")
        assert shown == {"id_number": "510502199001011234", "phone": "13800000000"}
    looks = entries_of(person).filter(action="person.personal_data_viewed")
    assert looks.count() == 4
    assert looks.first().changes == {"fields": ["id_number", "phone"]}

    for name in ("viewer", "stranger"):
        with pytest.raises(PermissionDenied, match="无权查看个人敏感信息"):
            services.reveal_personal_data(person, acting_user=sides[name], via="web")
    assert looks.count() == 4


def test_it_shows_an_unposted_persons_data_to_no_one_but_the_system(build, sides):
    person = build.person(id_number="510502199001015678")

    with pytest.raises(PermissionDenied):
        services.reveal_personal_data(person, acting_user=sides["helper"], via="web")
    assert services.reveal_personal_data(person, acting_user=None, via="cli")["id_number"] == (
        "510502199001015678"
    )
