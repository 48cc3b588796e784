"""The OpenAPI document is pinned: generated clients and integrations read it, so a change to
a schema's fields, bounds, enums, descriptions or operations must be deliberate.

`tests/openapi_v1.<vendor>.json` holds the document as served on each database (keys sorted:
only their order is free); they differ only in the bounds of integer fields, which Django takes
from the database (a 64-bit integer on SQLite, 32-bit on PostgreSQL). After a deliberate change
to the API, write both again and review the difference:

    PAIRAID_WRITE_OPENAPI=1 .venv/bin/pytest -q tests/test_api_openapi_document.py
    PAIRAID_WRITE_OPENAPI=1 PAIRAID_DATABASE_URL=postgres://… .venv/bin/pytest -q \
        tests/test_api_openapi_document.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.db import connection
from test_api_support import Api

from pairaid.ledger.models import FundFlow, Project

HERE = Path(__file__).parent


def canonical(document: object) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True)


def test_it_serves_the_pinned_openapi_document(db):
    pinned = HERE / f"openapi_v1.{connection.vendor}.json"
    served = canonical(Api().get("/openapi.json").json())
    if os.environ.get("PAIRAID_WRITE_OPENAPI") == "1":
        pinned.write_text(served, encoding="utf-8")
    assert served == pinned.read_text(encoding="utf-8")


def test_it_documents_each_choice_as_the_codes_of_its_model_field(db):
    """The typed field aliases (`Annotated[str, Choice(…)]`) keep each enum the model's."""
    schemas = Api().get("/openapi.json").json()["components"]["schemas"]
    assert schemas["ProjectIn"]["properties"]["sector"]["enum"] == list(Project.Sector.values)
    assert schemas["FundFlowIn"]["properties"]["kind"]["enum"] == list(FundFlow.Kind.values)
    assert "anyOf" not in schemas["ProjectPatch"]["properties"]["sector"]  # not "or null"
