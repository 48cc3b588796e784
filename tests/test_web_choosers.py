"""The choosers that search as one types (/search/choices/?kind=&q=): for any text typed, a
short list of records of one kind, only those in the user's scope, each one the form then
accepts; a kind it does not know is a 400, a stranger is sent to log in."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.ledger.models import Agreement, Pairing, Person, Project, SearchKey

LIMIT = 20


@pytest.fixture
def jiangyang(db) -> Pairing:
    return Pairing.objects.get(helper_region__name="江阳区", is_demo=True)


@pytest.fixture
def owner(client, personas):
    client.force_login(personas.jiangyang)
    return client


def chosen(client, kind: str, q: str) -> list[dict]:
    response = client.get("/search/choices/", {"kind": kind, "q": q})
    assert response.status_code == 200, response.content
    return response.json()["results"]


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=st.sampled_from(["pairing", "project", "person", "agreement"]),
    q=st.one_of(
        st.text(max_size=12),
        st.sampled_from(
            ["wuji", "wj", "乌鸡", "盐源", "yy", "JY-", "龙马潭", "lmt", "%", "_", "'"]
        ),
    ),
)
def test_it_answers_any_text_with_a_short_list_in_scope(owner, jiangyang, kind, q):
    models = {"pairing": Pairing, "project": Project, "person": Person, "agreement": Agreement}
    in_scope = {
        "pairing": Pairing.objects.filter(pk=jiangyang.pk),
        "project": Project.objects.filter(pairing=jiangyang),
        "person": Person.objects.filter(postings__pairing=jiangyang),
        "agreement": Agreement.objects.filter(pairing=jiangyang),
    }

    results = chosen(owner, kind, q)

    assert len(results) <= LIMIT
    ids = {row["id"] for row in results}
    assert ids <= set(in_scope[kind].values_list("pk", flat=True)), (kind, q)
    assert all(models[kind].objects.filter(pk=i).exists() for i in ids)


def test_it_finds_projects_by_pinyin_for_their_own_office_only(owner, client, personas):
    wuji = set(Project.objects.filter(name__contains="乌鸡").values_list("pk", flat=True))
    of_longmatan = set(
        Project.objects.filter(
            name__contains="乌鸡", pairing__helper_region__name="龙马潭区"
        ).values_list("pk", flat=True)
    )

    for_jiangyang = {row["id"] for row in chosen(owner, "project", "wuji")}
    client.force_login(personas.longmatan)
    by_pinyin = {row["id"] for row in chosen(client, "project", "wuji")}
    by_initials = {row["id"] for row in chosen(client, "project", "wj")}
    by_name = {row["id"] for row in chosen(client, "project", "乌鸡")}

    assert of_longmatan and for_jiangyang <= wuji - of_longmatan
    assert by_pinyin == by_name == of_longmatan
    assert of_longmatan <= by_initials or len(by_initials) == LIMIT  # "wj" may find more


def test_it_finds_nothing_for_nothing_typed(owner):
    for kind in ("pairing", "project", "person", "agreement"):
        assert chosen(owner, kind, "") == [], kind


def test_it_labels_each_choice_as_the_record_reads(owner, jiangyang):
    project = Project.objects.filter(pairing=jiangyang).order_by("code").first()

    results = chosen(owner, "project", project.code)

    mine = [row for row in results if row["id"] == project.pk]
    assert mine and project.code in mine[0]["label"] and project.name in mine[0]["label"]


def test_it_offers_a_choice_the_form_then_accepts(owner, jiangyang):
    """What the chooser offers for a fund flow's project is a project the form takes."""
    project_id = chosen(owner, "project", "JY")[0]["id"]

    response = owner.post(
        "/funds/new/",
        {
            "pairing": jiangyang.pk,
            "kind": "spend",
            "fund_year": "2025",
            "date": "2025-03-03",
            "amount": "10.00",
            "source": "fiscal",
            "project": project_id,
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    assert Project.objects.get(pk=project_id).pairing == jiangyang


def test_it_offers_an_outsider_nothing(client, personas):
    client.force_login(personas.outsider)
    for kind in ("pairing", "project", "person", "agreement"):
        assert chosen(client, kind, "") == [], kind
        assert chosen(client, kind, "yanyuan") == [], kind


def test_it_offers_a_coordinator_both_districts(client, personas):
    client.force_login(personas.luzhou)

    jiangyang = [row["label"] for row in chosen(client, "pairing", "江阳")]
    longmatan = [row["label"] for row in chosen(client, "pairing", "longmatan")]

    assert jiangyang == ["江阳区→盐源县"]
    assert longmatan == ["龙马潭区→普格县"]


@pytest.mark.parametrize("kind", ["", "user", "fundflow", "PROJECT", "project "])
def test_it_answers_400_to_a_kind_it_does_not_know(owner, kind):
    response = owner.get("/search/choices/", {"kind": kind, "q": "a"})
    assert response.status_code == 400
    assert response.json() == {"results": []}


def test_it_knows_every_kind_the_search_keeps(admin_client):
    for kind in SearchKey.Kind.values:
        assert admin_client.get("/search/choices/", {"kind": kind, "q": ""}).status_code == 200


def test_it_sends_a_stranger_to_log_in(client):
    response = client.get("/search/choices/", {"kind": "project", "q": "wuji"})
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_it_answers_a_get_only(owner):
    assert owner.post("/search/choices/", {"kind": "project", "q": "a"}).status_code == 405
