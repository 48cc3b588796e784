"""Finding records (`ledger.search`): the keys the services keep for records made, changed and
deleted one at a time and many at once, what a query is taken as, the kinds and the bound of
an answer, and the scope of persons and reference lists. Any part of a name finds its record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.accounts.models import Role, RoleAssignment
from pairaid.ledger import search, services
from pairaid.ledger.models import Project, SearchKey


def found(user, query, kind=None, limit=search.LIMIT):
    answer = search.find(user, query, kinds=[kind] if kind else None, limit=limit)
    return {(row.kind, row.record_id) for rows in answer.values() for row in rows}


def keys_of(obj):
    return SearchKey.objects.filter(record_id=obj.pk, kind=search.describe(obj)[0])


# --- what a query is taken as ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "taken"),
    [
        ("  WuJi  ", "wuji"),
        ("xi'an", "xian"),
        ("wu ji", "wuji"),
        ("乌 鸡", "乌 鸡"),  # spaces in Chinese text are kept: names may hold them
        ("", ""),
        (None, ""),
    ],
)
def test_it_takes_a_query_lowercased_without_spaces_or_apostrophes_in_latin(query, taken):
    assert search.normalise(query) == taken


def test_it_cuts_a_long_query_to_its_limit():
    assert search.normalise("a" * 500) == "a" * search.MAX_QUERY


@settings(max_examples=50)
@given(st.text(max_size=80))
def test_it_takes_a_query_the_same_way_twice(query):
    once = search.normalise(query)
    assert search.normalise(once) == once or not once.isascii()


def test_it_keys_a_name_by_itself_its_pinyin_and_its_initials():
    key = search.key_for("油橄榄", "YGL-01")

    assert key.split() == ["油橄榄", "youganlan", "ygl", "ygl-01"]
    assert search.key_for("", "  ") == ""


# --- keys kept by the services ---------------------------------------------------------------


def test_it_keeps_a_projects_key_through_a_rename_and_drops_it_with_the_project(build):
    project = build.project(build.pairing(), name="乌鸡养殖", code="WJ-9")
    assert (SearchKey.Kind.PROJECT, project.pk) in found(None, "wjyz")

    services.update_record(project, acting_user=None, via="test", name="高粱种植")
    assert (SearchKey.Kind.PROJECT, project.pk) not in found(None, "wjyz")
    assert (SearchKey.Kind.PROJECT, project.pk) in found(None, "gaoliang")
    assert keys_of(project).get().label == "WJ-9 高粱种植"

    services.delete_record(project, acting_user=None, via="test")
    assert not keys_of(project).exists()


def test_it_keys_records_made_and_deleted_many_at_once(build):
    pairing = build.pairing()
    rows = [
        {
            "pairing": pairing,
            "code": f"BULK-{n}",
            "name": name,
            "sector": "industry",
            "mode": "direct_aid",
        }
        for n, name in enumerate(["蜂蜜加工", "蜂箱采购"])
    ]

    made = services.bulk_create_records(Project, rows, acting_user=None, via="import")
    assert {p.pk for p in made} <= {pk for _kind, pk in found(None, "fengmi")} | {
        pk for _kind, pk in found(None, "fengxiang")
    }
    assert {(SearchKey.Kind.PROJECT, p.pk) for p in made} <= found(None, "bulk-")

    services.bulk_delete_records(Project, made, acting_user=None, via="import")
    assert not SearchKey.objects.filter(
        kind=SearchKey.Kind.PROJECT, record_id__in=[p.pk for p in made]
    ).exists()


def test_it_finds_a_pairing_by_either_sides_name(build):
    pairing = build.pairing("松柏区", "桃李县")

    for query in ("松柏", "taoli", "sbq"):
        assert (SearchKey.Kind.PAIRING, pairing.pk) in found(None, query), query


def test_it_finds_a_person_by_number_but_keys_no_personal_data(build):
    person = build.person("吴十", number="NO-4471", id_number="510502199001017777")

    assert (SearchKey.Kind.PERSON, person.pk) in found(None, "no-4471")
    assert (SearchKey.Kind.PERSON, person.pk) in found(None, "wushi")
    assert "7777" not in keys_of(person).get().key


# --- kinds, bounds and scope ----------------------------------------------------------------


def test_it_answers_only_the_kinds_asked_for(build):
    pairing = build.pairing("杉木区", "杉木县")
    project = build.project(pairing, name="杉木林")

    everything = found(None, "杉木")
    projects = found(None, "杉木", kind=SearchKey.Kind.PROJECT)

    assert (SearchKey.Kind.PAIRING, pairing.pk) in everything
    assert projects == {(SearchKey.Kind.PROJECT, project.pk)}


def test_it_bounds_each_kind_and_sorts_by_label(build):
    pairing = build.pairing()
    for n in range(search.LIMIT + 3):
        build.project(pairing, name="荞麦基地", code=f"QM-{n:02d}")

    rows = search.find(None, "qiaomai", kinds=[SearchKey.Kind.PROJECT])[SearchKey.Kind.PROJECT]

    assert len(rows) == search.LIMIT
    assert [row.label for row in rows] == sorted(row.label for row in rows)
    assert len(search.find(None, "qiaomai", limit=3)[SearchKey.Kind.PROJECT]) == 3


def test_it_answers_nothing_for_an_empty_query(build):
    build.project(build.pairing(), name="空查询")
    assert search.find(None, "   ") == {}


def test_it_finds_within_the_users_scope_and_reference_lists_for_anyone_with_a_role(build):
    mine, theirs = build.pairing("核桃区", "核桃县"), build.pairing("板栗区", "板栗县")
    my_project = build.project(mine, name="核桃加工")
    their_project = build.project(theirs, name="板栗加工")
    posted, unposted = build.person("郑十一"), build.person("郑十二")
    build.posting(posted, mine, dt.date(2021, 3, 1))
    users = get_user_model()
    viewer = users.objects.create_user("search-viewer", password="x")
    RoleAssignment.objects.create(user=viewer, role=Role.VIEWER, region=mine.recipient_region)
    editor = users.objects.create_user("search-editor", password="x")
    RoleAssignment.objects.create(user=editor, role=Role.HELPER_EDITOR, region=mine.helper_region)
    nobody = users.objects.create_user("search-nobody", password="x")

    seen = found(viewer, "jiagong")
    assert (SearchKey.Kind.PROJECT, my_project.pk) in seen
    assert (SearchKey.Kind.PROJECT, their_project.pk) not in seen
    assert (SearchKey.Kind.REGION, theirs.recipient_region.pk) in found(viewer, "板栗县")
    # persons: posted where one looks; unposted ones only for those who record people
    assert (SearchKey.Kind.PERSON, posted.pk) in found(viewer, "郑十")
    assert (SearchKey.Kind.PERSON, unposted.pk) not in found(viewer, "郑十")
    assert (SearchKey.Kind.PERSON, unposted.pk) in found(editor, "郑十")
    assert found(nobody, "核桃") == set()


# --- any part of a name ---------------------------------------------------------------------

hanzi = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)


@settings(max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(hanzi, min_size=2, max_size=12), data=st.data())
def test_it_finds_a_project_by_any_part_of_its_name_and_by_its_pinyin(build, name, data):
    project = build.project(build.pairing(), name=name)
    start = data.draw(st.integers(min_value=0, max_value=len(name) - 1))
    end = data.draw(st.integers(min_value=start + 1, max_value=len(name)))

    wanted = (SearchKey.Kind.PROJECT, project.pk)
    kind = SearchKey.Kind.PROJECT
    every = 10_000  # short queries match many records: look past the page's bound
    assert wanted in found(None, name[start:end], kind=kind, limit=every)
    full, initials = search.pinyin_forms(name)
    assert wanted in found(None, full, kind=kind, limit=every)
    assert wanted in found(None, initials.upper(), kind=kind, limit=every)
