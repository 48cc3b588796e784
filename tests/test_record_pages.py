"""The pages of every record type declared with `Pages` (`ledger/record_types.py`), through
HTTP, for each type `record_types.with_pages()` holds (a type declared later is covered with
no edit here): the 协作考核 hub, the list (filters, sort, pagination, empty state, queries
that do not grow with the rows), the record's page, new, edit (lost updates refused),
delete, and who may do what (the helper side's editor, a viewer, an outsider)."""

from __future__ import annotations

import re

import pytest
from declared_records import form_data, make, text_field, values
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from shared_records import for_the_module, make_personas

from pairaid.ledger import record_types, services
from pairaid.ledger.models import AuditEntry, Pairing
from pairaid.ledger.moneyfield import MoneyField
from pairaid.web import listing

TYPES = record_types.with_pages()
IDS = [rt.pages.slug for rt in TYPES]


def test_it_declares_at_least_one_type_with_pages():
    assert TYPES, "no record type is declared with pages"


@pytest.fixture(scope="module")
def module_personas(django_db_setup, django_db_blocker):
    """The personas, made once for the module's tests (which only read them) instead of
    nine users and their roles for each test."""
    yield from for_the_module(django_db_blocker, make_personas)


@pytest.fixture
def personas(db, module_personas):
    return module_personas


@pytest.fixture(params=TYPES, ids=IDS)
def declared(request):
    return request.param


@pytest.fixture
def pairing(db):
    """The pairing of the `longmatan` persona (its helper side's editor)."""
    return Pairing.objects.get(helper_region__name="龙马潭区", parent__isnull=False)


def logged_in(client, user):
    client.force_login(user)
    return client


def url(declared, page: str = "", *args) -> str:
    return reverse(f"web:{declared.pages.slug}{page}", args=args)


def count_of(response) -> int:
    return int(re.search(r'class="total" data-count="(\d+)"', response.content.decode())[1])


def rows(response) -> int:
    body = response.content.decode()
    table = body[body.index("<tbody>") : body.index("</tbody>")]
    return table.count("<tr") - table.count('class="empty"')


def label_of(declared, record) -> str:
    return str(getattr(record, text_field(declared)))


# --- the hub and the menu -------------------------------------------------------------------


def test_it_lists_every_type_under_its_area_on_the_hub(client, personas):
    response = logged_in(client, personas.longmatan).get(reverse("web:assessment"))

    assert response.status_code == 200
    body = response.content.decode()
    for declared in TYPES:
        area = record_types.AREAS[declared.pages.area]
        assert f'data-area="{declared.pages.area}"' in body
        assert str(area) in body
        assert f'href="{url(declared)}"' in body
        assert f'href="{url(declared, "_create")}"' in body  # an editor may record


def test_it_offers_no_new_record_to_a_viewer_on_the_hub(client, personas):
    body = logged_in(client, personas.viewer).get(reverse("web:assessment")).content.decode()

    for declared in TYPES:
        assert f'href="{url(declared)}"' in body
        assert f'href="{url(declared, "_create")}"' not in body


def test_it_says_so_when_no_type_has_pages(client, personas, monkeypatch):
    monkeypatch.setattr(record_types, "with_pages", lambda: [])

    body = logged_in(client, personas.viewer).get(reverse("web:assessment")).content.decode()

    assert "尚无协作考核的台账类型" in body


def test_it_highlights_the_assessment_entry_of_the_menu(client, personas, declared, pairing):
    record = make(declared, pairing)
    client = logged_in(client, personas.longmatan)
    for address in (
        reverse("web:assessment"),
        url(declared),
        url(declared, "_create"),
        url(declared, "_detail", record.pk),
        url(declared, "_edit", record.pk),
    ):
        body = client.get(address).content.decode()
        current = re.search(r'<a[^>]*aria-current="page"[^>]*>([^<]*)</a>', body)
        assert current is not None and "协作考核" in current[1], address


# --- the list -------------------------------------------------------------------------------


