"""Check each claim of a published text against the ledger, as of the text's date.

Every ledger value comes from the figures layer (`pairaid.ledger.figures` and
`pairaid.ledger.breakdowns`), with its rule and its records, so an auditor can see which
records stand behind each verdict.

A claim is never a ledger record: checking writes nothing to the ledger.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pairaid.bulletin.destinations import resolve_destination
from pairaid.bulletin.extract import EXACT, Claim, extract, published_date
from pairaid.bulletin.names import aliases
from pairaid.bulletin.normalize import Normalised, normalise
from pairaid.ledger import access, figure_specs, figures
from pairaid.ledger.figures import Figure, Window
from pairaid.ledger.models import Organisation, Pairing, PairingQuerySet, Region
from pairaid.ledger.money import format_wan

AGREES, DISAGREES, UNKNOWN = "agrees", "disagrees", "unknown"
VERDICTS = (AGREES, DISAGREES, UNKNOWN)
NOT_RECORDED = {
    "other": "此类数字",
}


@dataclass(frozen=True)
class Subject:
    """The pairing(s) a subject as written stands for, and whether the figure covers the
    pairings below them (a city speaks for its districts)."""

    pairings: tuple[Pairing, ...]
    include_children: bool

    @property
    def label(self) -> str:
        return "、".join(str(pairing) for pairing in self.pairings)

    def to_dict(self) -> dict[str, object]:
        return {
            "pairings": [pairing.pk for pairing in self.pairings],
            "name": self.label,
            "include_children": self.include_children,
        }


@dataclass(frozen=True)
class Checked:
    claim: Claim
    verdict: str
    reason: str
    subject: Subject | None = None
    ledger: Figure | None = None
    low: Decimal | None = None
    high: Decimal | None = None

    @property
    def ledger_value(self) -> Decimal | int | None:
        return self.ledger.value if self.ledger is not None else None

    @property
    def difference(self) -> Decimal | None:
        """What the text says minus what the ledger holds (for a disagreement)."""
        if self.verdict != DISAGREES or self.ledger is None:
            return None
        return self.claim.value - Decimal(self.ledger.value)

    def to_dict(self) -> dict[str, object]:
        claim = self.claim
        return {
            "subject": claim.subject,
            "subject_name": claim.subject_name,
            "subject_carried": claim.subject_carried,
            "subject_ref": self.subject.to_dict() if self.subject else None,
            "metric": claim.metric,
            "value": plain(claim.value),
            "unit": claim.unit,
            "qualifier": claim.qualifier,
            "period": claim.period,
            "span": [claim.start, claim.end],
            "quote": claim.quote,
            "tags": list(claim.tags),
            "uncertain": claim.uncertain,
            "why_uncertain": claim.why_uncertain,
            "verdict": self.verdict,
            "reason": self.reason,
            "ledger_value": plain(self.ledger_value),
            "difference": plain(self.difference),
            "range": [plain(self.low), plain(self.high)] if self.low is not None else None,
            "rule": self.ledger.rule if self.ledger else "",
            "records": self.ledger.records.count() if self.ledger else None,
        }


@dataclass(frozen=True)
class Report:
    normalised: Normalised
    as_of: dt.date
    as_of_from: str  # "given", "text" or "today"
    results: list[Checked] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {verdict: sum(r.verdict == verdict for r in self.results) for verdict in VERDICTS}

    def to_dict(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(),
            "as_of_from": self.as_of_from,
            "sha256": self.normalised.sha256,
            "counts": self.counts(),
            "repairs": [flag.to_dict() for flag in self.normalised.flags],
            "claims": [result.to_dict() for result in self.results],
        }


def plain(value: Decimal | int | None) -> int | str | None:
    """JSON for a figure: whole numbers as numbers (146547300), others as exact strings."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else str(value)


# --- the whole text ------------------------------------------------------------------------


