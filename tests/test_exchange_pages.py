"""The import/export pages: upload, preview, import, rollback, templates, export."""

from __future__ import annotations

import io

import pytest
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from openpyxl import Workbook, load_workbook

from pairaid.exchange.models import ImportBatch
from pairaid.ledger.models import FundFlow, Pairing, Project

HEADER = ["结对关系", "类型", "资金年度", "日期", "金额（元）", "资金来源", "凭证或文号"]


@pytest.fixture(autouse=True)
def web_shell(settings, tmp_path):
    """Stand in for the web app's base template and login page until they exist."""
    settings.MEDIA_ROOT = tmp_path / "media"
    try:
        get_template("web/base.html")
    except TemplateDoesNotExist:
        (tmp_path / "web").mkdir()
        (tmp_path / "web" / "base.html").write_text(
            "<title>{% block title %}{% endblock %}</title>{% block content %}{% endblock %}"
        )
        settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    try:
        reverse(settings.LOGIN_URL)
    except NoReverseMatch:
        settings.LOGIN_URL = "/login/"


def upload_file(pairing: Pairing, *rows: tuple[str, object]) -> io.BytesIO:
    workbook = Workbook()
    workbook.active.append(HEADER)
    for voucher, amount in rows:
        workbook.active.append(
            [str(pairing), "拨付", 2022, "2022年6月1日", amount, "财政援助资金", voucher]
        )
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    data.name = "资金.xlsx"
    return data


def upload(client, data) -> ImportBatch:
    response = client.post(reverse("exchange:upload"), {"file": data})
    assert response.status_code == 302
    return ImportBatch.objects.latest("id")


def test_it_sends_an_anonymous_visitor_to_login(client):
    response = client.get(reverse("exchange:index"))
    assert response.status_code == 302


def test_it_previews_imports_and_rolls_back(client, personas):
    client.force_login(personas.jiangyang)
    pairing = Pairing.objects.get(helper_region__name="江阳区")
    batch = upload(client, upload_file(pairing, ("WEB-1", "1,000"), ("WEB-2", 2000)))
    assert batch.status == ImportBatch.Status.VALID and batch.added == 2

    page = client.get(reverse("exchange:batch", args=[batch.pk])).content.decode()
    assert "全部导入" in page and "WEB-2" in page and "新增" in page
    assert not FundFlow.objects.filter(voucher__startswith="WEB-").exists()  # preview only

    client.post(reverse("exchange:import", args=[batch.pk]), {"mode": "all"})
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    assert FundFlow.objects.filter(voucher__startswith="WEB-").count() == 2

    client.post(reverse("exchange:rollback", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.ROLLED_BACK
    live = FundFlow.objects.filter(voucher__startswith="WEB-", reverses__isnull=True)
    assert live.filter(reversed_by__isnull=True).count() == 0


def test_it_shows_errors_and_imports_valid_rows_on_request(client, personas):
    client.force_login(personas.jiangyang)
    pairing = Pairing.objects.get(helper_region__name="江阳区")
    batch = upload(client, upload_file(pairing, ("WEB-3", 10), ("WEB-4", "十元")))
    assert batch.status == ImportBatch.Status.INVALID

    page = client.get(reverse("exchange:batch", args=[batch.pk])).content.decode()
    assert "金额（元）" in page and "应为金额" in page
    assert 'value="all" disabled' in page

    rejected = client.get(reverse("exchange:rejected", args=[batch.pk]))
    rows = list(load_workbook(io.BytesIO(b"".join(rejected.streaming_content))).active.values)
    assert rows[1][-2] == "WEB-4"

    client.post(reverse("exchange:import", args=[batch.pk]), {"mode": "valid"})
    assert list(
        FundFlow.objects.filter(voucher__startswith="WEB-").values_list("voucher", flat=True)
    ) == ["WEB-3"]


def test_it_hides_another_users_batch(client, personas):
    client.force_login(personas.jiangyang)
    pairing = Pairing.objects.get(helper_region__name="江阳区")
    batch = upload(client, upload_file(pairing, ("WEB-5", 10)))

    client.force_login(personas.longmatan)
    assert client.get(reverse("exchange:batch", args=[batch.pk])).status_code == 404
    assert client.post(reverse("exchange:rollback", args=[batch.pk])).status_code == 404
    assert client.get(reverse("exchange:rejected", args=[batch.pk])).status_code == 404
    assert f"#{batch.pk}" not in client.get(reverse("exchange:index")).content.decode()

    client.force_login(personas.admin)  # staff see every batch
    assert client.get(reverse("exchange:batch", args=[batch.pk])).status_code == 200


def test_it_polls_progress_while_busy(client, personas):
    client.force_login(personas.jiangyang)
    pairing = Pairing.objects.get(helper_region__name="江阳区")
    batch = upload(client, upload_file(pairing, ("WEB-6", 10)))
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.IMPORTING, stage="validate", rows_done=5, rows_total=10
    )
    response = client.get(reverse("exchange:progress", args=[batch.pk]))
    assert (
        'hx-trigger="every 1s"' in response.content.decode()
        and "5 / 10" in response.content.decode()
    )
    assert "HX-Refresh" not in response
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.IMPORTED)
    assert client.get(reverse("exchange:progress", args=[batch.pk]))["HX-Refresh"] == "true"


def test_it_downloads_a_template(client, personas):
    client.force_login(personas.jiangyang)
    response = client.get(reverse("exchange:template", args=["projects"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet["B1"].value == "项目编号"


def test_it_exports_a_list_in_the_users_scope(client, personas, django_assert_max_num_queries):
    client.force_login(personas.longmatan)
    url = reverse("exchange:export", args=["projects"])
    with django_assert_max_num_queries(12):
        response = client.get(url, {"format": "csv", "sector": "industry"})
        text = b"".join(response.streaming_content).decode("utf-8-sig")
    expected = Project.objects.filter(pairing__helper_region__name="龙马潭区", sector="industry")
    assert len(text.strip().splitlines()) - 1 == expected.count()
    assert "江阳区" not in text

    jiangyang = Pairing.objects.get(helper_region__name="江阳区")
    assert client.get(url, {"pairing": jiangyang.pk}).status_code == 404


def test_it_neutralises_formulas_in_exports(client, personas, build):
    client.force_login(personas.admin)
    pairing = build.pairing("公式甲区", "公式乙县")
    build.project(pairing, code="=HYPERLINK(1)", name="+cmd|' /C calc'!A0")
    response = client.get(reverse("exchange:export", args=["projects"]), {"pairing": pairing.pk})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows[1][1] == "'=HYPERLINK(1)" and rows[1][2].startswith("'+")
