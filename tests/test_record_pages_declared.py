"""The generic record pages for what the types declared so far do not have: a type whose
records refer to another's (its children on the parent's page), a two-sided type (the
recipient side's answer), and a figure that drills down to a generic list. Existing models
are declared with pages for one test (`record_types.registered`), and the pages' addresses
are made anew from the registry for it, as `web/urls.py` makes them when it is imported."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import types
from decimal import Decimal

import pytest
from django.urls import URLResolver, include, path, reverse

import pairaid.urls as root
import pairaid.web.urls as web
from pairaid.ledger import record_types, services
from pairaid.ledger.figures import Figure
from pairaid.ledger.models import (
    Agreement,
    Confirmation,
    GuidedInvestment,
    Obligation,
    Pairing,
    Posting,
    Task,
    WorkStatus,
)
from pairaid.ledger.record_types import Pages
from pairaid.web import drilldown
from pairaid.web.views import records

URLCONF = "record_pages_declared_urls"


@pytest.fixture
def pairing(db):
    return Pairing.objects.get(helper_region__name="龙马潭区", parent__isnull=False)


@pytest.fixture
def declare(settings, monkeypatch):
    """Declare types with pages for the test, and serve their pages."""
    entered = []

    def declare_all(*declared: record_types.RecordType) -> None:
        generic = {p.name for p in records.urlpatterns()}
        for one in declared:
            context = record_types.registered(one)
            context.__enter__()
            entered.append(context)
        web_patterns = [p for p in web.urlpatterns if p.name not in generic]
        web_patterns += records.urlpatterns()
        patterns = [
            p
            for p in root.urlpatterns
            if not (isinstance(p, URLResolver) and getattr(p, "app_name", "") == "web")
        ]
        module = types.ModuleType(URLCONF)
        module.urlpatterns = [*patterns, path("", include((web_patterns, "web")))]
        monkeypatch.setitem(sys.modules, URLCONF, module)
        settings.ROOT_URLCONF = URLCONF

    yield declare_all
    for context in reversed(entered):
        context.__exit__(None, None, None)


def with_pages(model, **pages) -> record_types.RecordType:
    return dataclasses.replace(record_types.of(model), pages=Pages(**pages))


def agreements_and_obligations(declare) -> None:
    declare(
        with_pages(
            Agreement,
            slug="t-agreements",
            area="industry",
            columns=("title", "kind"),
            fields=("pairing", "title", "kind"),
        ),
        with_pages(
            Obligation,
            slug="t-obligations",
            area="industry",
            columns=("deliverable", "agreement", "due_date"),
            fields=("agreement", "deliverable", "due_date", "status"),
        ),
    )


def create(model, **fields):
    return services.create_record(model, acting_user=None, via="test", **fields)


def test_it_shows_a_records_children_with_links_to_all_and_to_a_new_one(
    client, personas, pairing, declare
):
    agreements_and_obligations(declare)
    agreement = create(Agreement, pairing=pairing, title="母协议", kind=Agreement.Kind.FRAMEWORK)
    other = create(Agreement, pairing=pairing, title="另一协议", kind=Agreement.Kind.FRAMEWORK)
    mine = [create(Obligation, agreement=agreement, deliverable=f"子事项{i}") for i in range(2)]
    theirs = create(Obligation, agreement=other, deliverable="别的事项")
    client.force_login(personas.longmatan)

    body = client.get(reverse("web:t-agreements_detail", args=[agreement.pk])).content.decode()

    assert str(Obligation._meta.verbose_name_plural) in body
    for obligation in mine:
        assert reverse("web:t-obligations_detail", args=[obligation.pk]) in body
    assert "别的事项" not in body
    listed = f"{reverse('web:t-obligations')}?agreement={agreement.pk}"
    new = f"{reverse('web:t-obligations_create')}?agreement={agreement.pk}"
    assert listed in body
    assert new in body

    only_mine = client.get(listed).content.decode()
    assert "子事项0" in only_mine and "子事项1" in only_mine
    assert reverse("web:t-obligations_detail", args=[theirs.pk]) not in only_mine
    assert new in only_mine  # the list of one parent's children offers a new one of its own

    form = client.get(new).context["form"]
    assert str(form["agreement"].value()) == str(agreement.pk)


def test_it_offers_in_a_reference_only_the_records_in_view(client, personas, pairing, declare):
    agreements_and_obligations(declare)
    seen = create(Agreement, pairing=pairing, title="看得见", kind=Agreement.Kind.FRAMEWORK)
    elsewhere = Pairing.objects.get(helper_region__name="江阳区", parent__isnull=False)
    unseen = create(Agreement, pairing=elsewhere, title="看不见", kind=Agreement.Kind.FRAMEWORK)
    client.force_login(personas.longmatan)

    response = client.get(reverse("web:t-obligations_create"))
    offered = set(
        response.context["form"].fields["agreement"].queryset.values_list("pk", flat=True)
    )
    searched = client.get(reverse("web:t-agreements_choices"), {"q": "看"}).json()["results"]

    assert seen.pk in offered and unseen.pk not in offered
    assert [row["id"] for row in searched] == [seen.pk]
    assert 'data-chooser-url="/t-agreements/choices/"' in response.content.decode()


def test_it_offers_in_any_reference_only_the_records_in_view(client, personas, pairing, declare):
    declare(
        with_pages(
            Task,
            slug="t-tasks",
            area="labour",
            columns=("title",),
            fields=("pairing", "title", "agreement"),
        )
    )
    seen = create(Agreement, pairing=pairing, title="看得见", kind=Agreement.Kind.FRAMEWORK)
    elsewhere = Pairing.objects.get(helper_region__name="江阳区", parent__isnull=False)
    unseen = create(Agreement, pairing=elsewhere, title="看不见", kind=Agreement.Kind.FRAMEWORK)
    client.force_login(personas.longmatan)

    response = client.get(reverse("web:t-tasks_create"))

    offered = response.context["form"].fields["agreement"].queryset
    assert offered.filter(pk=seen.pk).exists()
    assert not offered.filter(pk=unseen.pk).exists()
    assert 'data-chooser="agreement"' in response.content.decode()


def test_it_refuses_a_child_of_a_record_out_of_view(client, personas, pairing, declare):
    agreements_and_obligations(declare)
    elsewhere = Pairing.objects.get(helper_region__name="江阳区", parent__isnull=False)
    unseen = create(Agreement, pairing=elsewhere, title="看不见", kind=Agreement.Kind.FRAMEWORK)
    client.force_login(personas.longmatan)

    response = client.post(
        reverse("web:t-obligations_create"),
        {"agreement": unseen.pk, "deliverable": "偷偷加的", "status": WorkStatus.OPEN},
    )

    assert response.status_code == 400
    assert not Obligation.objects.filter(deliverable="偷偷加的").exists()


def test_it_lets_the_recipient_side_answer_and_reopen_a_two_sided_record(
    client, personas, pairing, declare, build
):
    declare(
        with_pages(
            Posting,
            slug="t-postings",
            area="labour",
            columns=("post", "start_date"),
            fields=("pairing", "post", "start_date"),
        )
    )
    posting = build.posting(build.person(), pairing, dt.date(2024, 5, 1), post="挂职副县长")
    detail = reverse("web:t-postings_detail", args=[posting.pk])
    confirm = reverse("web:t-postings_confirm", args=[posting.pk])
    reopen = reverse("web:t-postings_reopen", args=[posting.pk])

    client.force_login(personas.longmatan)
    assert confirm not in client.get(detail).content.decode()
    assert client.post(confirm, {"decision": "confirm"}).status_code == 403

    client.force_login(personas.puge)
    assert confirm in client.get(detail).content.decode()
    assert client.post(confirm, {"decision": "confirm"})["Location"] == detail
    posting.refresh_from_db()
    assert posting.confirmation == Confirmation.CONFIRMED
    assert confirm not in client.get(detail).content.decode()

    client.force_login(personas.luzhou)
    assert reopen in client.get(detail).content.decode()
    client.post(reopen, {"reason": "核对有误"})
    posting.refresh_from_db()
    assert posting.confirmation == Confirmation.UNCONFIRMED

    client.force_login(personas.puge)
    client.post(confirm, {"decision": "dispute", "note": "人员未到岗"})
    posting.refresh_from_db()
    assert posting.confirmation == Confirmation.DISPUTED
    assert "人员未到岗" in client.get(detail).content.decode()


def test_it_has_no_answer_for_a_type_that_is_not_two_sided(client, personas, declare):
    agreements_and_obligations(declare)
    names = {p.name for p in records.urlpatterns()}

    assert "t-agreements_detail" in names
    assert "t-agreements_confirm" not in names
    assert "t-agreements_reopen" not in names


def test_it_drills_down_from_a_figure_to_a_generic_list(client, personas, pairing, monkeypatch):
    declared = record_types.of(GuidedInvestment)
    made = [
        create(
            GuidedInvestment,
            pairing=pairing,
            enterprise=f"钻取企业{i}",
            year=2024,
            date=dt.date(2024, 6, 1),
            amount=Decimal("1000.00"),
        )
        for i in range(2)
    ]
    create(
        GuidedInvestment,
        pairing=pairing,
        enterprise="不在数字里",
        year=2024,
        date=dt.date(2024, 6, 1),
        amount=Decimal("5.00"),
    )

    def figure(window, extras):
        rows = GuidedInvestment.objects.filter(pk__in=[m.pk for m in made])
        return Figure(
            "test_investments", "引导投资", sum(m.amount for m in made), "元", "测试", window, rows
        )

    list_name = drilldown.record_list(declared.pages.slug)
    monkeypatch.setitem(drilldown.SPECS, "test_investments", drilldown.Spec(list_name, figure))
    client.force_login(personas.longmatan)

    response = client.get(reverse(list_name), {"figure": "test_investments", "pairing": pairing.pk})

    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-figure="test_investments"' in body
    assert "钻取企业0" in body and "钻取企业1" in body
    assert "不在数字里" not in body
    assert list_name == f"web:{declared.pages.slug}"
