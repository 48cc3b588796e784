"""Every list page costs what it shows: the same number of queries whatever the number of
records (filtered or not), no whole-table count when unfiltered and past the count limit,
and pages that neither skip nor repeat a row when many rows tie on the sort key."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from declared_records import make
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pairaid.ledger import record_types, services
from pairaid.ledger.models import Agreement, Event, Obligation, Pairing, Project, Task
from pairaid.web.forms import choosers

DAY = dt.date(2024, 5, 6)


def create(model: type, **fields: Any) -> Any:
    return services.create_record(model, acting_user=None, via="test", **fields)


def add_flows(build, pairing, n: int) -> None:
    for _ in range(n):
        build.flow(pairing, "100.00", day=DAY, year=DAY.year)


def add_projects(build, pairing, n: int) -> None:
    for _ in range(n):
        build.project(pairing)


def add_postings(build, pairing, n: int) -> None:
    for _ in range(n):
        build.posting(build.person(), pairing, DAY)


def add_agreements(build, pairing, n: int) -> None:
    for i in range(n):
        create(Agreement, pairing=pairing, title=f"协议{i}", kind=Agreement.Kind.FRAMEWORK)


def add_obligations(build, pairing, n: int) -> None:
    agreement = create(Agreement, pairing=pairing, title="协议", kind=Agreement.Kind.FRAMEWORK)
    for i in range(n):
        create(Obligation, agreement=agreement, deliverable=f"事项{i}", due_date=DAY)


def add_events(build, pairing, n: int) -> None:
    for i in range(n):
        create(Event, pairing=pairing, kind=Event.Kind.VISIT, title=f"调研{i}", start_date=DAY)


def add_tasks(build, pairing, n: int) -> None:
    for i in range(n):
        create(Task, pairing=pairing, title=f"清单{i}", due_date=DAY)


def add_generic(declared: record_types.RecordType) -> Callable[..., None]:
    def add(build, pairing, n: int) -> None:
        for _ in range(n):
            make(declared, pairing)

    return add


LISTS: dict[str, Callable[..., None]] = {
    "web:funds": add_flows,
    "web:projects": add_projects,
    "web:persons": add_postings,
    "web:postings": add_postings,
    "web:agreements": add_agreements,
    "web:obligations": add_obligations,
    "web:events": add_events,
    "web:tasks": add_tasks,
    "web:audit": add_flows,  # every record made writes an audit entry
    # the generic list of every type declared with pages (`ledger/record_types.py`)
    **{rt.list_name: add_generic(rt) for rt in record_types.with_pages()},
}


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.mark.parametrize("name", sorted(LISTS))
def test_it_runs_the_same_queries_for_ten_times_the_records(name, admin_client, build, settings):
    settings.PAIRAID_LIST_COUNT_LIMIT = 3  # every unfiltered list here is past it
    pairing = build.pairing()
    url = reverse(name)
    filtered = f"{url}?pairing={pairing.pk}"
    if name == "web:audit":
        # The log describes each record type on its page with one query: a first page of
        # one type at both sizes (a page of fund flows from another pairing below them).
        add_flows(build, build.pairing(), 50)

    LISTS[name](build, pairing, 3)
    before = (queries(admin_client, url), queries(admin_client, filtered))
    LISTS[name](build, pairing, 27)
    after = (queries(admin_client, url), queries(admin_client, filtered))

    assert after == before


def test_it_counts_no_more_than_the_limit_when_unfiltered(admin_client, build, settings):
    settings.PAIRAID_LIST_COUNT_LIMIT = 3
    pairing = build.pairing()
    add_flows(build, pairing, 4)

    with CaptureQueriesContext(connection) as captured:
        page = admin_client.get(reverse("web:funds")).content.decode()
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]

    assert len(counts) == 1 and "LIMIT 4" in counts[0].upper()
    assert "记录较多，未全部统计" in page
    filtered = admin_client.get(reverse("web:funds"), {"pairing": pairing.pk})
    assert 'data-count="4"' in filtered.content.decode()


def fund_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/funds/(\d+)/"', html)]


def walk(client, params: dict[str, Any], pages: int) -> list[int]:
    seen: list[int] = []
    for number in range(1, pages + 1):
        html = client.get(reverse("web:funds"), {**params, "page": number}).content.decode()
        seen += list(dict.fromkeys(fund_ids(html)))
    return seen


def test_it_pages_through_ties_without_skipping_or_repeating(admin_client, build, settings):
    """120 flows with one date and one amount: the pages of a filtered list (counted) and
    of an unfiltered one (open pages, newest first) hold each of them exactly once."""
    pairing = build.pairing()
    today = timezone.localdate()
    made = [build.flow(pairing, "100.00", day=today, year=today.year).pk for _ in range(120)]

    by_amount = walk(admin_client, {"pairing": pairing.pk, "sort": "amount"}, 3)
    assert sorted(by_amount) == sorted(made)

    settings.PAIRAID_LIST_COUNT_LIMIT = 150  # open pages: three of 50
    assert "记录较多" in admin_client.get(reverse("web:funds")).content.decode()
    newest = [pk for pk in walk(admin_client, {}, 3) if pk in set(made)]
    assert sorted(newest) == sorted(made)


# --- ten times the pairings and records: the national set at two scales ----------------------

NATIONAL_LISTS = (
    "web:funds", "web:projects", "web:persons", "web:postings", "web:agreements",
    "web:obligations", "web:events", "web:tasks", "web:audit",
    *(rt.list_name for rt in record_types.with_pages()),
)  # fmt: skip


FORMS = (
    "web:project_create", "web:fund_create", "web:task_create", "web:agreement_create",
    *(f"web:{rt.pages.slug}_create" for rt in record_types.with_pages()),
)  # fmt: skip


def national_urls(client) -> list[str]:
    """Each list unfiltered, filtered by a county pairing and by a province pairing with the
    pairings below it, the lists every figure of the province's page drills down to, and the
    forms that record into a pairing."""
    national = Pairing.objects.filter(helper_region__code__regex=r"^9[1-4]")
    top = national.filter(parent__isnull=True).order_by("id").first()
    leaf = national.filter(parent__parent__isnull=False).order_by("id").first()
    urls = []
    for name in NATIONAL_LISTS:
        url = reverse(name)
        urls += [url, f"{url}?pairing={leaf.pk}", f"{url}?pairing={top.pk}&children=on"]
    page = client.get(reverse("web:pairing", args=[top.pk])).content.decode()
    drills: dict[str, str] = {}  # one link per figure: years and sources differ with the data
    for href in re.findall(r'href="([^"]*figure=[^"]*)"', page):
        href = html.unescape(href)
        drills.setdefault(re.search(r"figure=(\w+)", href).group(1), href)
    assert drills
    # the record forms' pairing select, drawn from every pairing the user may write in
    forms = [reverse(name) for name in FORMS]
    return [*urls, *drills.values(), *forms]


def give_every_list_a_row() -> None:
    """A list with rows reads their pairings' names (one query), an empty one does not: the
    first county pairing gets a record of each generic type the national set left it
    without (parks are built in about a third of the counties), so both scales compare
    lists with rows."""
    national = Pairing.objects.filter(helper_region__code__regex=r"^9[1-4]")
    leaf = national.filter(parent__parent__isnull=False).order_by("id").first()
    for declared in record_types.with_pages():
        if not declared.model.objects.filter(pairing=leaf).exists():
            make(declared, leaf)


def national_queries(client, scale: str) -> dict[str, int]:
    with transaction.atomic():
        call_command("demo", "--national", scale, stdout=StringIO(), verbosity=0)
        give_every_list_a_row()
        counted = {}
        for url in national_urls(client):
            queries(client, url)  # once first: what a session caches is not the page's cost
            figure = re.search(r"figure=(\w+)", url)
            key = figure.group(1) if figure else re.sub(r"pairing=\d+", "pairing=…", url)
            counted[key] = queries(client, url)
        transaction.set_rollback(True)
    return counted


def test_it_runs_the_same_queries_for_ten_times_the_pairings(admin_client, settings):
    settings.PAIRAID_LIST_COUNT_LIMIT = 3  # every unfiltered list here is past it
    settings.PAIRAID_FULL_SELECT_LIMIT = 40  # the record forms' long selects are past it
    # The smallest scales ten times apart: 4 county pairings (one per province, the least
    # the set makes) against 10, every list filled.
    small = national_queries(admin_client, "0.0005")
    large = national_queries(admin_client, "0.005")
    assert {k: (v, large.get(k)) for k, v in small.items() if large.get(k) != v} == {}
    assert large == small


def longest_select(page: str) -> int:
    selects = re.findall(r"<select.*?</select>", page, flags=re.S)
    return max(select.count("<option") for select in selects)


def test_it_draws_a_record_form_without_every_choice(admin_client, settings):
    settings.PAIRAID_FULL_SELECT_LIMIT = 40
    with transaction.atomic():
        # the smallest scale: four county pairings, hundreds of projects to choose from
        call_command("demo", "--national", "0.0005", stdout=StringIO(), verbosity=0)
        assert Project.objects.count() > 40
        for name in FORMS:
            page = admin_client.get(reverse(name)).content.decode()
            assert longest_select(page) <= max(40, choosers.SHOWN + 1), name
        transaction.set_rollback(True)
