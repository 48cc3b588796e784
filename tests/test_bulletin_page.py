"""The bulletin page: paste or upload a text, see each figure marked with its verdict."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pairaid.bulletin.models import Claim, SourceDocument
from pairaid.ledger.demo import FOUNDING_ARTICLE
from pairaid.ops.demo import FOUNDING_ARTICLE_SOURCE

SEED = FOUNDING_ARTICLE  # the founding article, kept in the repository
INDEX = "/bulletin/"


@pytest.fixture
def seed() -> str:
    return SEED.read_text(encoding="utf-8")


def checked_here():
    """The texts checked in the test: the demo keeps the founding article from the start."""
    return SourceDocument.objects.exclude(created_by=None, source=FOUNDING_ARTICLE_SOURCE)


def test_it_asks_for_a_login(client, db):
    response = client.get(INDEX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_it_has_the_founding_article_checked_out_of_the_box(client, personas, seed: str):
    """The demo keeps the article it reproduces as a checked text: an administrator (the
    demo's login) finds it on the page, every figure agreeing with the ledger."""
    document = SourceDocument.objects.get(created_by=None, source=FOUNDING_ARTICLE_SOURCE)
    assert document.raw_text == seed and document.published == document.as_of
    client.force_login(personas.admin)
    assert reverse("bulletin:document", args=[document.pk]) in client.get(INDEX).content.decode()
    page = client.get(reverse("bulletin:document", args=[document.pk])).content.decode()
    figures = document.claims.count()
    assert figures > 0 and page.count('class="agrees" title=') == figures


def test_it_shows_the_form(client, personas):
    client.force_login(personas.luzhou)
    response = client.get(INDEX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "核对公开文本中的数字" in body and 'name="text"' in body and 'name="file"' in body
    # the shared shell's own scripts only, served by pairaid itself
    assert all(src.startswith("/static/") for src in re.findall(r'<script src="([^"]+)"', body))
    assert "cdn" not in body.lower()


def test_it_checks_a_pasted_text_and_marks_each_figure(client, personas, seed: str):
    client.force_login(personas.luzhou)
    response = client.post(INDEX, {"text": seed, "source": "川南在线"})
    document = checked_here().get()
    assert response.status_code == 302
    assert response["Location"] == reverse("bulletin:document", args=[document.pk])
    assert document.created_by == personas.luzhou and document.source == "川南在线"
    assert document.title.startswith("杨林兴率队赴凉山州对接调研泸州市对口帮扶工作")

    page = client.get(response["Location"]).content.decode()
    assert page.count('<mark id="t') == 9  # one mark per figure in the text
    assert page.count('class="agrees" title=') == 9
    assert '<a href="#c1">14654.73万元</a>' in page
    assert "9500余万元" in page and "相符" in page
    assert 'class="repair"' in page and "〓" in page  # the unrecoverable scar is visible
    assert "原文 SHA-256" in page and document.sha256 in page


def test_it_reads_an_uploaded_gbk_file(client, personas):
    client.force_login(personas.luzhou)
    text = "发布时间：2022-12-04\n龙马潭区累计投入各类帮扶资金9600余万元。"
    upload = SimpleUploadedFile("briefing.txt", text.encode("gb18030"), "text/plain")
    response = client.post(INDEX, {"file": upload})
    document = checked_here().get()
    assert response.status_code == 302 and document.source == "briefing.txt"
    (claim,) = document.claims.all()
    assert claim.verdict == Claim.Verdict.DISAGREES
    page = client.get(response["Location"]).content.decode()
    assert 'class="disagrees"' in page and "不符" in page and "相差" in page


def test_it_only_answers_from_pairings_the_user_may_see(client, personas, seed: str):
    client.force_login(personas.jiangyang)
    client.post(INDEX, {"text": seed})
    verdicts = dict(checked_here().get().claims.values_list("quote", "verdict"))
    assert verdicts["14654.73万元"] == "agrees"
    assert verdicts["9500余万元"] == "unknown"


def test_it_refuses_an_empty_form(client, personas):
    client.force_login(personas.luzhou)
    response = client.post(INDEX, {"text": "  "})
    assert response.status_code == 200
    assert "请粘贴文本或上传文件" in response.content.decode()
    assert not checked_here().exists()


def test_a_check_is_seen_only_by_its_author(client, personas, seed: str):
    client.force_login(personas.luzhou)
    client.post(INDEX, {"text": seed})
    url = reverse("bulletin:document", args=[checked_here().get().pk])
    assert "杨林兴率队赴凉山州" in client.get(INDEX).content.decode()  # listed for its author

    client.force_login(personas.jiangyang)
    assert client.get(url).status_code == 404
    assert url not in client.get(INDEX).content.decode()

    client.force_login(personas.admin)
    assert client.get(url).status_code == 200


def test_the_result_page_reads_a_constant_number_of_queries(
    client, personas, seed: str, django_assert_max_num_queries
):
    client.force_login(personas.luzhou)
    client.post(INDEX, {"text": seed})
    url = reverse("bulletin:document", args=[checked_here().get().pk])
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200


def test_it_shows_why_a_figure_without_its_digits_is_uncertain(client, personas):
    client.force_login(personas.luzhou)
    client.post(INDEX, {"text": "江阳区向盐源县投入帮扶资金超过百万元。", "source": "测试"})
    document = checked_here().get()
    claim = document.claims.get()
    assert claim.uncertain and "数量级" in claim.why_uncertain
    page = client.get(reverse("bulletin:document", args=[document.pk])).content.decode()
    assert claim.why_uncertain in page
