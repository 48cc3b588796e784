"""Undoing money: reversals and corrections of fund flows, one and many at once, who may make
them, what they refuse (with their Chinese messages), the audit entries they leave, and the
year lock. A refused correction leaves nothing behind: no entry, no audit row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.accounts.models import Role, RoleAssignment
from pairaid.ledger import access, services
from pairaid.ledger.models import AuditEntry, FundFlow, Pairing
from pairaid.ledger.moneyfield import MoneySum

DAY = dt.timedelta(days=1)


def user_with(role: str, region, name: str):
    user = get_user_model().objects.create_user(name, password="pass-" + name)
    RoleAssignment.objects.create(user=user, role=role, region=region)
    return user


def written():
    return FundFlow.objects.count(), AuditEntry.objects.count()


def lock(pairing: Pairing, year: int) -> None:
    for step in ("submitted", "approved"):
        services.move_year(pairing, year, step, acting_user=None, via="test")


def net(pairing: Pairing) -> Decimal:
    return FundFlow.objects.filter(pairing=pairing).aggregate(total=MoneySum("amount"))["total"]


# --- one reversal ---------------------------------------------------------------------------


def test_it_copies_every_recorded_field_but_the_amount_into_a_reversal(build):
    pairing = build.pairing()
    project = build.project(pairing)
    flow = build.flow(
        pairing,
        "1234.56",
        kind=FundFlow.Kind.SPEND,
        project=project,
        voucher="凉财〔2021〕8号",
        source=FundFlow.Source.SOCIAL_CASH,
    )

    reversal = services.reverse_fund_flow(flow, acting_user=None, via="test", reason="重复登记")

    stored = FundFlow.objects.get(pk=reversal.pk)
    assert stored.amount == -flow.amount
    assert stored.reverses_id == flow.pk
    for name in ("pairing_id", "kind", "fund_year", "source", "project_id", "voucher"):
        assert getattr(stored, name) == getattr(flow, name), name
    assert stored.note == "冲销：重复登记"
    assert stored.confirmation == FundFlow.Confirmation.UNCONFIRMED
    assert net(pairing) == Decimal("0.00")


def test_it_audits_a_reversal_with_what_it_cancels_and_why(build, admin_user):
    pairing = build.pairing()
    flow = build.flow(pairing, "88.80")

    reversal = services.reverse_fund_flow(
        flow, acting_user=admin_user, via="web", reason="  金额有误  "
    )

    entry = AuditEntry.objects.get(record_type="fundflow", record_id=str(reversal.pk))
    assert entry.action == "fundflow.reversed"
    assert entry.user == admin_user and entry.actor == "web"
    assert entry.pairing_id == pairing.pk
    assert entry.changes["reverses"] == flow.pk
    assert Decimal(entry.changes["amount"]) == -flow.amount
    assert entry.changes["reason"].strip() == "金额有误"
    assert FundFlow.objects.get(pk=reversal.pk).note == "冲销：金额有误"


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_it_refuses_a_reversal_without_a_reason_and_writes_nothing(build, reason):
    flow = build.flow(build.pairing(), "10.00")
    before = written()

    with pytest.raises(ValidationError) as caught:
        services.reverse_fund_flow(flow, acting_user=None, via="test", reason=reason)

    assert caught.value.message_dict["note"] == ["请填写冲销原因"]
    assert written() == before


def test_it_cuts_a_long_reason_to_the_notes_length_but_audits_it_whole(build):
    flow = build.flow(build.pairing(), "10.00")
    reason = "原因" * 200

    reversal = services.reverse_fund_flow(flow, acting_user=None, via="test", reason=reason)

    stored = FundFlow.objects.get(pk=reversal.pk)
    assert len(stored.note) == FundFlow._meta.get_field("note").max_length
    assert stored.note.startswith("冲销：原因")
    entry = AuditEntry.objects.get(action="fundflow.reversed", record_id=str(reversal.pk))
    assert entry.changes["reason"] == reason


def test_it_refuses_a_reversal_dated_before_its_original_naming_the_date(build):
    flow = build.flow(build.pairing(), "10.00", year=2022, day=dt.date(2022, 7, 15))
    before = written()

    with pytest.raises(ValidationError) as caught:
        services.reverse_fund_flow(
            flow, acting_user=None, via="test", reason="错", on=dt.date(2022, 7, 14)
        )

    assert "冲销日期不能早于原记录的日期（2022-07-15）" in caught.value.message_dict["date"][0]
    assert written() == before


def test_it_takes_a_reversal_dated_the_originals_day(build):
    flow = build.flow(build.pairing(), "10.00", year=2022, day=dt.date(2022, 7, 15))

    reversal = services.reverse_fund_flow(
        flow, acting_user=None, via="test", reason="错", on=flow.date
    )

    assert FundFlow.objects.get(pk=reversal.pk).date == flow.date


def test_it_keeps_a_reversal_in_its_originals_fund_year_without_a_cross_year_reason(build):
    """A reversal dated years later stays in the original's fund year: it cancels that
    year's money, and no 跨年度说明 is asked of it."""
    flow = build.flow(build.pairing(), "10.00", year=2016, day=dt.date(2016, 6, 1))

    reversal = services.reverse_fund_flow(flow, acting_user=None, via="test", reason="错")

    stored = FundFlow.objects.get(pk=reversal.pk)
    assert stored.fund_year == 2016
    assert stored.cross_year_reason == ""


