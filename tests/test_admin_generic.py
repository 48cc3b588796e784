"""The admin of every record type declared with pages, made from its declaration, through HTTP:
its list (columns, money in 元, search, filters, scope), and add, change and delete through the
services, audited as "admin"."""

from __future__ import annotations

import datetime as dt
from typing import Any

import declared_records as records
import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import models
from django.urls import reverse

from pairaid.accounts.models import RoleAssignment
from pairaid.ledger import record_types
from pairaid.ledger.admin.base import ServiceAdmin, yuan
from pairaid.ledger.models import AuditEntry
from pairaid.ledger.moneyfield import MoneyField

SLUGS = records.slugs()


@pytest.fixture
def client(admin_client):
    """The module's pages are the admin's: every client is the administrator's."""
    return admin_client


def url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def form(slug: str, values: dict[str, Any]) -> dict[str, Any]:
    """The add/change form's data for the values."""
    data: dict[str, Any] = {}
    for model_field in records.model_fields(slug):
        value = values.get(model_field.name)
        if isinstance(model_field, models.ForeignKey):
            data[model_field.name] = value.pk if value is not None else ""
        elif isinstance(model_field, models.BooleanField):
            if value:
                data[model_field.name] = "on"
        elif isinstance(value, dt.date):
            data[model_field.name] = value.isoformat()
        else:
            data[model_field.name] = "" if value is None else str(value)
    return data


def entries(obj, verb: str):
    return AuditEntry.objects.filter(
        record_type=obj._meta.model_name, record_id=str(obj.pk), action__endswith=f".{verb}"
    )


def test_it_gives_every_type_with_pages_a_services_backed_admin():
    for rt in record_types.with_pages():
        model_admin = admin.site._registry[rt.model]
        assert isinstance(model_admin, ServiceAdmin), rt.model
        assert rt.pages is not None
        assert len(model_admin.list_display) == len(rt.pages.columns)
        if rt.listing is not None:
            assert list(model_admin.search_fields) == list(rt.listing.search)


@pytest.mark.parametrize("slug", SLUGS)
def test_it_lists_the_columns_with_money_in_yuan_and_finds_by_search(slug, client, build):
    rt = records.record_type(slug)
    pairing = build.pairing("后台甲区", "后台乙县")
    record = records.make(slug, pairing)

    response = client.get(url(rt.model, "changelist"), {"pairing__id__exact": pairing.pk})

    assert response.status_code == 200
    content = response.content.decode()
    assert rt.pages is not None
    for name in rt.pages.columns:
        model_field = rt.model._meta.get_field(name)
        assert str(model_field.verbose_name).split("（")[0] in content
        if isinstance(model_field, MoneyField):
            assert yuan(getattr(record, name)) in content
    if rt.listing is not None and rt.listing.search:
        words = str(records.lookup(record, rt.listing.search[0]))
        found = client.get(url(rt.model, "changelist"), {"q": words})
        assert list(found.context["cl"].result_list) == [record]
        missing = client.get(url(rt.model, "changelist"), {"q": "没有这样的文字"})
        assert list(missing.context["cl"].result_list) == []


@pytest.mark.parametrize("slug", SLUGS)
def test_it_adds_changes_and_deletes_through_the_services(slug, client, admin_user, build):
    rt = records.record_type(slug)
    pairing = build.pairing("后台写入甲区", "后台写入乙县")
    values = records.values(slug, pairing)

    added = client.post(url(rt.model, "add"), form(slug, values))

    assert added.status_code == 302, added.content.decode()[-2000:]
    record = rt.model.objects.get(pairing=pairing)
    for name, value in values.items():
        assert getattr(record, name) == value, name
    created = entries(record, "created").get()
    assert (created.actor, created.user) == ("admin", admin_user)

    text = records.text_field(slug)
    changed = client.post(
        url(rt.model, "change", record.pk), form(slug, {**values, text: "后台修改"})
    )

    assert changed.status_code == 302
    record.refresh_from_db()
    assert getattr(record, text) == "后台修改"
    assert list(entries(record, "updated").get().changes) == [text]

    deleted = client.post(url(rt.model, "delete", record.pk), {"post": "yes"})

    assert deleted.status_code == 302
    assert not rt.model.objects.filter(pk=record.pk).exists()
    assert entries(record, "deleted").get().user == admin_user


@pytest.mark.parametrize("slug", SLUGS)
def test_it_shows_a_broken_rule_in_words_on_the_form(slug, client, build):
    rt = records.record_type(slug)
    pairing = build.pairing("后台错误甲区", "后台错误乙县")
    values = records.values(slug, pairing)
    money = [f for f in records.model_fields(slug) if isinstance(f, MoneyField)]
    data = form(slug, values)
    target = money[0].name if money else "pairing"
    data[target] = "-1" if money else ""

    response = client.post(url(rt.model, "add"), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    messages = [str(m) for found in errors.values() for m in found]
    assert messages
    for message in messages:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
        # Said in words, never by the database rule's name.
        assert not any(c.name in message for c in rt.model._meta.constraints), message
    assert not rt.model.objects.filter(pairing=pairing).exists()


@pytest.mark.parametrize("slug", SLUGS)
def test_it_shows_a_staff_member_only_the_records_in_scope(slug, client, build):
    rt = records.record_type(slug)
    mine = build.pairing("后台范围甲区", "后台范围乙县")
    theirs = build.pairing("后台范围丙区", "后台范围丁县")
    shown = records.make(slug, mine)
    hidden = records.make(slug, theirs)
    staff = get_user_model().objects.create_user("generic-staff", password="pw", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename=f"view_{rt.model._meta.model_name}")
    )
    RoleAssignment.objects.create(user=staff, role="helper_editor", region=mine.helper_region)
    client.force_login(staff)

    response = client.get(url(rt.model, "changelist"))

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [shown]
    assert client.get(url(rt.model, "change", hidden.pk)).status_code == 302
