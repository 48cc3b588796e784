"""Figures of a pairing, answered by the figures module alone (`ledger/figure_sets.py`, the
figures its registry marks for the API): each with its counting rule (口径) and as-of date.
Nothing is summed here."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from pairaid.api.common import READ_ERRORS, pairing_for, user_of
from pairaid.api.schemas import FiguresOut
from pairaid.api.types import Date, Id, Year
from pairaid.ledger import figure_sets, figures, record_types

router = Router()


def area_of(area: str) -> dict[str, str]:
    """The assessment area a figure is shown under (`FigureSpec.area`), key and name."""
    return {"area": area, "area_label": str(record_types.AREAS[area]) if area else ""}


class FigureParams(Schema):
    pairing: Id = Field(..., description="结对关系编号")
    as_of: Annotated[Date, Field(None, description="截至日期（默认今天）")]
    from_year: Annotated[Year, Field(None, description="起始资金年度（默认结对关系起始年度）")]
    to_year: Annotated[Year, Field(None, description="截止资金年度（默认截至日期所在年度）")]
    children: Annotated[
        bool,
        Field(
            None,
            description=(
                "是否含下级结对关系（默认：有下级时包含，如市对州汇总区对县）；"
                "只含调用者有权查看的下级结对关系"
            ),
        ),
    ]
    person_rule: Annotated[
        Literal["persons", "postings"],
        Field(figures.PERSONS, description="persons：不重复人数（默认）；postings：人次"),
    ]
    confirmed_only: bool = Field(False, description="只计受援方已确认的资金记录")


@router.get(
    "/figures/",
    response={200: FiguresOut, **READ_ERRORS},
    tags=["统计数字"],
    summary="结对关系的统计数字（资金、项目、人员；各带口径和截至日期）",
)
def get_figures(request: HttpRequest, params: Query[FigureParams]) -> dict[str, Any]:
    user = user_of(request)
    pairing = pairing_for(user, params.pairing)
    # The figures the registry says the API answers, computed together; a coordinating
    # pairing's figures hold only the children the user sees.
    tree = figure_sets.Tree(user)
    children = params.children if params.children is not None else tree.has_children(pairing.pk)
    subject = figure_sets.Subject(pairing, children, params.from_year, params.to_year)
    keys = figure_sets.api_keys(params.person_rule)
    found = figure_sets.compute(
        keys,
        [subject],
        as_of=params.as_of,
        confirmed_only=params.confirmed_only,
        user=user,
        tree=tree,
    )[subject]
    persons = f"persons_dispatched_{params.person_rule}"
    summary = figures.PairingSummary(
        pairing, found["funds_transfer"], found["projects_implemented"], found[persons]
    )
    window = summary.funds.window
    rates = [
        figures.rate("transfer_rate", found["funds_transfer"], found["funds_plan"]),
        figures.rate("usage_rate", found["funds_spend"], found["funds_allocate"]),
    ]
    described = summary.to_dict()
    return {
        "pairing": described["pairing"],
        "window": {
            "pairing_ids": list(window.pairing_ids),
            "from_year": window.from_year,
            "to_year": window.to_year,
            "as_of": window.as_of,
            "confirmed_only": window.confirmed_only,
            "description": window.describe(),
        },
        "sentence": described["sentence"],
        "figures": [
            {**found[key].to_dict(), **area_of(figure_sets.FIGURES[key].area)} for key in keys
        ],
        "rates": [
            {
                "key": rate.key,
                "label": rate.label,
                "percent": None if rate.percent is None else str(rate.percent),
                "rule": rate.rule,
                "numerator": rate.numerator.key,
                "denominator": rate.denominator.key,
            }
            for rate in rates
        ],
    }
