"""Status that follows time: a posting past its planned end with no departure recorded is
期满未离岗, not 在岗; an agreement past its term is 已到期, not 履行中 — on the pages, in the
API, the downloads, the figures and the reports, as of the day looked at."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from builders import Builder
from django.utils import timezone
from shared_records import for_the_module
from test_api_support import Api

from pairaid.ledger import breakdowns, figures, services
from pairaid.ledger.models import Agreement, Pairing, Posting
from pairaid.reports.common import posting_table

START = dt.date(2021, 3, 1)
PLANNED_END = dt.date(2022, 2, 28)


def make_scene() -> tuple[Pairing, dict[str, Posting]]:
    """A pairing and its postings, one of each way a posting ends."""
    build = Builder()
    pair = build.pairing("时效甲区", "时效乙县")

    def posting(name: str, **fields) -> Posting:
        fields.setdefault("planned_end", PLANNED_END)
        return build.posting(build.person(name), pair, START, **fields)

    return pair, {
        "overdue": posting("超期未离岗"),
        "left": posting("按期离岗", actual_end=PLANNED_END, status=Posting.Status.COMPLETED),
        "extended": posting("已办延期", status=Posting.Status.EXTENDED),
        "recalled": posting("召回人员", actual_end=START.replace(month=9), status="recalled"),
        "open_ended": posting("未定期满", planned_end=None),
    }


@pytest.fixture(scope="module")
def scene(django_db_setup, django_db_blocker):
    """Made once for the module: its tests read it, and what they write is undone after each."""
    yield from for_the_module(django_db_blocker, make_scene)


@pytest.fixture
def pair(db, scene) -> Pairing:
    return scene[0]


@pytest.fixture
def postings(db, scene) -> dict[str, Posting]:
    return scene[1]


def agreement(pair, **fields) -> Agreement:
    fields.setdefault("kind", Agreement.Kind.FRAMEWORK)
    fields.setdefault("signed_date", START)
    fields.setdefault("status", Agreement.Status.IN_FORCE)
    return services.create_record(Agreement, acting_user=None, via="test", pairing=pair, **fields)


DAYS = [
    START - dt.timedelta(days=1),
    START,
    START.replace(month=9),
    PLANNED_END,
    PLANNED_END + dt.timedelta(days=1),
    timezone.localdate(),
]


@pytest.mark.parametrize("day", DAYS)
def test_it_counts_in_the_database_as_the_model_says(postings, day):
    annotated = dict(
        Posting.objects.filter(pk__in=[p.pk for p in postings.values()])
        .with_effective_status(day)
        .values_list("pk", "effective_status")
    )
    for posting in postings.values():
        assert annotated[posting.pk] == posting.status_on(day), (posting, day)


def test_it_follows_a_posting_through_time(postings):
    overdue, left = postings["overdue"], postings["left"]
    status = Posting.EffectiveStatus
    assert overdue.status_on(START - dt.timedelta(days=1)) == status.NOT_STARTED
    assert overdue.status_on(PLANNED_END) == status.IN_POST
    assert overdue.status_on(PLANNED_END + dt.timedelta(days=1)) == status.OVERDUE
    assert left.status_on(PLANNED_END - dt.timedelta(days=1)) == status.IN_POST
    assert left.status_on(PLANNED_END) == status.COMPLETED
    assert postings["extended"].status_on(timezone.localdate()) == status.EXTENDED
    assert postings["recalled"].status_on(timezone.localdate()) == status.RECALLED
    assert postings["open_ended"].status_on(timezone.localdate()) == status.IN_POST


def test_it_does_not_count_an_overdue_posting_as_in_post(postings, pair):
    window = figures.window_for(pair)
    in_post = breakdowns.persons_in_post(window)
    counted = set(in_post.records.values_list("pk", flat=True))
    assert counted == {postings["extended"].pk, postings["open_ended"].pk}
    assert in_post.value == len(counted)
    overdue = set(breakdowns.postings_overdue(window).values_list("pk", flat=True))
    assert overdue == {postings["overdue"].pk}

    # As of the planned end itself, the same posting was still in post.
    earlier = breakdowns.persons_in_post(figures.window_for(pair, as_of=PLANNED_END))
    assert postings["overdue"].pk in set(earlier.records.values_list("pk", flat=True))


def test_it_shows_and_filters_the_status_as_of_today_in_the_posting_list(admin_client, postings):
    overdue = postings["overdue"]
    body = admin_client.get(f"/postings/?pairing={overdue.pairing_id}").content.decode()
    row = body[body.index(overdue.person.name) :].split("</tr>")[0]
    assert "期满未离岗" in row and "在岗" not in row.replace("期满未离岗", "")

    found = admin_client.get(f"/postings/?pairing={overdue.pairing_id}&status=overdue")
    assert found.context["listing"].count == 1
    assert list(found.context["page"].object_list) == [overdue]

    person_page = admin_client.get(f"/people/{overdue.person_id}/").content.decode()
    assert "期满未离岗" in person_page


def test_it_shows_an_agreement_past_its_term_as_expired(admin_client, pair):
    expired = agreement(pair, title="过期协议", term_start=START, term_end=PLANNED_END)
    running = agreement(pair, title="在期协议", term_start=START, term_end=None)
    day = timezone.localdate()
    assert expired.status_on(day) == Agreement.EffectiveStatus.EXPIRED
    assert expired.status_on(PLANNED_END) == Agreement.Status.IN_FORCE
    assert running.status_on(day) == Agreement.Status.IN_FORCE

    body = admin_client.get(f"/agreements/?pairing={pair.pk}").content.decode()
    row = body[body.index("过期协议") :].split("</tr>")[0]
    assert "已到期" in row and "履行中" not in row
    found = admin_client.get(f"/agreements/?pairing={pair.pk}&status=expired")
    assert list(found.context["page"].object_list) == [expired]
    detail = admin_client.get(f"/agreements/{expired.pk}/").content.decode()
    assert "已到期" in detail


def test_it_gives_the_effective_status_beside_the_stored_one_in_the_api(personas, pair, postings):
    client = Api.as_user(personas.admin, "read")
    overdue = postings["overdue"]
    body = client.get(f"/postings/{overdue.pk}/").json()
    assert (body["status"], body["effective_status"]) == ("in_post", "overdue")
    listed = client.get("/postings/", pairing=pair.pk, effective_status="overdue").json()
    assert [item["id"] for item in listed["items"]] == [overdue.pk]

    expired = agreement(pair, title="过期协议", term_start=START, term_end=PLANNED_END)
    body = client.get(f"/agreements/{expired.pk}/").json()
    assert (body["status"], body["effective_status"]) == ("in_force", "expired")


def test_it_downloads_the_status_as_of_today(admin_client, postings):
    overdue = postings["overdue"]
    response = admin_client.get(f"/postings/?pairing={overdue.pairing_id}&export=csv")
    data = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header = rows[0]
    column = header.index("截至今日状态")
    shown = {row[column] for row in rows[1:] if overdue.person.name in row}
    assert shown == {"期满未离岗"}


def test_it_reports_the_status_as_of_the_reports_date(postings):
    overdue = postings["overdue"]
    table = posting_table("选派", Posting.objects.filter(pk=overdue.pk), "选派", PLANNED_END)
    assert table.rows[0][-1] == "在岗"
    table = posting_table("选派", Posting.objects.filter(pk=overdue.pk), "选派", DAYS[-1])
    assert table.rows[0][-1] == "期满未离岗"


def test_it_tells_persons_from_postings_on_the_dashboard(admin_client, pair, build, postings):
    body = admin_client.get(f"/pairings/{pair.pk}/").content.decode()
    persons = figures.persons_dispatched(figures.window_for(pair))
    count = figures.persons_dispatched(figures.window_for(pair), figures.POSTINGS)
    assert "选派干部人才人次" in body
    assert count.label == "选派干部人才人次" and persons.label == "选派干部人才"
    assert Decimal(count.value) >= Decimal(persons.value)


def test_it_shows_overdue_postings_on_the_dashboard_down_to_the_records(
    admin_client, pair, postings
):
    body = admin_client.get(f"/pairings/{pair.pk}/").content.decode()
    assert 'data-figure="postings_overdue"' in body
    figure = breakdowns.postings_overdue_count(figures.window_for(pair))
    assert figure.value == 1 and figure.label == "期满未离岗"

    listed = admin_client.get(f"/postings/?figure=postings_overdue&pairing={pair.pk}")
    assert list(listed.context["page"].object_list) == [postings["overdue"]]


def test_it_shows_the_status_as_of_today_in_the_admin(admin_client, postings):
    overdue = postings["overdue"]
    body = admin_client.get(f"/admin/ledger/posting/?q={overdue.person.number}").content.decode()
    assert "期满未离岗" in body
