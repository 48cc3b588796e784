"""Record types registered once (`ledger/record_types.py`): every model that hangs off a
pairing is declared, and the menu, the lists (their filters and downloads), the import and
export kinds, the API's resources, the year lock and the scope read the declaration."""

from __future__ import annotations

import contextlib
import dataclasses
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse

from pairaid.api.api import api
from pairaid.exchange.specs import IMPORTERS, KINDS
from pairaid.ledger import access, locks, record_types, services
from pairaid.ledger.models import Obligation, Pairing, Person, Project, Target, Task
from pairaid.ledger.record_types import Nav, RecordType


def ledger_models() -> list[type[models.Model]]:
    return [m for m in apps.get_app_config("ledger").get_models() if not m._meta.auto_created]


def reaches_a_pairing(model: type[models.Model]) -> bool:
    """A record of one pairing: it names its pairing, or it is part of (a required link to)
    a record of a type that has one."""
    for field in model._meta.concrete_fields:
        if not field.is_relation or field.null:
            continue
        if field.related_model is Pairing:
            return True
        declared = record_types.of(field.related_model)
        if declared is not None and declared.pairing_path not in ("", "pk"):
            return True
    return False


def replaced(model: type[models.Model], **changes) -> RecordType:
    """The declared type of `model` with some of its declaration changed (for a test)."""
    declared = record_types.of(model)
    assert declared is not None
    return dataclasses.replace(declared, **changes)


@pytest.fixture
def registered():
    """Declare (or re-declare) types for one test; the declarations are restored after."""
    with contextlib.ExitStack() as stack:
        yield lambda record_type: stack.enter_context(record_types.registered(record_type))


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- every record type is declared, and each declaration holds ---------------------------


def test_it_registers_every_model_that_hangs_off_a_pairing():
    missing = [
        m.__name__
        for m in ledger_models()
        if reaches_a_pairing(m) and not (record_types.of(m) and record_types.of(m).pairing_path)
    ]
    assert not missing, f"declare these in ledger/record_types.py: {missing}"


def test_it_gives_every_pairing_path_a_road_to_a_pairing():
    for record_type in record_types.all_types():
        if not record_type.pairing_path or record_type.pairing_path == "pk":
            continue
        model = record_type.model
        for step in record_type.pairing_path.split("__"):
            model = model._meta.get_field(step).related_model
        assert model is Pairing, record_type.model


def test_it_keeps_each_declaration_within_its_model():
    for record_type in record_types.all_types():
        model = record_type.model
        if record_type.listing is not None:
            for lookups in record_type.listing.sorts.values():
                assert lookups, model
            assert record_type.listing.default_sort.removeprefix("-") in record_type.listing.sorts
        if record_type.year_lock is not None and not record_type.year_lock.parent:
            model._meta.get_field(record_type.year_lock.year_field)
        assert (record_type.year_lock is None) == (model in locks.NOT_YEAR_LOCKED)


def test_it_names_each_kind_menu_entry_and_api_resource_once():
    types = record_types.all_types()
    for attribute in (
        lambda t: t.kind,
        lambda t: t.nav and t.nav.url_name,
        lambda t: t.api and t.api.path,
        lambda t: t.api and t.api.name,
    ):
        names = [attribute(t) for t in types if attribute(t)]
        assert len(names) == len(set(names))


# --- the scope --------------------------------------------------------------------------


def test_it_narrows_every_type_to_the_pairings_the_user_sees(personas):
    seen = set(access.visible_pairings(personas.jiangyang).values_list("pk", flat=True))
    assert seen
    for record_type in record_types.all_types():
        if not record_type.pairing_path:
            continue
        rows = access.records(personas.jiangyang, record_type.model)
        reached = set(rows.values_list(record_type.pairing_path, flat=True))
        assert reached <= seen, record_type.model
        assert not access.records(personas.outsider, record_type.model).exists()


def test_it_reads_a_types_pairing_path_from_its_declaration(personas, registered):
    # Obligations reach their pairing through their agreement; declared through a road that
    # leads to no pairing the user sees, none is in view.
    assert access.records(personas.jiangyang, Obligation).exists()
    registered(replaced(Obligation, pairing_path="agreement__pairing__parent"))
    assert not access.records(personas.jiangyang, Obligation).exists()


