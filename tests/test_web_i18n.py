"""Translation: Chinese by default, English through the switch, and no page mixing the two.

The English catalogue (src/pairaid/locale/en/LC_MESSAGES/django.po) is committed with its
compiled django.mo, so a fresh machine needs no GNU gettext at run time. These tests fail
when the .po has an untranslated or fuzzy entry, when the .mo is stale (not compiled from
the .po as it is), or when a page string of the web app is missing from the .po."""

from __future__ import annotations

import ast
import datetime as dt
import gettext
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation.template import templatize

import pairaid
from pairaid.accounts.models import RoleAssignment
from pairaid.ledger import breakdowns as report_breakdowns
from pairaid.ledger import figures, figures_cooperation, services
from pairaid.ledger.models import (
    Agreement,
    Event,
    FundFlow,
    Pairing,
    Person,
    Project,
    Region,
    Task,
)
from pairaid.web import breakdowns as web_breakdowns
from pairaid.web import figure_text
from pairaid.web.templatetags.pairaid_web import wan

PACKAGE = Path(pairaid.__file__).parent
PO = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
WEB = PACKAGE / "web"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def read_po(path: Path) -> list[dict]:
    """The entries of a .po file: msgctxt, msgid, msgid_plural, msgstr / msgstr[n], flags."""
    entries, current, key = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if current and "msgid" in current:
                entries.append(current)
            current, key = None, None
            continue
        current = current if current is not None else {"flags": []}
        if line.startswith("#,"):
            current["flags"] += [flag.strip() for flag in line[2:].split(",")]
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            current[key] = ast.literal_eval(value)
    return [e for e in entries if e["msgid"]]


def test_every_entry_of_the_catalogue_is_translated_and_none_is_fuzzy():
    entries = read_po(PO)

    assert len(entries) > 500
    untranslated = [
        e["msgid"]
        for e in entries
        if not (e.get("msgstr") or (e.get("msgstr[0]") and e.get("msgstr[1]")))
    ]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not untranslated, f"untranslated: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"


def test_the_compiled_catalogue_is_the_po_as_it_is():
    """Every .po entry translates, through the .mo, to its msgstr; and the .mo holds nothing
    else (run `pairaid compilemessages -l en` after editing the .po)."""
    with MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    entries = read_po(PO)

    for e in entries:
        if "msgid_plural" in e:
            if "msgctxt" in e:
                one = catalogue.npgettext(e["msgctxt"], e["msgid"], e["msgid_plural"], 1)
                many = catalogue.npgettext(e["msgctxt"], e["msgid"], e["msgid_plural"], 2)
            else:
                one = catalogue.ngettext(e["msgid"], e["msgid_plural"], 1)
                many = catalogue.ngettext(e["msgid"], e["msgid_plural"], 2)
            assert (one, many) == (e["msgstr[0]"], e["msgstr[1]"]), e["msgid"]
        elif "msgctxt" in e:
            assert catalogue.pgettext(e["msgctxt"], e["msgid"]) == e["msgstr"], e["msgid"]
        else:
            assert catalogue.gettext(e["msgid"]) == e["msgstr"], e["msgid"]
    keys = {k for k in catalogue._catalog if k != ""}
    assert len({k if isinstance(k, str) else k[0] for k in keys}) == len(entries)


# --- the web app's strings are all in the catalogue -----------------------------------------

GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "pgettext", "pgettext_lazy", "npgettext"}
WITH_CONTEXT = {"pgettext", "pgettext_lazy", "npgettext"}


def python_strings(path: Path) -> set[tuple[str | None, str]]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        if node.func.id not in GETTEXT or not node.args:
            continue
        values = [a.value for a in node.args if isinstance(a, ast.Constant)]
        if node.func.id in WITH_CONTEXT and len(values) >= 2:
            found.add((values[0], values[1]))
        elif values and isinstance(values[0], str):
            found.add((None, values[0]))
    return found


TEMPLATE_CALL = re.compile(r"\b(n?p?gettext)\(\s*((?:u?'(?:[^'\\]|\\.)*'\s*,?\s*)+)")
LITERAL = re.compile(r"u?('(?:[^'\\]|\\.)*')")


def template_strings(path: Path) -> set[tuple[str | None, str]]:
    """What `makemessages` finds in a template (Django's own templatize, then its calls)."""
    found = set()
    code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    for name, args in TEMPLATE_CALL.findall(code):
        strings = [ast.literal_eval(s) for s in LITERAL.findall(args)]
        if name.startswith("pgettext") or name == "npgettext":
            found.add((strings[0], strings[1]))
        else:
            found.add((None, strings[0]))
    return found


