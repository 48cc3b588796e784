"""The list pages' rows (`web/rows.py`, written in Python rather than by a template loop) are
the HTML the template loops wrote: each list's <tbody> is compared, in Chinese and English,
with the rows rendered from the page's own context by the loop each template held before."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from pairaid.ledger import record_types, services
from pairaid.ledger.models import Agreement, Event, FundFlow, Obligation, Task

# The loops the list templates held (web/templates/web/*/_results.html), unchanged.
LOOPS = {
    "/funds/": """{% for flow in page %}
<tr{% if flow.is_reversal %} class="reversal"{% endif %}>
  <td class="nw"><a href="{% url 'web:fund' flow.pk %}">{{ flow.date|date:"Y-m-d" }}</a></td>
  <td>{{ flow.get_kind_display }}</td>
  <td>{{ flow.fund_year }}</td>
  <td class="nw">{{ flow.pairing }}</td>
  <td>{{ flow.get_source_display }}</td>
  <td>{% if flow.project %}<a href="{% url 'web:project' flow.project_id %}">{{ flow.project.code }}</a>{% else %}—{% endif %}</td>
  <td>{{ flow.voucher|default:"—" }}</td>
  <td class="num"><a href="{% url 'web:fund' flow.pk %}">{{ flow.amount|yuan }}</a></td>
  <td><span class="status c-{{ flow.confirmation }}">{{ flow.get_confirmation_display }}</span></td>
  <td class="text">{% if flow.is_reversal %}<span class="tag">{% translate "冲销记录" %}</span>{% elif flow.reversed_by %}<span class="tag muted">{% translate "已被冲销" %}</span>{% endif %} {{ flow.note }}</td>
</tr>
{% endfor %}""",  # noqa: E501
    "/projects/": """{% for project in page %}
<tr>
  <td><a href="{% url 'web:project' project.pk %}">{{ project.code }}</a></td>
  <td class="text"><a href="{% url 'web:project' project.pk %}">{{ project.name }}</a></td>
  <td class="nw">{{ project.pairing }}</td>
  <td>{{ project.get_sector_display }}</td>
  <td><span class="status s-{{ project.status }}">{{ project.get_status_display }}</span></td>
  <td class="nw">{{ project.start_date|date:"Y-m-d"|default:"—" }}</td>
  <td class="num">{{ project.planned_budget|wan_number }}</td>
  <td class="num">{{ project.progress }}%</td>
</tr>
{% endfor %}""",
    "/people/": """{% for person in page %}
<tr>
  <td><a href="{% url 'web:person' person.pk %}">{{ person.number }}</a></td>
  <td><a href="{% url 'web:person' person.pk %}">{{ person.name }}</a></td>
  <td>{{ person.get_gender_display }}</td>
  <td>{{ person.ethnicity|default:"—" }}</td>
  <td>{{ person.get_category_display }}</td>
  <td>{% if person.profession %}{{ person.get_profession_display }}{% else %}—{% endif %}</td>
  <td>{{ person.home_organisation|default:"—" }}</td>
  <td class="num">{{ person.posting_count }}</td>
</tr>
{% endfor %}""",
    "/postings/": """{% for posting in page %}
<tr>
  <td><a href="{% url 'web:person' posting.person_id %}">{{ posting.person.name }}</a></td>
  <td class="nw">{{ posting.pairing }}</td>
  <td>{{ posting.host_organisation|default:"—" }}</td>
  <td>{{ posting.post|default:"—" }}</td>
  <td class="num">{{ posting.batch|default:"—" }}</td>
  <td class="nw">{{ posting.start_date|date:"Y-m-d" }}</td>
  <td class="nw">{{ posting.planned_end|date:"Y-m-d"|default:"—" }}</td>
  <td><span class="status p-{{ posting.effective_status }}">{{ posting.effective_status_display }}</span></td>
  <td><span class="status c-{{ posting.confirmation }}">{{ posting.get_confirmation_display }}</span></td>
</tr>
{% endfor %}""",  # noqa: E501
    "/agreements/": """{% for agreement in page %}