def test_it_lists_the_records_in_view(client, personas, declared, pairing):
    record = make(declared, pairing)

    response = logged_in(client, personas.longmatan).get(url(declared))

    assert response.status_code == 200
    body = response.content.decode()
    assert url(declared, "_detail", record.pk) in body
    for name in declared.pages.columns:
        label = str(declared.model._meta.get_field(name).verbose_name)
        assert label in body
    assert count_of(response) == declared.model.objects.filter(pairing__in=[pairing]).count()


def test_it_shows_an_outsider_an_empty_list(client, personas, declared, pairing):
    make(declared, pairing)

    response = logged_in(client, personas.outsider).get(url(declared))

    assert response.status_code == 200
    assert rows(response) == 0
    assert "没有符合条件的记录" in response.content.decode()


def test_it_finds_by_text_pairing_and_year(client, personas, declared, pairing):
    name = text_field(declared)
    wanted = make(declared, pairing, **{name: "甲乙丙查找"})
    other = make(declared, pairing)
    client = logged_in(client, personas.longmatan)

    assert name in declared.listing.search, "the list searches no text field of the form"

    found = client.get(url(declared), {"q": "甲乙丙查找", "pairing": pairing.pk})

    assert count_of(found) == 1
    assert url(declared, "_detail", wanted.pk) in found.content.decode()
    assert url(declared, "_detail", other.pk) not in found.content.decode()
    if declared.listing.year_field:
        made_year = getattr(wanted, declared.listing.year_field)
        made_year = getattr(made_year, "year", made_year)
        same = client.get(url(declared), {"q": "甲乙丙查找", "year": made_year})
        before = client.get(url(declared), {"q": "甲乙丙查找", "year": made_year - 1})
        assert count_of(same) == 1
        assert count_of(before) == 0


def test_it_filters_by_each_declared_choice(client, personas, declared, pairing):
    client = logged_in(client, personas.longmatan)
    record = make(declared, pairing)
    for name, lookup in declared.listing.choices.items():
        value = record
        for part in lookup.split("__"):
            value = getattr(value, part)
        response = client.get(url(declared), {name: value, "pairing": pairing.pk})
        assert url(declared, "_detail", record.pk) in response.content.decode(), name


def test_it_sorts_by_each_declared_column(client, personas, declared, pairing):
    make(declared, pairing)
    make(declared, pairing)
    client = logged_in(client, personas.longmatan)
    for key in declared.listing.sorts:
        for sort in (key, f"-{key}"):
            response = client.get(url(declared), {"sort": sort})
            assert response.status_code == 200, sort
    body = client.get(url(declared)).content.decode()
    sortable = [c for c in declared.pages.columns if c in declared.listing.sorts]
    for column in sortable:
        assert f"sort={column}" in body or f"sort=-{column}" in body


def test_it_pages_the_list(client, personas, declared, pairing, monkeypatch):
    monkeypatch.setattr(listing, "PER_PAGE", 2)
    for _ in range(3):
        make(declared, pairing)
    client = logged_in(client, personas.longmatan)

    first = client.get(url(declared), {"pairing": pairing.pk})
    second = client.get(url(declared), {"pairing": pairing.pk, "page": 2})

    assert rows(first) == 2
    assert 'rel="next"' in first.content.decode()
    assert rows(second) >= 1
    assert 'rel="prev"' in second.content.decode()


def test_it_returns_only_the_results_to_htmx(client, personas, declared, pairing):
    make(declared, pairing)

    response = logged_in(client, personas.longmatan).get(
        url(declared), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )

    body = response.content.decode()
    assert "<tbody>" in body
    assert "<html" not in body


def test_it_takes_the_same_queries_for_3_and_30_records(client, personas, declared, pairing):
    client = logged_in(client, personas.longmatan)
    for _ in range(3):
        make(declared, pairing)
    client.get(url(declared))  # the session and the translations, read once
    with CaptureQueriesContext(connection) as few:
        assert rows(client.get(url(declared))) >= 3
    for _ in range(27):
        make(declared, pairing)
    with CaptureQueriesContext(connection) as many:
        assert rows(client.get(url(declared))) >= 30

    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


# --- one record -----------------------------------------------------------------------------