def test_every_string_of_the_web_pages_is_in_the_catalogue():
    catalogue = {(e.get("msgctxt"), e["msgid"]) for e in read_po(PO)}
    used: set[tuple[str | None, str]] = set()
    for path in WEB.rglob("*.py"):
        used |= python_strings(path)
    for path in WEB.rglob("*.html"):
        used |= template_strings(path)

    assert len(used) > 200
    missing = sorted(str(item) for item in used - catalogue)
    assert not missing, "run makemessages and translate: " + "; ".join(missing[:10])


# --- figure texts: the English is a translation of the rule actually applied ---------------


def demo_figures():
    jiangyang = Pairing.objects.get(helper_region__name="江阳区")
    window = figures.window_for(jiangyang, as_of=dt.date(2022, 12, 4))
    found = [figures.funds(window, kind) for kind in FundFlow.Kind.values]
    found.append(figures.funds(window, "transfer", ["fiscal"]))
    found.append(figures.funds(window, "transfer", ["social_cash", "in_kind"]))
    found.append(figures.projects_implemented(window))
    for rule in (figures.PERSONS, figures.POSTINGS):
        for category in (None, "cadre", "professional"):
            found.append(figures.persons_dispatched(window, rule, category))
    found.append(report_breakdowns.persons_in_post(window))
    found.append(report_breakdowns.obligations_overdue(window))
    found.extend(report_breakdowns.persons_by_profession(window).values())
    project = Project.objects.filter(pairing=jiangyang).first()
    found.append(web_breakdowns.project_funds(window, "allocate", project.pk))
    found.extend(report_breakdowns.funds_by_sector(window, "allocate").values())
    for field in ("sector", "status"):
        found.extend(report_breakdowns.implemented_by(window, field).values())
    found.append(report_breakdowns.projects_completed(window))
    found.append(report_breakdowns.agreements_signed(window))
    found.append(report_breakdowns.obligations_due(window))
    found.append(report_breakdowns.obligations_due(window, "done"))
    completion = report_breakdowns.task_completion(window)
    found.extend([completion.numerator, completion.denominator])
    found.append(figures_cooperation.investment_arrived(window))
    found.extend(report_breakdowns.team_schools(window, side) for side in ("from", "to"))
    return found


def test_in_chinese_the_figure_texts_are_the_language_of_record(db):
    """The figures module formats its rules from the catalogue; in Chinese they read as the
    rules always have (the wording the article's figures are checked with)."""
    with translation.override("zh-hans"):
        found = {figure.key: figure for figure in demo_figures()}
        assert (found["funds_transfer"].label, found["funds_transfer"].rule) == (
            "累计投入各类帮扶资金",
            "拨付（交付）记录金额之和（冲销记录为负数），各类来源（财政援助资金、社会帮扶资金、"
            "捐物折价、其他），资金年度2016—2022年，日期不晚于2022-12-04；不含引导企业投资",
        )
        assert found["funds_transfer_in_kind_social_cash"].label == (
            "累计投入帮扶资金（社会帮扶资金、捐物折价）"
        )
        assert found["persons_dispatched_postings_cadre"].label == "选派党政干部人次"
        assert found["persons_dispatched_persons"].rule == (
            "到岗日期在2016-01-01至2022-12-04之间的选派记录，不重复人数（一人多次选派计一人）"
        )
        assert (found["projects_completed"].label, found["projects_completed"].rule) == (
            "完工项目",
            "已完工（含已移交、运营中）且完工日期在2016-01-01至2022-12-04之间的项目个数",
        )
        assert found["funds_allocate_sector_none"].rule == (
            "分配到项目记录中未关联具体项目的金额之和（冲销为负数），"
            + found["funds_allocate_sector_none"].window.describe()
        )
        assert found["projects_implemented_status_completed"].rule == (
            "实施帮扶项目中截至2022-12-04状态为“已完工”的个数（已开工未取消，开工日期在"
            "2016-01-01至2022-12-04之间）"
        )
        assert found["agreements_signed"].rule == (
            "签订日期在2016-01-01至2022-12-04之间的协议合同份数（不含草拟）"
        )
        assert (found["obligations_due_done"].label, found["obligations_due_done"].rule) == (
            "到期履约事项中已完成",
            "完成时限在2016-01-01至2022-12-04之间的协议履约事项中当前状态为“已完成”的",
        )
        assert found["tasks_done"].rule == (
            "2016—2022年度计划的、完成时限在2016-01-01至2022-12-04之间的、或由期间活动和"
            "协议产生的清单事项（状态为当前状态）中已完成的"
        )
        assert found["tasks_counted"].rule.endswith("（状态为当前状态）（不含已撤销）")
        assert (found["team_schools_to"].label, found["team_schools_to"].rule) == (
            "“组团式”受援学校",
            "截至2022-12-04已开始的“组团式”团队的受援学校（类别为学校），不重复计数",
        )
        assert found["investment_arrived"].rule == (
            "引导落地企业记录的实际到位投资之和，年度2016—2022年，日期不晚于2022-12-04；"
            "不计入帮扶资金"
        )
        completion = report_breakdowns.task_completion(found["tasks_done"].window)
        assert (completion.label, completion.rule) == (
            "清单完成率",
            "已完成事项 ÷ 清单事项（不含已撤销）",
        )
        for figure in found.values():
            assert figure_text.label(figure) == figure.label
            assert figure_text.rule(figure) == figure.rule
            assert not re.search("[A-Za-z]{3}", figure.label + figure.rule), figure.key