def check_text(raw: str, *, as_of: dt.date | None = None, user: Any = None) -> Report:
    """Normalise, extract and check, as `user` sees the ledger: only the pairings the user
    sees answer, and a coordinating pairing's figure holds only the pairings below it that
    the user sees (`ledger.access`). `user=None` is the operator, who sees every pairing."""
    pairings = access.pairings(user)
    normalised = normalise(raw)
    as_of_from = "given"
    if as_of is None:
        as_of = published_date(normalised.text)
        as_of_from = "text"
    if as_of is None:
        as_of, as_of_from = timezone.localdate(), "today"
    claims = [
        mark_garbled(claim, normalised) for claim in extract(normalised.text, gazetteer(pairings))
    ]
    return Report(normalised, as_of, as_of_from, check_claims(claims, as_of, pairings, user))


def mark_garbled(claim: Claim, normalised: Normalised) -> Claim:
    """A figure in a sentence with a repaired scar is read, but not trusted: the scar may
    have eaten its subject, its unit or a digit."""
    if not normalised.flags_within(*claim.sentence):
        return claim
    why = "；".join(filter(None, [claim.why_uncertain, "所在句子有乱码修复"]))
    return replace(claim, uncertain=True, why_uncertain=why)


def gazetteer(pairings: QuerySet[Pairing]) -> list[str]:
    """Names the extractor should cut exactly: every region, and the bodies of the
    visible pairings, with the short forms texts use (凉山彝族自治州 → 凉山州)."""
    names = set(Region.objects.values_list("name", flat=True))
    names.update(
        Organisation.objects.filter(pairings_as_helper__in=pairings).values_list("name", flat=True)
    )
    names.update(
        Organisation.objects.filter(pairings_as_recipient__in=pairings).values_list(
            "name", flat=True
        )
    )
    return sorted(names | {alias for name in names for alias in aliases(name)})


# --- one claim -------------------------------------------------------------------------------


def check_claims(
    claims: Iterable[Claim], as_of: dt.date, pairings: PairingQuerySet, user: Any = None
) -> list[Checked]:
    cache: dict[str, tuple[Subject | None, str]] = {}
    results = []
    for claim in claims:
        key = claim.subject_name
        if key not in cache:
            cache[key] = resolve(key, pairings)
        results.append(check_claim(claim, as_of, *cache[key], user=user))
    return results


def check_claim(
    claim: Claim, as_of: dt.date, subject: Subject | None, unresolved: str, user: Any = None
) -> Checked:
    if claim.metric in NOT_RECORDED:
        return Checked(
            claim,
            UNKNOWN,
            _("台账未记录%(what)s，无法核对") % {"what": NOT_RECORDED[claim.metric]},
            subject,
        )
    if subject is None:
        return Checked(claim, UNKNOWN, unresolved)
    claim = resolve_destination(claim, subject.pairings)
    try:
        window = window_for(subject, claim.period, as_of, user)
    except ValueError as exc:
        return Checked(claim, UNKNOWN, str(exc), subject)
    figure, why_not = ledger_figure(claim, window)
    if figure is None:
        return Checked(claim, UNKNOWN, why_not, subject)
    low, high = claim.bounds()
    value = Decimal(figure.value)
    shown = show(claim, value)
    scope = _("（%(subject)s，%(window)s）") % {
        "subject": subject.label,
        "window": window.describe(),
    }
    if low <= value < high:
        reason = _("台账为%(value)s，与文中“%(quote)s”相符") % {
            "value": shown,
            "quote": claim.quote,
        }
        return Checked(claim, AGREES, reason + scope, subject, figure, low, high)
    if claim.qualifier == EXACT:
        expected = _("文中为%(quote)s") % {"quote": claim.quote}
    else:
        expected = _("文中“%(quote)s”应在%(low)s至%(high)s之间（不含上限）") % {
            "quote": claim.quote,
            "low": show(claim, low),
            "high": show(claim, high),
        }
    reason = _("台账为%(value)s，%(expected)s，相差%(difference)s") % {
        "value": shown,
        "expected": expected,
        "difference": show(claim, claim.value - value),
    }
    return Checked(claim, DISAGREES, reason + scope, subject, figure, low, high)


def show(claim: Claim, value: Decimal) -> str:
    if claim.is_money:
        return f"{format_wan(value)}（{value:.2f}元）"
    base = claim.unit[-2:] if claim.unit.endswith("人次") else claim.unit[-1:]
    return f"{value.normalize():f}{base}"


# --- subjects --------------------------------------------------------------------------------


