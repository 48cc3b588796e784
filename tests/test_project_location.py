"""A project's place (实施地点) lies in its pairing's recipient region — or, for the work done
at the helper's end (消费帮扶, 人才培训, 就业与劳务), in the helper's region: every door refuses
anything else (services, pages, API, importer)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from test_api_support import Api, demo_pairing

from pairaid.ledger import services
from pairaid.ledger.models import Pairing, Project, Region


@pytest.fixture
def places(build):
    """甲区 → 乙县, with a town and a village of 乙县, a town of 甲区 and an unrelated 丙县."""
    pairing = build.pairing("甲区", "乙县")
    county = Region.objects.get(pk=pairing.recipient_region_id)
    helper = Region.objects.get(pk=pairing.helper_region_id)
    town = build.region("乙县某镇", Region.Level.TOWNSHIP, parent=county)
    village = build.region("乙县某村", Region.Level.VILLAGE, parent=town)
    helper_town = build.region("甲区某街道", Region.Level.TOWNSHIP, parent=helper)
    elsewhere = build.region("丙县", parent=build.region("丙州", Region.Level.PREFECTURE))
    return pairing, county, village, helper_town, elsewhere


def test_it_accepts_a_village_below_the_recipient_county(build, places):
    pairing, county, village, _helper_town, _elsewhere = places
    assert build.project(pairing, location=village).location == village
    assert build.project(pairing, location=county).location == county


def test_it_refuses_a_place_outside_both_sides(build, places):
    pairing, _county, _village, _helper_town, elsewhere = places
    with pytest.raises(ValidationError) as refused:
        build.project(pairing, location=elsewhere)
    assert "实施地点应在受援方（乙县" in refused.value.message_dict["location"][0]
    assert not Project.objects.filter(pairing=pairing).exists()


@pytest.mark.parametrize(
    "sector", [Project.Sector.CONSUMPTION, Project.Sector.TRAINING, Project.Sector.EMPLOYMENT]
)
def test_it_accepts_the_helpers_region_for_work_done_there(build, places, sector):
    pairing, _county, _village, helper_town, _elsewhere = places
    assert build.project(pairing, sector=sector, location=helper_town).location == helper_town


def test_it_refuses_the_helpers_region_for_building_in_the_county(build, places):
    pairing, _county, _village, helper_town, _elsewhere = places
    with pytest.raises(ValidationError) as refused:
        build.project(pairing, sector=Project.Sector.INFRASTRUCTURE, location=helper_town)
    assert "location" in refused.value.message_dict


def test_it_refuses_moving_a_project_out_of_the_county(build, places):
    pairing, _county, village, _helper_town, elsewhere = places
    project = build.project(pairing, location=village)
    with pytest.raises(ValidationError):
        services.update_record(project, acting_user=None, via="test", location=elsewhere)
    project.refresh_from_db()
    assert project.location == village


def test_it_refuses_a_project_page_with_the_place_outside(admin_user, client, places):
    pairing, _county, _village, _helper_town, elsewhere = places
    client.force_login(admin_user)
    data = {
        "pairing": pairing.pk,
        "code": "LOC-1",
        "name": "乙县产业园",
        "sector": "industry",
        "mode": "capacity_building",
        "location": elsewhere.pk,
        "planned_budget": "1000.00",
        "status": "planned",
        "progress": "0",
        "beneficiary_households": "0",
        "beneficiary_persons": "0",
    }
    response = client.post("/projects/new/", data)
    assert response.status_code == 400
    assert "实施地点应在受援方（乙县）的区划范围内" in response.content.decode()
    assert not Project.objects.filter(code="LOC-1").exists()


def test_it_refuses_through_the_api(personas):
    pairing = demo_pairing("江阳区")
    # 普格县 (龙马潭区's recipient) is not in 盐源县.
    puge = Region.objects.get(code="513428")
    response = Api.as_user(personas.jiangyang).post(
        "/projects/",
        {
            "pairing_id": pairing.pk,
            "code": "API-LOC-1",
            "name": "地点不在受援县的项目",
            "sector": "industry",
            "mode": "capacity_building",
            "planned_budget": "1000.00",
            "location_id": puge.pk,
        },
    )
    assert response.status_code == 422
    assert "实施地点应在受援方（盐源县）" in response.json()["errors"]["location_id"][0]
    assert not Project.objects.filter(code="API-LOC-1").exists()


def test_it_refuses_through_the_importer(places, tmp_path):
    pairing, _county, village, _helper_town, elsewhere = places
    path = tmp_path / "projects.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["结对关系", "项目编号", "项目名称", "领域", "帮扶方式", "实施地点"])
        writer.writerow([pairing.name, "IMP-1", "村道", "基础设施", "输血", village.code])
        writer.writerow([pairing.name, "IMP-2", "外县项目", "基础设施", "输血", elsewhere.code])
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_records", str(path), "--no-progress", stderr=errors, stdout=io.StringIO()
        )
    assert "实施地点应在受援方（乙县）" in errors.getvalue()
    assert not Project.objects.filter(code__in=["IMP-1", "IMP-2"]).exists()


def test_it_climbs_the_region_chain_in_few_queries(build, django_assert_num_queries):
    chain = [build.region("省", Region.Level.PROVINCE)]
    for level in range(7):  # deeper than any real tree: two queries, not seven
        chain.append(build.region(f"第{level}级", Region.Level.VILLAGE, parent=chain[-1]))
    with django_assert_num_queries(1):
        assert Region.lineage(chain[4].pk) == {region.pk for region in chain[:5]}
    with django_assert_num_queries(2):
        assert Region.lineage(chain[-1].pk) == {region.pk for region in chain}


def test_it_counts_a_side_that_is_an_organisation_with_its_region(build, places):
    """A pairing whose recipient is a unit (a school of 乙县) and whose helper is a unit of 甲区:
    every record with a place takes the unit's region as the side's, by the same rule."""
    _pairing, county, village, helper_town, elsewhere = places
    helper = Region.objects.get(name="甲区")
    pairing = services.create_record(
        Pairing,
        acting_user=None,
        via="test",
        helper_organisation=build.organisation("甲区教育局", helper),
        recipient_organisation=build.organisation("乙县中学", county, kind="school"),
        valid_from=dt.date(2020, 1, 1),
        scheme=Pairing.Scheme.IN_PROVINCE,
    )
    assert build.project(pairing, location=village).location == village
    training = build.project(pairing, sector=Project.Sector.TRAINING, location=helper_town)
    assert training.location == helper_town
    for place in (elsewhere, helper_town):
        with pytest.raises(ValidationError) as refused:
            build.project(pairing, sector=Project.Sector.INFRASTRUCTURE, location=place)
        assert "实施地点应在受援方（乙县中学" in refused.value.message_dict["location"][0]
    with pytest.raises(ValidationError) as refused:
        build.project(pairing, sector=Project.Sector.TRAINING, location=elsewhere)
    assert "乙县中学、甲区教育局" in refused.value.message_dict["location"][0]
