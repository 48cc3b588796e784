"""A figure's label, rule and unit in the page's language.

`ledger/figures.py` states each figure's label and rule in Chinese (the language of record).
Pages in Chinese show exactly that text. Pages in English show the same sentence from the
catalogue below: each template here, rendered in Chinese, reproduces the figures module's
text word for word (tests/test_web_i18n.py checks it), so the English is a translation of
the rule actually applied. When figures.py takes its wording through gettext, this module
shrinks to `value()` and `count()`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from decimal import Decimal

from django.utils.translation import get_language, npgettext
from django.utils.translation import gettext as _

from pairaid.ledger.figures import Figure, Window
from pairaid.ledger.models import FundFlow, Person
from pairaid.ledger.money import format_wan, to_wan


def chinese() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


# --- values and units ---------------------------------------------------------------------


def count(number: int, what: str) -> str:
    """154 → "154个" / "154 projects"; `what` says what is counted."""
    forms = {
        "projects": lambda n: npgettext("帮扶项目", "%(number)s个", "%(number)s个", n),
        "items": lambda n: npgettext("事项", "%(number)s项", "%(number)s项", n),
        "records": lambda n: npgettext("记录", "%(number)s条", "%(number)s条", n),
        "agreements": lambda n: npgettext("协议", "%(number)s份", "%(number)s份", n),
        "events": lambda n: npgettext("活动", "%(number)s次", "%(number)s次", n),
        "persons": lambda n: npgettext("人数", "%(number)s人", "%(number)s人", n),
        "postings": lambda n: npgettext("人次", "%(number)s人次", "%(number)s人次", n),
    }
    shown = str(number) if chinese() else f"{number:,}"
    return forms.get(what, forms["items"])(number) % {"number": shown}


UNIT_COUNTS = {"个": "projects", "人": "persons", "人次": "postings", "项": "items"}


def value(figure: Figure) -> str:
    if isinstance(figure.value, Decimal) and figure.unit == "元":
        if chinese():
            return format_wan(figure.value)
        amount = f"{to_wan(figure.value):,}"
        return _("%(amount)s万元") % {"amount": amount}
    what = UNIT_COUNTS.get(figure.unit, "items")
    if figure.key.startswith(("tasks", "obligations")):
        what = "items"
    return count(int(figure.value), what)


# --- labels and rules of the figures module ------------------------------------------------


def kind_texts() -> dict[str, tuple[str, str]]:
    """figures.KIND_LABELS, through the catalogue: (label, stage)."""
    return {
        FundFlow.Kind.PLAN: (_("计划帮扶资金"), _("计划")),
        FundFlow.Kind.TRANSFER: (_("累计投入各类帮扶资金"), _("拨付（交付）")),
        FundFlow.Kind.ALLOCATE: (_("分配到项目资金"), _("分配到项目")),
        FundFlow.Kind.SPEND: (_("项目支出资金"), _("项目支出")),
    }


def part_labels() -> dict[str, str]:
    """A stage's label when the figure is only some sources' part of it (never "各类")."""
    return {
        FundFlow.Kind.PLAN: _("计划帮扶资金"),
        FundFlow.Kind.TRANSFER: _("累计投入帮扶资金"),
        FundFlow.Kind.ALLOCATE: _("分配到项目资金"),
        FundFlow.Kind.SPEND: _("项目支出资金"),
    }


def money_kind(key: str) -> tuple[str, str] | None:
    """(stage, what follows) for the keys of `figures.funds` — funds_<kind>, then the sorted
    sources it is restricted to — and of `breakdowns.project_funds` (…_project)."""
    for kind in FundFlow.Kind.values:
        if key == f"funds_{kind}" or key.startswith(f"funds_{kind}_"):
            rest = key.removeprefix(f"funds_{kind}").removeprefix("_")
            if rest in ("", "project") or rest in SOURCE_SUFFIXES:
                return kind, rest
    return None


SOURCE_SUFFIXES = {
    "_".join(sorted(combination))
    for size in range(1, len(FundFlow.Source.values) + 1)
    for combination in itertools.combinations(FundFlow.Source.values, size)
}


def funds_text(figure: Figure) -> tuple[str, str]:
    kind, rest = money_kind(figure.key) or ("transfer", "")
    label, stage = kind_texts()[kind]
    window = figure.window
    sources = _source_values(figure)
    source_names = (
        _("、").join(str(FundFlow.Source(s).label) for s in sources)
        if sources
        else _("各类来源（财政援助资金、社会帮扶资金、捐物折价、其他）")
    )
    if sources:
        label = _("%(label)s（%(sources)s）") % {
            "label": part_labels()[kind],
            "sources": source_names,
        }
    rule = _(
        "%(stage)s记录金额之和（冲销记录为负数），%(sources)s，资金年度%(from_year)s—%(to_year)s年，"
        "日期不晚于%(as_of)s；不含引导企业投资"
    ) % {
        "stage": stage,
        "sources": source_names,
        "from_year": window.from_year,
        "to_year": window.to_year,
        "as_of": window.as_of.isoformat(),
    }
    if rest == "project":
        rule = _("%(rule)s；仅计该项目的记录") % {"rule": rule}
    return label, rule


def _source_values(figure: Figure) -> list[str]:
    """The sources a money figure was restricted to, read back from its Chinese rule (the
    figures module names them there and nowhere else)."""
    if "各类来源" in figure.rule:
        return []
    return [
        value
        for value, label in FundFlow.Source.choices
        if any(f"{sep}{label}{end}" in figure.rule for sep in "，、" for end in "，、")
    ]


def projects_text(figure: Figure) -> tuple[str, str]:
    window = figure.window
    return _("实施帮扶项目"), _(
        "已开工（实施中、已完工、已移交、运营中）且开工日期在%(start)s至%(end)s之间的项目个数，"
        "不含计划、已立项未开工和已取消的项目"
    ) % {"start": window.start.isoformat(), "end": window.end.isoformat()}


def persons_text(figure: Figure) -> tuple[str, str]:
    window = figure.window
    rest = figure.key.removeprefix("persons_dispatched_")
    rule_name, _sep, category = rest.partition("_")
    # Persons (人) and postings (人次) are told apart by their labels wherever both show.
    who = (
        {
            "": _("选派干部人才人次"),
            "cadre": _("选派党政干部人次"),
            "professional": _("选派专业技术人才人次"),
        }
        if rule_name == "postings"
        else {
            "": _("选派干部人才"),
            "cadre": _("选派党政干部"),
            "professional": _("选派专业技术人才"),
        }
    )[category]
    counted = (
        _("选派人次（一人多次选派计多次）")
        if rule_name == "postings"
        else _("不重复人数（一人多次选派计一人）")
    )
    rule = _("到岗日期在%(start)s至%(end)s之间的选派记录，%(counted)s") % {
        "start": window.start.isoformat(),
        "end": window.end.isoformat(),
        "counted": counted,
    }
    return who, rule


def profession_text(figure: Figure) -> tuple[str, str]:
    window = figure.window
    profession = figure.key.removeprefix("persons_dispatched_")
    name = Person.Profession(profession).label
    return _("选派%(profession)s") % {"profession": name}, _(
        "专业类别为“%(profession)s”、到岗日期在%(start)s至%(end)s之间的专业技术人才，不重复人数"
    ) % {"profession": name, "start": window.start.isoformat(), "end": window.end.isoformat()}


def in_post_text(figure: Figure) -> tuple[str, str]:
    day = figure.window.end.isoformat()
    return _("在岗干部人才"), _(
        "%(day)s在岗（到岗日期不晚于该日、未登记离岗，状态为延期，或状态为在岗且未过计划期满）"
        "的不重复人数；期满未离岗的不计"
    ) % {"day": day}


def overdue_postings_text(figure: Figure) -> tuple[str, str]:
    return _("期满未离岗"), _(
        "计划期满早于%(as_of)s、至该日未登记离岗且未办理延期的选派人次，不计入在岗"
    ) % {"as_of": figure.window.as_of.isoformat()}


def obligations_text(figure: Figure) -> tuple[str, str]:
    return _("逾期未完成履约事项"), _(
        "完成时限早于%(as_of)s、状态仍为未开始或推进中的协议履约事项"
    ) % {"as_of": figure.window.as_of.isoformat()}


def family(key: str) -> Callable[[Figure], tuple[str, str]] | None:
    if money_kind(key) is not None:
        return funds_text
    if key == "projects_implemented":
        return projects_text
    if key in {
        "persons_dispatched_persons",
        "persons_dispatched_postings",
        "persons_dispatched_persons_cadre",
        "persons_dispatched_persons_professional",
        "persons_dispatched_postings_cadre",
        "persons_dispatched_postings_professional",
    }:
        return persons_text
    if key.removeprefix("persons_dispatched_") in Person.Profession.values and key != (
        "persons_dispatched_"
    ):
        return profession_text
    if key == "persons_in_post":
        return in_post_text
    if key == "postings_overdue":
        return overdue_postings_text
    if key == "obligations_overdue":
        return obligations_text
    return None


def translated(figure: Figure) -> tuple[str, str]:
    """(label, rule) from the catalogue, in the active language."""
    builder = family(figure.key)
    if builder is None:
        return figure.label, figure.rule
    return builder(figure)


def label(figure: Figure) -> str:
    if chinese() or family(figure.key) is None:
        return figure.label
    return translated(figure)[0]


def rule(figure: Figure) -> str:
    if chinese() or family(figure.key) is None:
        return figure.rule
    return translated(figure)[1]


def window_text(window: Window) -> str:
    """Window.describe(), in the active language."""
    scope = _("仅已确认记录") if window.confirmed_only else _("含待确认记录")
    return _("%(from_year)s—%(to_year)s年，截至%(as_of)s，%(scope)s") % {
        "from_year": window.from_year,
        "to_year": window.to_year,
        "as_of": window.as_of.isoformat(),
        "scope": scope,
    }


def rate_label(key: str) -> str:
    return {"transfer_rate": _("拨付率"), "usage_rate": _("使用率")}.get(key, key)


def rate_rule(key: str) -> str:
    return {
        "transfer_rate": _("拨付金额 ÷ 计划金额"),
        "usage_rate": _("项目支出金额 ÷ 分配到项目金额"),
    }.get(key, "")
