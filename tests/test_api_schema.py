"""The served OpenAPI document, the docs page, and schemathesis against every operation.

Schemathesis reads /api/v1/openapi.json from the running WSGI application (in-process, no
server), generates requests for every operation — valid ones and, in its negative mode,
invalid ones — and sends them with a read-write token over the demo data. No answer may
be a server error, and every answer must match the document.

The run is bounded and repeatable (derandomized, a few examples per operation) so that it
takes seconds. To explore further, raise the examples and add schemathesis's coverage phase
(every boundary and every kind of invalid value the document allows; a few minutes):

    PAIRAID_SCHEMATHESIS_EXAMPLES=100 PAIRAID_SCHEMATHESIS_PHASES=examples,coverage,fuzzing \
        .venv/bin/pytest tests/test_api_schema.py

Everything a run writes is undone with the test's transaction."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance
from test_api_support import Api, token_for

from pairaid.wsgi import application

EXAMPLES = int(os.environ.get("PAIRAID_SCHEMATHESIS_EXAMPLES", "10"))
PHASES = os.environ.get("PAIRAID_SCHEMATHESIS_PHASES", "examples,fuzzing").split(",")

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
schema.config.phases.update(phases=PHASES)


@pytest.fixture
def write_token(db, admin_user):
    """A write token, and requests that stay inside the test's transaction: Django's own
    test client keeps the connection open between requests; a bare WSGI call would close it
    (and with it the transaction that undoes the test's writes) when the request ends."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield token_for(admin_user, "write")
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_it_answers_generated_requests_without_server_errors(case, write_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {write_token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )


def test_it_serves_an_openapi_3_document(db):
    response = Api().get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "pairaid 接口"
    assert set(document["components"]["securitySchemes"]) == {"TokenAuth", "LoggedInSession"}
    assert "/api/v1/figures/" in document["paths"]


def test_it_serves_the_docs_page_from_this_server_alone(db):
    client = Api().client
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/api/v1/openapi.json" in html
    assert "http://" not in html and "https://" not in html  # no CDN
    for asset in ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js"):
        assert f"/api/docs-assets/{asset}" in html
        served = client.get(f"/api/docs-assets/{asset}")
        assert served.status_code == 200
        assert b"".join(served.streaming_content)
    assert client.get("/api/docs-assets/swagger-ui-bundle.js.map").status_code == 404
    assert client.get("/api/docs-assets/..%2Fsettings.py").status_code == 404


def test_it_documents_every_operation_in_chinese(db):
    document = Api().get("/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), f"{method.upper()} {path} has no summary"
            assert any("\u4e00" <= ch <= "\u9fff" for ch in operation["summary"])