def test_it_refuses_to_record_a_reversal_as_a_new_entry(build):
    pairing = build.pairing()
    flow = build.flow(pairing, "10.00")
    before = written()
    fields = {"pairing": pairing, "kind": "transfer", "fund_year": 2021, "source": "fiscal"}

    for pointer in ({"reverses": flow}, {"reverses_id": flow.pk}):
        with pytest.raises(ValidationError, match="冲销请使用冲销功能"):
            services.record_fund_flow(
                acting_user=None,
                via="test",
                date=dt.date(2021, 6, 2),
                amount=Decimal("-10.00"),
                **fields,
                **pointer,
            )
    assert written() == before


# --- who may -------------------------------------------------------------------------------


def test_it_lets_only_the_helper_side_reverse_and_hides_the_pairing_from_outsiders(build):
    pairing = build.pairing()
    flow = build.flow(pairing, "50.00")
    helper = user_with(Role.HELPER_EDITOR, pairing.helper_region, "r-helper")
    recipient = user_with(Role.RECIPIENT_EDITOR, pairing.recipient_region, "r-recipient")
    auditor = user_with(Role.AUDITOR, pairing.recipient_region, "r-auditor")
    stranger = user_with(Role.HELPER_EDITOR, build.region("远区"), "r-stranger")
    before = written()

    for user in (recipient, auditor):
        with pytest.raises(PermissionDenied, match="您无权进行此项操作"):
            services.reverse_fund_flow(flow, acting_user=user, via="test", reason="错")
    with pytest.raises(access.OutOfScope):
        services.reverse_fund_flow(flow, acting_user=stranger, via="test", reason="错")
    assert written() == before

    reversal = services.reverse_fund_flow(flow, acting_user=helper, via="test", reason="错")
    assert AuditEntry.objects.get(record_id=str(reversal.pk), action="fundflow.reversed").user == (
        helper
    )


# --- the year lock -------------------------------------------------------------------------


def test_it_refuses_to_reverse_money_of_an_approved_year(build):
    pairing = build.pairing()
    flow = build.flow(pairing, "10.00", year=2021)
    lock(pairing, 2021)
    before = written()

    with pytest.raises(ValidationError, match="2021年的数据已审核锁定"):
        services.reverse_fund_flow(flow, acting_user=None, via="test", reason="错")
    assert written() == before


def test_it_reverses_again_once_the_year_is_reopened(build):
    pairing = build.pairing()
    flow = build.flow(pairing, "10.00", year=2021)
    lock(pairing, 2021)
    services.move_year(pairing, 2021, "reopened", acting_user=None, via="test", comment="补录")

    services.reverse_fund_flow(flow, acting_user=None, via="test", reason="错")

    assert net(pairing) == Decimal("0.00")


def test_it_rolls_a_correction_back_whole_when_its_new_year_is_locked(build):
    """The reversal goes into an open year, the corrected entry into a locked one: neither
    is written."""
    pairing = build.pairing()
    flow = build.flow(pairing, "10.00", year=2021)
    lock(pairing, 2022)
    before = written()

    with pytest.raises(ValidationError, match="2022年的数据已审核锁定"):
        services.correct_fund_flow(
            flow, acting_user=None, via="test", reason="年度错", fund_year=2022
        )

    assert written() == before
    assert not FundFlow.objects.filter(reverses=flow).exists()


