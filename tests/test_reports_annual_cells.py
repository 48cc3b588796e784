"""The annual report's workbook, downloaded from the reports page, cell by cell against records
the test made: projects by sector and current status (started only, planned and cancelled
never), the year's new starts, the year's projects with their allocations and spending in
yuan, and persons dispatched by category and profession, each person once however many
postings.

Who gets it: the helper's editor (the owner) and a viewer over the recipient (a member of
the pairing) download the same cells; an editor of another office is answered "not found";
an anonymous visitor is sent to log in."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from pairaid.accounts.models import RoleAssignment
from pairaid.ledger.models import FundFlow, Person, Project

YEAR = 2022
AS_OF = dt.date(2022, 12, 31)
D = dt.date


class Scene:
    """One pairing's projects, money and postings, and the users around it."""

    def __init__(self, build: Any) -> None:
        self.pairing = build.pairing("年报格甲区", "年报格乙县")
        p = self.pairing
        S = Project.Status
        self.projects = [
            build.project(p, S.IN_PROGRESS, D(2021, 4, 1), code="AN-1", sector="industry"),
            build.project(
                p,
                S.COMPLETED,
                D(2021, 5, 1),
                code="AN-2",
                sector="industry",
                end_date=D(2022, 6, 30),
                progress=100,
            ),
            build.project(p, S.IN_PROGRESS, D(2022, 3, 1), code="AN-3", sector="education"),
            build.project(
                p,
                S.OPERATING,
                D(2022, 7, 1),
                code="AN-4",
                sector="health",
                end_date=D(2022, 10, 1),
                progress=100,
            ),
            build.project(p, S.PLANNED, None, code="AN-5", sector="education"),
            build.project(p, S.CANCELLED, D(2022, 2, 1), code="AN-6", sector="health"),
        ]
        by_code = {project.code: project for project in self.projects}
        self.money = {
            "AN-1": (Decimal("300000.00"), Decimal("120000.50")),
            "AN-3": (Decimal("80000.00"), Decimal("0.00")),
            "AN-4": (Decimal("1234567.89"), Decimal("1234567.89")),
        }
        build.flow(p, "2000000.00", kind=FundFlow.Kind.PLAN, year=YEAR)
        build.flow(p, "1700000.00", year=YEAR)
        for code, (allocated, spent) in self.money.items():
            project = by_code[code]
            build.flow(p, str(allocated), kind=FundFlow.Kind.ALLOCATE, year=YEAR, project=project)
            if spent:
                build.flow(p, str(spent), kind=FundFlow.Kind.SPEND, year=YEAR, project=project)
        # last year's money does not count in the year
        build.flow(p, "5000.00", kind=FundFlow.Kind.ALLOCATE, year=2021, project=by_code["AN-1"])

        cadre = build.person("年报干部甲")
        teacher = build.person(
            "年报教师乙", Person.Category.PROFESSIONAL, profession=Person.Profession.TEACHER
        )
        doctor = build.person(
            "年报医生丙", Person.Category.PROFESSIONAL, profession=Person.Profession.DOCTOR
        )
        self.postings = [
            build.posting(cadre, p, D(2021, 3, 1)),
            build.posting(cadre, p, D(2022, 3, 1)),  # the same person again in the year
            build.posting(teacher, p, D(2022, 9, 1)),
            build.posting(doctor, p, D(2021, 9, 1)),
        ]
        users = get_user_model()
        self.owner = users.objects.create_user("annual-owner", password="pass-owner")
        self.member = users.objects.create_user("annual-member", password="pass-member")
        self.outsider = users.objects.create_user("annual-outsider", password="pass-outsider")
        other = build.pairing("年报格丙区", "年报格丁县")
        for user, role, region in (
            (self.owner, "helper_editor", p.helper_region),
            (self.member, "viewer", p.recipient_region),
            (self.outsider, "helper_editor", other.helper_region),
        ):
            RoleAssignment.objects.create(user=user, role=role, region=region)

    def started(self) -> list[Project]:
        return [
            project
            for project in self.projects
            if project.status in Project.STARTED and project.start_date <= AS_OF
        ]


@pytest.fixture
def scene(build) -> Scene:
    return Scene(build)


def download(client: Any, scene: Scene, user: Any) -> Any:
    client.force_login(user)
    return client.get(
        reverse("reports:download"),
        {
            "kind": "annual",
            "pairing": str(scene.pairing.pk),
            "year": str(YEAR),
            "as_of": AS_OF.isoformat(),
            "style": "exact",
            "person_rule": "persons",
            "format": "xlsx",
        },
    )


