"""Roles as their holders meet them, over a fresh pairing: who sees it (its page, the API's
list), who may record a project in it, who may update progress, who reads the audit trail —
and for everyone else, "not found". Each test gives new users roles over regions the test
made, so what it checks comes from those roles alone."""

from __future__ import annotations

from typing import Any

import pytest
from builders import Builder
from django.contrib.auth import get_user_model
from django.test import Client
from shared_records import for_the_module
from test_api_support import Api

from pairaid.accounts.models import Role, RoleAssignment
from pairaid.ledger.models import Pairing, Project, Region


class Scene:
    """A pairing between two new counties under a new city, and a user per role."""

    def __init__(self, build: Any) -> None:
        self.city = build.region("角色市", level=Region.Level.PREFECTURE)
        helper = build.region("角色甲区", parent=self.city)
        recipient = build.region("角色乙县")
        self.pairing = build._create(
            Pairing,
            helper_region=helper,
            recipient_region=recipient,
            scheme=Pairing.Scheme.IN_PROVINCE,
            valid_from=build.pairing().valid_from,
        )
        self.other = build.pairing("角色丙区", "角色丁县")
        self.project = build.project(self.pairing, code="ROLE-P1", name="角色项目")
        self.users: dict[str, Any] = {}

    def user(self, name: str, *roles: tuple[str, Region | None]) -> Any:
        user = get_user_model().objects.create_user(f"role-{name}", password="role-pass-phrase")
        for role, region in roles:
            RoleAssignment.objects.create(user=user, role=role, region=region)
        self.users[name] = user
        return user

    @property
    def helper(self) -> Region:
        return self.pairing.helper_region

    @property
    def recipient(self) -> Region:
        return self.pairing.recipient_region


@pytest.fixture(scope="module")
def module_scene(django_db_setup, django_db_blocker):
    """The pairings, made once for the module; each test's users and changes are undone
    after it."""
    yield from for_the_module(django_db_blocker, lambda: Scene(Builder()))


@pytest.fixture
def scene(db, module_scene) -> Scene:
    module_scene.users = {}
    return module_scene


def page(user: Any, path: str) -> int:
    client = Client()
    client.force_login(user)
    return client.get(path).status_code


def listed(user: Any) -> set[int]:
    response = Api.as_user(user, scope="read").get("/pairings/", limit=100)
    assert response.status_code == 200
    return {item["id"] for item in response.json()["items"]}


def new_project(pairing: Pairing, code: str) -> dict[str, Any]:
    return {
        "pairing_id": pairing.pk,
        "code": code,
        "name": "角色测试新项目",
        "sector": "industry",
        "mode": "capacity_building",
    }


# --- who sees the pairing -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "side"),
    [
        (Role.HELPER_EDITOR, "helper"),
        (Role.RECIPIENT_EDITOR, "recipient"),
        (Role.COORDINATOR, "helper"),
        (Role.COORDINATOR, "recipient"),
        (Role.AUDITOR, "recipient"),
        (Role.VIEWER, "helper"),
    ],
)
def test_it_shows_the_pairing_to_each_role_over_its_side(scene, role, side):
    user = scene.user("seer", (role, getattr(scene, side)))

    assert page(user, f"/pairings/{scene.pairing.pk}/") == 200
    assert page(user, f"/projects/{scene.project.pk}/") == 200
    assert scene.pairing.pk in listed(user)
    assert scene.other.pk not in listed(user)


@pytest.mark.parametrize(
    ("role", "side"),
    [(Role.HELPER_EDITOR, "recipient"), (Role.RECIPIENT_EDITOR, "helper")],
)
def test_it_hides_the_pairing_from_an_editor_of_the_other_side(scene, role, side):
    user = scene.user("wrong-side", (role, getattr(scene, side)))

    assert page(user, f"/pairings/{scene.pairing.pk}/") == 404
    assert page(user, f"/projects/{scene.project.pk}/") == 404
    assert scene.pairing.pk not in listed(user)


def test_it_answers_not_found_to_a_user_without_roles(scene):
    user = scene.user("nobody")

    assert page(user, f"/pairings/{scene.pairing.pk}/") == 404
    assert page(user, f"/projects/{scene.project.pk}/") == 404
    assert listed(user) == set()
    assert Api.as_user(user).get(f"/projects/{scene.project.pk}/").status_code == 404


def test_it_covers_the_regions_below_a_roles_region(scene):
    user = scene.user("city", (Role.COORDINATOR, scene.city))

    assert page(user, f"/pairings/{scene.pairing.pk}/") == 200
    assert scene.pairing.pk in listed(user)


