"""One scope rule for child pairings, on every surface.

A coordinating pairing's figures include its children — but only the children the user
sees (`ledger.access.figure_scope`). A coordinator over the city of a 市→州 pairing and one
of its two district pairings gets, through the API, each report format, frozen briefings,
the bulletin check (page and command) and `pairaid summary --user`, figures of the city's
own work and the one district it sees: never the hidden district's amount or name. An
outsider gets "not found" everywhere.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from builders import Builder
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader
from shared_records import for_the_module
from test_api_support import Api

from pairaid.accounts.models import RoleAssignment
from pairaid.bulletin.models import SourceDocument
from pairaid.ledger import access, services
from pairaid.ledger.models import Pairing
from pairaid.ledger.money import format_wan
from pairaid.reports.models import FrozenBriefing

AS_OF = dt.date(2022, 12, 4)
HIDDEN_NAME = "暗河区"
# The hidden district's money, a sum for each year, and how it looks printed (元, 万元).
HIDDEN_AMOUNTS = (Decimal("7777777.77"), Decimal("8888888.88"))
HIDDEN_TEXTS = ("7777777.77", "7,777,777.77", "777.78", "8888888.88", "8,888,888.88", "888.89")


def make_tree() -> SimpleNamespace:
    """甲城市→乙山州 with 明水区→明水县 (seen) and 暗河区→暗河县 (hidden) below it; the
    coordinator `scoped` sees the city pairing and 明水区's only."""
    build = Builder()
    django_user_model = get_user_model()
    parent = build.pairing("甲城市", "乙山州", valid_from=dt.date(2020, 1, 1))
    seen = build.pairing("明水区", "明水县", parent=parent, valid_from=dt.date(2020, 1, 1))
    hidden = build.pairing(HIDDEN_NAME, "暗河县", parent=parent, valid_from=dt.date(2020, 1, 1))
    flows = {
        parent: [
            build.flow(parent, "1234567.89", year=2021),
            build.flow(parent, "200000.00", year=2022, day=dt.date(2022, 5, 1)),
        ],
        seen: [
            build.flow(seen, "2345678.91", year=2021),
            build.flow(seen, "100000.00", year=2022, day=dt.date(2022, 3, 1)),
        ],
        hidden: [
            build.flow(hidden, str(HIDDEN_AMOUNTS[0]), year=2021),
            build.flow(hidden, str(HIDDEN_AMOUNTS[1]), year=2022, day=dt.date(2022, 4, 1)),
        ],
    }
    for pairing in (parent, seen, hidden):
        build.project(pairing, name=f"{pairing.helper_name}示范项目")
        person = build.person(name=f"{pairing.helper_name}干部")
        build.posting(person, pairing, dt.date(2021, 4, 1), post="挂职副县长")
    scoped = django_user_model.objects.create_user("scoped", password="pass-scoped")
    for region in (parent.helper_region, seen.helper_region):
        RoleAssignment.objects.create(user=scoped, role="coordinator", region=region)
    outsider = django_user_model.objects.create_user("nobody", password="pass-nobody")
    visible_total = sum(
        (flow.amount for pairing in (parent, seen) for flow in flows[pairing]), Decimal("0.00")
    )
    return SimpleNamespace(
        parent=parent,
        seen=seen,
        hidden=hidden,
        scoped=scoped,
        outsider=outsider,
        visible_total=visible_total,
        whole_total=visible_total + sum(HIDDEN_AMOUNTS),
    )


@pytest.fixture(scope="module")
def module_tree(django_db_setup, django_db_blocker):
    """The tree, made once for the module: its tests read it, and what they write is undone
    after each."""
    yield from for_the_module(django_db_blocker, make_tree)


@pytest.fixture
def tree(db, module_tree):
    return module_tree


def assert_hidden_absent(text: str) -> None:
    assert HIDDEN_NAME not in text
    for shown in HIDDEN_TEXTS:
        assert shown not in text


# --- the rule -------------------------------------------------------------------------------