def workbook(client: Any, scene: Scene, user: Any) -> Any:
    response = download(client, scene, user)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def rows(sheet: Any) -> dict[str, list[Any]]:
    return {
        str(row[0]): list(row)
        for row in sheet.iter_rows(min_row=3, values_only=True)
        if row and row[0] not in (None, "")
    }


def header(sheet: Any) -> list[str]:
    return [str(c) for c in next(sheet.iter_rows(min_row=2, max_row=2, values_only=True))]


def yuan(cell: Any) -> Decimal:
    return Decimal(repr(cell)).quantize(Decimal("0.01"))


def test_it_counts_projects_by_sector_and_current_status(client, scene):
    sheet = workbook(client, scene, scene.owner)["项目按领域状态"]

    heading, found = header(sheet), rows(sheet)
    statuses = [str(Project.Status(s).label) for s in Project.STARTED]
    assert heading == ["领域", *statuses, "累计实施", "其中本年新开工"]
    started = scene.started()
    sectors = Counter(p.sector for p in started)
    for sector, label in Project.Sector.choices:
        if not sectors[sector]:
            assert str(label) not in found
            continue
        of_sector = [p for p in started if p.sector == sector]
        by_status = Counter(p.status for p in of_sector)
        new = sum(1 for p in of_sector if p.start_date.year == YEAR)
        assert found[str(label)][1:] == [
            *[by_status[s] for s in Project.STARTED],
            len(of_sector),
            new,
        ]
    total = Counter(p.status for p in started)
    assert found["合计"][1:] == [
        *[total[s] for s in Project.STARTED],
        len(started),
        sum(1 for p in started if p.start_date.year == YEAR),
    ]


def test_it_lists_the_years_projects_with_their_money_in_yuan(client, scene):
    sheet = workbook(client, scene, scene.owner)["本年项目进展"]

    heading, found = header(sheet), rows(sheet)
    assert heading[:5] == ["项目编号", "项目名称", "领域", "状态", "进度（%）"]
    for code, (allocated, spent) in scene.money.items():
        project = Project.objects.get(pairing=scene.pairing, code=code)
        row = found[code]
        assert row[1:5] == [
            project.name,
            project.get_sector_display(),
            project.get_status_display(),
            project.progress,
        ]
        assert [yuan(row[5]), yuan(row[6] or 0)] == [allocated, spent]
    assert "AN-5" not in found and "AN-6" not in found  # never started, or cancelled


def test_it_counts_each_person_once_by_category_and_profession(client, scene):
    sheet = workbook(client, scene, scene.owner)["干部人才"]

    found = rows(sheet)
    postings = scene.postings
    in_year = {p.person_id for p in postings if p.start_date.year == YEAR}
    ever = {p.person_id for p in postings}
    people = {p.person_id: p.person for p in postings}

    def count(ids: set[int], **match: Any) -> int:
        return sum(1 for i in ids if all(getattr(people[i], k) == v for k, v in match.items()))

    for category, label in Person.Category.choices:
        assert found[str(label)][1:3] == [
            count(in_year, category=category),
            count(ever, category=category),
        ]
    for profession in (Person.Profession.TEACHER, Person.Profession.DOCTOR):
        assert found[f"其中：{profession.label}"][1:3] == [
            count(in_year, profession=profession),
            count(ever, profession=profession),
        ]
    assert found["合计"][1:3] == [len(in_year), len(ever)]


def test_it_gives_a_member_of_the_pairing_the_same_cells(client, scene):
    owner = workbook(client, scene, scene.owner)
    member = workbook(client, scene, scene.member)

    for name in ("项目按领域状态", "本年项目进展", "干部人才", "资金按来源"):
        assert list(owner[name].iter_rows(values_only=True)) == list(
            member[name].iter_rows(values_only=True)
        ), name


def test_it_answers_an_editor_of_another_office_not_found(client, scene):
    response = download(client, scene, scene.outsider)

    assert response.status_code == 404
    assert "年报格" not in response.content.decode()


def test_it_sends_an_anonymous_visitor_to_log_in(client, scene):
    response = client.get(reverse("reports:download"), {"pairing": str(scene.pairing.pk)})

    assert response.status_code == 302
    assert "login" in response["Location"]
