"""The authorization matrix of the pages: every URL pattern of the project (but those in
EXCLUDED, each with its reason), as every persona, and the designed answer.

| answer | meaning                                                            |
|--------|--------------------------------------------------------------------|
| 200    | the page (or a download)                                           |
| 302    | a POST that did its work, or refused it with a message, and went on |
| LOGIN  | redirect to the login page (anonymous)                             |
| 400    | a form page shown again with its errors                            |
| 403    | the record is in view but the user may not do that                 |
| 404    | the record is outside the user's scope (as if it did not exist)    |

Parameters are concrete demo records of 龙马潭区→普格县 (`World`), so that 江阳区's and
盐源县's editors, the outsider (no role) and — for records that belong to a user — other
users get 404. A URL pattern without a row, or a row without a pattern, fails
`test_it_has_a_row_for_every_url`. GET is asked; a POST-only view is asked with an empty
POST (the answer to a real POST is in the persona tests).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import shared_clients
from declared_records import make
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from evidence_files import png
from shared_records import for_the_module, make_personas

from pairaid.ledger import record_types, services
from pairaid.ledger.models import (
    Agreement,
    AgreementParty,
    Event,
    EventParticipant,
    FundFlow,
    Obligation,
    Organisation,
    Pairing,
    Posting,
    Project,
    Task,
)

LOGIN = "login"
PERSONAS = (
    "anonymous",
    "outsider",
    "viewer",
    "jiangyang",
    "longmatan",
    "yanyuan",
    "puge",
    "luzhou",
    "sichuan_auditor",
    "admin",
)

# URL prefixes not walked here, and why.
EXCLUDED = {
    "admin/": "Django's admin: staff only, its own tests (test_admin.py)",
    "api/v1/": "the JSON API: its own matrix (test_api_matrix.py)",
    "api/docs-assets/": "static files of the API docs, public by design (test_api_schema.py)",
    "i18n/": "Django's language switch (set_language), no data; test_web_auth.py",
}


class World:
    """Records of 龙马潭区→普格县 the URLs are filled with (demo records, plus a few made
    here through the services where the demo has none)."""

    def __init__(self, personas: Any) -> None:
        self.pairing = Pairing.objects.get(helper_region__name="龙马潭区", parent__isnull=False)
        pairing = self.pairing
        self.project = Project.objects.filter(pairing=pairing).order_by("id").first()
        self.flow = (
            FundFlow.objects.filter(pairing=pairing, reverses__isnull=True, reversed_by=None)
            .order_by("id")
            .first()
        )
        self.posting = Posting.objects.filter(pairing=pairing).order_by("id").first()
        self.person = self.posting.person

        def create(model: type, **fields: Any) -> Any:
            return services.create_record(model, acting_user=None, via="test", **fields)

        today = dt.date(2024, 5, 1)
        self.agreement = create(
            Agreement, pairing=pairing, title="矩阵协议", kind=Agreement.Kind.FRAMEWORK
        )
        organisation = Organisation.objects.filter(region=pairing.helper_region).first() or (
            Organisation.objects.order_by("id").first()
        )
        self.party = (
            create(
                AgreementParty,
                agreement=self.agreement,
                organisation=organisation,
                role=AgreementParty.Role.PARTY_A,
            )
            if organisation
            else None
        )
        self.obligation = create(Obligation, agreement=self.agreement, deliverable="履约")
        self.event = create(
            Event, pairing=pairing, kind=Event.Kind.VISIT, title="调研", start_date=today
        )
        self.participant = create(EventParticipant, event=self.event, name="参加人")
        self.task = create(Task, pairing=pairing, title="清单事项")
        self.evidence = services.attach_evidence(self.project, png(), acting_user=None, via="test")
        # one record of every type declared with pages (`ledger/record_types.py`), by slug
        self.records = {rt.pages.slug: make(rt, pairing) for rt in record_types.with_pages()}


def walk(resolver: URLResolver | None = None, prefix: str = "", ns: str = "") -> list[Any]:
    """Every URL pattern: (route, name, pattern)."""
    found = []
    resolver = resolver or get_resolver()
    for item in resolver.url_patterns:
        route = prefix + str(item.pattern)
        if isinstance(item, URLResolver):
            inner = f"{ns}{item.namespace}:" if item.namespace else ns
            found += walk(item, route, inner)
        elif isinstance(item, URLPattern):
            found.append((route, f"{ns}{item.name}" if item.name else route, item))
    return found


def walked() -> list[tuple[str, str]]:
    return [
        (route, name)
        for route, name, _p in walk()
        if not any(route.startswith(prefix) for prefix in EXCLUDED)
    ]


def owned_records(world: World, personas: Any) -> None:
    """Records that belong to one user (longmatan): an import batch, an API token, a
    checked text; and a frozen briefing of the pairing."""
    from io import StringIO

    from django.core.management import call_command

    from pairaid.api import services as api_services
    from pairaid.bulletin.services import record_check
    from pairaid.exchange.models import ImportBatch
    from pairaid.reports.models import FrozenBriefing

    owner = personas.longmatan
    world.batch = ImportBatch.objects.create(
        user=owner, file_name="矩阵.xlsx", sha256="0" * 64, status=ImportBatch.Status.FAILED
    )
    world.token, _secret = api_services.create_token(
        owner, name="矩阵令牌", scope="read", acting_user=owner, via="test"
    )
    world.document, _report = record_check(
        "龙马潭区帮扶普格县资金1亿元。", acting_user=owner, source="矩阵"
    )
    call_command(
        "freeze_briefing", "--pairing", "龙马潭区", "--user", owner.username, stdout=StringIO()
    )
    world.briefing = FrozenBriefing.objects.latest("created_at", "id")


@dataclass(frozen=True)
class Row:
    """The designed answers: `answers` per persona, anonymous always LOGIN (unless given)."""

    answers: dict[str, Any]
    args: Callable[[World], dict[str, Any]] = lambda w: {}
    post: bool = False  # a POST-only view: asked with an empty POST
    query: str = ""


def row(
    default: Any,
    args: Callable[[World], dict[str, Any]] = lambda w: {},
    *,
    post: bool = False,
    query: str = "",
    **answers: Any,
) -> Row:
    table = {name: default for name in PERSONAS}
    table["anonymous"] = LOGIN
    table.update(answers)
    return Row(table, args, post, query)


def pk(attribute: str, name: str = "pk") -> Callable[[World], dict[str, Any]]:
    return lambda w: {name: getattr(w, attribute).pk}


# Who sees 龙马潭区→普格县 (the World's pairing): its two sides, 泸州市's coordinator and
# viewer, the province's auditor, the administrator. Not: 江阳区, 盐源县, the outsider.
OUT_OF_SCOPE = {"outsider": 404, "jiangyang": 404, "yanyuan": 404}
SEES = {
    **{name: 200 for name in PERSONAS},
    "anonymous": LOGIN,
    **OUT_OF_SCOPE,
}
# Records of the pairing that only its helper side (and the administrator) may change.
EDITS = {**SEES, "viewer": 403, "puge": 403, "luzhou": 403, "sichuan_auditor": 403}


LIST = row(200)  # index and list pages: in-scope rows only, an empty state for the outsider
RECORDER = row(403, jiangyang=200, longmatan=200, admin=200)  # "new" pages of the helper side
ONE = pk("pairing")


def two(parent: str, child: str, name: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"pk": getattr(w, parent).pk, name: getattr(w, child).pk}


def scoped(args: Callable[[World], dict[str, Any]], table: dict[str, Any], **kw: Any) -> Row:
    post = kw.pop("post", False)
    return Row({**table, **kw}, args, post)


# A user's own records (an import batch, an API token, a checked text): the owner
# (longmatan) and, for batches and texts, the administrator; everyone else 404.
OWNED = {**{name: 404 for name in PERSONAS}, "anonymous": LOGIN, "longmatan": 200, "admin": 200}
# The helper side's forms on a record of the pairing: 200 for its editors, 403 for those
# who see the record but may not change it, 404 outside the scope.
EDIT_FORM = EDITS
# An empty POST to a helper-side action: refused as 403 before the form for those who may
# not; for those who may, the form's errors (400) or the step done (302).
EDIT_POST_400 = {**EDITS, "longmatan": 400, "admin": 400}
EDIT_POST_302 = {**EDITS, "longmatan": 302, "admin": 302}
# The recipient side's answer (confirm or dispute): puge and the administrator; an empty
# POST is refused with a message (302 back to the record).
CONFIRM_POST = {**EDITS, "longmatan": 403, "puge": 302, "admin": 302}
# Re-opening an answer: the recipient side and the coordinating office (an unanswered
# record is refused with a message, 302 back to the record).
REOPEN_POST = {**CONFIRM_POST, "luzhou": 302}


def record(slug: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"pk": w.records[slug].pk}


def generic_rows() -> dict[str, Row]:
    """The pages of every type declared with pages (`views/records.py`), from the registry:
    a type declared later has its rows with no edit here."""
    rows: dict[str, Row] = {"web:assessment": LIST}
    for declared in record_types.with_pages():
        slug = declared.pages.slug
        rows |= {
            f"web:{slug}": LIST,
            f"web:{slug}_create": RECORDER,
            f"web:{slug}_choices": LIST,  # the records in the user's own scope
            f"web:{slug}_detail": scoped(record(slug), SEES),
            f"web:{slug}_edit": scoped(record(slug), EDIT_FORM),
            # deleted by its editors (each persona's request is undone)
            f"web:{slug}_delete": scoped(record(slug), EDIT_POST_302, post=True),
        }
        if any(f.name == "confirmation" for f in declared.model._meta.concrete_fields):
            rows |= {
                f"web:{slug}_confirm": scoped(record(slug), CONFIRM_POST, post=True),
                f"web:{slug}_reopen": scoped(record(slug), REOPEN_POST, post=True),
            }
    return rows


MATRIX: dict[str, Row] = {
    # --- the web app ---
    "web:login": row(302, anonymous=200),  # a logged-in user is sent on
    "web:logout": row(LOGIN, post=True),  # logged out, to the login page
    "web:overview": row(200, jiangyang=302, longmatan=302, yanyuan=302, puge=302),  # one pairing
    "web:pairing": scoped(ONE, SEES),
    "web:pairing_years": scoped(ONE, SEES),
    "web:pairing_year_step": scoped(
        lambda w: {"pk": w.pairing.pk, "year": 2023, "step": "submitted"},
        {**EDITS, "longmatan": 302, "puge": 302, "admin": 302},  # SUBMIT: both editing sides
        post=True,
    ),
    "web:favicon": row(200, anonymous=200),  # the site's icon, before any login
    "web:inbox": row(200),  # each user's own to-do items, from their own scope
    "web:inbox_count": row(200),
    # bulk confirm: CONFIRM somewhere (the recipient sides); an empty choice goes back
    "web:inbox_confirm": row(403, post=True, puge=302, yanyuan=302, admin=302),
    "web:search": row(200, query="q=wuji"),  # results from the user's own scope
    "web:search_choices": row(200, query="kind=pairing&q=lu"),
    "web:audit": row(403, luzhou=200, sichuan_auditor=200, admin=200),  # AUDIT somewhere
    "web:audit_verify": row(403, admin=302, post=True),  # administrators only
    "web:projects": LIST,
    "web:project_create": RECORDER,
    "web:project": scoped(pk("project"), SEES),
    "web:project_edit": scoped(pk("project"), EDIT_FORM, puge=200),  # progress: recipient
    "web:funds": LIST,
    "web:fund_create": RECORDER,
    "web:fund": scoped(pk("flow"), SEES),
    "web:fund_reverse": scoped(pk("flow"), EDIT_POST_400, post=True),
    "web:fund_confirm": scoped(pk("flow"), CONFIRM_POST, post=True),
    "web:fund_reopen": scoped(pk("flow"), REOPEN_POST, post=True),
    "web:persons": LIST,
    "web:person_create": RECORDER,
    "web:person": scoped(pk("person"), SEES),
    "web:person_edit": scoped(pk("person"), EDIT_FORM),
    # READ_PERSONAL: all roles but the viewer; each look is audited
    "web:person_reveal": scoped(pk("person"), {**SEES, "viewer": 403}, post=True),
    "web:posting_create": scoped(pk("person", "person_pk"), EDIT_FORM),
    "web:postings": LIST,
    "web:posting_edit": scoped(pk("posting"), EDIT_FORM),
    "web:posting_confirm": scoped(pk("posting"), CONFIRM_POST, post=True),
    "web:posting_reopen": scoped(pk("posting"), REOPEN_POST, post=True),
    "web:agreements": LIST,
    "web:agreement_create": RECORDER,
    "web:agreement": scoped(pk("agreement"), SEES),
    "web:agreement_edit": scoped(pk("agreement"), EDIT_FORM),
    "web:party_add": scoped(pk("agreement"), EDIT_POST_400, post=True),
    "web:party_remove": scoped(two("agreement", "party", "party_pk"), EDIT_POST_302, post=True),
    "web:obligation_create": scoped(pk("agreement"), EDIT_FORM),
    "web:obligations": LIST,
    "web:obligation_edit": scoped(pk("obligation"), EDIT_FORM),
    "web:events": LIST,
    "web:event_create": RECORDER,
    "web:event": scoped(pk("event"), SEES),
    "web:event_edit": scoped(pk("event"), EDIT_FORM),
    "web:participant_add": scoped(pk("event"), EDIT_POST_400, post=True),
    "web:participant_remove": scoped(
        two("event", "participant", "participant_pk"), EDIT_POST_302, post=True
    ),
    "web:tasks": LIST,
    "web:task_create": RECORDER,
    "web:task": scoped(pk("task"), SEES),
    "web:task_edit": scoped(pk("task"), EDIT_FORM),
    # evidence: read by all who see the record; attached and removed by both sides
    "web:evidence_file": scoped(pk("evidence"), SEES),
    "web:evidence_thumbnail": scoped(pk("evidence"), SEES),
    "web:evidence_remove": scoped(pk("evidence"), {**EDITS, "puge": 200}),
    "web:record_evidence": scoped(lambda w: {"what": "postings", "pk": w.posting.pk}, SEES),
    "web:evidence_upload": scoped(
        lambda w: {"what": "projects", "pk": w.project.pk},
        {**EDITS, "longmatan": 400, "puge": 400, "admin": 400},
        post=True,
    ),
    "web:close_with_evidence": scoped(lambda w: {"what": "tasks", "pk": w.task.pk}, EDIT_FORM),
    "web:update_create": scoped(pk("project"), {**EDITS, "puge": 200}),  # progress: both sides
    # the 协作考核 page and the generic pages of every type declared with pages
    **generic_rows(),
    # --- checking published texts: each user's own checks ---
    "bulletin:index": LIST,
    "bulletin:document": scoped(pk("document"), OWNED),
    # --- import and export: batches are their uploader's (and staff's) ---
    "exchange:index": LIST,
    # only roles that record data may upload (no file: the form's error); others 403
    "exchange:upload": row(
        403, jiangyang=400, longmatan=400, yanyuan=400, puge=400, admin=400, post=True
    ),
    "exchange:batch": scoped(pk("batch"), OWNED),
    "exchange:progress": scoped(pk("batch"), OWNED),
    "exchange:import": scoped(pk("batch"), {**OWNED, "longmatan": 302, "admin": 302}, post=True),
    "exchange:rollback": scoped(pk("batch"), {**OWNED, "longmatan": 302, "admin": 302}, post=True),
    # a batch that did not die: refused with a message, back to the batch
    "exchange:resume": scoped(pk("batch"), {**OWNED, "longmatan": 302, "admin": 302}, post=True),
    "exchange:discard": scoped(pk("batch"), {**OWNED, "longmatan": 302, "admin": 302}, post=True),
    # a batch without rejected rows has no such file, for anyone
    "exchange:rejected": scoped(pk("batch"), {**OWNED, "longmatan": 404, "admin": 404}),
    # templates and exports: for everyone, filled and filtered by the user's own scope
    "exchange:template": scoped(lambda w: {"kind": "projects"}, LIST.answers),
    "exchange:export": scoped(lambda w: {"kind": "projects"}, LIST.answers),
    # --- reports ---
    "reports:index": LIST,
    "reports:download": row(400),  # no pairing chosen: the form's error
    "reports:freeze": row(400, post=True),
    "reports:compare": scoped(pk("briefing"), SEES),
    # --- API tokens: each user's own ---
    "api_tokens": LIST,
    "api_token_revoke": scoped(
        pk("token", "token_id"), {**OWNED, "longmatan": 302, "admin": 404}, post=True
    ),
}


def answer(client: Client, url: str, post: bool) -> Any:
    response = client.post(url) if post else client.get(url)
    if response.status_code == 302 and response["Location"].startswith("/login/"):
        return LOGIN
    return response.status_code


def clients(personas: Any) -> dict[str, Client]:
    found = {"anonymous": shared_clients.client()}
    for name in PERSONAS[1:]:
        found[name] = shared_clients.client()
        found[name].force_login(getattr(personas, name))
    return found


def test_it_has_a_row_for_every_url():
    names = {name for _route, name in walked()}

    assert names - set(MATRIX) == set(), "URLs without a row in the matrix"
    assert set(MATRIX) - names == set(), "rows for URLs that no longer exist"
    for name, designed in MATRIX.items():
        assert set(designed.answers) == set(PERSONAS), name


def test_it_excludes_only_what_it_names():
    routes = [route for route, _name, _p in walk()]
    for prefix in EXCLUDED:
        assert any(route.startswith(prefix) for route in routes), prefix


@pytest.fixture(scope="module")
def personas(django_db_setup, django_db_blocker):
    """The personas, made once for the module's tests (which only read them)."""
    yield from for_the_module(django_db_blocker, make_personas)


