"""Setting up and moving pairings in the tree (省 → 市 → 县): who may put a pairing under
another. A pairing is set up by whoever coordinates its parent, and so is one moved under a
new parent — its money then counts in that parent's figures — so no one moves a pairing under
a pairing they do not see (the services refuse it, whatever door forgot to)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from pairaid.accounts.models import Role, RoleAssignment
from pairaid.ledger import access, services
from pairaid.ledger.models import AuditEntry, Pairing, Region


def user_with(role, region, name):
    user = get_user_model().objects.create_user(name, password="x")
    RoleAssignment.objects.create(user=user, role=role, region=region)
    return user


@pytest.fixture
def offices(build):
    """Two cities, each with a pairing of its own and a district pairing under it."""
    made = {}
    for key, city_name in (("east", "东市"), ("west", "西市")):
        city = build.region(city_name, level=Region.Level.PREFECTURE)
        district = build.region(f"{city_name}甲区", parent=city)
        top = build.pairing(parent=None, name=f"{city_name}协作")
        services.update_record(top, acting_user=None, via="test", helper_region=city)
        child = services.create_record(
            Pairing,
            acting_user=None,
            via="test",
            parent=top,
            helper_region=district,
            recipient_region=build.region(f"{city_name}受援县"),
            scheme=Pairing.Scheme.IN_PROVINCE,
            valid_from=dt.date(2020, 1, 1),
        )
        made[key] = {
            "top": top,
            "child": child,
            "coordinator": user_with(Role.COORDINATOR, city, f"move-{key}"),
        }
    return made


def moved(pairing):
    return AuditEntry.objects.filter(
        record_type="pairing", record_id=str(pairing.pk), action="pairing.updated"
    )


def test_it_refuses_to_move_a_pairing_under_one_the_user_does_not_see(offices):
    east, west = offices["east"], offices["west"]
    assert not access.visible_pairings(east["coordinator"]).filter(pk=west["top"].pk).exists()

    with pytest.raises(access.OutOfScope):
        services.update_record(
            east["child"], acting_user=east["coordinator"], via="test", parent=west["top"]
        )

    assert Pairing.objects.get(pk=east["child"].pk).parent_id == east["top"].pk
    assert not moved(east["child"]).exists()
    assert west["top"].descendant_ids() == [west["child"].pk]


def test_it_refuses_a_move_under_a_pairing_seen_but_not_coordinated(offices, build):
    east, west = offices["east"], offices["west"]
    # the east coordinator also reads the west city's pairing (a viewer's role there)
    RoleAssignment.objects.create(
        user=east["coordinator"], role=Role.VIEWER, region=west["top"].helper_region
    )
    coordinator = get_user_model().objects.get(pk=east["coordinator"].pk)

    with pytest.raises(PermissionDenied):
        services.update_record(
            east["child"], acting_user=coordinator, via="test", parent=west["top"]
        )
    assert Pairing.objects.get(pk=east["child"].pk).parent_id == east["top"].pk


def test_it_lets_a_coordinator_move_a_pairing_within_the_tree_it_coordinates(offices, build):
    east = offices["east"]
    second = services.create_record(
        Pairing,
        acting_user=east["coordinator"],
        via="test",
        parent=east["top"],
        helper_region=east["child"].helper_region,
        recipient_region=build.region("东市另一县"),
        scheme=Pairing.Scheme.OTHER,
        valid_from=dt.date(2021, 1, 1),
    )

    services.update_record(
        second, acting_user=east["coordinator"], via="test", parent=east["child"]
    )

    assert Pairing.objects.get(pk=second.pk).parent_id == east["child"].pk
    assert east["top"].descendant_ids() == [east["child"].pk, second.pk]
    entry = moved(second).get()
    assert entry.changes == {"parent": [east["top"].pk, east["child"].pk]}
    assert entry.user == east["coordinator"]


def test_it_lets_a_coordinator_change_a_pairing_without_moving_it(offices):
    east = offices["east"]

    services.update_record(east["child"], acting_user=east["coordinator"], via="test", name="改名")

    assert Pairing.objects.get(pk=east["child"].pk).name == "改名"


def test_it_lets_the_administrator_move_a_pairing_anywhere(offices, admin_user):
    east, west = offices["east"], offices["west"]

    services.update_record(east["child"], acting_user=admin_user, via="admin", parent=west["top"])

    assert west["top"].descendant_ids() == sorted([west["child"].pk, east["child"].pk])
    assert east["top"].descendant_ids() == []


def test_it_sets_up_a_pairing_under_a_parent_only_for_its_coordinator(offices, build):
    east, west = offices["east"], offices["west"]
    fields = {
        "helper_region": build.region("新区"),
        "recipient_region": build.region("新县"),
        "scheme": Pairing.Scheme.OTHER,
        "valid_from": dt.date(2022, 1, 1),
    }

    with pytest.raises(access.OutOfScope):
        services.create_record(
            Pairing, acting_user=east["coordinator"], via="test", parent=west["top"], **fields
        )
    made = services.create_record(
        Pairing, acting_user=west["coordinator"], via="test", parent=west["top"], **fields
    )
    assert made.parent_id == west["top"].pk