def test_it_shows_every_field_of_a_record_and_its_history(client, personas, declared, pairing):
    record = make(declared, pairing, user=personas.longmatan)

    response = logged_in(client, personas.longmatan).get(url(declared, "_detail", record.pk))

    assert response.status_code == 200
    body = response.content.decode()
    for name in declared.pages.fields:
        assert str(declared.model._meta.get_field(name).verbose_name) in body
    assert label_of(declared, record) in body
    assert 'class="history"' in body
    assert url(declared, "_edit", record.pk) in body
    assert url(declared, "_delete", record.pk) in body


def test_it_creates_a_record_through_the_form(client, personas, declared, pairing):
    client = logged_in(client, personas.longmatan)
    filled = values(declared, pairing, **{text_field(declared): "新建的记录"})
    assert client.get(url(declared, "_create"), {"pairing": pairing.pk}).status_code == 200

    response = client.post(url(declared, "_create"), form_data(declared, filled))

    assert response.status_code == 302, response.content.decode()[:3000]
    record = declared.model.objects.get(**{text_field(declared): "新建的记录"})
    assert response["Location"] == url(declared, "_detail", record.pk)
    entry = AuditEntry.objects.get(record_type=declared.model._meta.model_name, record_id=record.pk)
    assert entry.action.endswith(".created")
    assert entry.user == personas.longmatan
    assert "新建的记录" in client.get(response["Location"]).content.decode()


def test_it_shows_the_form_again_with_its_errors(client, personas, declared, pairing):
    client = logged_in(client, personas.longmatan)

    response = client.post(url(declared, "_create"), {"pairing": pairing.pk})

    assert response.status_code == 400
    assert 'class="errors"' in response.content.decode()
    assert not AuditEntry.objects.filter(
        record_type=declared.model._meta.model_name, user=personas.longmatan
    ).exists()


def test_it_prefills_the_pairing_from_the_address(client, personas, declared, pairing):
    response = logged_in(client, personas.longmatan).get(
        url(declared, "_create"), {"pairing": pairing.pk}
    )

    form = response.context["form"]
    assert str(form["pairing"].value()) == str(pairing.pk)


