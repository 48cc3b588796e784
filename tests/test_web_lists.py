"""The list pages through HTTP: filters, sorting, pagination, the total of the filtered rows,
the htmx partial, and a bounded number of queries whatever the page holds (no N+1)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pairaid.ledger import figures
from pairaid.ledger.models import (
    Agreement,
    Event,
    FundFlow,
    Obligation,
    Pairing,
    Person,
    Posting,
    Project,
    Task,
)
from pairaid.ledger.money import format_wan

# Every list: its URL, the model whose rows it shows, and the most queries it may take for
# a superuser (session, user, roles, filter choices, count, total, page) — the same for a
# page of 50 rows as for a page of 1.
LISTS = {
    "/projects/": (Project, 8),
    "/funds/": (FundFlow, 9),
    "/people/": (Person, 8),
    "/postings/": (Posting, 9),
    "/agreements/": (Agreement, 8),
    "/obligations/": (Obligation, 8),
    "/events/": (Event, 8),
    "/tasks/": (Task, 8),
}


def pairing(helper: str) -> Pairing:
    return Pairing.objects.get(helper_region__name=helper)


def count_of(response) -> int:
    return int(re.search(r'class="total" data-count="(\d+)"', response.content.decode())[1])


def total_of(response) -> Decimal:
    return Decimal(re.search(r'data-total="(-?[\d.]+)"', response.content.decode())[1])


def rows(response) -> int:
    body = response.content.decode()
    table = body[body.index("<tbody>") : body.index("</tbody>")]
    return table.count("<tr") - table.count('class="empty"')


@pytest.mark.parametrize("url", LISTS)
def test_it_lists_every_record_in_view_with_their_count(admin_client, url):
    model, _ = LISTS[url]

    response = admin_client.get(url)

    assert response.status_code == 200
    assert count_of(response) == model.objects.count()
    assert rows(response) == min(50, model.objects.count())


# A filter that leaves each list a few rows, to compare with a full page of 50.
FEW = {
    "/projects/": "?sector=health",
    "/funds/": "?kind=plan",
    "/people/": "?category=cadre&year=2022",
    "/postings/": "?status=recalled",
    "/agreements/": "?kind=purchase",
    "/obligations/": "?status=open",
    "/events/": "?kind=forum",
    "/tasks/": "?status=open",
}


@pytest.mark.parametrize("url", LISTS)
def test_it_takes_a_bounded_number_of_queries(admin_client, django_assert_max_num_queries, url):
    _, most = LISTS[url]
    with django_assert_max_num_queries(most) as full:
        page = admin_client.get(url)
    with django_assert_max_num_queries(most) as few:
        narrow = admin_client.get(url + FEW[url])

    assert rows(page) == 50 or url in {"/agreements/", "/obligations/", "/events/", "/tasks/"}
    assert 0 < rows(narrow) < rows(page) or rows(page) < 50
    assert len(few.captured_queries) == len(full.captured_queries)  # none per row


@pytest.mark.parametrize("url", LISTS)
def test_it_takes_the_same_queries_for_a_coordinator(client, personas, url):
    """A scoped user costs two more queries (the pairings in view), not one per row."""
    _, most = LISTS[url]
    client.force_login(personas.luzhou)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert len(captured.captured_queries) <= most + 2


def test_it_requires_login_for_every_list(client):
    for url in LISTS:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


def test_it_paginates_by_fifty(admin_client):
    first = admin_client.get("/projects/")
    last = admin_client.get("/projects/?page=6")
    beyond = admin_client.get("/projects/?page=99")

    assert rows(first) == 50
    assert rows(last) == Project.objects.count() - 250
    assert rows(beyond) == rows(last)  # past the end: the last page
    assert "第1页，共6页" in first.content.decode()


def test_it_sums_the_filtered_fund_flows(admin_client):
    jiangyang = pairing("江阳区")
    response = admin_client.get(
        f"/funds/?pairing={jiangyang.pk}&kind=transfer&source=fiscal&year=2020"
    )
    flows = FundFlow.objects.filter(
        pairing=jiangyang, kind="transfer", source="fiscal", fund_year=2020
    )

    assert count_of(response) == flows.count() > 0
    assert total_of(response) == figures.sum_amount(flows)


def test_it_filters_projects_by_pairing_sector_status_and_year(admin_client):
    longmatan = pairing("龙马潭区")
    response = admin_client.get(
        f"/projects/?pairing={longmatan.pk}&sector=industry&status=operating&year=2019"
    )

    assert (
        count_of(response)
        == Project.objects.filter(
            pairing=longmatan, sector="industry", status="operating", start_date__year=2019
        ).count()
    )


def test_it_includes_the_pairings_below_when_asked(admin_client):
    city = pairing("泸州市")

    alone = admin_client.get(f"/projects/?pairing={city.pk}")
    below = admin_client.get(f"/projects/?pairing={city.pk}&children=on")

    assert count_of(alone) == Project.objects.filter(pairing=city).count()
    assert count_of(below) == Project.objects.count()


def test_it_finds_by_free_text(admin_client):
    project = Project.objects.get(code="JY-2016-001")
    response = admin_client.get("/projects/?q=油橄榄")

    assert project.name in response.content.decode()
    assert count_of(response) == Project.objects.filter(name__contains="油橄榄").count()


def test_it_filters_people_by_category_and_posting_year(admin_client):
    response = admin_client.get("/people/?category=professional&profession=teacher&year=2022")
    expected = Person.objects.filter(
        category="professional",
        profession="teacher",
        pk__in=Posting.objects.filter(start_date__year=2022).values("person_id"),
    )

    assert count_of(response) == expected.count() > 0


def test_it_counts_postings_and_their_distinct_persons(admin_client):
    # The status filter is the status as of today (a posting past its planned end with no
    # departure recorded is 期满未离岗, whatever its stored status says).
    response = admin_client.get("/postings/?status=overdue")
    postings = Posting.objects.with_effective_status(timezone.localdate()).filter(
        effective_status="overdue"
    )
    persons = postings.aggregate(n=Count("person", distinct=True))["n"]

    assert count_of(response) == postings.count() > 0
    assert f"涉及{persons}人" in response.content.decode()


def test_it_filters_overdue_tasks_and_obligations(admin_client):
    tasks = admin_client.get("/tasks/?overdue=on")
    obligations = admin_client.get("/obligations/?overdue=on&status=open")

    assert (
        count_of(tasks)
        == Task.objects.filter(status__in=["open", "in_progress"], due_date__lt=_today()).count()
    )
    assert (
        count_of(obligations)
        == Obligation.objects.filter(status="open", due_date__lt=_today()).count()
    )


def test_it_filters_agreements_and_events_by_kind(admin_client):
    response = admin_client.get("/agreements/?kind=purchase")
    assert count_of(response) == 1
    assert "科研用高粱采购合同" in response.content.decode()

    response = admin_client.get("/events/?kind=signing&q=签订")
    assert count_of(response) == Event.objects.filter(kind="signing").count()


def test_it_finds_agreements_by_a_party_and_events_by_a_participant(admin_client):
    assert count_of(admin_client.get("/agreements/?q=普格县委组织部")) == 1
    name = Event.objects.get(kind="visit").participants.first().name
    assert count_of(admin_client.get(f"/events/?q={name}")) >= 1


def test_it_sorts_by_a_whitelisted_column_and_ignores_others(admin_client):
    ascending = admin_client.get("/funds/?sort=amount").content.decode()
    descending = admin_client.get("/funds/?sort=-amount").content.decode()
    smallest = FundFlow.objects.order_by("amount", "pk").first()
    largest = FundFlow.objects.order_by("-amount", "-pk").first()

    assert ascending.index(f"/funds/{smallest.pk}/") < ascending.index("</tbody>")
    assert (
        f"/funds/{largest.pk}/"
        in descending[: descending.index("</tr>", descending.index("<tbody>"))]
    )
    assert admin_client.get("/funds/?sort=password").status_code == 200
    assert admin_client.get("/funds/?sort=-pairing__helper_region__code").status_code == 200


def test_it_shows_a_bad_filter_value_and_applies_the_others(admin_client):
    response = admin_client.get("/projects/?year=abc&sector=education")

    assert response.status_code == 200
    assert "输入整数。" in response.content.decode()
    assert count_of(response) == Project.objects.filter(sector="education").count()


def test_it_returns_only_the_results_to_htmx(admin_client):
    response = admin_client.get(
        "/projects/?sector=health", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )
    body = response.content.decode()

    assert "<html" not in body
    assert 'class="total"' in body
    assert count_of(response) == Project.objects.filter(sector="health").count()


def test_it_returns_the_whole_page_to_a_history_restore(admin_client):
    response = admin_client.get(
        "/projects/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="results",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    assert "<html" in response.content.decode()


def test_it_shows_a_scoped_user_only_the_records_of_their_pairings(client, personas):
    client.force_login(personas.jiangyang)
    jiangyang = pairing("江阳区")

    assert count_of(client.get("/projects/")) == Project.objects.filter(pairing=jiangyang).count()
    assert count_of(client.get("/funds/")) == FundFlow.objects.filter(pairing=jiangyang).count()
    assert count_of(client.get("/people/")) == (
        Person.objects.filter(postings__pairing=jiangyang).distinct().count()
    )
    body = client.get("/projects/").content.decode()
    assert "龙马潭区→普格县" not in body


def test_it_shows_an_outsider_empty_lists(client, personas):
    client.force_login(personas.outsider)
    for url in LISTS:
        response = client.get(url)
        assert response.status_code == 200
        assert count_of(response) == 0


def _today():
    from django.utils import timezone

    return timezone.localdate()


def test_it_never_adds_different_stages_of_money_together(admin_client):
    """Planned, transferred, allocated and spent are separate figures: a list of several
    stages shows one total per stage, not their sum."""
    mixed = admin_client.get("/funds/").content.decode()
    one = admin_client.get("/funds/?kind=spend")

    assert "data-total" not in mixed
    assert "各环节分别合计" in mixed
    for kind in FundFlow.Kind.values:
        stage = figures.sum_amount(FundFlow.objects.filter(kind=kind))
        assert f"{FundFlow.Kind(kind).label} <strong>{format_wan(stage)}</strong>" in mixed
    assert total_of(one) == figures.sum_amount(FundFlow.objects.filter(kind="spend"))


def test_it_reads_a_figures_page_of_records_by_the_figures_own_conditions(admin_client):
    """A list opened from a money figure reads its page by the figure's conditions (so the
    database reads it through the figure's index), not as "id IN (the figure's records)",
    which PostgreSQL may answer by joining every record in view first; it still lists
    exactly the figure's records."""
    city = pairing("泸州市")
    window = figures.window_for(city, include_children=True)
    figure = figures.funds(window, FundFlow.Kind.TRANSFER)
    url = f"/funds/?figure=funds_transfer&pairing={city.pk}&as_of={window.as_of}&children=1"
    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get(url)
    assert response.status_code == 200
    assert count_of(response) == figure.records.count()
    page = [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "ledger_fundflow"' in q["sql"] and "ORDER BY" in q["sql"] and "LIMIT" in q["sql"]
    ]
    assert page
    assert not any("IN (SELECT" in sql for sql in page)