def test_it_covers_the_pairing_and_only_the_children_the_user_sees(tree, personas):
    assert access.figure_scope(tree.scoped, tree.parent) == (tree.parent.pk, tree.seen.pk)
    assert set(access.figure_scope(personas.admin, tree.parent)) == {
        tree.parent.pk,
        tree.seen.pk,
        tree.hidden.pk,
    }
    assert set(access.figure_scope(None, tree.parent)) == {
        tree.parent.pk,
        tree.seen.pk,
        tree.hidden.pk,
    }
    assert access.figure_scope(tree.scoped, tree.parent, children=False) == (tree.parent.pk,)
    assert set(access.pairings(tree.scoped)) == {tree.parent, tree.seen}
    assert not access.pairings(tree.scoped, access.EDIT).exists()
    assert not access.pairings(tree.outsider).exists()


def test_it_reaches_a_visible_grandchild_under_a_hidden_child(tree, build):
    below_hidden = build.pairing("明光镇", "明光村", parent=tree.hidden)
    RoleAssignment.objects.create(
        user=tree.scoped, role="viewer", region=below_hidden.helper_region
    )
    scoped = type(tree.scoped).objects.get(pk=tree.scoped.pk)  # grants are cached per object

    assert access.figure_scope(scoped, tree.parent) == (
        tree.parent.pk,
        tree.seen.pk,
        below_hidden.pk,
    )


def test_it_scopes_a_role_over_an_organisation_party_to_the_parent_only(build, django_user_model):
    office = build.organisation("丙市协作办公室", build.region("丙市"))
    parent = services.create_record(
        Pairing,
        acting_user=None,
        via="test",
        helper_organisation=office,
        recipient_region=build.region("丁州"),
        scheme=Pairing.Scheme.IN_PROVINCE,
        valid_from=dt.date(2020, 1, 1),
    )
    seen = build.pairing("丙东区", "丁东县", parent=parent)
    hidden = build.pairing("丙西区", "丁西县", parent=parent)
    amounts = {pairing: build.flow(pairing, "1000.00").amount for pairing in (parent, seen)}
    build.flow(hidden, str(HIDDEN_AMOUNTS[0]))
    user = django_user_model.objects.create_user("office", password="pass-office")
    RoleAssignment.objects.create(user=user, role="coordinator", organisation=office)
    RoleAssignment.objects.create(user=user, role="viewer", region=seen.helper_region)

    assert access.figure_scope(user, parent) == (parent.pk, seen.pk)
    body = Api.as_user(user, "read").get("/figures/", pairing=parent.pk).json()
    shown = {figure["key"]: figure for figure in body["figures"]}
    assert Decimal(shown["funds_transfer"]["value"]) == sum(amounts.values())
    assert "丙西区" not in json.dumps(body, ensure_ascii=False)


# --- the API --------------------------------------------------------------------------------


def test_it_answers_the_api_figures_without_the_hidden_child(tree):
    response = Api.as_user(tree.scoped, "read").get(
        "/figures/", pairing=tree.parent.pk, as_of=AS_OF.isoformat()
    )

    assert response.status_code == 200
    body = response.json()
    shown = {figure["key"]: figure for figure in body["figures"]}
    assert Decimal(shown["funds_transfer"]["value"]) == tree.visible_total
    assert shown["projects_implemented"]["value"] == 2
    assert shown["persons_dispatched_persons"]["value"] == 2
    assert body["window"]["pairing_ids"] == [tree.parent.pk, tree.seen.pk]
    assert_hidden_absent(response.content.decode())


def test_it_answers_the_operator_and_an_administrator_with_every_child(tree, personas):
    body = (
        Api.as_user(personas.admin, "read")
        .get("/figures/", pairing=tree.parent.pk, as_of=AS_OF.isoformat())
        .json()
    )
    shown = {figure["key"]: figure for figure in body["figures"]}
    assert Decimal(shown["funds_transfer"]["value"]) == tree.whole_total


