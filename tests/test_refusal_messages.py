"""Refusals in words a county clerk understands (ledger/messages.py): no database rule's name
reaches a page, the API, the importer or the command line; number, length and NUL-character
limits are stated in 元 or characters; one first and last year everywhere."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, models, transaction
from test_api_support import Api, demo_pairing

from pairaid.ledger import services
from pairaid.ledger.messages import (
    CONSTRAINT_MESSAGES,
    FIRST_YEAR,
    LAST_YEAR,
    integrity_message,
)
from pairaid.ledger.models import FundFlow, Project, Region, Target


@pytest.fixture
def pair(build):
    return build.pairing("甲区", "乙县")


def project_data(pair, **fields):
    return {
        "pairing": pair.pk,
        "code": "M-001",
        "name": "乌鸡养殖基地",
        "sector": "industry",
        "mode": "capacity_building",
        "planned_budget": "1200000.00",
        "status": "planned",
        "progress": "0",
        "beneficiary_households": "0",
        "beneficiary_persons": "0",
        **fields,
    }


def rule_names():
    from django.apps import apps

    for model in apps.get_app_config("ledger").get_models():
        for constraint in model._meta.constraints:
            yield constraint.name


def test_it_has_a_message_for_every_rule_of_the_ledger():
    missing = [name for name in rule_names() if name not in CONSTRAINT_MESSAGES]
    assert missing == []


def test_it_says_a_broken_rule_in_words_on_a_page(admin_client, pair):
    response = admin_client.post("/projects/new/", project_data(pair, planned_budget="-1.00"))
    body = response.content.decode()
    assert response.status_code == 400
    assert str(CONSTRAINT_MESSAGES["project_budget_not_negative"]) in body
    assert "project_budget_not_negative" not in body
    assert not Project.objects.filter(pairing=pair).exists()


def test_it_says_a_duplicate_in_words_in_the_api(personas):
    pairing = demo_pairing("江阳区")
    target = Target.objects.filter(pairing=pairing).first() or services.create_record(
        Target,
        acting_user=None,
        via="test",
        pairing=pairing,
        year=2022,
        indicator=Target.Indicator.JOBS,
        value=Decimal("10"),
    )
    response = Api.as_user(personas.luzhou).post(
        "/targets/",
        {
            "pairing_id": pairing.pk,
            "year": target.year,
            "indicator": target.indicator,
            "value": "1.00",
        },
    )
    assert response.status_code in (409, 422)
    text = response.content.decode()
    assert str(CONSTRAINT_MESSAGES["target_once_per_indicator_and_year"]) in text
    assert "target_once_per_indicator_and_year" not in text


def raw_refusal(write) -> str:
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        write()
    return integrity_message(refused.value)


def test_it_says_what_the_database_refused(build, pair):
    project = build.project(pair, code="RAW-1")
    fields = {f.attname: getattr(project, f.attname) for f in Project._meta.concrete_fields}
    fields.pop("id")

    def negative_budget():
        Project.objects.create(**{**fields, "code": "RAW-2", "planned_budget": Decimal(-1)})

    def same_code():
        Project.objects.create(**fields)

    def same_region_code():
        region = Region.objects.get(pk=pair.recipient_region_id)
        Region.objects.create(code=region.code, name="重复", level=region.level)

    def project_of_another_pairing():
        other = build.project(build.pairing("丙区", "丁县"))
        FundFlow.objects.create(
            pairing=pair,
            kind=FundFlow.Kind.SPEND,
            fund_year=2022,
            date=dt.date(2022, 5, 1),
            amount=Decimal("1.00"),
            source=FundFlow.Source.FISCAL,
            project=other,
        )

    assert raw_refusal(negative_budget) == CONSTRAINT_MESSAGES["project_budget_not_negative"]
    assert raw_refusal(same_code) == CONSTRAINT_MESSAGES["project_unique_code_in_pairing"]
    assert raw_refusal(same_region_code) == "区划代码已存在，不能重复"
    assert raw_refusal(project_of_another_pairing) == "项目不属于该结对关系"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "项" * 301}, "最多 300 个字符（现有 301 个）"),
        ({"name": "乌鸡\x00基地"}, "不能包含空字符"),
        ({"planned_budget": "1.005"}, "金额最多两位小数（到分）"),
        ({"planned_budget": "1" * 15}, "金额过大：整数部分最多 14 位（元）"),
    ],
)
def test_it_states_the_limit_on_a_page(admin_client, pair, fields, message):
    response = admin_client.post("/projects/new/", project_data(pair, **fields))
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body
    for django_text in ("确认小数不超过", "不允许是用空字符串", "确保该值不超过"):
        assert django_text not in body


def test_it_states_the_limit_in_a_service_refusal(build, pair):
    with pytest.raises(ValidationError) as refused:
        build.project(pair, name="项" * 301)
    assert refused.value.message_dict["name"] == ["最多 300 个字符（现有 301 个）"]


def test_it_states_the_limit_in_the_importer(pair, tmp_path):
    path = tmp_path / "projects.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["结对关系", "项目编号", "项目名称", "领域", "帮扶方式"])
        writer.writerow([pair.name, "LONG-1", "项" * 301, "产业", "造血"])
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_records", str(path), "--no-progress", stderr=errors, stdout=io.StringIO()
        )
    assert "最多 300 个字符（现有 301 个）" in errors.getvalue()


def test_it_takes_the_same_years_everywhere(admin_client, build, pair, personas):
    validators = FundFlow._meta.get_field("fund_year").validators
    assert {getattr(v, "limit_value", None) for v in validators} == {FIRST_YEAR, LAST_YEAR}
    for model in (Target,):
        bounds = {getattr(v, "limit_value", None) for v in model._meta.get_field("year").validators}
        assert bounds == {FIRST_YEAR, LAST_YEAR}
    with pytest.raises(ValidationError) as refused:
        services.create_record(
            Target,
            acting_user=None,
            via="test",
            pairing=pair,
            year=FIRST_YEAR - 1,
            indicator=Target.Indicator.JOBS,
            value=Decimal("1"),
        )
    assert refused.value.message_dict["year"] == [f"不能小于 {FIRST_YEAR}"]
    response = admin_client.get("/funds/", {"year": FIRST_YEAR - 1})
    assert f"不能小于 {FIRST_YEAR}" in response.content.decode()
    schema = Api.as_user(personas.admin, "read").get("/openapi.json").json()
    years = [
        prop
        for component in schema["components"]["schemas"].values()
        for name, prop in component.get("properties", {}).items()
        if name in {"fund_year", "year"} and "minimum" in prop
    ]
    assert years and all((y["minimum"], y["maximum"]) == (FIRST_YEAR, LAST_YEAR) for y in years)


def test_it_keeps_the_messages_out_of_the_migrations():
    """The messages are set on the fields at start-up, not in their definitions."""
    field = Project._meta.get_field("name")
    assert isinstance(field, models.CharField)
    assert "error_messages" not in field.deconstruct()[3]


def test_it_says_a_broken_rule_in_words_on_the_command_line(db, capsys):
    from pairaid import cli

    code = (
        "from pairaid.ledger.models import Region; "
        "Region.objects.create(code='12', name='某县', level='county')"
    )
    with pytest.raises(SystemExit) as stopped:
        cli.main(["pairaid", "shell", "-c", code])
    assert stopped.value.code == 1
    said = capsys.readouterr().err
    assert str(CONSTRAINT_MESSAGES["region_code_6_or_12_digits"]) in said
    assert "region_code_6_or_12_digits" not in said and "Traceback" not in said


def test_it_states_the_limit_in_the_admin(admin_client, pair):
    from django.urls import reverse

    data = {
        "pairing": pair.pk,
        "code": "ADM-LIM",
        "name": "项" * 301,
        "sector": "industry",
        "mode": "capacity_building",
        "location": "",
        "implementing_organisation": "",
        "planned_budget": "1.005",
        "start_date": "",
        "end_date": "",
        "status": "planned",
        "progress": "0",
        "beneficiary_households": "0",
        "beneficiary_persons": "0",
        "outcomes": "",
        "after_completion": "",
    }
    body = admin_client.post(reverse("admin:ledger_project_add"), data).content.decode()
    assert "最多 300 个字符（现有 301 个）" in body
    assert "金额最多两位小数（到分）" in body
    assert not Project.objects.filter(code="ADM-LIM").exists()