def test_it_edits_a_record(client, personas, declared, pairing):
    record = make(declared, pairing)
    client = logged_in(client, personas.longmatan)
    name = text_field(declared)
    filled = {f: getattr(record, f) for f in declared.pages.fields}
    filled[name] = "改过的记录"
    data = form_data(declared, filled)
    if hasattr(record, "version"):
        data["version"] = str(record.version)

    response = client.post(url(declared, "_edit", record.pk), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    record.refresh_from_db()
    assert getattr(record, name) == "改过的记录"
    assert AuditEntry.objects.filter(
        record_type=declared.model._meta.model_name,
        record_id=record.pk,
        action__endswith=".updated",
        user=personas.longmatan,
    ).exists()


def test_it_refuses_an_edit_made_on_an_older_version(client, personas, declared, pairing):
    record = make(declared, pairing)
    if not hasattr(record, "version"):
        assert "version" not in (f.name for f in declared.model._meta.concrete_fields)
        return
    client = logged_in(client, personas.longmatan)
    name = text_field(declared)
    filled = {f: getattr(record, f) for f in declared.pages.fields}
    first = form_data(declared, {**filled, name: "先保存的"})
    late = form_data(declared, {**filled, name: "后保存的"})

    saved = client.post(url(declared, "_edit", record.pk), {**first, "version": 1})
    assert saved.status_code == 302
    response = client.post(url(declared, "_edit", record.pk), {**late, "version": 1})

    assert response.status_code == 400
    assert "其他用户已修改" in response.content.decode()
    record.refresh_from_db()
    assert getattr(record, name) == "先保存的"


def test_it_deletes_a_record(client, personas, declared, pairing):
    record = make(declared, pairing)
    client = logged_in(client, personas.longmatan)

    response = client.post(url(declared, "_delete", record.pk))

    assert response.status_code == 302
    assert response["Location"] == url(declared)
    assert not declared.model.objects.filter(pk=record.pk).exists()
    assert AuditEntry.objects.filter(
        record_type=declared.model._meta.model_name,
        record_id=record.pk,
        action__endswith=".deleted",
    ).exists()


def test_it_refuses_to_delete_with_a_get(client, personas, declared, pairing):
    record = make(declared, pairing)

    response = logged_in(client, personas.longmatan).get(url(declared, "_delete", record.pk))

    assert response.status_code == 405
    assert declared.model.objects.filter(pk=record.pk).exists()


# --- who may do what ------------------------------------------------------------------------


def test_it_shows_a_viewer_the_record_without_edit_or_delete(client, personas, declared, pairing):
    record = make(declared, pairing)
    client = logged_in(client, personas.viewer)

    body = client.get(url(declared, "_detail", record.pk)).content.decode()

    assert label_of(declared, record) in body
    assert url(declared, "_edit", record.pk) not in body
    assert url(declared, "_delete", record.pk) not in body
    assert client.get(url(declared, "_edit", record.pk)).status_code == 403
    assert client.get(url(declared, "_create")).status_code == 403
    assert client.post(url(declared, "_delete", record.pk)).status_code == 403
    assert declared.model.objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize("who", ["outsider", "jiangyang", "yanyuan"])
def test_it_answers_404_outside_the_scope(client, personas, declared, pairing, who):
    record = make(declared, pairing)
    client = logged_in(client, getattr(personas, who))

    for page in ("_detail", "_edit"):
        assert client.get(url(declared, page, record.pk)).status_code == 404, page
    assert client.post(url(declared, "_delete", record.pk)).status_code == 404
    assert declared.model.objects.filter(pk=record.pk).exists()


def test_it_offers_another_editor_only_their_own_pairings(client, personas, declared, pairing):
    response = logged_in(client, personas.jiangyang).get(url(declared, "_create"))

    offered = set(response.context["form"].fields["pairing"].queryset.values_list("pk", flat=True))
    assert pairing.pk not in offered


def test_it_refuses_a_record_in_a_pairing_the_editor_may_not_record_in(
    client, personas, declared, pairing
):
    filled = values(declared, pairing, **{text_field(declared): "别人的记录"})

    response = logged_in(client, personas.jiangyang).post(
        url(declared, "_create"), form_data(declared, filled)
    )

    assert response.status_code == 400
    assert not declared.model.objects.filter(**{text_field(declared): "别人的记录"}).exists()


def test_it_offers_the_records_a_chooser_searches(client, personas, declared, pairing):
    name = text_field(declared)
    record = make(declared, pairing, **{name: "选择器找到"})

    mine = logged_in(client, personas.longmatan).get(url(declared, "_choices"), {"q": "选择器找到"})
    outsider = logged_in(client, personas.outsider).get(
        url(declared, "_choices"), {"q": "选择器找到"}
    )

    assert [row["id"] for row in mine.json()["results"]] == [record.pk]
    assert outsider.json()["results"] == []


def test_it_refuses_to_change_or_delete_a_record_of_a_locked_year(
    client, personas, declared, pairing
):
    record = make(declared, pairing)
    year = declared.year_lock.year_of(record)
    services.move_year(pairing, year, "submitted", acting_user=personas.longmatan, via="test")
    services.move_year(pairing, year, "approved", acting_user=personas.luzhou, via="test")
    client = logged_in(client, personas.longmatan)

    deleted = client.post(url(declared, "_delete", record.pk), follow=True)

    assert declared.model.objects.filter(pk=record.pk).exists()
    assert "审核锁定" in deleted.content.decode()
    name = text_field(declared)
    filled = {f: getattr(record, f) for f in declared.pages.fields}
    data = form_data(declared, {**filled, name: "锁定后改的"})
    if hasattr(record, "version"):
        data["version"] = str(record.version)
    edited = client.post(url(declared, "_edit", record.pk), data)
    assert edited.status_code == 400
    assert "审核锁定" in edited.content.decode()


def test_it_types_amounts_in_yuan_and_dates_with_the_date_widget(client, personas, declared):
    body = logged_in(client, personas.longmatan).get(url(declared, "_create")).content.decode()

    for name in declared.pages.fields:
        field = declared.model._meta.get_field(name)
        tag = re.search(rf'<(?:input|select|textarea)[^>]*name="{name}"[^>]*>', body)
        assert tag is not None, name
        if isinstance(field, MoneyField):
            assert 'data-money="yuan"' in tag[0], name
        elif isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            assert 'type="date"' in tag[0], name
