"""Text every output can carry: control and bidi characters are refused where text is
typed (forms, API, importer); text stored before that rule — every character class — goes
through every download (list exports xlsx/csv of each kind, the annual report and the
briefing as xlsx/docx/pdf, import templates) without a 500, formulas stay text, and a NUL
in any list filter is dropped, never a 500 (PostgreSQL refuses NUL in text)."""

from __future__ import annotations

import csv as csvlib
import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from test_api_support import Api

from pairaid.exchange import services as exchange
from pairaid.exchange.specs import IMPORTERS
from pairaid.ledger.models import (
    Agreement,
    Event,
    FundFlow,
    Pairing,
    Person,
    Posting,
    Project,
    Task,
)

CONTROL = "\x07\x1b"
C1 = "\x85\x9b"
BIDI = "\u202e\u2066"
EMOJI = "😀"
EXTENSION_B = "𠀀𪚥"
FORMULA = '=HYPERLINK("http://example.invalid","点我")'
# Every class at once, as text stored before the rule (NUL cannot be stored in PostgreSQL).
STORED = f"旧数据{CONTROL}{C1}{BIDI}{EMOJI}{EXTENSION_B}"
PREFIXES = ["=1+1", "+1", "-1", "@SUM(A1)", "\t制表", "\r回车"]

LISTS = ["projects", "funds", "persons", "postings", "agreements", "obligations", "events", "tasks"]
FILTERS = ["q", "year", "status", "sector", "kind", "source", "category", "pairing", "page"]


def demo(helper: str) -> Pairing:
    return Pairing.objects.get(helper_region__name=helper)


@pytest.fixture
def stored(db):
    """Demo records of 江阳区→盐源县 given hostile text the way old data would have it:
    written straight to the table, past today's checks."""
    pairing = demo("江阳区")
    # A project the annual report of 2022 lists (started, not finished before the year).
    listed = (
        Project.objects.filter(pairing=pairing, status__in=Project.STARTED)
        .exclude(end_date__lt=dt.date(2022, 1, 1))
        .order_by("pk")
        .first()
    )
    Project.objects.filter(pk=listed.pk).update(name=FORMULA, outcomes=STORED)
    others = Project.objects.filter(pairing=pairing).exclude(pk=listed.pk).order_by("pk")
    for project, prefix in zip(others, PREFIXES, strict=False):
        Project.objects.filter(pk=project.pk).update(name=prefix + STORED)
    FundFlow.objects.filter(pk=FundFlow.objects.filter(pairing=pairing).first().pk).update(
        note=STORED, voucher=FORMULA
    )
    posting = Posting.objects.filter(pairing=pairing).first()
    Posting.objects.filter(pk=posting.pk).update(post=STORED)
    Person.objects.filter(pk=posting.person_id).update(name="=1+1" + STORED)
    for model, name in ((Agreement, "title"), (Event, "title"), (Task, "title")):
        record = model.objects.filter(pairing=pairing).first()
        if record is not None:
            model.objects.filter(pk=record.pk).update(**{name: FORMULA + STORED})
    Pairing.objects.filter(pk=pairing.pk).update(name="江阳区" + STORED + "→盐源县")
    return Pairing.objects.get(pk=pairing.pk)


def no_formulas(workbook_bytes: bytes) -> list[str]:
    """Every text cell of a workbook; fails on any cell that would run as a formula."""
    workbook = load_workbook(io.BytesIO(workbook_bytes))
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    return texts


def body(response) -> bytes:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return response.content


# --- refused where typed --------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["\x07", "\x1b[31m", "\x85", "\u202e", "\u2066", "\x00"])
def test_it_refuses_control_characters_through_the_api(personas, bad):
    pairing = demo("江阳区")
    response = Api.as_user(personas.jiangyang).post(
        "/projects/",
        {
            "pairing_id": pairing.pk,
            "code": "CTRL-1",
            "name": f"坏{bad}名",
            "sector": "industry",
            "mode": "capacity_building",
            "planned_budget": "100.00",
        },
    )
    assert response.status_code in (400, 422), response.content
    message = response.content.decode()
    assert "控制" in message or "空字符" in message  # NUL: the API's own form check
    assert not Project.objects.filter(code="CTRL-1").exists()


def test_it_refuses_them_in_forms_and_keeps_line_breaks_where_text_has_lines(client, admin_user):
    client.force_login(admin_user)
    pairing = demo("江阳区")
    data = {
        "pairing": pairing.pk,
        "code": "CTRL-2",
        "name": "反向\u202e名称",
        "sector": "industry",
        "mode": "capacity_building",
        "planned_budget": "1000.00",
        "start_date": "2024-03-01",
        "status": "in_progress",
        "progress": "20",
        "beneficiary_households": "1",
        "beneficiary_persons": "1",
    }
    response = client.post("/projects/new/", data)
    assert response.status_code == 400 and "文字方向控制符" in response.content.decode()

    data.update(name="正常名称", outcomes="第一行\r\n第二行\t续")
    assert client.post("/projects/new/", data).status_code == 302
    assert Project.objects.get(code="CTRL-2").outcomes == "第一行\r\n第二行\t续"

    data.update(code="CTRL-3", outcomes="响铃\x07")
    response = client.post("/projects/new/", data)
    assert response.status_code == 400 and "U+0007" in response.content.decode()


