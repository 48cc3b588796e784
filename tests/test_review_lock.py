"""A year of a pairing's data: draft → submitted → approved (locked), returned, reopened."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pairaid.ledger import services
from pairaid.ledger.models import AuditEntry, FundFlow, Pairing, PairingYear


@pytest.fixture
def jiangyang(db) -> Pairing:
    return Pairing.objects.get(helper_region__name="江阳区")


def record(pairing: Pairing, user, year: int = 2021) -> FundFlow:
    return services.record_fund_flow(
        acting_user=user,
        via="test",
        pairing=pairing,
        kind="transfer",
        fund_year=year,
        date=dt.date(year, 5, 1),
        amount=Decimal("1.00"),
        source="fiscal",
    )


def approve(pairing: Pairing, personas, year: int = 2021) -> None:
    services.move_year(pairing, year, "submitted", acting_user=personas.jiangyang, via="test")
    services.move_year(pairing, year, "approved", acting_user=personas.luzhou, via="test")


def test_it_locks_an_approved_year(jiangyang, personas):
    approve(jiangyang, personas)

    with pytest.raises(ValidationError, match="已审核锁定"):
        record(jiangyang, personas.jiangyang)
    flow = FundFlow.objects.filter(pairing=jiangyang, fund_year=2021, reverses=None).first()
    with pytest.raises(ValidationError, match="已审核锁定"):
        services.reverse_fund_flow(flow, acting_user=personas.jiangyang, via="test", reason="错")
    assert record(jiangyang, personas.jiangyang, year=2023).pk  # other years stay open


def test_it_lets_project_progress_continue_in_a_locked_year(jiangyang, personas):
    project = jiangyang.projects.filter(start_date__year=2021).first()
    approve(jiangyang, personas)

    services.update_record(project, acting_user=personas.yanyuan, via="test", progress=99)
    with pytest.raises(ValidationError, match="已审核锁定"):
        services.update_record(project, acting_user=personas.jiangyang, via="test", name="改")


def test_it_lets_only_a_coordinator_approve_and_reopen_with_a_reason(jiangyang, personas):
    services.move_year(jiangyang, 2021, "submitted", acting_user=personas.jiangyang, via="test")
    with pytest.raises(PermissionDenied):
        services.move_year(jiangyang, 2021, "approved", acting_user=personas.jiangyang, via="t")
    services.move_year(jiangyang, 2021, "approved", acting_user=personas.luzhou, via="test")

    with pytest.raises(ValidationError, match="意见或原因"):
        services.move_year(jiangyang, 2021, "reopened", acting_user=personas.luzhou, via="test")
    services.move_year(
        jiangyang, 2021, "reopened", acting_user=personas.luzhou, via="test", comment="补录凭证"
    )

    assert record(jiangyang, personas.jiangyang).pk
    entry = AuditEntry.objects.filter(action="pairingyear.reopened").latest("id")
    assert entry.user == personas.luzhou
    assert entry.changes == {"status": ["approved", "draft"], "comment": "补录凭证"}


def test_it_returns_a_submitted_year_with_a_comment(jiangyang, personas):
    services.move_year(jiangyang, 2022, "submitted", acting_user=personas.jiangyang, via="test")
    services.move_year(
        jiangyang, 2022, "returned", acting_user=personas.luzhou, via="test", comment="缺凭证号"
    )

    year = PairingYear.objects.get(pairing=jiangyang, year=2022)
    assert (year.status, year.comment) == ("draft", "缺凭证号")


def test_it_refuses_steps_out_of_order(jiangyang, personas):
    with pytest.raises(ValidationError, match="只有已报送的年度"):
        services.move_year(jiangyang, 2020, "approved", acting_user=personas.luzhou, via="test")
    with pytest.raises(ValidationError, match="只有已审核锁定的年度"):
        services.move_year(
            jiangyang, 2020, "reopened", acting_user=personas.luzhou, via="test", comment="x"
        )
