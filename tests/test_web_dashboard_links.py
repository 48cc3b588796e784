"""The dashboards' links, followed as each office would: every link the overview and a
pairing's page show a user opens for that user (never a 403, a 404 or a server error), the
figures' links open lists whose records are all in the user's view, and a page never links
a user to a form it would refuse them."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from pairaid.ledger.models import Pairing

SKIPPED = ("/logout/", "/static/", "/i18n/", "/api/", "/admin/", "/favicon")
PERSONAS = ("jiangyang", "luzhou")  # the viewer sees what 泸州市 sees, with fewer doors
FORMS = ("/new/", "/edit/")


def links(body: str) -> list[str]:
    """Each internal page linked, once per path (the first of its query strings)."""
    seen: dict[str, str] = {}
    for href in re.findall(r'href="(/[^"#]*)"', body):
        href = href.replace("&amp;", "&")
        path = urlsplit(href).path
        if path.startswith(SKIPPED) or "export=" in href:
            continue
        seen.setdefault(path, href)
    return list(seen.values())


def home_pairing(name: str) -> Pairing:
    helpers = {"jiangyang": "江阳区", "yanyuan": "江阳区", "luzhou": "泸州市", "viewer": "泸州市"}
    return Pairing.objects.get(helper_region__name=helpers[name], is_demo=True)


@pytest.mark.parametrize("name", PERSONAS)
def test_it_opens_every_link_of_the_dashboards_for_the_user_who_sees_them(client, personas, name):
    client.force_login(getattr(personas, name))
    pages = ("/", f"/pairings/{home_pairing(name).pk}/")
    found: list[str] = []
    for page in pages:
        response = client.get(page, follow=True)  # one pairing in view: the overview is it
        assert response.status_code == 200, page
        found += [href for href in links(response.content.decode()) if href not in found]

    broken = {}
    for href in found:
        status = client.get(href, follow=True).status_code  # the overview may go to a pairing
        if status != 200:
            broken[href] = status
    assert not broken, broken


@pytest.mark.parametrize("name", ["yanyuan", "viewer", "sichuan_auditor"])
def test_it_links_no_one_to_a_form_they_may_not_use(client, personas, name):
    client.force_login(getattr(personas, name))
    pairing = home_pairing("jiangyang")
    shown: list[str] = []
    for page in ("/", f"/pairings/{pairing.pk}/", "/projects/", "/funds/", "/tasks/"):
        body = client.get(page, follow=True).content.decode()
        shown += [h for h in links(body) if h.endswith(FORMS)]

    refused = {href: client.get(href).status_code for href in set(shown)}
    assert all(status == 200 for status in refused.values()), refused


def count_of(body: str) -> int | None:
    found = re.search(r'data-count="(\d+)"', body)
    return int(found[1]) if found else None


@pytest.mark.parametrize("name", ["jiangyang", "luzhou"])
def test_it_opens_the_figures_lists_on_records_in_view(client, personas, name):
    """A figure's link opens its records: as many as the list says, and every one of them a
    record the user may open."""
    client.force_login(getattr(personas, name))
    body = client.get(f"/pairings/{home_pairing(name).pk}/").content.decode()
    drills = [h for h in links(body) if "figure=" in h or "drill" in h][:6]

    for href in drills:
        listed = client.get(href)
        assert listed.status_code == 200, href
        page = listed.content.decode()
        if count_of(page) is None:
            continue
        table = page[page.index("<tbody>") : page.index("</tbody>")] if "<tbody>" in page else ""
        records = sorted(
            set(re.findall(r'href="(/(?:projects|funds|people|postings)/\d+/)"', table))
        )
        for record in records[:5]:
            assert client.get(record).status_code == 200, (href, record)


def test_it_answers_404_for_the_dashboard_of_a_pairing_out_of_view(client, personas):
    client.force_login(personas.jiangyang)
    longmatan = Pairing.objects.get(helper_region__name="龙马潭区", is_demo=True)

    assert client.get(f"/pairings/{longmatan.pk}/").status_code == 404
    overview = client.get("/", follow=True).content.decode()
    assert f"/pairings/{longmatan.pk}/" not in overview
    assert "龙马潭区→普格县" not in overview


def test_it_sends_a_stranger_from_a_dashboard_to_log_in(client, db):
    pairing = Pairing.objects.filter(is_demo=True).first()
    for url in ("/", f"/pairings/{pairing.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")
