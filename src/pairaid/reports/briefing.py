"""The briefing: the article's kind of sentences for a pairing (and, for a coordinating
office, each pairing below it), every figure with its rule and the records behind it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from pairaid.ledger import breakdowns, figures
from pairaid.ledger.figures import Figure, PairingSummary, Window
from pairaid.ledger.models import FundFlow, Pairing, Person
from pairaid.reports.areas import area_figures, briefing_section
from pairaid.reports.common import (
    BRIEFING,
    Options,
    check,
    child_pairings,
    date_cn,
    filename,
    flow_table,
    heading_meta,
    money_text,
    posting_table,
    project_table,
    window_of,
)
from pairaid.reports.content import COUNT, DATE, Column, Report, Section, Table


@dataclass(frozen=True)
class BriefingFigure:
    key: str
    label: str
    figure: Figure


@dataclass
class BriefingPart:
    """One pairing's figures in a briefing: the article's three, and their usual splits."""

    pairing: Pairing
    summary: PairingSummary
    by_source: dict[str, Figure]
    cadres: Figure
    professionals: Figure

    @property
    def window(self) -> Window:
        return self.summary.funds.window

    def figures(self) -> list[BriefingFigure]:
        """The figures a frozen briefing keeps, in the order they are read, each under a key
        unique across the briefing ("<pairing id>:funds_transfer_fiscal")."""
        prefix = f"{self.pairing.pk}:"
        listed = [
            BriefingFigure(prefix + "funds_transfer", self.summary.funds.label, self.summary.funds)
        ]
        listed += [
            BriefingFigure(
                f"{prefix}funds_transfer_{source}",
                _("其中：%(source)s") % {"source": FundFlow.Source(source).label},
                figure,
            )
            for source, figure in self.by_source.items()
        ]
        listed += [
            BriefingFigure(prefix + figure.key, figure.label, figure)
            for figure in (
                self.summary.projects,
                self.summary.persons,
                self.cadres,
                self.professionals,
            )
        ]
        return listed

    def sentences(self, style: str) -> list[str]:
        """The article's sentence, then its splits: by source, and cadres/professionals."""
        sources = [
            f"{FundFlow.Source(source).label}{money_text(Decimal(figure.value), style)}"
            for source, figure in self.by_source.items()
            if figure.value
        ]
        people = _("党政干部%(cadres)s%(unit)s、专业技术人才%(professionals)s%(unit)s") % {
            "cadres": self.cadres.value,
            "professionals": self.professionals.value,
            "unit": self.cadres.unit,
        }
        return [
            self.summary.sentence(style) + "。",
            _("其中，") + "；".join(["、".join(sources), people] if sources else [people]) + "。",
        ]


def briefing_part(pairing: Pairing, options: Options) -> BriefingPart:
    window = window_of(pairing, options)
    return BriefingPart(
        pairing=pairing,
        summary=figures.pairing_summary(pairing, window, options.person_rule),
        by_source=breakdowns.funds_by_source(window, FundFlow.Kind.TRANSFER),
        cadres=figures.persons_dispatched(window, options.person_rule, Person.Category.CADRE),
        professionals=figures.persons_dispatched(
            window, options.person_rule, Person.Category.PROFESSIONAL
        ),
    )


def briefing_parts(options: Options) -> list[BriefingPart]:
    """The pairing's part and, for a coordinating pairing, each of its children's (those the
    report's user sees)."""
    check(options)
    pairings = [options.pairing, *child_pairings(options.pairing, options.user)]
    return [briefing_part(pairing, options) for pairing in pairings]


def briefing_title(options: Options) -> str:
    return _("%(pairing)s对口帮扶工作情况简报") % {"pairing": options.pairing.helper_name}


def build_briefing(options: Options, parts: list[BriefingPart] | None = None) -> Report:
    parts = parts or briefing_parts(options)
    main = parts[0]
    report = Report(
        kind=BRIEFING,
        title=briefing_title(options),
        subtitle=_("截至%(date)s") % {"date": date_cn(main.window.as_of)},
        meta=heading_meta(options, main.window),
        filename=filename(options, BRIEFING),
    )
    overview = report.section(_("总体情况"))
    for part in parts:
        if part is not main:
            overview.para(_("%(pairing)s：") % {"pairing": part.pairing}, "note")
        for index, sentence in enumerate(part.sentences(options.style)):
            overview.para(sentence, "lead" if index == 0 else "body")
    if len(parts) > 1:
        overview.para(
            _(
                "注：%(helper)s的数字含其下各结对关系和本级直接开展的帮扶；人数为不重复人数时，"
                "同一人在两个结对关系中选派只计一次，故各结对关系人数之和可能大于合计。"
            )
            % {"helper": main.pairing.helper_name},
            "note",
        )
    found = area_figures(options.pairing, options, options.from_year, options.year)
    report.sections += briefing_section(found, options.style)
    report.sections.append(figures_section(parts))
    appendix = report.section(_("附：数字背后的记录"))
    appendix.para(
        _("以下为%(pairing)s各项数字所依据的台账记录，可逐笔核对。") % {"pairing": main.pairing},
        "note",
    )
    appendix.table(flow_table(_("资金记录（拨付）"), main.summary.funds.records, _("资金记录")))
    appendix.table(project_table(_("实施项目记录"), main.summary.projects.records, _("项目记录")))
    appendix.table(
        posting_table(
            _("选派记录"), main.summary.persons.records, _("选派记录"), main.summary.persons.as_of
        )
    )
    return report


def figures_section(parts: list[BriefingPart]) -> Section:
    section = Section(_("数字与口径"))
    table = Table(
        _("各项数字的口径"),
        [
            Column(_("帮扶方")),
            Column(_("指标")),
            Column(_("数值")),
            Column(_("单位")),
            Column(_("口径")),
            Column(_("截至日期"), DATE),
            Column(_("记录条数"), COUNT),
        ],
        sheet=_("口径"),
    )
    for part in parts:
        for item in part.figures():
            figure = item.figure
            table.add(
                part.pairing.helper_name,
                item.label,
                figure.value,
                figure.unit,
                figure.rule,
                figure.as_of,
                figure.records.count(),
            )
    section.table(table)
    return section
