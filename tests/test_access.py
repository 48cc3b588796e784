"""Who may see and change what, through the services every door uses (persona tests)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pairaid.ledger import access, services
from pairaid.ledger.models import FundFlow, Pairing, Project, Target


def pairing(helper: str) -> Pairing:
    return Pairing.objects.get(helper_region__name=helper)


def transfer(pairing: Pairing) -> FundFlow:
    return FundFlow.objects.filter(
        pairing=pairing,
        kind="transfer",
        reverses=None,
        reversed_by=None,
        confirmation="unconfirmed",
    ).first()


def names(pairings) -> set[str]:
    return {str(p) for p in pairings}


def test_it_shows_each_office_its_own_pairings(personas):
    jiangyang = pairing("江阳区")
    longmatan = pairing("龙马潭区")
    city = pairing("泸州市")

    assert set(access.visible_pairings(personas.jiangyang)) == {jiangyang}
    assert set(access.visible_pairings(personas.puge)) == {longmatan}
    assert set(access.visible_pairings(personas.luzhou)) == {city, jiangyang, longmatan}
    assert set(access.visible_pairings(personas.sichuan_auditor)) >= {city, jiangyang, longmatan}
    assert not access.visible_pairings(personas.outsider).exists()
    assert access.visible_pairings(personas.admin).count() == Pairing.objects.count()


def test_it_hides_another_districts_pairing_as_not_found(personas):
    longmatan = pairing("龙马潭区")

    with pytest.raises(access.OutOfScope):
        access.get_pairing_for_user(personas.jiangyang, longmatan.pk)
    with pytest.raises(access.OutOfScope):
        services.create_record(
            Project,
            acting_user=personas.jiangyang,
            via="test",
            pairing=longmatan,
            code="X-1",
            name="越权项目",
            sector="industry",
            mode="direct_aid",
        )
    assert not Project.objects.filter(code="X-1").exists()


def test_it_lets_the_helper_side_record_its_own_money(personas):
    jiangyang = pairing("江阳区")

    flow = services.record_fund_flow(
        acting_user=personas.jiangyang,
        via="test",
        pairing=jiangyang,
        kind="transfer",
        fund_year=2023,
        date=dt.date(2023, 3, 1),
        amount=Decimal("10.00"),
        source="fiscal",
    )

    assert flow.pk and flow.confirmation == "unconfirmed"


def test_it_lets_the_recipient_confirm_but_not_record_or_edit(personas):
    longmatan = pairing("龙马潭区")
    flow = transfer(longmatan)

    services.confirm_record(flow, acting_user=personas.puge, via="test", accept=True)
    with pytest.raises(PermissionDenied):
        services.reverse_fund_flow(flow, acting_user=personas.puge, via="test", reason="改金额")
    with pytest.raises(PermissionDenied):
        services.record_fund_flow(
            acting_user=personas.puge,
            via="test",
            pairing=longmatan,
            kind="transfer",
            fund_year=2023,
            date=dt.date(2023, 3, 1),
            amount=Decimal("1.00"),
            source="fiscal",
        )


def test_it_lets_the_recipient_update_progress_only(personas):
    project = Project.objects.filter(pairing=pairing("江阳区")).first()

    services.update_record(project, acting_user=personas.yanyuan, via="test", progress=77)
    with pytest.raises(PermissionDenied):
        services.update_record(project, acting_user=personas.yanyuan, via="test", name="改名")

    project.refresh_from_db()
    assert project.progress == 77 and project.name != "改名"


def test_it_refuses_the_other_recipient_confirming(personas):
    with pytest.raises(access.OutOfScope):
        services.confirm_record(
            transfer(pairing("江阳区")), acting_user=personas.puge, via="test", accept=True
        )


def test_it_lets_the_coordinator_set_targets_but_not_record_money(personas):
    jiangyang = pairing("江阳区")

    target = services.create_record(
        Target,
        acting_user=personas.luzhou,
        via="test",
        pairing=jiangyang,
        year=2024,
        indicator="funds_transferred",
        value=Decimal("20000000.00"),
    )
    assert target.pk
    with pytest.raises(PermissionDenied):
        services.record_fund_flow(
            acting_user=personas.luzhou,
            via="test",
            pairing=jiangyang,
            kind="transfer",
            fund_year=2024,
            date=dt.date(2024, 3, 1),
            amount=Decimal("1.00"),
            source="fiscal",
        )
    with pytest.raises(PermissionDenied):
        services.create_record(
            Target,
            acting_user=personas.jiangyang,
            via="test",
            pairing=jiangyang,
            year=2025,
            indicator="funds_transferred",
            value=Decimal("1.00"),
        )


@pytest.mark.parametrize("persona", ["sichuan_auditor", "viewer"])
def test_it_lets_readers_change_nothing(personas, persona):
    user = getattr(personas, persona)
    project = Project.objects.filter(pairing=pairing("江阳区")).first()

    assert access.can(user, project.pairing, access.READ)
    with pytest.raises(PermissionDenied):
        services.update_record(project, acting_user=user, via="test", progress=1)
    with pytest.raises(PermissionDenied):
        services.confirm_record(
            transfer(project.pairing), acting_user=user, via="test", accept=True
        )


def test_it_gives_personal_data_only_to_roles_that_need_it(personas):
    posting = pairing("江阳区").postings.select_related("person").first()
    person = posting.person

    assert access.can(personas.jiangyang, posting.pairing, access.READ_PERSONAL)
    assert not access.can(personas.viewer, posting.pairing, access.READ_PERSONAL)
    with pytest.raises(PermissionDenied):
        services.reveal_personal_data(person, acting_user=personas.viewer, via="test")
    with pytest.raises(PermissionDenied):
        services.reveal_personal_data(person, acting_user=personas.longmatan, via="test")


def test_it_lets_only_an_administrator_change_regions(personas):
    from pairaid.ledger.models import Region

    region = Region.objects.get(code="513423")
    with pytest.raises(PermissionDenied):
        services.update_record(region, acting_user=personas.luzhou, via="test", name="改")
    services.update_record(region, acting_user=personas.admin, via="test", name="盐源县")


def test_it_refuses_money_recorded_as_already_confirmed(personas):
    with pytest.raises(PermissionDenied):
        services.record_fund_flow(
            acting_user=personas.jiangyang,
            via="test",
            pairing=pairing("江阳区"),
            kind="transfer",
            fund_year=2023,
            date=dt.date(2023, 3, 1),
            amount=Decimal("5.00"),
            source="fiscal",
            confirmation="confirmed",
        )


def test_it_sends_confirmation_through_the_confirm_door_only(personas):
    posting = pairing("江阳区").postings.filter(confirmation="unconfirmed").first()

    with pytest.raises(ValidationError, match="确认功能"):
        services.update_record(
            posting, acting_user=personas.jiangyang, via="test", confirmation="confirmed"
        )
    services.confirm_record(posting, acting_user=personas.yanyuan, via="test", accept=True)

    posting.refresh_from_db()
    assert posting.confirmation == "confirmed"
