"""Rules the database itself enforces, even for writes that bypass the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, connection, transaction

from pairaid.ledger.models import FundFlow, Pairing, Posting, Project, Region


def rejected(make) -> bool:
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


def test_it_rejects_a_fund_flow_whose_project_is_in_another_pairing(build):
    one, other = build.pairing("一区", "一县"), build.pairing("二区", "二县")
    foreign = build.project(other)

    assert rejected(
        lambda: FundFlow.objects.create(
            pairing=one,
            kind="allocate",
            fund_year=2021,
            date=dt.date(2021, 1, 1),
            amount=Decimal("1.00"),
            source="fiscal",
            project=foreign,
        )
    )


def test_it_rejects_moving_a_project_away_from_its_fund_flows(build):
    one, other = build.pairing("一区", "一县"), build.pairing("二区", "二县")
    project = build.project(one)
    build.flow(one, "3.00", kind=FundFlow.Kind.ALLOCATE, project=project)

    assert rejected(lambda: Project.objects.filter(pk=project.pk).update(pairing=other))


def test_it_rejects_a_negative_amount_that_reverses_nothing(build):
    pairing = build.pairing()

    assert rejected(
        lambda: FundFlow.objects.create(
            pairing=pairing,
            kind="transfer",
            fund_year=2021,
            date=dt.date(2021, 1, 1),
            amount=Decimal("-1.00"),
            source="fiscal",
        )
    )


def test_it_never_keeps_a_fraction_of_a_fen(build):
    """SQLite would keep 1.005 as written: a check constraint rejects it there. PostgreSQL's
    numeric(16,2) column holds two places by itself, so whatever it keeps has two places."""
    pairing = build.pairing()
    kept: list[FundFlow] = []

    def write() -> None:
        kept.append(
            FundFlow.objects.create(
                pairing=pairing,
                kind="transfer",
                fund_year=2021,
                date=dt.date(2021, 1, 1),
                amount=Decimal("1.005"),
                source="fiscal",
            )
        )

    if rejected(write):
        assert not FundFlow.objects.filter(pairing=pairing).exists()
    else:
        assert connection.vendor == "postgresql"  # SQLite must reject it
        stored = FundFlow.objects.get(pk=kept[0].pk).amount
        assert stored == stored.quantize(Decimal("0.01"))


def test_it_rejects_dates_out_of_order(build):
    pairing = build.pairing()
    person = build.person()

    assert rejected(
        lambda: Posting.objects.create(
            person=person,
            pairing=pairing,
            start_date=dt.date(2022, 1, 1),
            planned_end=dt.date(2021, 1, 1),
        )
    )
    assert rejected(
        lambda: Pairing.objects.filter(pk=pairing.pk).update(valid_to=dt.date(2000, 1, 1))
    )


def test_it_keeps_one_region_per_code_and_only_official_code_lengths(build):
    region = build.region("某县", code="990001")

    assert rejected(lambda: Region.objects.create(code=region.code, name="重名", level="county"))
    assert rejected(lambda: Region.objects.create(code="12345", name="短码", level="county"))


def test_it_requires_a_helper_and_a_recipient(build):
    recipient = build.region("某县")

    assert rejected(
        lambda: Pairing.objects.create(
            recipient_region=recipient, scheme="other", valid_from=dt.date(2020, 1, 1)
        )
    )
