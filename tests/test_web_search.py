"""Search (/search/?q=) and the choosers' result list (/search/choices/), through HTTP: by
name, code, full and initial pinyin, in the user's scope only; keys kept by the services."""

from __future__ import annotations

import re

import pytest
from pypinyin import lazy_pinyin

from pairaid.ledger import services
from pairaid.ledger.models import Agreement, Person, Project, SearchKey


def labels(response) -> list[str]:
    return re.findall(r'<li><a href="[^"]+">([^<]+)</a></li>', response.content.decode())


@pytest.mark.parametrize("query", ["wuji", "WuJi", "乌鸡", "wj"])
def test_it_finds_the_demo_wuji_records_by_name_and_pinyin(admin_client, query):
    page = admin_client.get("/search/", {"q": query})
    assert page.status_code == 200
    found = labels(page)
    assert any("乌鸡项目运营合作协议" in label for label in found)
    expected = Agreement.objects.get(title="乌鸡项目运营合作协议")
    assert f"/agreements/{expected.pk}/" in page.content.decode()


@pytest.mark.parametrize("query", ["youganlan", "ygl", "油橄榄"])
def test_it_finds_a_record_by_full_and_initial_pinyin(admin_client, build, query):
    pairing = build.pairing("检索甲区", "检索乙县")
    project = build.project(pairing, name="油橄榄种植基地", code="YGL-TEST-1")
    page = admin_client.get("/search/", {"q": query})
    assert f"/projects/{project.pk}/" in page.content.decode()


def test_it_finds_by_code(admin_client, build):
    pairing = build.pairing("编号甲区", "编号乙县")
    project = build.project(pairing, name="编号检索项目", code="ZX-2024-77")
    page = admin_client.get("/search/", {"q": "zx-2024-77"})
    assert f"/projects/{project.pk}/" in page.content.decode()


def test_it_keeps_the_key_as_a_record_is_renamed_and_deleted(admin_client, build):
    pairing = build.pairing("改名甲区", "改名乙县")
    project = build.project(pairing, name="核桃加工厂", code="HT-1", status=Project.Status.PLANNED)
    assert (
        f"/projects/{project.pk}/" in admin_client.get("/search/", {"q": "hetao"}).content.decode()
    )
    services.update_record(project, acting_user=None, via="test", name="花椒加工厂")
    assert (
        f"/projects/{project.pk}/"
        not in admin_client.get("/search/", {"q": "hetao"}).content.decode()
    )
    assert (
        f"/projects/{project.pk}/"
        in admin_client.get("/search/", {"q": "huajiao"}).content.decode()
    )
    services.delete_record(project, acting_user=None, via="test")
    assert not SearchKey.objects.filter(kind="project", record_id=project.pk).exists()


def test_it_finds_only_records_in_the_users_scope(client, personas):
    client.force_login(personas.jiangyang)  # 江阳区 helps 盐源县, not 普格县
    page = client.get("/search/", {"q": "wuji"})
    assert "乌鸡项目运营合作协议" not in page.content.decode()
    client.force_login(personas.longmatan)
    assert "乌鸡项目运营合作协议" in client.get("/search/", {"q": "wuji"}).content.decode()
    client.force_login(personas.outsider)
    assert labels(client.get("/search/", {"q": "wuji"})) == []


def test_it_shows_persons_without_their_personal_data(admin_client, build):
    person = build.person("检索测试人", id_number="510502199001011234")
    page = admin_client.get("/search/", {"q": "jiansuoceshiren"})
    text = page.content.decode()
    assert f"/people/{person.pk}/" in text
    assert "510502199001011234" not in text
    assert Person.objects.filter(pk=person.pk).exists()


def test_it_answers_a_chooser_with_a_small_list(admin_client):
    answer = admin_client.get("/search/choices/", {"kind": "region", "q": "yanyuan"}).json()
    assert any(row["label"].startswith("盐源县") for row in answer["results"])
    assert len(answer["results"]) <= 20
    assert admin_client.get("/search/choices/", {"kind": "nothing", "q": "a"}).status_code == 400


def test_it_bounds_the_results(admin_client):
    page = admin_client.get("/search/", {"q": "x"})
    for kind in SearchKey.Kind.values:
        section = re.search(rf'data-kind="{kind}">(.*?)</section>', page.content.decode(), re.S)
        if section:
            assert section[1].count("<li>") <= 10


def test_it_puts_a_search_box_in_the_page_header(admin_client):
    page = admin_client.get("/projects/").content.decode()
    assert re.search(r'<form method="get" action="/search/"[^>]*>\s*<input type="search"', page)


def test_it_requires_login(client):
    assert client.get("/search/", {"q": "wuji"}).status_code == 302


# Characters read differently by the word they are in: each name is made after the others
# (so their words' pinyin is already kept) and still found by its own reading.
POLYPHONES = ("银行行长培训", "长春长生基地", "重庆重点项目", "音乐乐观教室", "还款还有余额")


def test_it_finds_each_name_by_pypinyins_reading_of_it(admin_client, build):
    pairing = build.pairing("读音甲区", "读音乙县")
    made = [
        build.project(pairing, name=name + place, code=f"PY-{n}-{p}")
        for n, name in enumerate(POLYPHONES * 2)
        for p, place in enumerate(("", "长宁镇"))
    ]
    for project in made:
        syllables = lazy_pinyin(project.name, errors="default")
        full, initials = "".join(syllables), "".join(s[0] for s in syllables)
        stored = SearchKey.objects.get(kind=SearchKey.Kind.PROJECT, record_id=project.pk)
        assert stored.key.split()[1:3] == [full, initials]
        page = admin_client.get("/search/", {"q": full})
        assert f"/projects/{project.pk}/" in page.content.decode()
