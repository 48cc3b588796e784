"""The shell every page shares, through HTTP: one base template with the menu, search box and
language switch (the text check, import and report pages included), the favicon, the print
stylesheet, the footer hint only where figures are, overdue rows marked in words, destructive
buttons that ask first, and list filters that do not put every pairing into the page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from pairaid.ledger import services
from pairaid.ledger.models import Pairing, Task
from pairaid.web.forms import choosers

HINT = "每个数字都可点击"


@pytest.mark.parametrize("path", ["/", "/projects/", "/bulletin/", "/exchange/", "/reports/"])
def test_it_draws_every_page_in_the_same_shell(admin_client, path):
    page = admin_client.get(path, follow=True).content.decode()
    assert '<nav class="main"' in page
    assert "data-lang-switch" in page
    assert 'action="/search/"' in page
    assert 'rel="icon"' in page
    assert 'media="print"' in page


def test_it_serves_a_favicon(client):
    answer = client.get("/favicon.ico")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "image/x-icon"
    assert answer.content[:4] == b"\x00\x00\x01\x00"  # an ICO file's header


@pytest.mark.parametrize(
    ("path", "shown"),
    [("/projects/", True), ("/inbox/", False), ("/search/?q=a", False), ("/bulletin/", False)],
)
def test_it_shows_the_footer_hint_only_where_figures_are(admin_client, path, shown):
    assert (HINT in admin_client.get(path).content.decode()) is shown


def test_it_marks_an_overdue_task_in_words(admin_client, build):
    pairing = build.pairing("逾期甲区", "逾期乙县")
    services.create_record(
        Task,
        acting_user=None,
        via="test",
        pairing=pairing,
        title="逾期标记事项",
        due_date=timezone.localdate() - dt.timedelta(days=2),
    )
    page = admin_client.get("/tasks/", {"pairing": pairing.pk}).content.decode()
    row = re.search(r'<tr class="overdue">(.*?)</tr>', page, re.S)
    assert row is not None
    assert '<span class="tag warn">逾期</span>' in row[1]


def test_it_asks_before_reversing_money(admin_client, build):
    pairing = build.pairing("冲销甲区", "冲销乙县")
    flow = build.flow(pairing, "100.00")
    page = admin_client.get(f"/funds/{flow.pk}/").content.decode()
    assert re.search(r'<button type="submit" class="danger" data-confirm="[^"]+">', page)


def test_it_keeps_the_pairing_filter_short_and_searchable(admin_client, build):
    for i in range(choosers.SHOWN + 3):
        build.pairing(f"选择甲区{i}", f"选择乙县{i}")
    last = Pairing.objects.order_by("-valid_from", "-id").first()
    page = admin_client.get("/projects/", {"pairing": last.pk}).content.decode()
    select = re.search(r'<select name="pairing"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None
    assert 'data-chooser="pairing"' in page
    options = re.findall(r"<option", select[1])
    assert len(options) <= choosers.SHOWN + 2  # the empty choice, the chosen one, the first few
    assert f'value="{last.pk}" selected' in select[1]
    assert Pairing.objects.count() > len(options)


def test_it_lets_the_record_forms_long_selects_search_as_one_types(admin_client):
    page = admin_client.get("/projects/new/").content.decode()
    for name, kind in [
        ("pairing", "pairing"),
        ("location", "region"),
        ("implementing_organisation", "organisation"),
    ]:
        select = re.search(rf'<select name="{name}"[^>]*>', page)
        assert select is not None, name
        assert f'data-chooser="{kind}"' in select[0]
        assert 'data-chooser-url="/search/choices/"' in select[0]
    # without JavaScript the plain select still offers every choice
    assert page.count("<option") > choosers.SHOWN