def test_it_refuses_them_in_an_imported_row(db, tmp_path):
    pairing = demo("江阳区")
    path = tmp_path / "projects.csv"
    path.write_text(
        "结对关系,项目编号,项目名称,领域,帮扶方式\n"
        f"{pairing},CTRL-4,带\x1b转义,产业,造血\n"
        f"{pairing},CTRL-5,正常,产业,造血\n",
        encoding="utf-8",
    )
    report = exchange.check_file(path)
    assert report.rejected == 1 and report.added == 1
    (error,) = report.errors
    assert error.row == 2 and error.column == "项目名称" and "U+001B" in error.message


# --- carried by every output ----------------------------------------------------------------


@pytest.mark.parametrize("kind", list(IMPORTERS))
def test_it_exports_every_kind_with_stored_hostile_text(client, personas, stored, kind):
    client.force_login(personas.admin)
    url = reverse("exchange:export", args=[kind])
    xlsx = client.get(url, {"format": "xlsx", "pairing": stored.pk})
    assert xlsx.status_code == 200
    data = body(xlsx)
    texts = no_formulas(data)
    if load_workbook(io.BytesIO(data)).active.max_row > 1:  # the pairing has such records
        assert any(EMOJI in text and EXTENSION_B in text for text in texts)
    assert not any(CONTROL[0] in text for text in texts)

    csv = client.get(url, {"format": "csv", "pairing": stored.pk})
    assert csv.status_code == 200
    rows = list(csvlib.reader(io.StringIO(body(csv).decode("utf-8-sig"))))
    ours = [field for row in rows[1:] for field in row if "HYPERLINK" in field or "旧数据" in field]
    assert ours or len(rows) == 1
    for field in ours:
        assert not field.startswith(("=", "+", "-", "@", "\t", "\r")), field


def test_it_writes_import_templates_with_hostile_option_names(client, personas, stored):
    client.force_login(personas.admin)
    response = client.get(reverse("exchange:template", args=["projects"]))
    assert response.status_code == 200
    no_formulas(body(response))


@pytest.mark.parametrize(
    ("helper", "kind", "fmt"),
    [
        ("江阳区", "annual", "xlsx"),
        ("江阳区", "annual", "docx"),
        ("江阳区", "annual", "pdf"),
        ("江阳区", "briefing", "docx"),
        ("泸州市", "annual", "xlsx"),
        ("泸州市", "annual", "docx"),
        ("泸州市", "briefing", "xlsx"),
    ],
)
def test_it_writes_reports_with_stored_hostile_text(client, personas, stored, helper, kind, fmt):
    client.force_login(personas.admin)
    pairing = stored if helper == "江阳区" else demo(helper)
    response = client.get(
        reverse("reports:download"),
        {
            "kind": kind,
            "pairing": str(pairing.pk),
            "year": "2022",
            "as_of": "2022-12-04",
            "style": "exact",
            "person_rule": "persons",
            "format": fmt,
        },
    )
    assert response.status_code == 200, response.content[:300]
    if fmt == "xlsx":
        texts = no_formulas(response.content)
        if kind == "annual":
            # The project named like a formula is there, as the text it is.
            assert FORMULA in texts or "'" + FORMULA in texts
        assert not any(CONTROL[0] in text for text in texts)
    elif fmt == "docx":
        document = Document(io.BytesIO(response.content))
        text = "\n".join(p.text for p in document.paragraphs)
        assert CONTROL[0] not in text
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            assert archive.testzip() is None
    else:
        assert response.content.startswith(b"%PDF")


# --- NUL in filters -------------------------------------------------------------------------


@pytest.mark.parametrize("name", LISTS)
def test_it_drops_nul_from_every_list_filter(client, personas, name):
    client.force_login(personas.jiangyang)
    url = reverse(f"web:{name}")
    for parameter in FILTERS:
        response = client.get(url, {parameter: "\x00江阳\x00"})
        assert response.status_code in (200, 400), (parameter, response.status_code)
    kind = {"obligations": None}.get(name, name)
    if kind in IMPORTERS:
        export = client.get(
            reverse("exchange:export", args=[kind]), {"q": "\x00", "format": "csv", "year": "\x00"}
        )
        assert export.status_code == 200


def test_it_drops_nul_from_api_filters(personas):
    client = Api.as_user(personas.jiangyang, "read")
    for path in ("/projects/", "/fund-flows/", "/persons/", "/agreements/"):
        response = client.get(path, q="\x00", year="\x00")
        assert response.status_code in (200, 400, 404, 422), (path, response.status_code)