def test_in_english_the_figure_texts_are_translated(db):
    with translation.override("en"):
        for figure in demo_figures():
            label, rule = figure_text.label(figure), figure_text.rule(figure)
            assert not CJK.search(label + rule), (figure.key, label, rule)


def test_money_shows_in_wan_yuan_as_the_summary_prints_it():
    with translation.override("zh-hans"):
        assert wan(Decimal("146547300.00")) == "14654.73万元"
    with translation.override("en"):
        assert wan(Decimal("146547300.00")) == "14,654.73 × 10,000 yuan"


# --- no page mixes the two languages --------------------------------------------------------


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|title)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<button[^>]*data-lang-switch[^>]*>.*?</button>", " ", html, flags=re.S)
    html = re.sub(r'<span class="who">.*?</span>', " ", html, flags=re.S)  # the user's name
    return re.sub(r"<[^>]+>", " ", html)


DATA_SELECTS = (
    r'<select name="(organisation|owner|location|implementing_organisation|host_organisation|'
    r'home_organisation|event|agreement|project|team)".*?</select>'
)


@pytest.fixture
def english_office(db, client):
    """An office whose records are all named in English, logged in, with English chosen:
    anything Chinese left on its pages is an untranslated string."""
    from django.contrib.auth import get_user_model

    def make(model, **fields):
        return services.create_record(model, acting_user=None, via="test", **fields)

    alpha = make(Region, code="990101", name="Alpha District", level="county")
    beta = make(Region, code="990102", name="Beta County", level="county")
    pair = make(
        Pairing,
        helper_region=alpha,
        recipient_region=beta,
        scheme="east_west",
        valid_from=dt.date(2021, 1, 1),
    )
    project = make(
        Project,
        pairing=pair,
        code="A-1",
        name="Water supply",
        sector="health",
        mode="direct_aid",
        status="in_progress",
        start_date=dt.date(2022, 3, 1),
        outcomes="Clean water for 300 households",
    )
    flow = services.record_fund_flow(
        acting_user=None,
        via="test",
        pairing=pair,
        kind="transfer",
        fund_year=2022,
        date=dt.date(2022, 5, 1),
        amount=Decimal("1250000.00"),
        source="fiscal",
        voucher="V-1",
        note="First tranche",
    )
    services.record_fund_flow(
        acting_user=None,
        via="test",
        pairing=pair,
        kind="allocate",
        fund_year=2022,
        date=dt.date(2022, 6, 1),
        amount=Decimal("1000000.00"),
        source="fiscal",
        project=project,
        note="To the water works",
    )
    with translation.override("en"):  # the reversal's note is written in the office's language
        services.reverse_fund_flow(flow, acting_user=None, via="test", reason="Typo")
    person = make(Person, number="E-1", name="Li Ming", gender="male", category="cadre")
    from pairaid.ledger.models import Posting

    make(Posting, person=person, pairing=pair, post="Deputy head", start_date=dt.date(2022, 1, 1))
    event = make(
        Event,
        pairing=pair,
        kind="visit",
        title="Spring visit",
        start_date=dt.date(2022, 4, 1),
        places="Beta County",
    )
    agreement = make(
        Agreement,
        pairing=pair,
        title="Water agreement",
        kind="framework",
        status="signed",
        signed_date=dt.date(2022, 4, 1),
        event=event,
    )
    task = make(
        Task,
        pairing=pair,
        title="Finish the pipes",
        status="open",
        due_date=dt.date(2022, 9, 1),
        event=event,
    )
    user = get_user_model().objects.create_user("alpha", password="pass-alpha")
    RoleAssignment.objects.create(user=user, role="helper_editor", region=alpha)
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return {
        "client": client,
        "pair": pair,
        "project": project,
        "flow": flow,
        "person": person,
        "event": event,
        "agreement": agreement,
        "task": task,
    }


