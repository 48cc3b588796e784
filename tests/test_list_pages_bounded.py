"""Every list page costs what it shows: the same number of queries whatever the number of
records (filtered or not), no whole-table count when unfiltered and past the count limit,
and pages that neither skip nor repeat a row when many rows tie on the sort key."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pairaid.ledger import services
from pairaid.ledger.models import Agreement, Event, Obligation, Task

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

    LISTS[name](build, pairing, 3)
    before = (queries(admin_client, url), queries(admin_client, filtered))
    LISTS[name](build, pairing, 27)
    after = (queries(admin_client, url), queries(admin_client, filtered))

    if name == "web:audit":
        # The log names each entry's record with one query per record type on the page; the
        # shorter log's first page also shows the pairing's own setup (more types).
        assert after <= before
    else:
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
