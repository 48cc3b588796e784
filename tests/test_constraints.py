"""Rules the database itself enforces, even for writes that bypass the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from assets_records import asset, check, finished_project, handed
from django.db import IntegrityError, transaction

from pairaid.ledger.models import Asset, AssetCheck, FundFlow, Pairing, Posting, Project, Region
from pairaid.ledger.money import CENT, MAX_AMOUNT


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


def test_it_refuses_fractions_of_a_fen_on_every_database(build):
    pairing = build.pairing()

    with pytest.raises(ValueError), transaction.atomic():
        FundFlow.objects.create(
            pairing=pairing,
            kind="transfer",
            fund_year=2021,
            date=dt.date(2021, 1, 1),
            amount=Decimal("1.005"),
            source="fiscal",
        )
    assert not FundFlow.objects.filter(pairing=pairing).exists()


def test_it_rejects_an_amount_beyond_the_ledgers_maximum(build):
    pairing = build.pairing()
    flow = build.flow(pairing, "1.00")
    project = build.project(pairing)
    beyond = MAX_AMOUNT + CENT

    assert rejected(lambda: FundFlow.objects.filter(pk=flow.pk).update(amount=beyond))
    assert rejected(lambda: Project.objects.filter(pk=project.pk).update(planned_budget=beyond))
    assert not rejected(lambda: FundFlow.objects.filter(pk=flow.pk).update(amount=MAX_AMOUNT))


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


def test_it_holds_the_rules_of_assets_and_their_yearly_checks(build):
    made = asset(finished_project(build, build.pairing()), **handed(dt.date(2021, 3, 1)))
    check(made, 2022)
    same = Asset.objects.filter(pk=made.pk)

    assert rejected(lambda: same.update(value=Decimal("-0.01")))
    assert rejected(lambda: same.update(value=MAX_AMOUNT + CENT))
    assert rejected(lambda: same.update(quantity=Decimal("-1")))
    assert rejected(lambda: same.update(handed_over_on=dt.date(2020, 12, 31)))
    assert rejected(lambda: same.update(handed_over_to=""))
    assert rejected(lambda: same.update(handed_over_on=None))
    assert not rejected(lambda: same.update(handed_over_on=None, handed_over_to=""))
    copy = {f.name: getattr(made, f.name) for f in Asset._meta.concrete_fields if f.name != "id"}
    assert rejected(lambda: Asset.objects.create(**copy))  # the same code in the pairing
    checks = AssetCheck.objects.filter(asset=made)
    assert rejected(lambda: checks.update(income=Decimal("-0.01")))
    assert rejected(
        lambda: AssetCheck.objects.create(
            pairing=made.pairing, asset=made, year=2022, state="idle", income=Decimal("0.00")
        )
    )
