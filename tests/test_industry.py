"""Industrial cooperation (产业合作): parks built together and the enterprises the pairing
brought in (引导落地企业) with their agreed and arrived investment, written through the services,
their rules, their figures, targets against them, and the demo's records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from consumption_records import investment, investment_fields, park, park_fields, town
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from pairaid.ledger import figure_sets, figures, figures_cooperation, services
from pairaid.ledger.figure_specs import FIGURES
from pairaid.ledger.messages import CONSTRAINT_MESSAGES, integrity_message, readable
from pairaid.ledger.models import AuditEntry, GuidedInvestment, IndustrialPark, Pairing, Target

AS_OF = dt.date(2022, 12, 31)
KEYS = ("parks", "enterprises_landed", "investment_arrived", "investment_agreed")


def window(pairing, **options):
    options.setdefault("as_of", AS_OF)
    return figures.window_for(pairing, **options)


def refused(model, fields) -> dict[str, list[str]]:
    """The refusal as every surface says it (`messages.readable`)."""
    with pytest.raises(ValidationError) as refusal:
        services.create_record(model, acting_user=None, via="test", **fields)
    return readable(refusal.value).message_dict


def raw_refusal(write) -> str:
    with pytest.raises(IntegrityError) as refusal, transaction.atomic():
        write()
    return integrity_message(refusal.value)


# --- records ------------------------------------------------------------------------------


def test_it_creates_updates_and_deletes_a_park_with_audit(build):
    pairing = build.pairing()
    made = park(pairing, location=town(build, pairing), area_mu=Decimal("850.5"))
    changed = services.update_record(
        made, acting_user=None, via="test", expected_version=1, enterprises_settled=3
    )
    services.delete_record(changed, acting_user=None, via="test")

    actions = AuditEntry.objects.filter(record_type="industrialpark", record_id=str(made.pk))
    assert list(actions.order_by("id").values_list("action", flat=True)) == [
        "industrialpark.created",
        "industrialpark.updated",
        "industrialpark.deleted",
    ]
    assert changed.version == 2 and not IndustrialPark.objects.filter(pk=made.pk).exists()


def test_it_refuses_each_park_rule_in_chinese(build):
    pairing = build.pairing()
    park(pairing, code="YQ-1")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    elsewhere = build.region("别的县")

    assert refused(IndustrialPark, park_fields(pairing, established=tomorrow))["established"] == [
        "日期不能晚于今天"
    ]
    assert refused(IndustrialPark, park_fields(pairing, location=elsewhere))["location"] == [
        "应在受援方（乙县）的区划范围内"
    ]
    assert refused(IndustrialPark, park_fields(pairing, code="YQ-1"))["__all__"] == [
        str(CONSTRAINT_MESSAGES["park_unique_code_in_pairing"])
    ]
    assert park(build.pairing("丙区", "丁县"), code="YQ-1").code == "YQ-1"  # another pairing's


def test_the_database_refuses_what_the_park_rules_refuse(build):
    pairing = build.pairing()
    first, second = park(pairing), park(pairing)

    assert raw_refusal(
        lambda: IndustrialPark.objects.filter(pk=second.pk).update(code=first.code)
    ) == str(CONSTRAINT_MESSAGES["park_unique_code_in_pairing"])
    assert raw_refusal(
        lambda: IndustrialPark.objects.filter(pk=first.pk).update(area_mu=Decimal("0"))
    ) == str(CONSTRAINT_MESSAGES["park_area_positive"])


def test_an_enterprise_lands_in_a_park_of_its_own_pairing(build):
    pairing, other = build.pairing(), build.pairing("丙区", "丁县")
    own, foreign = park(pairing), park(other)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    made = investment(pairing, agreed_amount=Decimal("8000.00"), park=own)
    assert (made.park, made.agreed_amount) == (own, Decimal("8000.00"))
    assert refused(GuidedInvestment, investment_fields(pairing, park=foreign))["park"] == [
        "园区不属于该结对关系"
    ]
    assert refused(GuidedInvestment, investment_fields(pairing, landed=tomorrow))["landed"] == [
        "日期不能晚于今天"
    ]
    assert refused(GuidedInvestment, investment_fields(pairing, agreed_amount=Decimal("0.00")))[
        "agreed_amount"
    ] == ["协议投资必须大于0"]
    assert raw_refusal(
        lambda: GuidedInvestment.objects.filter(pk=made.pk).update(agreed_amount=Decimal("-1"))
    ) == str(CONSTRAINT_MESSAGES["investment_agreed_positive"])


def test_an_approved_year_refuses_park_and_investment_changes(build):
    pairing = build.pairing()
    made_park = park(pairing, established=dt.date(2021, 6, 1))
    made_investment = investment(pairing)  # year 2021
    for step in ("submitted", "approved"):
        services.move_year(pairing, 2021, step, acting_user=None, via="test")

    for record, change in ((made_park, {"name": "改名"}), (made_investment, {"note": "改"})):
        with pytest.raises(ValidationError, match="已审核锁定"):
            services.update_record(record, acting_user=None, via="test", **change)
    with pytest.raises(ValidationError, match="已审核锁定"):
        investment(pairing, agreed_amount=Decimal("1.00"))


# --- figures ------------------------------------------------------------------------------


def test_each_figure_is_counted_from_its_records(build):
    pairing = build.pairing()
    parks = [park(pairing), park(pairing, established=dt.date(2022, 2, 1))]
    park(pairing, established=dt.date(2019, 5, 1))  # before the pairing's years
    made = [
        investment(pairing, "300.00", enterprise="甲公司", agreed_amount=Decimal("500.00")),
        investment(pairing, "200.00", enterprise="甲公司", year=2022, date=dt.date(2022, 3, 1)),
        investment(pairing, "700.00", enterprise="乙公司", agreed_amount=Decimal("900.00")),
    ]

    found = {key: FIGURES[key].make(window(pairing), None) for key in KEYS}

    assert found["parks"].value == len(parks) == found["parks"].records.count()
    assert found["enterprises_landed"].value == len({i.enterprise for i in made})
    arrived = sum((i.amount for i in made), Decimal("0.00"))
    agreed = sum((i.agreed_amount for i in made if i.agreed_amount), Decimal("0.00"))
    assert found["investment_arrived"].value == arrived
    assert found["investment_agreed"].value == agreed
    assert sum((i.amount for i in found["investment_arrived"].records), Decimal("0.00")) == arrived
    assert (
        sum((i.agreed_amount for i in found["investment_agreed"].records), Decimal("0.00"))
        == agreed
    )
    for key in KEYS:
        assert FIGURES[key].area == "industry" and FIGURES[key].api
    assert {FIGURES[key].indicator for key in KEYS} == {
        Target.Indicator.PARKS,
        Target.Indicator.ENTERPRISES,
        Target.Indicator.INVESTMENT,
        None,
    }


def test_investment_never_changes_the_fund_figures(build):
    pairing = build.pairing()
    build.flow(pairing, "10.00")
    before = {kind: figures.funds(window(pairing), kind).value for kind in ("transfer", "plan")}

    investment(pairing, "5000.00", agreed_amount=Decimal("9000.00"))

    after = {kind: figures.funds(window(pairing), kind).value for kind in ("transfer", "plan")}
    assert after == before
    assert figures_cooperation.investment_arrived(window(pairing)).value == Decimal("5000.00")


def test_an_enterprise_in_two_pairings_counts_once_in_each(build):
    parent = build.pairing("某市", "某州")
    children = [build.pairing(f"{n}区", f"{n}县", parent=parent) for n in "丙丁"]
    for child in children:
        investment(child, enterprise="同一公司")
        investment(child, enterprise="同一公司", year=2022, date=dt.date(2022, 1, 10))
    subjects = [figure_sets.Subject(p, p == parent) for p in (parent, *children)]

    found = figure_sets.compute(KEYS, subjects, as_of=AS_OF)

    for subject in subjects:
        single = window(subject.pairing, include_children=subject.children)
        for key in KEYS:
            alone = FIGURES[key].make(single, None)
            assert (found[subject][key].value, found[subject][key].rule) == (
                alone.value,
                alone.rule,
            )
    assert found[subjects[0]]["enterprises_landed"].value == len(children)


def test_targets_show_the_actuals_of_parks_enterprises_and_investment(build):
    pairing = build.pairing()
    park(pairing)
    made = investment(pairing, "4000.00")
    for indicator in ("parks", "enterprises", "investment"):
        services.create_record(
            Target,
            acting_user=None,
            via="test",
            pairing=pairing,
            year=2021,
            indicator=indicator,
            value=Decimal("2.00"),
        )

    items = {
        item.target.indicator: item.actual
        for item in figure_sets.targets_against_actuals(window(pairing), 2021)
    }

    assert items["parks"].value == 1 and items["enterprises"].value == 1
    assert items["investment"].value == made.amount


# --- the demo -----------------------------------------------------------------------------


def test_the_demo_has_parks_and_enterprises_with_agreed_and_arrived_investment(db):
    for name in ("江阳区", "龙马潭区"):
        pairing = Pairing.objects.get(helper_region__name=name, is_demo=True)
        investments = GuidedInvestment.objects.filter(pairing=pairing)
        assert IndustrialPark.objects.filter(pairing=pairing, is_demo=True).exists()
        assert not investments.filter(agreed_amount__isnull=True).exists()
        assert not investments.filter(park__isnull=True).exists()
        found = {key: FIGURES[key].make(window(pairing), None) for key in KEYS}
        assert found["investment_arrived"].value == sum(
            (i.amount for i in investments), Decimal("0.00")
        )
        assert found["investment_agreed"].value >= found["investment_arrived"].value
        assert found["parks"].value == IndustrialPark.objects.filter(pairing=pairing).count()
        assert found["enterprises_landed"].value == len({i.enterprise for i in investments})
