"""The figures of the assessment's other areas (消费帮扶, 产业合作, 劳务协作, 资产管护), declared
as the money, projects and people figures are (`figure_specs`), and merged into its `FIGURES`
as `AREA_FIGURES`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from pairaid.ledger import figures_assets, figures_labour
from pairaid.ledger import figures_cooperation as cooperation
from pairaid.ledger.figure_spec_types import (
    Claimed,
    FigureSpec,
    Tags,
    counted_in_postings,
    grouped_count,
)
from pairaid.ledger.figures import Figure, Window
from pairaid.ledger.models import ConsumptionRecord, Placement, Target
from pairaid.ledger.money import ZERO

# A bulletin's consumption claim: a helped sale (销售), a purchase (采购), or both (neither tag).
CONSUMPTION_CLAIMS: dict[str | None, Callable[[Tags], bool]] = {
    None: lambda tags: "采购" not in tags and "销售" not in tags,
    ConsumptionRecord.Direction.PURCHASED: lambda tags: "采购" in tags,
    ConsumptionRecord.Direction.SOLD_HELPED: lambda tags: "销售" in tags,
}


def _consumption(direction: str | None) -> FigureSpec:
    """消费帮扶 in all (采购 + 帮助销售, the target's indicator) or one direction."""
    return FigureSpec(
        make=lambda w, v: cooperation.consumption(w, direction, value=v),
        additive=cooperation.consumption_by_pairing(direction),
        zero=ZERO,
        records="consumption",
        summed="amount",
        indicator=Target.Indicator.CONSUMPTION if direction is None else None,
        api=True,
        bulletin=(Claimed("consumption", CONSUMPTION_CLAIMS[direction], if_kept=True),),
        area="consumption",
    )


def _assets(
    make: Callable[..., Figure], rows: Callable[[Window], QuerySet[Any]], **spec: Any
) -> FigureSpec:
    """A figure of the assets area, counted (or, with `summed`, summed) per pairing."""
    field = spec.get("summed", "")
    return FigureSpec(
        make=lambda w, v: make(w, value=v),
        additive=(
            (lambda w: figures_assets.money_by_pairing(rows(w), field))
            if field
            else (lambda w: grouped_count(rows(w)))
        ),
        zero=ZERO if field else 0,
        api=True,
        area="assets",
        **spec,
    )


ASSET_FIGURES: dict[str, FigureSpec] = {
    "assets_formed": _assets(
        figures_assets.assets_formed, figures_assets.formed, records="assets", summed="value"
    ),
    "assets_formed_count": _assets(
        figures_assets.assets_formed_count, figures_assets.formed, records="assets"
    ),
    "assets_handed_over": _assets(
        figures_assets.assets_handed_over,
        figures_assets.handed_over,
        records="assets",
        summed="value",
        indicator=Target.Indicator.ASSETS_HANDED_OVER,
    ),
    "assets_in_use": _assets(figures_assets.assets_in_use, figures_assets.in_use, records="assets"),
    "assets_attention": _assets(
        figures_assets.assets_attention,
        figures_assets.needing_attention,
        records="assets",
        attention=True,
    ),
    "asset_income": _assets(
        figures_assets.asset_income,
        figures_assets.checks_in,
        records="assetchecks",
        summed="income",
    ),
}


INDUSTRY_FIGURES: dict[str, FigureSpec] = {
    **{
        key: _consumption(direction) for key, (direction, _label) in cooperation.CONSUMPTION.items()
    },
    "parks": FigureSpec(
        make=lambda w, v: cooperation.parks(w, value=v),
        additive=cooperation.parks_by_pairing,
        records="parks",
        indicator=Target.Indicator.PARKS,
        api=True,
        bulletin=(Claimed("parks", if_kept=True),),
        area="industry",
    ),
    "enterprises_landed": FigureSpec(
        make=lambda w, v: cooperation.enterprises_landed(w, value=v),
        additive=cooperation.enterprises_by_pairing,
        records="investments",
        counts_distinct="enterprise",
        indicator=Target.Indicator.ENTERPRISES,
        api=True,
        bulletin=(Claimed("enterprises", if_kept=True),),
        area="industry",
    ),
    "investment_arrived": FigureSpec(
        make=lambda w, v: cooperation.investment_arrived(w, value=v),
        additive=cooperation.investment_by_pairing("amount"),
        zero=ZERO,
        records="investments",
        summed="amount",
        indicator=Target.Indicator.INVESTMENT,
        api=True,
        bulletin=(Claimed("investment", if_kept=True),),
        area="industry",
    ),
    "investment_agreed": FigureSpec(
        make=lambda w, v: cooperation.investment_agreed(w, value=v),
        additive=cooperation.investment_by_pairing("agreed_amount"),
        zero=ZERO,
        records="investments",
        summed="agreed_amount",
        api=True,
        area="industry",
    ),
}


# --- labour cooperation (劳务协作) --------------------------------------------------------------

LABOUR = "labour"
LABOUR_INDICATORS = {
    figures_labour.placed_key(): Target.Indicator.JOBS,
    figures_labour.placed_key(poor=True): Target.Indicator.JOBS_POOR,
    "trained": Target.Indicator.TRAINED,
    "workshop_jobs": Target.Indicator.WORKSHOP_JOBS,
}


# The tags the bulletin check gives a jobs claim whose destination (去向) it resolved
# against the pairing: the helper's region, or (as 就近就业) the recipient's province.
TO_HELPER, NEAR_HOME = "到帮扶方地区", "就近"
DESTINATIONS = {
    TO_HELPER: Placement.Destination.HELPER,
    NEAR_HOME: Placement.Destination.IN_PROVINCE,
}


def poor_claim(tags: Tags) -> bool:
    """其中脱贫劳动力, of every destination."""
    return "脱贫" in tags and not set(DESTINATIONS) & set(tags)


def all_placed_claim(tags: Tags) -> bool:
    return not {"脱贫", "车间", *DESTINATIONS} & set(tags)


def workshop_jobs_claim(tags: Tags) -> bool:
    """帮扶车间吸纳就业: the people the workshops employ, not the persons placed."""
    return "车间" in tags


def destination_claim(part: str) -> Callable[[Tags], bool]:
    """就近就业 (the persons placed in the province, near home), or work in the helper's
    region (到泸州务工): the persons placed to that destination, of whom 脱贫劳动力."""
    tag = next(tag for tag, destination in DESTINATIONS.items() if destination == part)

    def claim(tags: Tags) -> bool:
        return tag in tags and "车间" not in tags

    return claim


def placed_to(part: str) -> Callable[[Window, Tags], Figure]:
    def figure(window: Window, tags: Tags) -> Figure:
        return figures_labour.persons_placed(window, part, poor="脱贫" in tags)

    return figure


def _placed(part: str = "", poor: bool = False) -> FigureSpec:
    key = figures_labour.placed_key(part, poor)
    claim: tuple[Claimed, ...] = ()
    if not part:
        claim = (Claimed("jobs", poor_claim if poor else all_placed_claim),)
    elif part in DESTINATIONS.values():
        claim = (Claimed("jobs", destination_claim(part), placed_to(part)),)
    return FigureSpec(
        make=lambda w, v: figures_labour.persons_placed(w, part, poor=poor, value=v),
        additive=lambda w: figures_labour.persons_placed_by_pairing(w, part, poor),
        records="placements",
        summed="poor_persons" if poor else "persons",
        indicator=LABOUR_INDICATORS.get(key),
        api=True,
        bulletin=claim,
        area=LABOUR,
    )


TRAINED_IN_PERSONS = gettext_lazy("台账按人次记录培训，无法核对培训人数；请核对人次")


def _trained(key: str) -> FigureSpec:
    claim = (
        (Claimed("trained", counted_in_postings, refusal=TRAINED_IN_PERSONS),)
        if key == "trained"
        else ()
    )
    return FigureSpec(
        make=lambda w, v: figures_labour.training(w, key, value=v),
        additive=lambda w: figures_labour.training_by_pairing(w, key),
        records="trainings",
        summed=figures_labour.TRAINING_FIGURES[key][0],
        indicator=LABOUR_INDICATORS.get(key),
        api=True,
        bulletin=claim,
        area=LABOUR,
    )


def _workshops(key: str) -> FigureSpec:
    claims = {
        "workshops": (Claimed("workshops", if_kept=True),),
        "workshop_jobs": (Claimed("jobs", workshop_jobs_claim, if_kept=True),),
    }
    claim = claims.get(key, ())
    return FigureSpec(
        make=lambda w, v: figures_labour.workshops(w, key, value=v),
        additive=lambda w: figures_labour.workshops_by_pairing(w, key),
        records="workshops",
        summed=figures_labour.WORKSHOP_FIGURES[key][0],
        indicator=LABOUR_INDICATORS.get(key),
        api=True,
        bulletin=claim,
        area=LABOUR,
    )


LABOUR_FIGURES: dict[str, FigureSpec] = (
    {
        figures_labour.placed_key(part, poor): _placed(part, poor)
        for part in ("", *figures_labour.PARTS)
        for poor in (False, True)
        if not (part and poor)
    }
    | {key: _trained(key) for key in figures_labour.TRAINING_FIGURES}
    | {key: _workshops(key) for key in figures_labour.WORKSHOP_FIGURES}
    | {
        "vocational_students": FigureSpec(
            make=lambda w, v: figures_labour.vocational_students(w, value=v),
            additive=figures_labour.vocational_by_pairing,
            records="vocational",
            summed="students",
            api=True,
            area=LABOUR,
        )
    }
)

# In the order the API lists them, after the money, projects and people figures.
AREA_FIGURES: dict[str, FigureSpec] = {
    **{
        key: _consumption(direction) for key, (direction, _label) in cooperation.CONSUMPTION.items()
    },
    **INDUSTRY_FIGURES,
    **ASSET_FIGURES,
    **LABOUR_FIGURES,
}
