"""Who sees and changes what (`ledger.access`), over pairings this module builds: roles held
over a region and everything below it or over an organisation, the side each role covers,
what a user with no role, a disabled account and the system itself get, persons not posted
yet, figures of a coordinating pairing with a child the user does not see, import batches,
and the refusals the services give at each door (outsiders: "not found")."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from builders import Builder
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from shared_records import for_the_module

from pairaid.accounts.models import Role, RoleAssignment
from pairaid.ledger import access, services
from pairaid.ledger.models import (
    FundFlow,
    Organisation,
    Pairing,
    Person,
    Project,
    Region,
    Target,
)


class Scene(SimpleNamespace):
    pass


def make_scene() -> Scene:
    build = Builder()
    s = Scene()
    s.prefecture = build.region("某市", level=Region.Level.PREFECTURE)
    s.district = build.region("某区", parent=s.prefecture)
    s.county = build.region("某县")
    s.far = build.region("远县")
    s.school = build.organisation("某区中学", s.district, kind="school")
    s.top = services.create_record(
        Pairing,
        acting_user=None,
        via="test",
        helper_region=s.prefecture,
        recipient_region=build.region("某州", level=Region.Level.PREFECTURE),
        scheme=Pairing.Scheme.IN_PROVINCE,
        valid_from=dt.date(2020, 1, 1),
    )
    s.pairing = services.create_record(
        Pairing,
        acting_user=None,
        via="test",
        parent=s.top,
        helper_region=s.district,
        recipient_region=s.county,
        scheme=Pairing.Scheme.IN_PROVINCE,
        valid_from=dt.date(2020, 1, 1),
    )
    s.school_pairing = services.create_record(
        Pairing,
        acting_user=None,
        via="test",
        parent=s.top,
        helper_organisation=s.school,
        recipient_region=s.county,
        scheme=Pairing.Scheme.OTHER,
        valid_from=dt.date(2020, 1, 1),
    )
    # a child of the city's pairing whose sides lie outside the city and the county
    s.hidden_child = services.create_record(
        Pairing,
        acting_user=None,
        via="test",
        parent=s.top,
        helper_region=build.region("外区"),
        recipient_region=s.far,
        scheme=Pairing.Scheme.OTHER,
        valid_from=dt.date(2020, 1, 1),
    )
    s.elsewhere = build.pairing()
    s.flow = build.flow(s.pairing, "10.00")
    s.other_flow = build.flow(s.elsewhere, "20.00")
    s.posted = build.person("王五")
    build.posting(s.posted, s.pairing, dt.date(2021, 3, 1))
    s.posted_elsewhere = build.person("赵六")
    build.posting(s.posted_elsewhere, s.elsewhere, dt.date(2021, 3, 1))
    s.unposted = build.person("钱七")

    users = get_user_model()

    def user(name, role=None, **scope):
        made = users.objects.create_user(f"scope-{name}", password="pass")
        if role:
            RoleAssignment.objects.create(user=made, role=role, **scope)
        return made

    s.city_coordinator = user("city", Role.COORDINATOR, region=s.prefecture)
    s.city_helper = user("cityhelper", Role.HELPER_EDITOR, region=s.prefecture)
    s.district_helper = user("district", Role.HELPER_EDITOR, region=s.district)
    s.school_helper = user("school", Role.HELPER_EDITOR, organisation=s.school)
    s.county_recipient = user("county", Role.RECIPIENT_EDITOR, region=s.county)
    s.county_auditor = user("auditor", Role.AUDITOR, region=s.county)
    s.county_viewer = user("viewer", Role.VIEWER, region=s.county)
    s.far_helper = user("far", Role.HELPER_EDITOR, region=s.far)
    s.nobody = user("nobody")
    s.administrator = user("administrator", Role.ADMINISTRATOR)
    s.disabled = user("disabled", Role.HELPER_EDITOR, region=s.district)
    s.disabled.is_active = False
    s.disabled.save(update_fields=["is_active"])
    return s


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker):
    yield from for_the_module(django_db_blocker, make_scene)


@pytest.fixture
def s(shared, db):
    for value in vars(shared).values():
        if hasattr(value, "_pairaid_grants"):
            del value.__dict__["_pairaid_grants"]  # each test resolves roles afresh
    return shared


def ids(queryset):
    return set(queryset.values_list("pk", flat=True))


# --- which pairings ------------------------------------------------------------------------


def test_it_covers_a_region_and_every_region_below_it_on_the_roles_side(s):
    # the city's helper editor: the city's own pairing and its district's, by region below
    assert ids(access.pairings(s.city_helper, access.EDIT)) >= {s.top.pk, s.pairing.pk}
    assert s.hidden_child.pk not in ids(access.visible_pairings(s.city_helper))
    # a school of the district helps too: the district's region covers the school's pairing
    assert s.school_pairing.pk in ids(access.pairings(s.district_helper, access.EDIT))


def test_it_covers_a_pairing_through_the_organisation_that_helps(s):
    assert ids(access.visible_pairings(s.school_helper)) == {s.school_pairing.pk}
    assert access.can(s.school_helper, s.school_pairing, access.EDIT)
    assert not access.can(s.school_helper, s.pairing, access.READ)


def test_it_gives_a_side_role_only_its_own_side(s):
    # the county is the recipient of both district pairings: its recipient editor sees
    # them; the district's helper editor is no recipient anywhere
    assert ids(access.visible_pairings(s.county_recipient)) == {s.pairing.pk, s.school_pairing.pk}
    assert ids(access.pairings(s.county_recipient, access.EDIT)) == set()
    assert ids(access.pairings(s.county_recipient, access.CONFIRM)) == {
        s.pairing.pk,
        s.school_pairing.pk,
    }
    assert ids(access.pairings(s.district_helper, access.CONFIRM)) == set()


def test_it_answers_each_roles_actions_on_a_pairing(s):
    expected = {
        "city_coordinator": {"read", "read_personal", "targets", "approve", "audit"},
        "district_helper": {"read", "read_personal", "edit", "submit"},
        "county_recipient": {"read", "read_personal", "confirm", "progress", "submit"},
        "county_auditor": {"read", "read_personal", "audit"},
        "county_viewer": {"read"},
        "far_helper": set(),
        "nobody": set(),
        "disabled": set(),
    }
    for name, actions in expected.items():
        assert access.actions_on(getattr(s, name), s.pairing) == actions, name


def test_it_lets_the_system_and_administrators_do_everything_everywhere(s, admin_user):
    for user in (None, s.administrator, admin_user):
        assert access.is_administrator(user)
        assert access.actions_on(user, s.elsewhere) == access.ALL_ACTIONS
        assert ids(access.visible_pairings(user)) == ids(Pairing.objects.all())


def test_it_gives_nothing_to_a_visitor_a_user_without_a_role_or_a_disabled_account(s):
    for user in (AnonymousUser(), s.nobody, s.disabled):
        assert not access.visible_pairings(user).exists()
        assert not access.records(user, FundFlow).exists()
        assert not access.shared_records(user, Region).exists()
        assert not access.may_upload(user)
        with pytest.raises(access.OutOfScope):
            access.get_pairing_for_user(user, s.pairing.pk)


# --- not found, or forbidden ---------------------------------------------------------------


@pytest.mark.parametrize("pk", ["abc", None, "", "1.5", -1])
def test_it_answers_not_found_for_a_pairing_number_that_is_no_number(s, pk):
    with pytest.raises(access.OutOfScope):
        access.get_pairing_for_user(s.district_helper, pk)


def test_it_answers_not_found_outside_the_scope_and_forbidden_inside_it(s):
    with pytest.raises(access.OutOfScope):
        access.get_pairing_for_user(s.far_helper, s.pairing.pk)
    with pytest.raises(access.OutOfScope):
        access.require(s.far_helper, s.pairing, access.EDIT)
    for reader in (s.county_auditor, s.county_viewer, s.county_recipient):
        assert access.get_pairing_for_user(reader, s.pairing.pk) == s.pairing
        with pytest.raises(PermissionDenied, match="您无权进行此项操作"):
            access.get_pairing_for_user(reader, s.pairing.pk, write=True)
    assert access.get_pairing_for_user(s.district_helper, s.pairing.pk, write=True) == s.pairing


def test_it_narrows_records_to_the_pairings_seen(s):
    assert ids(access.records(s.county_viewer, FundFlow)) == {s.flow.pk}
    assert ids(access.records(s.city_coordinator, FundFlow)) == {s.flow.pk}
    assert s.other_flow.pk not in ids(access.records(s.district_helper, FundFlow))


# --- persons -------------------------------------------------------------------------------


def test_it_shows_persons_posted_in_a_pairing_seen_and_unposted_persons_to_editors(s):
    mine = {s.posted.pk, s.posted_elsewhere.pk, s.unposted.pk}
    assert ids(access.records(s.district_helper, Person)) & mine == {s.posted.pk, s.unposted.pk}
    # no one who records people: only those posted where they look
    for reader in (s.county_viewer, s.county_auditor, s.county_recipient):
        assert ids(access.records(reader, Person)) & mine == {s.posted.pk}
    assert ids(access.records(s.nobody, Person)) == set()


def test_it_lets_any_helper_editor_change_an_unposted_person_but_a_posted_one_only_its_side(s):
    services.update_record(s.unposted, acting_user=s.far_helper, via="test", ethnicity="彝族")
    assert Person.objects.get(pk=s.unposted.pk).ethnicity == "彝族"

    with pytest.raises(access.OutOfScope):
        services.update_record(s.posted, acting_user=s.far_helper, via="test", ethnicity="汉族")
    with pytest.raises(PermissionDenied):
        services.update_record(s.posted, acting_user=s.county_recipient, via="test", ethnicity="汉")
    services.update_record(s.posted, acting_user=s.city_helper, via="test", ethnicity="回族")
    assert Person.objects.get(pk=s.posted.pk).ethnicity == "回族"


def test_it_refuses_a_new_person_to_those_who_record_no_people(s):
    for user in (s.county_viewer, s.county_auditor, s.city_coordinator):
        with pytest.raises(PermissionDenied):
            services.create_record(
                Person,
                acting_user=user,
                via="test",
                number="SC-NEW",
                name="孙八",
                gender="male",
                category="cadre",
            )
    assert not Person.objects.filter(number="SC-NEW").exists()


# --- pairings, regions, organisations and targets ------------------------------------------


def new_pairing(user, parent):
    return services.create_record(
        Pairing,
        acting_user=user,
        via="test",
        parent=parent,
        helper_region=parent.helper_region if parent else Region.objects.order_by("pk").first(),
        recipient_region=Region.objects.order_by("-pk").first(),
        scheme=Pairing.Scheme.OTHER,
        valid_from=dt.date(2022, 1, 1),
    )


def test_it_lets_the_coordinator_of_a_pairing_set_up_its_children_only(s):
    child = new_pairing(s.city_coordinator, s.top)
    assert child.parent_id == s.top.pk

    with pytest.raises(PermissionDenied, match="只有系统管理员可以建立顶层结对关系"):
        new_pairing(s.city_coordinator, None)
    with pytest.raises(PermissionDenied):
        new_pairing(s.city_helper, s.top)
    assert new_pairing(s.administrator, None).parent_id is None


def test_it_lets_only_an_administrator_keep_the_region_list(s):
    for user in (s.city_coordinator, s.district_helper, s.county_recipient):
        with pytest.raises(PermissionDenied, match="只有系统管理员可以维护行政区划"):
            services.update_record(s.far, acting_user=user, via="test", name="改名")
    services.update_record(s.far, acting_user=s.administrator, via="test", name="远县（新）")
    assert Region.objects.get(pk=s.far.pk).name == "远县（新）"


def test_it_lets_those_who_record_or_approve_anything_add_an_organisation(s):
    def add(user, name):
        return services.create_record(
            Organisation, acting_user=user, via="test", name=name, region=s.county, kind="school"
        )

    for number, user in enumerate((s.district_helper, s.county_recipient, s.city_coordinator)):
        assert add(user, f"新学校{number}").region_id == s.county.pk
    for user in (s.county_viewer, s.county_auditor):
        with pytest.raises(PermissionDenied):
            add(user, "不应建立")


def test_it_lets_only_the_coordinator_set_targets(s):
    fields = {"pairing": s.pairing, "year": 2023, "indicator": Target.Indicator.PROJECTS_STARTED}
    for user in (s.district_helper, s.county_recipient, s.county_auditor):
        with pytest.raises(PermissionDenied):
            services.create_record(Target, acting_user=user, via="test", value=1, **fields)
    target = services.create_record(
        Target, acting_user=s.city_coordinator, via="test", value=12, **fields
    )
    assert Target.objects.get(pk=target.pk).value == 12


def test_it_lets_the_recipient_report_progress_but_not_rename_a_project(s):
    project = Builder().project(s.pairing)

    services.update_record(project, acting_user=s.county_recipient, via="test", progress=30)
    with pytest.raises(PermissionDenied):
        services.update_record(
            Project.objects.get(pk=project.pk),
            acting_user=s.county_recipient,
            via="test",
            progress=40,
            name="改名",
        )
    stored = Project.objects.get(pk=project.pk)
    assert (stored.progress, stored.name) == (30, project.name)


# --- figures of a coordinating pairing ------------------------------------------------------


def test_it_leaves_a_child_the_user_does_not_see_out_of_a_figures_scope(s):
    everything = {s.top.pk, s.pairing.pk, s.school_pairing.pk, s.hidden_child.pk}

    covered, whole = access.figure_tree(s.city_coordinator, s.top)
    assert set(covered) == everything - {s.hidden_child.pk} and not whole
    covered, whole = access.figure_tree(s.administrator, s.top)
    assert set(covered) == everything and whole
    assert access.figure_scope(s.city_coordinator, s.top, children=False) == (s.top.pk,)
    assert not access.sees_all(s.city_coordinator, everything)
    assert access.sees_all(s.city_coordinator, everything - {s.hidden_child.pk})


# --- import batches ------------------------------------------------------------------------


def test_it_lets_only_those_who_record_data_upload(s):
    for name in ("district_helper", "school_helper", "county_recipient", "administrator"):
        assert access.may_upload(getattr(s, name)), name
    for name in ("city_coordinator", "county_auditor", "county_viewer", "nobody"):
        assert not access.may_upload(getattr(s, name)), name


def test_it_shows_an_import_only_to_its_uploader_while_they_may_upload(s):
    owner = s.district_helper.pk
    assert access.may_see_import(s.district_helper, owner)
    assert access.may_see_import(None, owner)
    assert access.may_see_import(s.administrator, owner)
    assert not access.may_see_import(s.county_recipient, owner)
    assert not access.may_see_import(s.district_helper, None)
    # the uploader whose role is taken away no longer sees it
    RoleAssignment.objects.filter(user=s.district_helper).delete()
    fresh = get_user_model().objects.get(pk=owner)
    assert not access.may_see_import(fresh, owner)


def test_it_reads_a_users_roles_once_per_user_object(s):
    """Roles are resolved once per request's user: a role granted meanwhile counts from the
    next request (a fresh user object) on."""
    user = get_user_model().objects.get(pk=s.nobody.pk)
    assert not access.visible_pairings(user).exists()
    RoleAssignment.objects.create(user=user, role=Role.VIEWER, region=s.county)

    assert not access.visible_pairings(user).exists()
    fresh = get_user_model().objects.get(pk=s.nobody.pk)
    assert ids(access.visible_pairings(fresh)) == {s.pairing.pk, s.school_pairing.pk}


def test_it_refuses_a_change_by_a_role_that_lost_its_scope_as_not_found(s):
    RoleAssignment.objects.filter(user=s.district_helper).update(region=s.far)
    fresh = get_user_model().objects.get(pk=s.district_helper.pk)

    with pytest.raises(access.OutOfScope):
        Builder(user=fresh).flow(s.pairing, "1.00")
    assert FundFlow.objects.filter(pairing=s.pairing).count() == 1