def test_it_answers_a_pairing_out_of_scope_without_an_http_error(personas):
    hidden = Pairing.objects.get(helper_region__name="龙马潭区")

    with pytest.raises(access.OutOfScope):
        access.get_pairing_for_user(personas.jiangyang, hidden.pk)
    assert hidden not in access.pairings(personas.jiangyang)
    # … and each door says "not found" on top: the pages and the API.
    client = client_for(personas.jiangyang)
    assert client.get(f"/pairings/{hidden.pk}/").status_code == 404
    assert client.get(f"/api/v1/pairings/{hidden.pk}/").status_code == 404


# --- the menu and the lists ---------------------------------------------------------------


def test_it_shows_each_declared_menu_entry(personas):
    html = client_for(personas.viewer).get("/").content.decode()
    for nav in record_types.nav_entries():
        assert f'<a href="{reverse(nav.url_name)}"' in html


def test_it_shows_a_newly_declared_type_in_the_menu(personas, registered):
    registered(replaced(Target, nav=Nav("年度目标测试", "web:audit", ("audit",))))

    response = client_for(personas.viewer).get("/")

    assert '<a href="/audit/">年度目标测试</a>' in response.content.decode()


def test_it_offers_the_menu_entry_of_an_action_only_to_users_who_may_do_it(personas, registered):
    registered(replaced(Target, nav=Nav("年度目标测试", "web:audit", ("audit",), action="targets")))

    assert "年度目标测试" in client_for(personas.luzhou).get("/").content.decode()
    assert "年度目标测试" not in client_for(personas.viewer).get("/").content.decode()


def test_it_offers_a_download_for_a_list_whose_type_has_a_kind(personas, registered):
    client = client_for(personas.jiangyang)
    assert "export=xlsx" not in client.get("/obligations/").content.decode()

    registered(replaced(Obligation, kind="obligations"))

    assert "export=xlsx" in client.get("/obligations/").content.decode()
    assert "export=xlsx" in client.get("/tasks/").content.decode()


def test_it_searches_a_list_in_the_fields_its_type_declares(personas, build, registered):
    pairing = Pairing.objects.get(helper_region__name="江阳区")
    owner = build.organisation("检索测试单位", pairing.helper_region)
    title = "按责任单位找到的事项"
    services.create_record(
        Task, acting_user=None, via="test", pairing=pairing, title=title, owner=owner
    )
    client = client_for(personas.jiangyang)
    assert title in client.get("/tasks/", {"q": "检索测试单位"}).content.decode()

    task_listing = record_types.listing_of(Task)
    registered(replaced(Task, listing=dataclasses.replace(task_listing, search=("title",))))

    assert (
        "按责任单位找到的事项" not in client.get("/tasks/", {"q": "检索测试单位"}).content.decode()
    )


# --- import and export, the API, the year lock ----------------------------------------------


def test_it_files_each_importer_under_its_types_kind(registered):
    assert record_types.kinds() == KINDS
    for kind, importer in IMPORTERS.items():
        assert record_types.of(importer.model).kind == kind == importer.kind

    registered(replaced(Project, kind="projects-renamed"))

    assert IMPORTERS["projects"].kind == "projects-renamed"


def test_it_serves_each_declared_api_resource():
    document = api.get_openapi_schema()
    paths = document["paths"]
    operations = {
        operation["operationId"]: operation
        for methods in paths.values()
        for operation in methods.values()
    }
    for record_type in record_types.all_types():
        if record_type.api is None:
            continue
        path = "/api/v1" + record_type.api.path + "{id}/"
        assert path in paths, record_type.model
        read = operations[f"get_{record_type.api.name}"]
        assert read["tags"] == [record_type.api.tag]
    assert "list_persons" in operations and record_types.api_of(Person).path == "/persons/"


def test_it_locks_a_record_by_the_rule_its_type_declares(build, registered):
    target = services.create_record(
        Target,
        acting_user=None,
        via="test",
        pairing=build.pairing(),
        year=2021,
        indicator=Target.Indicator.FUNDS_TRANSFERRED,
        value=Decimal("100.00"),
    )
    assert locks.locked_year(target) == (target, 2021)

    registered(replaced(Target, year_lock=None))
    assert locks.locked_year(target) is None

    registered(replaced(Target, year_lock=record_types.YearLock("year", ongoing={"value"})))
    assert locks.locked_year(target, changed={"value"}) is None
    assert locks.locked_year(target, changed={"value", "year"}) == (target, 2021)