def test_it_hides_the_hidden_child_and_everything_from_an_outsider_in_the_api(tree):
    scoped = Api.as_user(tree.scoped, "read")
    assert scoped.get("/figures/", pairing=tree.hidden.pk).status_code == 404
    outsider = Api.as_user(tree.outsider, "read")
    for pairing in (tree.parent, tree.seen, tree.hidden):
        assert outsider.get("/figures/", pairing=pairing.pk).status_code == 404


# --- the reports ----------------------------------------------------------------------------


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def xlsx_text(data: bytes) -> str:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    cells = []
    for sheet in workbook.worksheets:
        cells.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            cells.extend(str(value) for value in row if value is not None)
    return "\n".join(cells)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


READERS = {"docx": docx_text, "xlsx": xlsx_text, "pdf": pdf_text}


def download(client, pairing: Pairing, kind: str, chosen: str):
    return client.get(
        "/reports/download/",
        {
            "kind": kind,
            "pairing": str(pairing.pk),
            "year": "2022",
            "as_of": AS_OF.isoformat(),
            "style": "exact",
            "person_rule": "persons",
            "format": chosen,
        },
    )


@pytest.fixture(scope="module")
def documents() -> dict[tuple[str, str], bytes]:
    """The city pairing's reports as the scoped coordinator downloads them, each written once
    for the module (the tree does not change between its tests): by (kind, format)."""
    return {}


@pytest.fixture
def scoped_report(client, tree, documents):
    def report(kind: str, chosen: str) -> bytes:
        if (kind, chosen) not in documents:
            client.force_login(tree.scoped)
            response = download(client, tree.parent, kind, chosen)
            assert response.status_code == 200
            documents[kind, chosen] = response.content
        return documents[kind, chosen]

    return report


@pytest.mark.parametrize("chosen", ["docx", "xlsx", "pdf"])
@pytest.mark.parametrize("kind", ["briefing", "annual", "reconciliation"])
def test_it_writes_each_report_without_the_hidden_child(scoped_report, kind, chosen):
    content = scoped_report(kind, chosen)

    text = READERS[chosen](content)
    assert_hidden_absent(text)
    assert "明水区" in text


@pytest.mark.parametrize("chosen", ["docx", "pdf"])
def test_it_totals_the_briefing_over_the_visible_records(scoped_report, tree, chosen):
    text = READERS[chosen](scoped_report("briefing", chosen))

    assert f"甲城市累计投入各类帮扶资金{format_wan(tree.visible_total)}" in text
    assert format_wan(tree.whole_total) not in text


def test_it_totals_the_briefing_workbook_over_the_visible_records(scoped_report, tree):
    content = scoped_report("briefing", "xlsx")

    workbook = load_workbook(io.BytesIO(content), read_only=True)
    rows = list(workbook["口径"].iter_rows(values_only=True))
    city_funds = [row for row in rows if row[0] == "甲城市" and row[1] == "累计投入各类帮扶资金"]
    assert len(city_funds) == 1
    assert Decimal(str(city_funds[0][2])) == tree.visible_total


def test_it_refuses_reports_to_an_outsider_and_of_the_hidden_child(client, tree):
    client.force_login(tree.scoped)
    assert download(client, tree.hidden, "briefing", "docx").status_code == 404
    client.force_login(tree.outsider)
    for pairing in (tree.parent, tree.seen, tree.hidden):
        assert download(client, pairing, "annual", "xlsx").status_code == 404


def test_it_writes_the_operators_report_with_every_child(tree, tmp_path: Path):
    path = tmp_path / "briefing.docx"
    call_command(
        "report",
        "briefing",
        "--pairing",
        "甲城市",
        "--as-of",
        AS_OF.isoformat(),
        "-o",
        str(path),
        stdout=StringIO(),
    )
    text = docx_text(path.read_bytes())
    assert HIDDEN_NAME in text and format_wan(tree.whole_total) in text


# --- frozen briefings -----------------------------------------------------------------------