<tr>
  <td class="text"><a href="{% url 'web:agreement' agreement.pk %}">{{ agreement.title }}</a></td>
  <td>{{ agreement.get_kind_display }}</td>
  <td class="nw">{{ agreement.pairing }}</td>
  <td class="nw">{{ agreement.signed_date|date:"Y-m-d"|default:"—" }}</td>
  <td><span class="status a-{{ agreement.effective_status }}">{{ agreement.effective_status_display }}</span></td>
  <td class="num">{% if agreement.amount is not None %}{{ agreement.amount|wan_number }}{% else %}—{% endif %}</td>
  <td class="num">{% blocktranslate with all=agreement.obligation_count open=agreement.open_count %}{{ all }}（{{ open }}）{% endblocktranslate %}</td>
  <td>{% if agreement.event %}<a href="{% url 'web:event' agreement.event_id %}">{{ agreement.event }}</a>{% else %}—{% endif %}</td>
</tr>
{% endfor %}""",  # noqa: E501
    "/obligations/": """{% for item in page %}
<tr{% if item.due_date and item.due_date < today and item.status in open %} class="overdue"{% endif %}>
  <td class="text">{{ item.deliverable }}</td>
  <td><a href="{% url 'web:agreement' item.agreement_id %}">{{ item.agreement }}</a></td>
  <td>{{ item.agreement.pairing }}</td>
  <td>{{ item.owner|default:"—" }}</td>
  <td class="nw">{{ item.due_date|date:"Y-m-d"|default:"—" }}</td>
  <td><span class="status w-{{ item.status }}">{{ item.get_status_display }}</span>{% if item.due_date and item.due_date < today and item.status in open %} <span class="tag warn">{% translate "逾期" %}</span>{% endif %}</td>
</tr>
{% endfor %}""",  # noqa: E501
    "/events/": """{% for event in page %}
<tr>
  <td class="nw">{{ event.start_date|date:"Y-m-d" }}{% if event.end_date and event.end_date != event.start_date %}—{{ event.end_date|date:"m-d" }}{% endif %}</td>
  <td class="text"><a href="{% url 'web:event' event.pk %}">{{ event.title }}</a></td>
  <td>{{ event.get_kind_display }}</td>
  <td class="nw">{{ event.pairing }}</td>
  <td class="num">{{ event.participant_count }}</td>
  <td class="num">{{ event.agreement_count }}</td>
  <td class="num">{{ event.task_count }}</td>
</tr>
{% endfor %}""",  # noqa: E501
    "/tasks/": """{% for task in page %}
<tr{% if task.due_date and task.due_date < today and task.status in open %} class="overdue"{% endif %}>
  <td class="text"><a href="{% url 'web:task' task.pk %}">{{ task.title }}</a></td>
  <td class="nw">{{ task.pairing }}</td>
  <td>{{ task.owner|default:"—" }}</td>
  <td class="nw">{{ task.due_date|date:"Y-m-d"|default:"—" }}</td>
  <td><span class="status w-{{ task.status }}">{{ task.get_status_display }}</span>{% if task.due_date and task.due_date < today and task.status in open %} <span class="tag warn">{% translate "逾期" %}</span>{% endif %}</td>
  <td>{% if task.event %}<a href="{% url 'web:event' task.event_id %}">{{ task.event }}</a>{% elif task.agreement %}<a href="{% url 'web:agreement' task.agreement_id %}">{{ task.agreement }}</a>{% elif task.plan_year %}{% blocktranslate with year=task.plan_year %}{{ year }}年度计划{% endblocktranslate %}{% else %}—{% endif %}</td>
</tr>
{% endfor %}""",  # noqa: E501
}
# The audit list's loop (web/templates/web/review/audit.html).
LOOPS["/audit/"] = """{% for row in rows %}{% with entry=row.entry %}
<tr data-entry="{{ entry.pk }}">
  <td class="nw">{{ entry.at|date:"Y-m-d H:i:s" }}</td>
  <td>{{ entry.user.get_username|default:"—" }}</td>
  <td>{{ entry.actor|audit_actor }}</td>
  <td title="{{ entry.action }}">{{ row.verb }}</td>
  <td class="audit-record"><span class="record-type">{{ row.record_type }}</span> {{ entry.record_repr|default:"—" }}</td>
  <td>{{ entry.pairing|default:"—" }}</td>
  <td class="audit-changes">{% if row.changes %}<dl>{% for change in row.changes %}
    <dt>{{ change.label }}</dt><dd>{% if change.paired %}{{ change.before }} → {{ change.after }}{% else %}{{ change.value }}{% endif %}</dd>{% endfor %}
  </dl>{% else %}—{% endif %}</td>