def test_english_pages_have_no_chinese_left(english_office):
    office = english_office
    client, pair = office["client"], office["pair"]
    pages = [
        f"/pairings/{pair.pk}/?as_of=2022-12-31",
        "/projects/",
        "/funds/",
        "/people/",
        "/postings/",
        "/agreements/",
        "/obligations/",
        "/events/",
        "/tasks/",
        f"/funds/?figure=funds_transfer&pairing={pair.pk}&as_of=2022-12-31",
        f"/projects/?figure=projects_implemented&pairing={pair.pk}&as_of=2022-12-31",
        f"/people/?figure=persons_in_post&pairing={pair.pk}&as_of=2022-12-31",
        f"/projects/{office['project'].pk}/",
        f"/funds/{office['flow'].pk}/",
        f"/people/{office['person'].pk}/",
        f"/agreements/{office['agreement'].pk}/",
        f"/events/{office['event'].pk}/",
        f"/tasks/{office['task'].pk}/",
        "/projects/new/",
        "/funds/new/",
        "/tasks/new/",
        f"/projects/{office['project'].pk}/edit/",
        "/projects/?year=abc",
        "/no/such/page/",
    ]
    for url in pages:
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code in (200, 404), url
        assert '<html lang="en">' in html, url
        # Forms offer the shared organisations and regions, named in Chinese: data.
        html = re.sub(DATA_SELECTS, " ", html, flags=re.S)
        leftover = CJK.findall(visible_text(html))
        assert not leftover, f"{url}: {''.join(leftover)[:60]}"


def test_english_validation_messages_are_english(english_office):
    client, pair = english_office["client"], english_office["pair"]
    response = client.post(
        "/projects/new/",
        {
            "pairing": pair.pk,
            "code": "A-2",
            "name": "X",
            "sector": "health",
            "mode": "direct_aid",
            "status": "in_progress",
            "progress": "0",
            "planned_budget": "0",
            "beneficiary_households": "0",
            "beneficiary_persons": "0",
        },
    )
    html = re.sub(r"<select\b.*?</select>", "", response.content.decode(), flags=re.S)
    text = visible_text(html)

    assert "A project that has started needs a start date" in text
    assert not CJK.search(text)


def english_words(html: str) -> set[str]:
    """Words of Latin letters on a page, but for codes (JY-2016-001, JYCZ), the product's
    own name and the names of file formats and files' extensions (evidence)."""
    text = re.sub(r"\.[A-Za-z0-9]{2,5}\b", " ", visible_text(html))  # a file's extension
    words = set(re.findall(r"[A-Za-z]{3,}", text))
    names = {"pairaid", "Word", "Excel", "WebP"}
    return {w for w in words if not w.isupper() and w not in names}


def test_chinese_pages_have_no_english_left(admin_client_zh):
    jiangyang = Pairing.objects.get(helper_region__name="江阳区")
    project = Project.objects.filter(pairing=jiangyang).first()
    agreement = Agreement.objects.first()
    pages = [
        "/",
        f"/pairings/{jiangyang.pk}/?as_of=2022-12-04",
        "/projects/",
        "/funds/",
        "/people/",
        "/postings/",
        "/agreements/",
        "/obligations/",
        "/events/",
        "/tasks/",
        f"/funds/?figure=funds_transfer&pairing={jiangyang.pk}&as_of=2022-12-04",
        f"/projects/{project.pk}/",
        f"/agreements/{agreement.pk}/",
        "/projects/new/",
        "/funds/new/",
        "/no/such/page/",
    ]
    for url in pages:
        html = admin_client_zh.get(url).content.decode()
        assert '<html lang="zh-Hans">' in html, url
        assert not english_words(html), f"{url}: {sorted(english_words(html))[:10]}"


def test_the_login_page_is_chinese_by_default_and_english_on_request(client):
    chinese = client.get("/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    english = client.get("/login/").content.decode()

    assert '<html lang="zh-Hans">' in chinese and "用户名" in chinese
    assert not english_words(chinese) - {"createuser"}
    assert '<html lang="en">' in english and "Username" in english
    assert not CJK.search(visible_text(english))


@pytest.fixture
def admin_client_zh(client, admin_user):
    client.force_login(admin_user)
    return client


def test_counts_read_naturally_in_both_languages():
    with translation.override("zh-hans"):
        assert figure_text.count(154, "projects") == "154个"
        assert figure_text.count(320, "persons") == "320人"
    with translation.override("en"):
        assert figure_text.count(1, "projects") == "1 project"
        assert figure_text.count(1540, "projects") == "1,540 projects"
        assert figure_text.count(2, "postings") == "2 postings"
