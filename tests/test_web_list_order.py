"""The list pages' order, headings, empty states and htmx partials, on a small pairing built
once for the module: every sortable column, up and down, shows the rows in the order of its
columns (ties by record number, the same direction), a heading links to the other direction,
an unknown sort falls back to the list's own, an empty result says so in Chinese, and a
filter changed in place answers with the results only."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from builders import Builder
from shared_records import for_the_module

from pairaid.ledger import services
from pairaid.ledger.models import Agreement, Event, FundFlow, Organisation, Project, Task

# list: (model, its detail links, sort key: the columns it orders by, in the test's own words)
LISTS = {
    "/projects/": (
        Project,
        r'href="/projects/(\d+)/"',
        {
            "code": ("code",),
            "name": ("name",),
            "sector": ("sector", "code"),
            "status": ("status", "code"),
            "start": ("start_date", "code"),
            "budget": ("planned_budget",),
            "progress": ("progress",),
        },
    ),
    "/funds/": (
        FundFlow,
        r'href="/funds/(\d+)/"',
        {
            "date": ("date",),
            "year": ("fund_year", "date"),
            "amount": ("amount",),
            "kind": ("kind", "date"),
            "source": ("source", "date"),
            "voucher": ("voucher",),
        },
    ),
    "/events/": (
        Event,
        r'href="/events/(\d+)/"',
        {"start": ("start_date",), "title": ("title",), "kind": ("kind", "start_date")},
    ),
    "/tasks/": (
        Task,
        r'href="/tasks/(\d+)/"',
        {
            "due": ("due_date",),
            "title": ("title",),
            "status": ("status", "due_date"),
            "owner": ("owner__name", "due_date"),
        },
    ),
    "/agreements/": (
        Agreement,
        r'href="/agreements/(\d+)/"',
        {
            "signed": ("signed_date",),
            "title": ("title",),
            "kind": ("kind", "signed_date"),
            "amount": ("amount",),
        },
    ),
}
DEFAULTS = {
    "/projects/": "code",
    "/funds/": "-date",
    "/events/": "-start",
    "/tasks/": "due",
    "/agreements/": "-signed",
}
EMPTY = {
    "/projects/": "没有符合条件的项目。",
    "/funds/": "没有符合条件的资金记录。",
    "/events/": "没有符合条件的活动。",
    "/tasks/": "没有符合条件的清单事项。",
    "/agreements/": "没有符合条件的协议合同。",
    "/people/": "没有符合条件的人员。",
    "/postings/": "没有符合条件的选派记录。",
    "/obligations/": "没有符合条件的履约事项。",
}


def make_scene():
    build = Builder()
    pairing = build.pairing("序甲区", "序乙县", valid_from=dt.date(2019, 1, 1))
    owners = [build.organisation(name, pairing.helper_region) for name in ("乙局", "甲局", "丙局")]
    # Values chosen to tie on the first column, so that the second and the number decide.
    for code, name, sector, status, start, budget, progress in [
        ("C-3", "苹果", "industry", "in_progress", dt.date(2021, 5, 1), "500.00", 40),
        ("C-1", "学校", "education", "completed", dt.date(2021, 5, 1), "500.00", 100),
        ("C-2", "卫生院", "health", "planned", None, "0.00", 0),
        ("C-5", "道路", "infrastructure", "in_progress", dt.date(2020, 1, 9), "0.01", 40),
        ("C-4", "培训", "education", "in_progress", dt.date(2022, 8, 8), "99999.99", 5),
    ]:
        build.project(
            pairing, code=code, name=name, sector=sector, status=status, start=start,
            planned_budget=Decimal(budget), progress=progress,
        )  # fmt: skip
    for kind, amount, year, day, source, voucher in [
        ("transfer", "300.00", 2021, dt.date(2021, 4, 1), "fiscal", "V-2"),
        ("plan", "300.00", 2021, dt.date(2021, 1, 5), "social_cash", "V-1"),
        ("transfer", "0.01", 2020, dt.date(2021, 4, 1), "in_kind", ""),
        ("transfer", "12345.67", 2022, dt.date(2022, 2, 2), "fiscal", "V-3"),
        ("plan", "7.00", 2022, dt.date(2022, 1, 1), "other", "V-0"),
    ]:
        build.flow(pairing, amount, kind=kind, year=year, day=day, source=source, voucher=voucher)
    for kind, title, start in [
        ("visit", "乙调研", dt.date(2021, 6, 1)),
        ("forum", "甲座谈", dt.date(2021, 6, 1)),
        ("joint_meeting", "丙联席会", dt.date(2020, 3, 3)),
    ]:
        services.create_record(
            Event, acting_user=None, via="test", pairing=pairing, kind=kind, title=title,
            start_date=start,
        )  # fmt: skip
    for title, status, due, owner in [
        ("乙事项", "open", dt.date(2021, 9, 1), owners[0]),
        ("甲事项", "done", dt.date(2021, 9, 1), owners[1]),
        ("丙事项", "in_progress", None, owners[2]),
        ("丁事项", "open", dt.date(2020, 1, 1), None),
    ]:
        services.create_record(
            Task, acting_user=None, via="test", pairing=pairing, title=title, status=status,
            due_date=due, owner=owner,
        )  # fmt: skip
    for title, kind, signed, amount in [
        ("乙协议", "annual", dt.date(2021, 3, 3), "100.00"),
        ("甲协议", "framework", dt.date(2021, 3, 3), None),
        ("丙合同", "purchase", dt.date(2022, 1, 1), "88.80"),
    ]:
        services.create_record(
            Agreement, acting_user=None, via="test", pairing=pairing, title=title, kind=kind,
            status="signed", signed_date=signed, amount=Decimal(amount) if amount else None,
        )  # fmt: skip
    return pairing


@pytest.fixture(scope="module")
def scene(django_db_setup, django_db_blocker):
    yield from for_the_module(django_db_blocker, make_scene)


@pytest.fixture
def pairing(scene, db):
    return scene


@pytest.fixture
def viewer(client, admin_user):
    client.force_login(admin_user)
    return client


def shown_ids(response, link: str) -> list[int]:
    body = response.content.decode()
    table = body[body.index("<tbody>") : body.index("</tbody>")]
    seen: list[int] = []
    for found in re.findall(link, table):
        if int(found) not in seen:
            seen.append(int(found))
    return seen


def expected_ids(model, pairing, columns: tuple[str, ...], descending: bool) -> list[int]:
    order = [f"-{c}" if descending else c for c in (*columns, "pk")]
    return list(model.objects.filter(pairing=pairing).order_by(*order).values_list("pk", flat=True))


CASES = [(url, key) for url, (_m, _l, sorts) in LISTS.items() for key in sorts]


@pytest.mark.parametrize(("url", "key"), CASES)
def test_it_orders_the_rows_by_each_sortable_column_both_ways(viewer, pairing, url, key):
    model, link, sorts = LISTS[url]
    for descending in (False, True):
        sort = f"-{key}" if descending else key

        response = viewer.get(url, {"pairing": pairing.pk, "sort": sort})

        assert shown_ids(response, link) == expected_ids(model, pairing, sorts[key], descending), (
            sort
        )


@pytest.mark.parametrize("url", LISTS)
def test_it_falls_back_to_the_lists_own_order(viewer, pairing, url):
    model, link, sorts = LISTS[url]
    default = DEFAULTS[url]
    columns = sorts[default.removeprefix("-")]
    expected = expected_ids(model, pairing, columns, default.startswith("-"))

    for asked in ("", "password", "-pk", "pairing__helper_region__code", "--code"):
        response = viewer.get(url, {"pairing": pairing.pk, "sort": asked})
        assert response.status_code == 200
        assert shown_ids(response, link) == expected, asked


def test_it_links_each_heading_to_the_other_direction(viewer, pairing):
    ascending = viewer.get("/funds/", {"pairing": pairing.pk, "sort": "amount"}).content.decode()
    descending = viewer.get("/funds/", {"pairing": pairing.pk, "sort": "-amount"}).content.decode()

    assert f"?pairing={pairing.pk}&amp;sort=-amount" in ascending
    assert "▲" in ascending and "▼" not in ascending
    assert f"?pairing={pairing.pk}&amp;sort=amount" in descending
    assert "▼" in descending
    assert ascending.count('class="sort sorted"') == 1


def test_it_keeps_the_filters_and_drops_the_page_in_a_headings_link(viewer, pairing):
    body = viewer.get(
        "/projects/", {"pairing": pairing.pk, "sector": "education", "page": "1"}
    ).content.decode()

    links = re.findall(r'<a href="\?([^"]*sort=name[^"]*)"', body)
    assert links and all("sector=education" in link and "page=" not in link for link in links)


@pytest.mark.parametrize("url", EMPTY)
def test_it_says_in_chinese_when_nothing_matches(viewer, url):
    response = viewer.get(url, {"q": "没有这样的记录ZZZ"})

    body = response.content.decode()
    assert response.status_code == 200
    assert EMPTY[url] in body
    assert 'data-count="0"' in body


def test_it_totals_only_the_rows_the_filter_leaves(viewer, pairing):
    response = viewer.get("/funds/", {"pairing": pairing.pk, "kind": "transfer", "year": "2021"})

    flows = FundFlow.objects.filter(pairing=pairing, kind="transfer", fund_year=2021)
    body = response.content.decode()
    assert f'data-count="{flows.count()}"' in body
    total = sum((f.amount for f in flows), Decimal("0.00"))
    assert f'data-total="{total}"' in body


def test_it_shows_every_stage_apart_when_stages_are_mixed(viewer, pairing):
    body = viewer.get("/funds/", {"pairing": pairing.pk}).content.decode()

    assert "data-total" not in body  # plans and transfers are never added together
    assert "计划、拨付、分配、支出互不相加" in body


@pytest.mark.parametrize("url", [*LISTS, "/people/", "/postings/", "/obligations/"])
def test_it_answers_a_filter_changed_in_place_with_the_results_only(viewer, pairing, url):
    headers = {"HX-Request": "true", "HX-Target": "results"}

    partial = viewer.get(url, {"pairing": pairing.pk}, headers=headers)
    other_target = viewer.get(url, {"pairing": pairing.pk}, headers={"HX-Request": "true"})

    assert partial.status_code == 200
    assert "<html" not in partial.content.decode() and "<tbody>" in partial.content.decode()
    assert "<html" in other_target.content.decode()


def test_it_orders_the_owner_column_by_name_with_the_unowned_together(viewer, pairing):
    names = [
        Task.objects.get(pk=pk).owner.name if Task.objects.get(pk=pk).owner else None
        for pk in shown_ids(
            viewer.get("/tasks/", {"pairing": pairing.pk, "sort": "owner"}), r'href="/tasks/(\d+)/"'
        )
    ]
    owned = [n for n in names if n is not None]
    assert owned == sorted(owned)
    assert names.count(None) == 1
    assert Organisation.objects.filter(name__in=owned).count() == 3
