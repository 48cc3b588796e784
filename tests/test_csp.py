"""The Content-Security-Policy header, and pages that need nothing it forbids: no inline
script, no event-handler attribute, no style attribute or element."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from pairaid.ledger.models import Project
from pairaid.web.middleware import CONTENT_SECURITY_POLICY

INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    re.compile(r"\son[a-z]+\s*=", re.I),
    re.compile(r"\sstyle\s*=", re.I),
    re.compile(r"<style", re.I),
]


def directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.fixture
def office(personas):
    client = Client()
    client.force_login(personas.admin)
    return client


def test_it_sends_the_policy_on_every_page(client, db):
    response = client.get("/login/")
    policy = directives(response["Content-Security-Policy"])

    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY
    assert not any(pattern.search(response.content.decode()) for pattern in INLINE)


def test_it_sends_the_policy_with_api_answers(client, db):
    assert "Content-Security-Policy" in client.get("/api/v1/openapi.json")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/projects/",
        "/funds/",
        "/people/",
        "/agreements/",
        "/tasks/",
        "/reports/",
        "/exchange/",
        "/bulletin/",
        "/audit/",
        "/api/tokens/",
        "/api/v1/docs",
    ],
)
def test_the_pages_need_no_inline_script_or_style(office, path):
    response = office.get(path)

    assert response.status_code == 200, path
    html = response.content.decode()
    for pattern in INLINE:
        assert not pattern.search(html), (path, pattern.search(html).group(0))


def test_a_project_page_sizes_its_progress_bar_without_a_style_attribute(office):
    project = Project.objects.filter(progress__gt=0).first()

    html = office.get(f"/projects/{project.pk}/").content.decode()

    assert f'data-width="{project.progress}"' in html
    assert " style=" not in html
