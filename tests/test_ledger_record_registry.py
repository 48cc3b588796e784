"""Every registered record type's declaration (ledger/record_types.py, record_types_areas.py,
record_registry.py) holds on its model and on its pages: each search field and year field is
a lookup the database answers; each list page sorts by every declared column (some are the
page's own annotations, e.g. a person's postings), and falls back to its default for any
other; generic pages declare columns among their fields and a key among them; labels are
Chinese."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse

from pairaid.ledger import access, record_types
from pairaid.ledger.models import FundFlow, Posting
from pairaid.ledger.record_registry import AREAS, Listing, RecordType

LISTED = [t for t in record_types.all_types() if t.listing is not None and t.list_name]


def name_of(record_type: RecordType) -> str:
    return record_type.model.__name__


def listing(record_type: RecordType) -> Listing:
    assert record_type.listing is not None
    return record_type.listing


@pytest.fixture
def office_client(personas):
    client = Client()
    client.force_login(personas.jiangyang)
    return client


@pytest.mark.parametrize("record_type", LISTED, ids=name_of)
def test_it_searches_and_narrows_by_declared_lookups(db, record_type):
    declared = listing(record_type)
    rows = record_type.model.objects.all()
    for name in declared.search:
        list(rows.filter(**{f"{name}__icontains": "一"})[:1])
    if declared.year_field:
        field = declared.year_field
        concrete = record_type.model._meta.get_field(field.split("__")[0])
        lookup = field if not isinstance(concrete, models.DateField) else f"{field}__year"
        list(rows.filter(**{lookup: 2022})[:1])


@pytest.mark.parametrize("record_type", LISTED, ids=name_of)
def test_it_sorts_each_list_page_by_every_declared_column(office_client, record_type):
    url = reverse(record_type.list_name)
    for key in listing(record_type).sorts:
        response = office_client.get(url, {"sort": f"-{key}"})
        assert response.status_code == 200, (name_of(record_type), key)
    fallback = office_client.get(url, {"sort": "no-such-column"})
    assert fallback.status_code == 200


def test_it_orders_a_list_page_rows_by_the_sort_asked(office_client, personas):
    declared = record_types.listing_of(FundFlow)
    assert "amount" in declared.sorts
    seen = access.records(personas.jiangyang, FundFlow)
    largest = seen.order_by("-amount", "-pk").first()
    smallest = seen.order_by("amount", "pk").first()
    url = reverse(record_types.of(FundFlow).list_name)

    descending = office_client.get(url, {"sort": "-amount"}).content.decode()
    ascending = office_client.get(url, {"sort": "amount"}).content.decode()

    assert f"/funds/{largest.pk}/" in descending
    assert f"/funds/{smallest.pk}/" in ascending
    assert f"/funds/{largest.pk}/" not in ascending


@pytest.mark.parametrize("record_type", record_types.with_pages(), ids=name_of)
def test_it_declares_generic_pages_within_their_model(record_type):
    pages = record_type.pages
    assert pages is not None
    model = record_type.model
    names = {f.name for f in model._meta.get_fields()}
    assert set(pages.fields) <= names, name_of(record_type)
    assert set(pages.columns) <= set(pages.fields) | names
    assert set(pages.key) <= set(pages.fields)
    assert pages.area in AREAS
    if record_type.pairing_path == "pairing":
        assert pages.fields[0] == "pairing"
    assert record_types.by_slug(pages.slug) is record_type
    assert record_type.list_name == f"web:{pages.slug}"


def test_it_gives_each_generic_page_a_slug_of_its_own():
    slugs = [t.pages.slug for t in record_types.with_pages() if t.pages]
    assert slugs and len(slugs) == len(set(slugs))


def test_it_finds_a_type_by_each_name_it_is_known_by():
    for record_type in record_types.all_types():
        assert record_types.of(record_type.model) is record_type
        if record_type.kind:
            assert record_types.by_kind(record_type.kind) is record_type
        if record_type.list_name:
            assert record_types.by_list_name(record_type.list_name) is record_type
    assert record_types.by_kind("no-such-kind") is None
    assert record_types.by_slug("no-such-slug") is None
    assert record_types.by_list_name("web:no-such-list") is None


def test_it_refuses_to_register_a_type_twice():
    task_type = record_types.all_types()[0]
    with pytest.raises(ValueError, match="registered already"):
        record_types.register(task_type)


def test_it_restores_a_declaration_after_a_block_that_replaced_it():
    original = record_types.all_types()[0]
    replaced = RecordType(model=original.model, pairing_path="pairing")

    with record_types.registered(replaced):
        assert record_types.of(original.model) is replaced

    assert record_types.of(original.model) is original


def test_it_names_every_menu_entry_and_area_in_chinese():
    for nav in record_types.nav_entries():
        label = str(nav.label)
        assert label and any("\u4e00" <= ch <= "\u9fff" for ch in label), nav.url_name
        assert nav.section == nav.url_name.rsplit(":", 1)[-1]
    for key, label in AREAS.items():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(label)), key


def test_it_reads_a_year_from_a_year_field_or_a_date_field(build):
    pairing = build.pairing()
    flow = build.flow(pairing, "1.00", year=2021, day=dt.date(2022, 1, 5))
    posting = build.posting(build.person(), pairing, dt.date(2023, 4, 1))

    assert record_types.of(FundFlow).year_lock.year_of(flow) == 2021
    lock = record_types.of(Posting).year_lock
    assert lock.year_of(posting) == getattr(posting, lock.year_field).year