def test_it_corrects_the_year_and_the_amount_to_the_fen(build):
    pairing = build.pairing()
    flow = build.flow(pairing, "100.00", year=2021)

    reversal, replacement = services.correct_fund_flow(
        flow,
        acting_user=None,
        via="test",
        reason="少记一分",
        fund_year=2022,
        date=dt.date(2022, 1, 5),
        amount=Decimal("100.01"),
    )

    assert reversal.amount == Decimal("-100.00")
    assert (replacement.fund_year, replacement.amount) == (2022, Decimal("100.01"))
    assert replacement.voucher == flow.voucher and replacement.kind == flow.kind
    assert net(pairing) == Decimal("100.01")
    actions = list(
        AuditEntry.objects.filter(pairing=pairing, record_type="fundflow")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["fundflow.recorded", "fundflow.reversed", "fundflow.recorded"]


def test_it_refuses_to_correct_a_reversal(build):
    flow = build.flow(build.pairing(), "10.00")
    reversal = services.reverse_fund_flow(flow, acting_user=None, via="test", reason="错")
    before = written()

    with pytest.raises(ValidationError, match="冲销记录不能再次冲销"):
        services.correct_fund_flow(
            reversal, acting_user=None, via="test", reason="再改", amount=Decimal("5.00")
        )
    assert written() == before


# --- many at once --------------------------------------------------------------------------


def test_it_reverses_none_of_a_batch_when_one_is_already_reversed(build):
    pairing = build.pairing()
    flows = [build.flow(pairing, amount) for amount in ("1.00", "2.00", "3.00")]
    services.reverse_fund_flow(flows[1], acting_user=None, via="test", reason="错")
    before = written()

    with pytest.raises(ValidationError, match="该记录已被冲销"):
        services.bulk_reverse_fund_flows(flows, acting_user=None, via="test", reason="批量")

    assert written() == before
    assert not FundFlow.objects.filter(reverses__in=[flows[0], flows[2]]).exists()


def test_it_reverses_a_batch_across_pairings_each_audited_in_its_own(build):
    first, second = build.pairing(), build.pairing()
    flows = [build.flow(first, "1.10"), build.flow(second, "2.20"), build.flow(first, "3.30")]

    reversals = services.bulk_reverse_fund_flows(
        flows, acting_user=None, via="import", reason="撤销导入"
    )

    assert sorted(r.reverses_id for r in reversals) == sorted(f.pk for f in flows)
    assert net(first) == net(second) == Decimal("0.00")
    for reversal in reversals:
        entry = AuditEntry.objects.get(record_id=str(reversal.pk), action="fundflow.reversed")
        assert entry.pairing_id == reversal.pairing_id
        assert entry.actor == "import"


def test_it_records_none_of_a_batch_with_one_bad_row(build):
    pairing = build.pairing()
    good = {
        "pairing": pairing,
        "kind": "transfer",
        "fund_year": 2021,
        "date": dt.date(2021, 6, 1),
        "source": "fiscal",
    }
    rows = [
        {**good, "amount": Decimal("1.00")},
        {**good, "amount": Decimal("0.00")},
        {**good, "amount": Decimal("3.00")},
    ]
    before = written()

    with pytest.raises(ValidationError, match="金额必须大于0"):
        services.bulk_record_fund_flows(rows, acting_user=None, via="import")
    assert written() == before


def test_it_refuses_a_batch_naming_a_pairing_that_does_not_exist(build):
    pairing = build.pairing()
    missing = Pairing.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000
    row = {
        "kind": "transfer",
        "fund_year": 2021,
        "date": dt.date(2021, 6, 1),
        "source": "fiscal",
        "amount": Decimal("1.00"),
    }
    before = written()

    with pytest.raises(ValidationError) as caught:
        services.bulk_record_fund_flows(
            [{**row, "pairing": pairing}, {**row, "pairing_id": missing}],
            acting_user=None,
            via="import",
            validated=True,
        )
    assert caught.value.message_dict["pairing"] == ["引用的记录不存在"]
    assert written() == before


def test_it_refuses_a_batch_recorded_as_already_confirmed_by_a_user(build):
    pairing = build.pairing()
    helper = user_with(Role.HELPER_EDITOR, pairing.helper_region, "b-helper")
    row = {
        "pairing": pairing,
        "kind": "transfer",
        "fund_year": 2021,
        "date": dt.date(2021, 6, 1),
        "source": "fiscal",
        "amount": Decimal("1.00"),
        "confirmation": FundFlow.Confirmation.CONFIRMED,
    }
    before = written()

    with pytest.raises(PermissionDenied, match="须由受援方通过确认功能确认"):
        services.bulk_record_fund_flows([row], acting_user=helper, via="import")
    assert written() == before


# --- any sequence of entries and reversals adds up to the fen ------------------------------

amounts = st.decimals(
    min_value=Decimal("0.01"), max_value=Decimal("999999999.99"), places=2, allow_nan=False
)


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=st.lists(st.tuples(amounts, st.booleans()), min_size=1, max_size=6))
def test_it_nets_entries_and_reversals_to_the_fen(build, entries):
    pairing = build.pairing()
    kept = Decimal("0.00")
    flows = []
    for amount, reverse in entries:
        flows.append(build.flow(pairing, str(amount)))
        if not reverse:
            kept += amount
    services.bulk_reverse_fund_flows(
        [flow for flow, (_amount, reverse) in zip(flows, entries, strict=True) if reverse],
        acting_user=None,
        via="test",
        reason="冲销",
    )

    assert net(pairing) == kept
    reversed_ids = set(
        FundFlow.objects.filter(pairing=pairing, reverses__isnull=False).values_list(
            "reverses_id", flat=True
        )
    )
    assert reversed_ids == {f.pk for f, (_a, r) in zip(flows, entries, strict=True) if r}