def test_it_lets_the_administrator_role_see_every_pairing_without_a_region(scene):
    user = scene.user("admin-role", (Role.ADMINISTRATOR, None))

    assert {scene.pairing.pk, scene.other.pk} <= listed(user)
    assert listed(user) == set(Pairing.objects.values_list("pk", flat=True))


def test_it_adds_up_two_roles_of_one_user(scene):
    user = scene.user(
        "two", (Role.VIEWER, scene.helper), (Role.VIEWER, scene.other.recipient_region)
    )

    assert {scene.pairing.pk, scene.other.pk} <= listed(user)


def test_it_takes_a_role_away_at_the_next_request(scene):
    user = scene.user("leaving", (Role.VIEWER, scene.helper))
    client = Client()
    client.force_login(user)
    assert client.get(f"/pairings/{scene.pairing.pk}/").status_code == 200

    RoleAssignment.objects.filter(user=user).delete()

    assert client.get(f"/pairings/{scene.pairing.pk}/").status_code == 404


def test_it_hides_everything_from_a_deactivated_user_with_roles(scene):
    user = scene.user("gone", (Role.COORDINATOR, scene.city))
    client = Client()
    client.force_login(user)
    user.is_active = False
    user.save(update_fields=["is_active"])

    response = client.get(f"/pairings/{scene.pairing.pk}/")

    assert response.status_code in (302, 404)


# --- who may change what --------------------------------------------------------------------


def test_it_lets_the_helper_editor_record_a_project(scene):
    user = scene.user("helper", (Role.HELPER_EDITOR, scene.helper))

    response = Api.as_user(user).post("/projects/", new_project(scene.pairing, "ROLE-NEW"))

    assert response.status_code == 201, response.content
    assert Project.objects.get(pk=response.json()["id"]).pairing == scene.pairing


@pytest.mark.parametrize(
    ("role", "side"),
    [
        (Role.RECIPIENT_EDITOR, "recipient"),
        (Role.VIEWER, "helper"),
        (Role.AUDITOR, "helper"),
        (Role.COORDINATOR, "helper"),
    ],
)
def test_it_refuses_a_project_from_a_role_that_does_not_record_them(scene, role, side):
    user = scene.user("reader", (role, getattr(scene, side)))

    response = Api.as_user(user).post("/projects/", new_project(scene.pairing, "ROLE-NO"))

    assert response.status_code == 403
    assert not Project.objects.filter(code="ROLE-NO").exists()


def test_it_answers_not_found_to_a_project_in_a_pairing_out_of_scope(scene):
    user = scene.user("helper", (Role.HELPER_EDITOR, scene.helper))

    response = Api.as_user(user).post("/projects/", new_project(scene.other, "ROLE-OUT"))

    assert response.status_code in (404, 422)
    assert not Project.objects.filter(code="ROLE-OUT").exists()


def test_it_lets_the_recipient_update_progress_but_not_the_plan(scene):
    user = scene.user("recipient", (Role.RECIPIENT_EDITOR, scene.recipient))
    api = Api.as_user(user)

    progress = api.patch(f"/projects/{scene.project.pk}/", {"progress": 40})
    plan = api.patch(f"/projects/{scene.project.pk}/", {"name": "改名"})

    assert progress.status_code == 200, progress.content
    assert plan.status_code == 403
    project = Project.objects.get(pk=scene.project.pk)
    assert (project.progress, project.name) == (40, scene.project.name)


def test_it_lets_the_helper_editor_rename_but_not_a_viewer(scene):
    editor = scene.user("helper", (Role.HELPER_EDITOR, scene.helper))
    viewer = scene.user("viewer", (Role.VIEWER, scene.helper))

    refused = Api.as_user(viewer).patch(f"/projects/{scene.project.pk}/", {"name": "查阅改名"})
    renamed = Api.as_user(editor).patch(f"/projects/{scene.project.pk}/", {"name": "新名称"})

    assert refused.status_code == 403
    assert renamed.status_code == 200
    assert Project.objects.get(pk=scene.project.pk).name == "新名称"


# --- the audit trail ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.AUDITOR, True),
        (Role.COORDINATOR, True),
        (Role.VIEWER, False),
        (Role.HELPER_EDITOR, False),
    ],
)
def test_it_opens_the_audit_trail_only_to_roles_that_audit(scene, role, allowed):
    user = scene.user("audit", (role, scene.helper))

    status = page(user, "/audit/")

    assert (status == 200) is allowed, status