def freeze_on_the_page(client, pairing: Pairing) -> FrozenBriefing:
    response = client.post(
        "/reports/briefings/freeze/",
        {
            "pairing": str(pairing.pk),
            "year": "2022",
            "as_of": AS_OF.isoformat(),
            "style": "exact",
            "person_rule": "persons",
            "note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return FrozenBriefing.objects.latest("created_at", "id")


def test_it_freezes_and_compares_a_briefing_without_the_hidden_child(client, tree):
    client.force_login(tree.scoped)

    frozen = freeze_on_the_page(client, tree.parent)

    assert_hidden_absent(frozen.text + json.dumps(frozen.figures, ensure_ascii=False))
    assert format_wan(tree.visible_total) in frozen.text
    page = client.get(f"/reports/briefings/{frozen.pk}/")
    assert page.status_code == 200
    assert_hidden_absent(page.content.decode())
    assert "无变化" in page.content.decode()
    for chosen, read in READERS.items():
        response = client.get(f"/reports/briefings/{frozen.pk}/", {"format": chosen})
        assert response.status_code == 200
        assert_hidden_absent(read(response.content))


def test_it_keeps_a_briefing_frozen_over_every_child_from_the_scoped_user(client, tree):
    call_command(
        "freeze_briefing", "--pairing", "甲城市", "--as-of", AS_OF.isoformat(), stdout=StringIO()
    )
    frozen = FrozenBriefing.objects.latest("created_at", "id")
    assert HIDDEN_NAME in frozen.text  # the operator's briefing counts every child

    client.force_login(tree.scoped)
    assert client.get(f"/reports/briefings/{frozen.pk}/").status_code == 404
    assert client.get(f"/reports/briefings/{frozen.pk}/", {"format": "pdf"}).status_code == 404
    index = client.get("/reports/").content.decode()
    assert f"/reports/briefings/{frozen.pk}/" not in index
    client.force_login(tree.outsider)
    assert client.get(f"/reports/briefings/{frozen.pk}/").status_code == 404


def test_it_freezes_on_the_command_line_as_the_user_would_see_it(tree):
    call_command(
        "freeze_briefing",
        "--pairing",
        "甲城市",
        "--as-of",
        AS_OF.isoformat(),
        "--user",
        "scoped",
        stdout=StringIO(),
    )
    frozen = FrozenBriefing.objects.latest("created_at", "id")
    assert frozen.created_by == tree.scoped
    assert_hidden_absent(frozen.text + json.dumps(frozen.figures, ensure_ascii=False))
    with pytest.raises(CommandError, match="找不到结对关系"):
        call_command("freeze_briefing", "--pairing", "甲城市", "--user", "nobody")


# --- the bulletin check ---------------------------------------------------------------------

BULLETIN = "甲城市累计投入各类帮扶资金{amount}，实施帮扶项目2个，选派干部人才2人。"


def bulletin_text(tree) -> str:
    return BULLETIN.format(amount=format_wan(tree.visible_total))


def test_it_checks_a_text_on_the_page_against_the_visible_records(client, tree):
    client.force_login(tree.scoped)

    response = client.post(
        "/bulletin/", {"text": bulletin_text(tree), "source": "测试", "as_of": AS_OF.isoformat()}
    )

    assert response.status_code == 302
    document = SourceDocument.objects.get(created_by=tree.scoped)
    claims = {claim.metric: claim for claim in document.claims.all()}
    assert claims["funds"].ledger_value == tree.visible_total
    assert {claim.verdict for claim in claims.values()} == {"agrees"}
    page = client.get(response["Location"]).content.decode()
    assert_hidden_absent(page)


def test_it_answers_an_outsider_on_the_page_with_nothing_to_check_against(client, tree):
    client.force_login(tree.outsider)

    client.post("/bulletin/", {"text": bulletin_text(tree), "as_of": AS_OF.isoformat()})

    document = SourceDocument.objects.get(created_by=tree.outsider)
    claims = list(document.claims.all())
    assert claims and {claim.verdict for claim in claims} == {"unknown"}
    assert all(claim.ledger_value is None for claim in claims)
    client.force_login(tree.scoped)
    assert client.get(f"/bulletin/documents/{document.pk}/").status_code == 404


def check_bulletin(tmp_path: Path, text: str, *args: str) -> dict:
    path = tmp_path / "bulletin.txt"
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command(
        "check_bulletin", str(path), "--as-of", AS_OF.isoformat(), "--json", *args, stdout=out
    )
    return json.loads(out.getvalue())


def test_it_checks_a_text_on_the_command_line_as_the_user_would(tree, tmp_path: Path):
    text = bulletin_text(tree)

    scoped = check_bulletin(tmp_path, text, "--user", "scoped")
    operator = check_bulletin(tmp_path, text)
    outsider = check_bulletin(tmp_path, text, "--user", "nobody")

    funds = next(claim for claim in scoped["claims"] if claim["metric"] == "funds")
    assert Decimal(str(funds["ledger_value"])) == tree.visible_total
    assert scoped["counts"]["agrees"] == len(scoped["claims"])
    assert_hidden_absent(json.dumps(scoped, ensure_ascii=False))
    funds = next(claim for claim in operator["claims"] if claim["metric"] == "funds")
    assert Decimal(str(funds["ledger_value"])) == tree.whole_total
    assert outsider["counts"]["unknown"] == len(outsider["claims"])
    assert all(claim["ledger_value"] is None for claim in outsider["claims"])
    with pytest.raises(CommandError, match="没有用户"):
        check_bulletin(tmp_path, text, "--user", "no-such-user")


# --- pairaid summary ------------------------------------------------------------------------


def summary(*args: str) -> str:
    out = StringIO()
    call_command("summary", "--as-of", AS_OF.isoformat(), *args, stdout=out)
    return out.getvalue()


def test_it_summarises_as_the_user_would_see_it(tree):
    text = summary("--pairing", "甲城市", "--user", "scoped")

    assert text.splitlines()[0].startswith(
        f"甲城市累计投入各类帮扶资金{format_wan(tree.visible_total)}，实施帮扶项目2个，"
        "选派干部人才2人"
    )
    assert_hidden_absent(text)
    everything = summary("--user", "scoped")
    assert_hidden_absent(everything)
    assert "明水区累计投入各类帮扶资金" in everything
    payload = json.loads(summary("--pairing", "甲城市", "--user", "scoped", "--json"))
    (city,) = payload["pairings"]
    assert Decimal(city["figures"][0]["value"]) == tree.visible_total


def test_it_summarises_every_child_for_the_operator(tree):
    line = summary("--pairing", "甲城市").splitlines()[0]
    assert line.startswith(f"甲城市累计投入各类帮扶资金{format_wan(tree.whole_total)}")


def test_it_finds_nothing_for_an_outsider_or_the_hidden_child(tree):
    with pytest.raises(CommandError, match="找不到结对关系"):
        summary("--pairing", "甲城市", "--user", "nobody")
    with pytest.raises(CommandError, match="找不到结对关系"):
        summary("--pairing", HIDDEN_NAME, "--user", "scoped")
    with pytest.raises(CommandError, match="没有可见的结对关系"):
        summary("--user", "nobody")
    with pytest.raises(CommandError, match="没有用户"):
        summary("--user", "no-such-user")


# --- the web dashboard (the rule it had, now from ledger/access.py) ---------------------------


def test_it_shows_the_dashboard_without_the_hidden_child(client, tree):
    client.force_login(tree.scoped)

    response = client.get(f"/pairings/{tree.parent.pk}/", {"as_of": AS_OF.isoformat()})

    assert response.status_code == 200
    page = response.content.decode()
    assert_hidden_absent(page)
    assert format_wan(tree.visible_total).removesuffix("万元") in page
    client.force_login(tree.outsider)
    assert client.get(f"/pairings/{tree.parent.pk}/").status_code == 404
