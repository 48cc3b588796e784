"""The import page through a batch's life, for the states a clerk can reach by clicking twice or
sending the wrong file: a batch imported once is not imported again, a rollback is done once,
a rollback refused (a record imported and then referred to by a later one) leaves the batch
imported and says why on the page, a file that is not xlsx or csv and a file without rows are
refused with their reasons, the valid rows of a refused file are imported only when asked, and
a batch that imported valid rows only hands back its rejected rows."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from openpyxl import Workbook, load_workbook

from pairaid.exchange.models import ImportBatch
from pairaid.ledger import services
from pairaid.ledger.models import Event, Pairing, Posting

HEADER = ["结对关系", "类型", "标题", "开始日期", "结束日期"]


@pytest.fixture(autouse=True)
def web_shell(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    try:
        get_template("web/base.html")
    except TemplateDoesNotExist:  # pragma: no cover - the web app provides it
        (tmp_path / "web").mkdir()
        (tmp_path / "web" / "base.html").write_text("{% block content %}{% endblock %}")
        settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    try:
        reverse(settings.LOGIN_URL)
    except NoReverseMatch:  # pragma: no cover
        settings.LOGIN_URL = "/login/"


def jiangyang() -> Pairing:
    return Pairing.objects.get(helper_region__name="江阳区")


def workbook(*rows: list[Any], name: str = "活动.xlsx") -> io.BytesIO:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = name
    return data


def upload(client, data) -> ImportBatch:
    response = client.post(reverse("exchange:upload"), {"file": data})
    assert response.status_code == 302, response.content.decode()[:500]
    return ImportBatch.objects.latest("id")


def page_of(client, batch: ImportBatch, response=None) -> str:
    if response is not None:
        assert response.status_code == 302
        assert response["Location"] == reverse("exchange:batch", args=[batch.pk])
    return client.get(reverse("exchange:batch", args=[batch.pk])).content.decode()


@pytest.fixture
def clerk(client, personas):
    client.force_login(personas.jiangyang)
    return client


def test_it_imports_a_batch_once(clerk):
    batch = upload(
        clerk, workbook(HEADER, [str(jiangyang()), "座谈", "页面一次座谈", "2022-05-01", ""])
    )
    url = reverse("exchange:import", args=[batch.pk])

    clerk.post(url, {"mode": "all"})
    again = clerk.post(url, {"mode": "all"})

    assert "该批次当前不能导入" in page_of(clerk, batch, again)
    assert Event.objects.filter(title="页面一次座谈").count() == 1
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED and batch.added == 1


def test_it_rolls_a_batch_back_once(clerk):
    batch = upload(
        clerk, workbook(HEADER, [str(jiangyang()), "座谈", "页面撤销座谈", "2022-05-01", ""])
    )
    clerk.post(reverse("exchange:import", args=[batch.pk]), {"mode": "all"})
    url = reverse("exchange:rollback", args=[batch.pk])

    clerk.post(url)
    again = clerk.post(url)

    assert "只有已导入的批次可以撤销" in page_of(clerk, batch, again)
    assert not Event.objects.filter(title="页面撤销座谈").exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.ROLLED_BACK and batch.rolled_back_at is not None


def test_a_refused_rollback_keeps_the_batch_imported_and_says_why(clerk, personas):
    batch = upload(
        clerk, workbook(HEADER, [str(jiangyang()), "签约", "页面被引用活动", "2022-05-01", ""])
    )
    clerk.post(reverse("exchange:import", args=[batch.pk]), {"mode": "all"})
    event = Event.objects.get(title="页面被引用活动")
    services.create_record(
        Event.agreements.rel.related_model,
        acting_user=personas.jiangyang,
        via="test",
        pairing=jiangyang(),
        title="页面后签协议",
        kind="framework",
        event=event,
    )

    response = clerk.post(reverse("exchange:rollback", args=[batch.pk]))

    assert "仍被其他记录引用，不能删除" in page_of(clerk, batch, response)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    assert Event.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize("name", ["活动.pdf", "活动.docx", "活动"])
def test_it_refuses_a_file_that_is_no_spreadsheet_by_its_name(clerk, name):
    before = ImportBatch.objects.count()

    response = clerk.post(
        reverse("exchange:upload"), {"file": SimpleUploadedFile(name, b"a,b\n1,2\n")}
    )

    assert response.status_code == 400
    assert "请上传 .xlsx 或 .csv 文件" in response.content.decode()
    assert ImportBatch.objects.count() == before


def test_it_reads_a_txt_file_as_comma_separated_text(clerk):
    text = ",".join(HEADER) + f"\n{jiangyang()},座谈,页面文本座谈,2022-05-01,\n"
    batch = upload(clerk, SimpleUploadedFile("活动.txt", text.encode("utf-8")))

    assert batch.status == ImportBatch.Status.VALID and batch.added == 1
    clerk.post(reverse("exchange:import", args=[batch.pk]), {"mode": "all"})
    assert Event.objects.get(title="页面文本座谈").pairing == jiangyang()


def test_it_says_a_file_without_rows_has_none(clerk):
    batch = upload(clerk, workbook(HEADER))

    page = page_of(clerk, batch)

    assert "文件中没有数据行" in page
    assert batch.status != ImportBatch.Status.VALID


def test_it_imports_the_valid_rows_only_when_asked_and_hands_back_the_others(clerk):
    pairing = str(jiangyang())
    batch = upload(
        clerk,
        workbook(
            HEADER,
            [pairing, "座谈", "页面好座谈", "2022-05-01", ""],
            [pairing, "座谈", "页面倒序座谈", "2022-05-02", "2022-05-01"],
            [pairing, "年会", "页面坏类型", "2022-05-03", ""],
        ),
    )
    assert batch.status == ImportBatch.Status.INVALID
    refused = clerk.post(reverse("exchange:import", args=[batch.pk]), {"mode": "all"})
    assert "该批次当前不能导入" in page_of(clerk, batch, refused)
    assert not Event.objects.filter(title__startswith="页面好").exists()

    clerk.post(reverse("exchange:import", args=[batch.pk]), {"mode": "valid"})

    assert list(Event.objects.filter(title__startswith="页面").values_list("title", flat=True)) == [
        "页面好座谈"
    ]
    rejected = clerk.get(reverse("exchange:rejected", args=[batch.pk]))
    rows = list(load_workbook(io.BytesIO(b"".join(rejected.streaming_content))).active.values)
    assert [row[2] for row in rows[1:]] == ["页面倒序座谈", "页面坏类型"]
    assert "结束日期不能早于开始日期" in rows[1][-1] and "年会" in rows[2][-1]


def test_an_auditor_reads_the_page_but_uploads_nothing(client, personas):
    client.force_login(personas.sichuan_auditor)

    index = client.get(reverse("exchange:index"))
    response = client.post(
        reverse("exchange:upload"),
        {"file": workbook(HEADER, [str(jiangyang()), "座谈", "页面审计座谈", "2022-05-01", ""])},
    )

    assert index.status_code == 200
    assert response.status_code == 403
    assert not ImportBatch.objects.filter(file_name__contains="活动").exists()
    assert not Posting.objects.filter(post="页面审计").exists()
