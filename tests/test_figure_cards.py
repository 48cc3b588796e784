"""The figure cards of the dashboards and the project page (`templatetags/pairaid_cards.py`,
written in Python rather than by a template include per figure) are the HTML the templates
wrote: each card of the page is compared, in Chinese and English, with the card rendered from
the page's own context by the template each page held before."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from pairaid.ledger.models import Pairing, Project

# web/_figure.html, included once per figure, unchanged (its file ended with a newline).
FIGURE = """{% load i18n pairaid_web %}{% with figure=drill.figure %}
<div class="figure{% if big %} big{% endif %}" data-figure="{{ figure.key }}">
  <div class="label">{{ figure|figure_label }}</div>
  <a class="value" href="{{ drill.url }}">{{ figure|figure_value }}</a>
  <details class="rule"><summary>{% translate "口径" %}</summary><p>{{ figure|figure_rule }}</p></details>
</div>
{% endwith %}
"""  # noqa: E501
# The loop of dashboard/_areas.html over an area's figures, unchanged.
AREA = """{% load i18n pairaid_web %}    <div class="cards">
      {% for shown in area.figures %}{% with figure=shown.figure %}
      <div class="figure{% if shown.attention %} attention{% endif %}" data-figure="{{ shown.drill.key }}">
        <div class="label">{{ figure|figure_label }}{% if shown.attention %} <span class="tag warn">{% translate "需关注" %}</span>{% endif %}</div>
        {% if shown.href %}<a class="value" href="{{ shown.href }}">{{ figure|figure_value }}</a>{% else %}<span class="value">{{ figure|figure_value }}</span>{% endif %}
        <details class="rule"><summary>{% translate "口径" %}</summary><p>{{ figure|figure_rule }}</p></details>
      </div>
      {% endwith %}{% endfor %}
    </div>"""  # noqa: E501


def cards(drills, big: bool = False) -> str:
    return "".join(
        Template(FIGURE).render(Context({"drill": drill, "big": big})) for drill in drills
    )


def page(client, url: str, language: str):
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return response, response.content.decode()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_it_writes_the_dashboards_cards_as_their_templates_did(admin_client, language):
    top = Pairing.objects.filter(parent__isnull=True, children__isnull=False).first()
    pairings = [top, *top.children.all()]
    shown = 0
    for pairing in pairings:
        for query in ("", "?confirmed=1", "?as_of=2022-12-04"):
            response, html = page(admin_client, f"/pairings/{pairing.pk}/{query}", language)
            with translation.override(language):
                expected = [
                    cards(response.context["main"], big=True),
                    cards(response.context["money"]),
                    cards(response.context["people"]),
                    *(
                        Template(AREA).render(Context({"area": area}))
                        for area in response.context["areas"]
                    ),
                ]
            for part in expected:
                assert part in html, (pairing, query, part[:300])
            shown += sum(part.count('class="figure') for part in expected)
    assert shown > 100


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_it_writes_the_project_pages_cards_as_its_template_did(admin_client, language):
    projects = Project.objects.filter(fund_flows__isnull=False).distinct()[:3]
    assert projects
    for project in projects:
        response, html = page(admin_client, f"/projects/{project.pk}/", language)
        with translation.override(language):
            expected = cards(response.context["money"])
        assert expected.count('class="figure') == len(response.context["money"]) > 0
        assert expected in html, project
