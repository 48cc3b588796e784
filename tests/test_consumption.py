"""Consumption assistance (消费帮扶): records written through the services, their rules, the
figures counted from them (the total and its two directions), targets against them, the
year lock, and the demo's records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from consumption_records import consumption, consumption_fields, town
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from pairaid.ledger import access, figure_sets, figures, figures_cooperation, services
from pairaid.ledger.figure_specs import FIGURES
from pairaid.ledger.messages import CONSTRAINT_MESSAGES, integrity_message
from pairaid.ledger.models import AuditEntry, ConsumptionRecord, Pairing, Region, Target

R = ConsumptionRecord
AS_OF = dt.date(2022, 12, 31)
PARTS = ("consumption_purchased", "consumption_sold_helped")


def window(pairing, **options):
    options.setdefault("as_of", AS_OF)
    return figures.window_for(pairing, **options)


def refusal(pairing, **fields) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        services.create_record(
            ConsumptionRecord, acting_user=None, via="test", **consumption_fields(pairing, **fields)
        )
    return refused.value.message_dict


# --- records ------------------------------------------------------------------------------


def test_it_creates_updates_and_deletes_a_record_with_audit(build):
    pairing = build.pairing()
    place = town(build, pairing)
    record = consumption(pairing, "2500.50", origin=place, quantity=Decimal("100"), unit="斤")
    updated = services.update_record(
        record, acting_user=None, via="test", expected_version=1, amount=Decimal("2600.00")
    )
    assert updated.version == 2 and updated.amount == Decimal("2600.00")
    services.delete_record(updated, acting_user=None, via="test")

    assert not ConsumptionRecord.objects.filter(pk=record.pk).exists()
    actions = list(
        AuditEntry.objects.filter(record_type="consumptionrecord", record_id=str(record.pk))
        .order_by("id")
        .values_list("action", "changes")
    )
    assert [action for action, _changes in actions] == [
        "consumptionrecord.created",
        "consumptionrecord.updated",
        "consumptionrecord.deleted",
    ]
    assert actions[1][1]["amount"] == ["2500.50", "2600.00"]


def test_it_refuses_each_rule_in_chinese(build):
    pairing = build.pairing()
    elsewhere = build.region("别的县")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    assert refusal(pairing, amount=Decimal("0.00"))["amount"] == ["金额必须大于0"]
    assert refusal(pairing, quantity=Decimal("5"))["unit"] == ["数量和计量单位须同时填写或同时不填"]
    assert refusal(pairing, unit="斤")["unit"] == ["数量和计量单位须同时填写或同时不填"]
    assert refusal(pairing, quantity=Decimal("-1"), unit="斤")["quantity"] == ["数量必须大于0"]
    assert refusal(pairing, date=tomorrow)["date"] == ["日期不能晚于今天"]
    assert refusal(pairing, origin=elsewhere)["origin"] == ["应在受援方（乙县）的区划范围内"]


def test_it_takes_an_origin_down_to_a_village_of_the_recipient(build):
    pairing = build.pairing()
    township = town(build, pairing)
    village = build.region("某村", Region.Level.VILLAGE, code="981234567890", parent=township)

    for place in (pairing.recipient_region, township, village):
        assert consumption(pairing, origin=place).origin == place


def test_the_database_refuses_what_the_rules_refuse(build):
    record = consumption(build.pairing())

    for change, rule in (
        ({"amount": Decimal("0.00")}, "consumption_amount_positive"),
        ({"quantity": Decimal("0.00"), "unit": "斤"}, "consumption_quantity_positive"),
    ):
        with pytest.raises(IntegrityError) as refused, transaction.atomic():
            ConsumptionRecord.objects.filter(pk=record.pk).update(**change)
        assert integrity_message(refused.value) == str(CONSTRAINT_MESSAGES[rule])


def test_an_office_records_only_for_its_own_pairings(personas):
    jiangyang = Pairing.objects.get(helper_region__name="江阳区", is_demo=True)
    longmatan = Pairing.objects.get(helper_region__name="龙马潭区", is_demo=True)
    fields = consumption_fields(jiangyang, date=dt.date(2023, 3, 1))

    made = services.create_record(
        ConsumptionRecord, acting_user=personas.jiangyang, via="test", **fields
    )
    assert made.pairing == jiangyang
    with pytest.raises(PermissionDenied):
        services.create_record(
            ConsumptionRecord,
            acting_user=personas.viewer,
            via="test",
            **consumption_fields(jiangyang, date=dt.date(2023, 3, 1)),
        )
    with pytest.raises(access.OutOfScope):
        services.create_record(
            ConsumptionRecord,
            acting_user=personas.jiangyang,
            via="test",
            **consumption_fields(longmatan, date=dt.date(2023, 3, 1)),
        )


def test_an_approved_year_refuses_new_changed_and_deleted_records(build):
    pairing = build.pairing()
    record = consumption(pairing, date=dt.date(2021, 5, 1))
    for step in ("submitted", "approved"):
        services.move_year(pairing, 2021, step, acting_user=None, via="test")

    with pytest.raises(ValidationError, match="已审核锁定"):
        consumption(pairing, date=dt.date(2021, 6, 1))
    with pytest.raises(ValidationError, match="已审核锁定"):
        services.update_record(record, acting_user=None, via="test", amount=Decimal("1.00"))
    with pytest.raises(ValidationError, match="已审核锁定"):
        services.delete_record(record, acting_user=None, via="test")
    assert consumption(pairing, date=dt.date(2022, 1, 5)).pk


# --- figures ------------------------------------------------------------------------------


def test_the_total_adds_purchases_and_helped_sales_and_each_is_the_sum_of_its_records(build):
    pairing = build.pairing()
    bought = [consumption(pairing, amount) for amount in ("1000.10", "2000.20")]
    sold = [
        consumption(pairing, "4000.40", direction=R.Direction.SOLD_HELPED, channel=R.Channel.FAIR)
    ]
    consumption(pairing, "9.99", date=dt.date(2019, 5, 1))  # before the pairing's years

    found = {key: FIGURES[key].make(window(pairing), None) for key in ("consumption_total", *PARTS)}

    purchased = sum((r.amount for r in bought), Decimal("0.00"))
    helped = sum((r.amount for r in sold), Decimal("0.00"))
    assert found["consumption_purchased"].value == purchased
    assert found["consumption_sold_helped"].value == helped
    assert found["consumption_total"].value == purchased + helped
    assert "采购与帮助销售两项相加" in found["consumption_total"].rule
    for figure in found.values():
        assert figure.unit == "元"
        assert sum((r.amount for r in figure.records), Decimal("0.00")) == figure.value
        assert FIGURES[figure.key].records == "consumption"
        assert FIGURES[figure.key].area == "consumption"
    assert FIGURES["consumption_total"].indicator == Target.Indicator.CONSUMPTION


def test_it_counts_only_records_dated_in_the_window(build):
    pairing = build.pairing()
    early, late = consumption(pairing, "10.00"), consumption(pairing, "20.00", date=AS_OF)

    assert figures_cooperation.consumption(window(pairing)).value == early.amount + late.amount
    before = window(pairing, as_of=AS_OF - dt.timedelta(days=1))
    assert figures_cooperation.consumption(before).value == early.amount
    one_year = window(pairing, from_year=2022, to_year=2022)
    assert list(figures_cooperation.consumption(one_year).records) == [late]


def test_it_never_changes_the_fund_figures(build):
    pairing = build.pairing()
    build.flow(pairing, "100.00")
    before = figures.funds_invested(window(pairing)).value

    consumption(pairing, "5000.00")

    assert figures.funds_invested(window(pairing)).value == before


def test_a_coordinating_pairing_counts_its_children_in_one_set(build):
    parent = build.pairing("某市", "某州")
    children = [build.pairing(f"{n}区", f"{n}县", parent=parent) for n in "丙丁"]
    made = [consumption(child, f"{i + 1}00.00") for i, child in enumerate(children)]
    subjects = [figure_sets.Subject(p, p == parent) for p in (parent, *children)]

    found = figure_sets.compute(["consumption_total"], subjects, as_of=AS_OF)

    for subject in subjects:
        figure = found[subject]["consumption_total"]
        alone = figures_cooperation.consumption(
            window(subject.pairing, include_children=subject.children)
        )
        assert (figure.value, figure.rule) == (alone.value, alone.rule)
    total = found[subjects[0]]["consumption_total"].value
    assert total == sum((r.amount for r in made), Decimal("0.00"))


def test_targets_show_the_consumption_actual(build):
    pairing = build.pairing()
    made = [consumption(pairing, "300.00"), consumption(pairing, "700.00")]
    services.create_record(
        Target,
        acting_user=None,
        via="test",
        pairing=pairing,
        year=2021,
        indicator=Target.Indicator.CONSUMPTION,
        value=Decimal("2000.00"),
    )

    [item] = figure_sets.targets_against_actuals(window(pairing), 2021)

    assert item.actual is not None and item.actual.key == "consumption_total"
    assert item.actual.value == sum((r.amount for r in made), Decimal("0.00"))
    assert item.percent == figures.ratio(item.actual.value, Decimal("2000.00"))


# --- the demo -----------------------------------------------------------------------------


def test_the_demo_records_both_directions_every_channel_and_the_sorghum_contract(db):
    for name in ("江阳区", "龙马潭区"):
        pairing = Pairing.objects.get(helper_region__name=name, is_demo=True)
        records = ConsumptionRecord.objects.filter(pairing=pairing)
        assert set(records.values_list("direction", flat=True)) == set(R.Direction.values)
        assert set(records.values_list("channel", flat=True)) == set(R.Channel.values)
        assert set(records.values_list("buyer_kind", flat=True)) == set(R.BuyerKind.values)
        assert not records.filter(is_demo=False).exists()
        assert records.filter(origin__level=Region.Level.TOWNSHIP).exists()
        figure = figures_cooperation.consumption(window(pairing))
        assert figure.value == sum((r.amount for r in records), Decimal("0.00"))
        yearly = figures_cooperation.consumption(window(pairing, from_year=2021, to_year=2021))
        assert Decimal("1000000") <= yearly.value <= Decimal("50000000")  # millions a year
    sorghum = ConsumptionRecord.objects.get(product="科研用高粱")
    contract = sorghum.pairing.agreements.get(title="科研用高粱采购合同")
    assert (sorghum.pairing.helper_region.name, sorghum.direction) == ("龙马潭区", "purchased")
    assert (sorghum.amount, sorghum.date) == (contract.amount, contract.signed_date)
