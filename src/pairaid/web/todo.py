"""What waits for a user: the to-do inbox (/inbox/) and the count on the menu.

Each kind of item is one question to the database over the pairings where the user's roles
let them act on it (`ledger.access.pairings(user, action)`, a subquery, never a list of
pairings), so the inbox costs the same number of queries whatever the ledger holds:

| item | who sees it (action on the pairing) | rule |
|---|---|---|
| money to confirm | CONFIRM | a transfer (not a reversal) still 待确认 |
| postings to confirm | CONFIRM | a posting still 待确认 |
| placements, workshops to confirm | CONFIRM | a placement (劳务协作就业) or a workshop's jobs |
| | | still 待确认 |
| years to review | APPROVE | a pairing's year 已报送 (submitted) |
| overdue tasks | EDIT | due before today, neither done nor cancelled |
| overdue obligations | EDIT | the same, on an agreement's obligation |
| postings past their end | EDIT | effective status 期满未离岗 today |
| agreements expiring | EDIT | signed or in force, term ending within 60 days |
| dated ahead | EDIT | money, a project's start or an agreement's signing after today |
| unusual amounts | EDIT, CONFIRM | a transfer over 10× the mean of the pairing's other |
| | | transfers (when there are at least 3 others) |
| funded, no progress | EDIT, PROGRESS | in progress, money allocated or spent, started |
| | | more than a year ago and still at 0% |

Each item links to the page where it is done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pairaid.ledger import access, record_types
from pairaid.ledger.access import Viewer
from pairaid.ledger.models import (
    Agreement,
    Confirmation,
    FundFlow,
    Obligation,
    PairingYear,
    Placement,
    Posting,
    Project,
    Task,
    Workshop,
    WorkStatus,
)

EXPIRING_DAYS = 60
UNUSUAL_FACTOR = 10  # a transfer this many times the mean of the pairing's other transfers
UNUSUAL_MIN_OTHERS = 3  # ... when the pairing has at least this many other transfers
STALLED_DAYS = 365
SHOWN = 50  # items shown per kind; the count is of all of them


def _in(user: Viewer, *actions: str, path: str = "pairing") -> Q:
    """The records whose pairing is one where the user may do one of `actions`."""
    if access.is_administrator(user):
        return Q()
    condition = Q(pk__in=[])
    for action in actions:
        condition |= Q(**{f"{path}__in": access.pairings(user, action).values("pk")})
    return condition


def _may(user: Viewer, *actions: str) -> bool:
    return bool(access.actions_anywhere(user).intersection(actions))


@dataclass
class Kind:
    """One kind of item: who sees it, the query, and how a row reads and links."""

    key: str
    title: str | Promise
    actions: tuple[str, ...]
    query: Callable[[Viewer, dt.date], QuerySet[Model]]
    label: Callable[[Any], str]
    link: Callable[[Any], str]
    when: Callable[[Any], Any] = lambda obj: None
    warning: bool = False


@dataclass
class Section:
    kind: Kind
    count: int
    rows: list[Any] = field(default_factory=list)

    @property
    def items(self) -> list[dict[str, Any]]:
        return [
            {
                "label": self.kind.label(obj),
                "link": self.kind.link(obj),
                "when": self.kind.when(obj),
                "pairing": getattr(obj, "pairing", None),
                "obj": obj,
            }
            for obj in self.rows
        ]


# --- the questions ------------------------------------------------------------------------


def money_to_confirm(user: Viewer, today: dt.date) -> QuerySet[FundFlow]:
    return FundFlow.objects.filter(
        _in(user, access.CONFIRM),
        kind=FundFlow.Kind.TRANSFER,
        reverses__isnull=True,
        confirmation=Confirmation.UNCONFIRMED,
    ).order_by("date", "id")


def postings_to_confirm(user: Viewer, today: dt.date) -> QuerySet[Posting]:
    return Posting.objects.filter(
        _in(user, access.CONFIRM), confirmation=Confirmation.UNCONFIRMED
    ).order_by("start_date", "id")


def placements_to_confirm(user: Viewer, today: dt.date) -> QuerySet[Placement]:
    return Placement.objects.filter(
        _in(user, access.CONFIRM), confirmation=Confirmation.UNCONFIRMED
    ).order_by("date", "id")


def workshops_to_confirm(user: Viewer, today: dt.date) -> QuerySet[Workshop]:
    return Workshop.objects.filter(
        _in(user, access.CONFIRM), confirmation=Confirmation.UNCONFIRMED
    ).order_by("established", "id")


def record_page(obj: Model) -> str:
    """The detail page of a record of a type declared with `Pages` (web:<slug>_detail),
    where the recipient side confirms or disputes it; "" while no such page is served."""
    declared = record_types.of(type(obj))
    if declared is None or declared.pages is None:
        return ""
    try:
        return reverse(f"web:{declared.pages.slug}_detail", args=[obj.pk])
    except NoReverseMatch:
        return ""


def years_to_review(user: Viewer, today: dt.date) -> QuerySet[PairingYear]:
    return PairingYear.objects.filter(
        _in(user, access.APPROVE), status=PairingYear.Status.SUBMITTED
    ).order_by("year", "pairing_id")


OPEN_WORK = (WorkStatus.DONE, WorkStatus.CANCELLED)


def overdue_tasks(user: Viewer, today: dt.date) -> QuerySet[Task]:
    return (
        Task.objects.filter(_in(user, access.EDIT), due_date__lt=today)
        .exclude(status__in=OPEN_WORK)
        .order_by("due_date", "id")
    )


def overdue_obligations(user: Viewer, today: dt.date) -> QuerySet[Obligation]:
    return (
        Obligation.objects.filter(_in(user, access.EDIT, path="agreement__pairing"))
        .filter(due_date__lt=today)
        .exclude(status__in=OPEN_WORK)
        .order_by("due_date", "id")
    )


def postings_past_end(user: Viewer, today: dt.date) -> QuerySet[Posting]:
    return (
        Posting.objects.filter(_in(user, access.EDIT))
        .with_effective_status(today)
        .filter(effective_status=Posting.EffectiveStatus.OVERDUE)
        .order_by("planned_end", "id")
    )


def agreements_expiring(user: Viewer, today: dt.date) -> QuerySet[Agreement]:
    return Agreement.objects.filter(
        _in(user, access.EDIT),
        status__in=Agreement.RUNNING,
        term_end__gte=today,
        term_end__lte=today + dt.timedelta(days=EXPIRING_DAYS),
    ).order_by("term_end", "id")


def dated_ahead(user: Viewer, today: dt.date) -> QuerySet[FundFlow]:
    return FundFlow.objects.filter(_in(user, access.EDIT), date__gt=today).order_by("date", "id")


def projects_dated_ahead(user: Viewer, today: dt.date) -> QuerySet[Project]:
    return Project.objects.filter(
        _in(user, access.EDIT), status__in=Project.STARTED, start_date__gt=today
    ).order_by("start_date", "id")


def agreements_dated_ahead(user: Viewer, today: dt.date) -> QuerySet[Agreement]:
    return Agreement.objects.filter(_in(user, access.EDIT), signed_date__gt=today).order_by(
        "signed_date", "id"
    )


def unusual_amounts(user: Viewer, today: dt.date) -> QuerySet[FundFlow]:
    """Transfers more than UNUSUAL_FACTOR × the mean of the pairing's other transfers:
    amount × (n − 1) > factor × (sum − amount), in whole fen, with n − 1 ≥ the minimum."""
    transfers = FundFlow.objects.filter(
        pairing=OuterRef("pairing"), kind=FundFlow.Kind.TRANSFER, reverses__isnull=True
    ).values("pairing")
    total = Subquery(
        transfers.annotate(s=Sum("amount")).values("s")[:1], output_field=IntegerField()
    )
    number = Subquery(
        transfers.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()
    )
    return (
        FundFlow.objects.filter(
            _in(user, access.EDIT, access.CONFIRM),
            kind=FundFlow.Kind.TRANSFER,
            reverses__isnull=True,
            amount__gt=0,
        )
        .alias(pairing_total=total, pairing_number=number)
        .filter(pairing_number__gt=UNUSUAL_MIN_OTHERS)
        .alias(
            weighted=F("amount") * (F("pairing_number") - Value(1)),
            others=Value(UNUSUAL_FACTOR) * (F("pairing_total") - F("amount")),
        )
        .filter(weighted__gt=F("others"))
        .order_by("-date", "id")
    )


def stalled_projects(user: Viewer, today: dt.date) -> QuerySet[Project]:
    funded = FundFlow.objects.filter(
        project=OuterRef("pk"), kind__in=[FundFlow.Kind.ALLOCATE, FundFlow.Kind.SPEND]
    )
    return Project.objects.filter(
        Exists(funded),
        _in(user, access.EDIT, access.PROGRESS),
        status=Project.Status.IN_PROGRESS,
        progress=0,
        start_date__lt=today - dt.timedelta(days=STALLED_DAYS),
    ).order_by("start_date", "id")


def _amount_label(flow: FundFlow) -> str:
    return f"{flow.get_kind_display()} {flow.amount:,}"


KINDS: tuple[Kind, ...] = (
    Kind(
        "money",
        _("待确认的拨付资金"),
        (access.CONFIRM,),
        money_to_confirm,
        _amount_label,
        lambda f: reverse("web:fund", args=[f.pk]),
        lambda f: f.date,
    ),
    Kind(
        "postings",
        _("待确认的选派人员"),
        (access.CONFIRM,),
        postings_to_confirm,
        lambda p: f"{p.person.name} {p.post}".strip(),
        lambda p: reverse("web:person", args=[p.person_id]),
        lambda p: p.start_date,
    ),
    Kind(
        "placements",
        _("待确认的劳务协作就业"),
        (access.CONFIRM,),
        placements_to_confirm,
        str,
        record_page,
        lambda p: p.date,
    ),
    Kind(
        "workshops",
        _("待确认的帮扶车间就业"),
        (access.CONFIRM,),
        workshops_to_confirm,
        str,
        record_page,
        lambda w: w.established,
    ),
    Kind(
        "years",
        _("待审核的年度"),
        (access.APPROVE,),
        years_to_review,
        lambda y: f"{y.year}",
        lambda y: reverse("web:pairing_years", args=[y.pairing_id]),
        lambda y: y.changed_at,
    ),
    Kind(
        "tasks",
        _("逾期未完成的清单事项"),
        (access.EDIT,),
        overdue_tasks,
        lambda t: t.title,
        lambda t: reverse("web:task", args=[t.pk]),
        lambda t: t.due_date,
    ),
    Kind(
        "obligations",
        _("逾期未完成的履约事项"),
        (access.EDIT,),
        overdue_obligations,
        lambda o: o.deliverable,
        lambda o: reverse("web:obligation_edit", args=[o.pk]),
        lambda o: o.due_date,
    ),
    Kind(
        "past_end",
        _("期满未离岗的选派"),
        (access.EDIT,),
        postings_past_end,
        lambda p: f"{p.person.name} {p.post}".strip(),
        lambda p: reverse("web:posting_edit", args=[p.pk]),
        lambda p: p.planned_end,
    ),
    Kind(
        "expiring",
        _("60天内到期的协议"),
        (access.EDIT,),
        agreements_expiring,
        lambda a: a.title,
        lambda a: reverse("web:agreement", args=[a.pk]),
        lambda a: a.term_end,
    ),
    Kind(
        "ahead",
        _("日期晚于今天的资金记录"),
        (access.EDIT,),
        dated_ahead,
        _amount_label,
        lambda f: reverse("web:fund", args=[f.pk]),
        lambda f: f.date,
        warning=True,
    ),
    Kind(
        "projects_ahead",
        _("开工日期晚于今天却已开工的项目"),
        (access.EDIT,),
        projects_dated_ahead,
        lambda p: f"{p.code} {p.name}",
        lambda p: reverse("web:project_edit", args=[p.pk]),
        lambda p: p.start_date,
        warning=True,
    ),
    Kind(
        "agreements_ahead",
        _("签订日期晚于今天的协议"),
        (access.EDIT,),
        agreements_dated_ahead,
        lambda a: a.title,
        lambda a: reverse("web:agreement_edit", args=[a.pk]),
        lambda a: a.signed_date,
        warning=True,
    ),
    Kind(
        "unusual",
        _("金额异常的拨付（超过本结对其他拨付平均额的10倍）"),
        (access.EDIT, access.CONFIRM),
        unusual_amounts,
        _amount_label,
        lambda f: reverse("web:fund", args=[f.pk]),
        lambda f: f.date,
        warning=True,
    ),
    Kind(
        "stalled",
        _("已投入资金但开工一年以上进度仍为0的项目"),
        (access.EDIT, access.PROGRESS),
        stalled_projects,
        lambda p: f"{p.code} {p.name}",
        lambda p: reverse("web:project_edit", args=[p.pk]),
        lambda p: p.start_date,
        warning=True,
    ),
)

RELATED: dict[str, tuple[str, ...]] = {
    "money": ("pairing",),
    "postings": ("pairing", "person"),
    "placements": ("pairing",),
    "workshops": ("pairing",),
    "years": ("pairing",),
    "tasks": ("pairing",),
    "obligations": ("agreement__pairing",),
    "past_end": ("pairing", "person"),
    "expiring": ("pairing",),
    "ahead": ("pairing",),
    "projects_ahead": ("pairing",),
    "agreements_ahead": ("pairing",),
    "unusual": ("pairing",),
    "stalled": ("pairing",),
}


def kinds_for(user: Viewer) -> list[Kind]:
    """The kinds of item the user's roles could hold (no query beyond the user's roles)."""
    return [kind for kind in KINDS if _may(user, *kind.actions)]


def count(user: Viewer, today: dt.date | None = None) -> int:
    """Everything waiting for the user, in one query per kind of item."""
    today = today or timezone.localdate()
    return sum(kind.query(user, today).count() for kind in kinds_for(user))


def sections(user: Viewer, today: dt.date | None = None) -> list[Section]:
    """Each kind of item the user may have, its count and its first SHOWN rows."""
    today = today or timezone.localdate()
    found = []
    for kind in kinds_for(user):
        query = kind.query(user, today)
        number = query.count()
        rows = list(query.select_related(*RELATED[kind.key])[:SHOWN]) if number else []
        found.append(Section(kind, number, rows))
    return found


def confirmable(
    user: Viewer, model: type[FundFlow | Posting], ids: list[int]
) -> list[FundFlow | Posting]:
    """The chosen records (fund flows or postings) still waiting for the user's answer."""
    query: Callable[[Viewer, dt.date], QuerySet[FundFlow | Posting]] = (
        money_to_confirm if model is FundFlow else postings_to_confirm
    )
    return list(query(user, timezone.localdate()).filter(pk__in=ids).select_related("pairing"))