</tr>{% endwith %}
{% endfor %}"""  # noqa: E501
# The generic lists' loop (web/templates/web/records/_table.html).
TABLE = """{% for row in rows %}
<tr>{% for cell in row.cells %}
  <td{% if cell.numeric %} class="num"{% elif cell.kind == "date" or forloop.first %} class="nw"{% endif %}>{% if forloop.first %}<a href="{{ row.url }}">{% endif %}{% include "web/records/_value.html" with no_links=forloop.first %}{% if forloop.first %}</a>{% endif %}</td>{% endfor %}
</tr>
{% endfor %}"""  # noqa: E501

GENERIC = [f"/{d.pages.slug}/" for d in record_types.with_pages() if d.pages is not None]


def body_of(html: str) -> str:
    return re.search(r"<tbody>\n(.*?)</tbody>", html, re.S)[1]


def looped(loop: str, response) -> str:
    context = {
        k: response.context[k] for k in ("page", "today", "open", "rows") if k in response.context
    }
    return Template("{% load i18n pairaid_web %}" + loop).render(Context(context))


def assert_same_rows(client, url: str, loop: str, language: str) -> int:
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200, url
    with translation.override(language):
        expected = looped(loop, response)
    shown = body_of(response.content.decode())
    if not expected:
        assert 'class="empty"' in shown
    else:
        assert shown.startswith(expected), url
        assert shown == expected + "\n", url
    return expected.count("<tr")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("url", sorted(LOOPS))
def test_it_writes_each_lists_rows_as_its_template_loop_did(admin_client, url, language):
    rows = 0
    for query in ("", "?sort=-pairing", "?page=2"):
        rows += assert_same_rows(admin_client, url + query, LOOPS[url], language)
    assert rows > 0, url


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_it_writes_the_generic_lists_rows_as_their_template_loop_did(admin_client, language):
    rows = 0
    for url in GENERIC:
        rows += assert_same_rows(admin_client, url, TABLE, language)
    assert rows > 0


def test_it_writes_reversals_overdue_work_and_markup_in_text_as_before(admin_client, build):
    pairing = build.pairing("<b>甲&区</b>", '乙"县')
    project = build.project(pairing, code="X<1>", name="a & b")
    flow = build.flow(pairing, "1234.5", project=project, note='<script>x</script> & "q"')
    services.reverse_fund_flow(flow, acting_user=None, via="test", reason="<错>")
    build.flow(pairing, "99", kind=FundFlow.Kind.PLAN, voucher="V<&>")
    past = dt.date(2020, 1, 1)
    event = build._create(
        Event,
        pairing=pairing,
        title="<调研>",
        kind=Event.Kind.VISIT,
        start_date=past,
        end_date=dt.date(2020, 1, 3),
    )
    agreement = build._create(
        Agreement,
        pairing=pairing,
        title="<协议>",
        kind=Agreement.Kind.FRAMEWORK,
        signed_date=past,
        event=event,
        amount=Decimal("12345.67"),
    )
    build._create(Obligation, agreement=agreement, deliverable="<u>交付</u>", due_date=past)
    build._create(Task, pairing=pairing, title="<i>清单</i>", due_date=past, event=event)
    build._create(Task, pairing=pairing, title="年度", plan_year=2021)
    person = build.person("<李>", ethnicity="彝族")
    build.posting(person, pairing, past, post="<副县长>", batch=3)
    for url in ("/funds/", "/projects/", "/postings/", "/agreements/", "/events/", "/tasks/"):
        for language in ("zh-hans", "en"):
            rows = assert_same_rows(
                admin_client, f"{url}?pairing={pairing.pk}", LOOPS[url], language
            )
            assert rows > 0, url
    for language in ("zh-hans", "en"):
        assert assert_same_rows(
            admin_client, "/obligations/?q=交付", LOOPS["/obligations/"], language
        )
        assert assert_same_rows(admin_client, "/people/?q=李", LOOPS["/people/"], language)
    for language in ("zh-hans", "en"):
        assert assert_same_rows(
            admin_client, f"/audit/?pairing={pairing.pk}", LOOPS["/audit/"], language
        )
    shown = admin_client.get(f"/funds/?pairing={pairing.pk}").content.decode()
    assert "&lt;script&gt;" in shown and "<script>x" not in shown