@pytest.fixture(scope="module")
def world(personas, django_db_blocker):
    """The records the URLs are filled with, made once for the module: each test's requests
    are undone."""

    def make() -> World:
        made = World(personas)
        owned_records(made, personas)
        return made

    yield from for_the_module(django_db_blocker, make)


@pytest.fixture(scope="module")
def logged_in(personas, world, django_db_blocker):
    """A client per persona, logged in once for the module, with the cookies it then held.
    A client loads the product's middleware (WhiteNoise reads every static file's headers)
    when it is made, and a login writes a session: made per test, the clients cost the
    module more than its requests. The sessions are written in the module's transaction;
    each test's requests are undone, and each test gives every client back its cookies of
    the login, so a logout or a message of one test's request does not reach the next."""

    def make() -> dict[str, tuple[Client, dict[str, str]]]:
        return {
            persona: (client, {key: morsel.value for key, morsel in client.cookies.items()})
            for persona, client in clients(personas).items()
        }

    yield from for_the_module(django_db_blocker, make)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_it_answers_every_persona_as_designed(name, world, logged_in):
    from http.cookies import SimpleCookie

    from django.db import transaction
    from django.urls import reverse

    designed = MATRIX[name]
    url = reverse(name, kwargs=designed.args(world))
    url += f"?{designed.query}" if designed.query else ""
    got = {}
    for persona, (client, cookies) in logged_in.items():
        client.cookies = SimpleCookie(cookies)  # as just logged in (anonymous: none)
        # Each persona's request is undone, so that one's POST does not change another's.
        with transaction.atomic():
            got[persona] = answer(client, url, designed.post)
            transaction.set_rollback(True)
    assert got == designed.answers, url