def resolve(name: str, pairings: PairingQuerySet) -> tuple[Subject | None, str]:
    """The pairing(s) a subject as written stands for, or the reason there is none.

    A helper's name stands for the pairings it helps; a recipient's for the pairings that
    help it; when one of several is the parent of the others, the parent with its children
    (泸州市 → 泸州市→凉山州 and both district pairings). 江阳区、龙马潭区 stands for both."""
    if not name:
        return None, _("未找到数字所属的主体（地区、单位或结对关系）")
    found: list[Pairing] = []
    children = False
    for part in name.split("、"):
        pairing, include_children, why = resolve_one(part, pairings)
        if pairing is None:
            return None, why
        found.append(pairing)
        children = children or include_children
    return Subject(tuple(dict.fromkeys(found)), children), ""


def resolve_one(name: str, pairings: PairingQuerySet) -> tuple[Pairing | None, bool, str]:
    candidates = list(pairings.matching(name).distinct())
    if not candidates:
        for full in Region.objects.values_list("name", flat=True):
            if name in aliases(full):
                candidates = list(pairings.matching(full).distinct())
                name = full
                break
    if not candidates:
        return None, False, _("台账中没有“%(name)s”的结对关系") % {"name": name}
    as_helper = [p for p in candidates if p.helper_name == name]
    candidates = as_helper or candidates
    ids = {p.pk for p in candidates}
    tops = [p for p in candidates if p.parent_id not in ids]
    if len(tops) > 1:
        listed = "、".join(str(p) for p in tops)
        return (
            None,
            False,
            _("“%(name)s”对应多个结对关系（%(list)s），无法确定")
            % {
                "name": name,
                "list": listed,
            },
        )
    top = tops[0]
    return top, top.children.exists(), ""


def window_for(subject: Subject, period: str, as_of: dt.date, user: Any = None) -> Window:
    """The figures window for the subject over the period as written: with the pairings
    below, only those `user` sees (`access.figure_scope`)."""
    from_year, to_year, as_of = period_years(period, as_of)
    if len(subject.pairings) == 1:
        return figures.window_for(
            subject.pairings[0],
            as_of=as_of,
            from_year=from_year,
            to_year=to_year,
            include_children=subject.include_children,
            user=user,
        )
    ids: list[int] = []
    for pairing in subject.pairings:
        found = access.figure_scope(user, pairing, children=subject.include_children)
        ids.extend(pk for pk in found if pk not in ids)
    start = min(pairing.valid_from.year for pairing in subject.pairings)
    return Window(
        pairing_ids=tuple(ids),
        from_year=from_year if from_year is not None else start,
        to_year=to_year if to_year is not None else as_of.year,
        as_of=as_of,
    )


def period_years(period: str, as_of: dt.date) -> tuple[int | None, int | None, dt.date]:
    """(from year, to year, as of) for a period as written; None means the pairing's own
    start or the as-of year. 累计 and no period mean the whole life of the pairing."""
    years = [int(y) for y in re.findall(r"(?:19|20)\d{2}", period)]
    if "十三五" in period:
        return 2016, 2020, as_of
    if "十四五" in period:
        return 2021, min(2025, as_of.year), as_of
    if period.startswith("今年"):
        return as_of.year, as_of.year, as_of
    if period == "去年":
        return as_of.year - 1, as_of.year - 1, as_of
    if period.startswith("截至") and years:
        month = re.search(r"年(\d{1,2})月", period)
        end = last_day(years[0], int(month.group(1)) if month else 12)
        return None, years[0], min(as_of, end)
    if len(years) == 2:
        return years[0], years[1], as_of
    if len(years) == 1:
        if re.search("以来|来|起|开始|至今", period):
            return years[0], None, as_of
        return years[0], years[0], as_of
    return None, None, as_of


def last_day(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


# --- the ledger's figure for a claim ---------------------------------------------------------


def ledger_figure(claim: Claim, window: Window) -> tuple[Figure | None, str]:
    """The figure of the registry (`ledger.figure_specs.FIGURES`) that answers the claim's
    metric and tags, or why there is none."""
    return figure_specs.claim_figure(claim.metric, claim.tags, window)
