"""Every change goes through the services: validated, audited, in one transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pairaid.ledger import services
from pairaid.ledger.models import AuditEntry, FundFlow, Project, Team


def entries_for(obj):
    return AuditEntry.objects.filter(record_type=obj._meta.model_name, record_id=str(obj.pk))


def test_it_audits_a_created_record_with_its_values(build, admin_user):
    build.user = admin_user
    project = build.project(build.pairing(), name="乌鸡养殖", planned_budget=Decimal("12.30"))

    entry = entries_for(project).get()
    assert entry.action == "project.created"
    assert entry.user == admin_user
    assert entry.actor == "test"
    assert entry.pairing_id == project.pairing_id
    assert entry.changes["name"] == "乌鸡养殖"
    assert entry.changes["planned_budget"] == "12.30"


def test_it_audits_an_update_with_old_and_new_values(build):
    project = build.project(build.pairing(), name="旧名")

    services.update_record(project, acting_user=None, via="cli", name="新名", progress=40)

    entry = entries_for(project).get(action="project.updated")
    assert entry.changes == {"name": ["旧名", "新名"], "progress": [0, 40]}
    assert entry.actor == "cli"
    project.refresh_from_db()
    assert (project.name, project.progress) == ("新名", 40)


def test_it_writes_no_audit_entry_for_an_update_that_changes_nothing(build):
    project = build.project(build.pairing(), name="不变")

    services.update_record(project, acting_user=None, via="test", name="不变")

    assert not entries_for(project).filter(action="project.updated").exists()


def test_it_audits_a_deletion_with_the_last_values(build):
    project = build.project(build.pairing(), name="将删除")
    pk = project.pk

    services.delete_record(project, acting_user=None, via="test")

    assert not Project.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(
        record_type="project", record_id=str(pk), action="project.deleted"
    )
    assert entry.changes["name"] == "将删除"


def test_it_refuses_to_delete_a_record_still_in_use_and_keeps_it(build):
    pairing = build.pairing()
    project = build.project(pairing)
    build.flow(pairing, "10.00", kind=FundFlow.Kind.ALLOCATE, project=project)

    with pytest.raises(ValidationError, match="仍被其他记录引用"):
        services.delete_record(project, acting_user=None, via="test")

    assert Project.objects.filter(pk=project.pk).exists()
    assert not entries_for(project).filter(action="project.deleted").exists()


def test_it_rejects_invalid_changes_in_chinese_and_writes_nothing(build):
    pairing = build.pairing()
    before = AuditEntry.objects.count()

    with pytest.raises(ValidationError) as caught:
        build.project(pairing, start=dt.date(2022, 5, 1), end_date=dt.date(2022, 1, 1))

    assert "完工日期不能早于开工日期" in str(caught.value)
    assert AuditEntry.objects.count() == before
    assert not Project.objects.filter(pairing=pairing).exists()


def test_it_records_a_fund_flow_with_an_audit_entry(build):
    flow = build.flow(build.pairing(), "14654.73", voucher="泸江财〔2022〕1号")

    entry = entries_for(flow).get()
    assert entry.action == "fundflow.recorded"
    assert entry.changes["amount"] == "14654.73"
    assert entry.changes["voucher"] == "泸江财〔2022〕1号"


def test_it_never_edits_or_deletes_a_fund_flow(build):
    flow = build.flow(build.pairing(), "10.00")

    with pytest.raises(ValidationError, match="不能直接修改或删除"):
        services.update_record(flow, acting_user=None, via="test", amount=Decimal("11.00"))
    with pytest.raises(ValidationError, match="不能直接修改或删除"):
        services.delete_record(flow, acting_user=None, via="test")

    flow.refresh_from_db()
    assert flow.amount == Decimal("10.00")


def test_it_reverses_a_fund_flow_with_an_opposite_entry(build):
    flow = build.flow(build.pairing(), "10.00", voucher="V1")

    reversal = services.reverse_fund_flow(
        flow, acting_user=None, via="test", reason="重复登记", on=dt.date(2021, 8, 1)
    )

    assert reversal.amount == Decimal("-10.00")
    assert reversal.reverses == flow
    assert (reversal.kind, reversal.fund_year, reversal.voucher) == ("transfer", 2021, "V1")
    assert "重复登记" in reversal.note
    entry = entries_for(reversal).get()
    assert entry.action == "fundflow.reversed"
    assert entry.changes["reverses"] == flow.pk


def test_it_refuses_to_reverse_twice_or_to_reverse_a_reversal(build):
    flow = build.flow(build.pairing(), "10.00")
    reversal = services.reverse_fund_flow(flow, acting_user=None, via="test", reason="错")

    with pytest.raises(ValidationError, match="已被冲销"):
        services.reverse_fund_flow(flow, acting_user=None, via="test", reason="再冲")
    with pytest.raises(ValidationError, match="不能再次冲销"):
        services.reverse_fund_flow(reversal, acting_user=None, via="test", reason="再冲")


def test_it_requires_a_reason_to_reverse(build):
    flow = build.flow(build.pairing(), "10.00")

    with pytest.raises(ValidationError, match="冲销原因"):
        services.reverse_fund_flow(flow, acting_user=None, via="test", reason="  ")

    assert not FundFlow.objects.filter(reverses=flow).exists()


def test_it_corrects_a_fund_flow_as_reversal_plus_new_entry(build):
    pairing = build.pairing()
    flow = build.flow(pairing, "1000.00", source=FundFlow.Source.FISCAL)

    reversal, replacement = services.correct_fund_flow(
        flow,
        acting_user=None,
        via="test",
        reason="来源应为社会帮扶资金",
        source=FundFlow.Source.SOCIAL_CASH,
    )

    assert reversal.amount == Decimal("-1000.00")
    assert replacement.amount == Decimal("1000.00")
    assert replacement.source == FundFlow.Source.SOCIAL_CASH
    assert FundFlow.objects.filter(pairing=pairing).count() == 3


def test_it_rolls_back_the_reversal_when_the_correction_is_invalid(build):
    flow = build.flow(build.pairing(), "1000.00")

    with pytest.raises(ValidationError):
        services.correct_fund_flow(
            flow, acting_user=None, via="test", reason="改", amount=Decimal("-5.00")
        )

    assert not FundFlow.objects.filter(reverses=flow).exists()


def test_it_rejects_a_project_from_another_pairing(build):
    one, other = build.pairing("一区", "一县"), build.pairing("二区", "二县")
    foreign = build.project(other)

    with pytest.raises(ValidationError, match="项目不属于该结对关系"):
        build.flow(one, "5.00", kind=FundFlow.Kind.ALLOCATE, project=foreign)


def test_it_requires_a_project_for_allocations_and_spending(build):
    with pytest.raises(ValidationError, match="须指明项目"):
        build.flow(build.pairing(), "5.00", kind=FundFlow.Kind.SPEND)


def test_it_rejects_amounts_below_a_fen_and_not_positive(build):
    pairing = build.pairing()
    with pytest.raises(ValidationError):
        build.flow(pairing, "1.005")
    with pytest.raises(ValidationError, match="金额必须大于0"):
        build.flow(pairing, "0")


def test_it_confirms_and_disputes_with_an_audit_entry(build):
    pairing = build.pairing()
    received, doubted = build.flow(pairing, "1.00"), build.flow(pairing, "2.00")

    services.confirm_record(received, acting_user=None, via="test", accept=True)
    with pytest.raises(ValidationError, match="说明原因"):
        services.confirm_record(doubted, acting_user=None, via="test", accept=False)
    services.confirm_record(doubted, acting_user=None, via="test", accept=False, note="未到账")

    received.refresh_from_db()
    doubted.refresh_from_db()
    assert received.confirmation == FundFlow.Confirmation.CONFIRMED
    assert doubted.confirmation == FundFlow.Confirmation.DISPUTED
    assert entries_for(doubted).filter(action="fundflow.disputed").exists()
    change = entries_for(received).get(action="fundflow.confirmed").changes["confirmation"]
    assert change == ["unconfirmed", "confirmed"]


def test_it_audits_changes_to_a_many_to_many_field(build):
    pairing = build.pairing()
    school = build.organisation("某中学", pairing.recipient_region, kind="school")
    team = services.create_record(Team, acting_user=None, via="test", pairing=pairing, name="组团")

    services.set_related(team, "to_organisations", [school], acting_user=None, via="test")

    assert list(team.to_organisations.all()) == [school]
    assert entries_for(team).get(action="team.updated").changes == {
        "to_organisations": [[], [school.pk]]
    }


def test_it_creates_many_records_with_one_audit_entry_each(build):
    pairing = build.pairing()
    rows = [
        {
            "pairing": pairing,
            "code": f"B-{n}",
            "name": f"批量{n}",
            "sector": "education",
            "mode": "direct_aid",
        }
        for n in range(3)
    ]

    created = services.bulk_create_records(Project, rows, acting_user=None, via="import")

    assert len(created) == 3
    assert (
        AuditEntry.objects.filter(
            record_type="project", record_id__in=[str(p.pk) for p in created], actor="import"
        ).count()
        == 3
    )


def test_it_refuses_a_parent_loop_between_pairings(build):
    parent = build.pairing("上", "下")
    child = build.pairing("子上", "子下", parent=parent)

    with pytest.raises(ValidationError, match="上级结对关系"):
        services.update_record(parent, acting_user=None, via="test", parent=child)
