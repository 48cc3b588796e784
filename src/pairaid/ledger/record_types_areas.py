"""The record types of the assessment's other areas (消费帮扶, 产业合作, 劳务协作, 资产管护):
each is its model, its migration and this declaration; its pages, form, import/export
columns, admin and API come from `Pages` (see CONTRIBUTING.md, "How to add a record type").
`record_types` calls `register_area_types` where they belong in the menu's order."""

from __future__ import annotations

from pairaid.ledger.models import (
    Asset,
    AssetCheck,
    ConsumptionRecord,
    GuidedInvestment,
    IndustrialPark,
    Placement,
    TrainingSession,
    VocationalEnrolment,
    Workshop,
)
from pairaid.ledger.record_registry import (
    Api,
    Listing,
    Pages,
    RecordType,
    YearLock,
    by_pairing,
    register,
)

# What an asset may still change after its year is approved; its list and form.
ASSET_UPKEEP = frozenset({"handed_over_to", "handed_over_on", "ownership", "maintainer", "note"})
ASSET_SORTS = {
    "formed": ("formed_on",), "code": ("code",), "value": ("value",),
    "name": ("name", "formed_on"), "kind": ("kind", "formed_on"),
    "handed_over": ("handed_over_on",), "pairing": by_pairing("formed_on"),
}  # fmt: skip
ASSET_FIELDS = (
    "pairing", "code", "project", "name", "kind", "quantity", "unit", "value", "formed_on",
    "handed_over_to", "handed_over_on", "ownership", "maintainer", "note",
)  # fmt: skip
CHECK_SORTS = {
    "year": ("year",), "asset": ("asset__code", "year"), "state": ("state", "year"),
    "income": ("income",), "pairing": by_pairing("year"),
}  # fmt: skip
CHECK_FIELDS = (
    "pairing", "asset", "year", "state", "income", "income_sharing", "households_benefited", "note"
)  # fmt: skip
# What a workshop may still change after its year is approved (a current figure).
WORKSHOP_ONGOING = frozenset(
    {"jobs", "poor_jobs", "status", "confirmation", "confirmed_at", "confirmation_note"}
)


def register_area_types() -> None:
    """Declare the area types (called once, by `record_types`)."""
    register(
        RecordType(
            GuidedInvestment,
            pairing_path="pairing",
            year_lock=YearLock("year"),
            kind="investments",
            api=Api("/investments/", "investment", "引导企业投资"),
            listing=Listing(
                sorts={
                    "date": ("date",),
                    "year": ("year", "date"),
                    "enterprise": ("enterprise", "date"),
                    "amount": ("amount",),
                    "pairing": by_pairing("date"),
                },
                default_sort="-date",
                search=("enterprise", "note"),
                year_field="year",
            ),
            pages=Pages(
                slug="investments",
                area="industry",
                columns=("enterprise", "pairing", "year", "date", "agreed_amount", "amount"),
                fields=(
                    *("pairing", "enterprise", "year", "date", "agreed_amount", "amount"),
                    *("landed", "park", "note"),
                ),
            ),
        )
    )
    register(
        RecordType(
            ConsumptionRecord,
            pairing_path="pairing",
            year_lock=YearLock("date"),
            listing=Listing(
                sorts={"date": ("date", "id"), "amount": ("amount", "date")}
                | {"channel": ("channel", "date"), "pairing": by_pairing("date")},
                default_sort="-date",
                search=("product", "buyer", "note"),
                year_field="date",
                choices={
                    "direction": "direction",
                    "channel": "channel",
                    "buyer_kind": "buyer_kind",
                },
            ),
            kind="consumption",
            api=Api("/consumption/", "consumption_record", "消费帮扶"),
            pages=Pages(
                slug="consumption",
                area="consumption",
                columns=("date", "pairing", "direction", "product", "buyer", "channel", "amount"),
                fields=(
                    *("pairing", "direction", "buyer", "buyer_kind", "product", "origin"),
                    *("amount", "quantity", "unit", "date", "channel", "note"),
                ),
            ),
        )
    )
    register(
        RecordType(
            IndustrialPark,
            pairing_path="pairing",
            year_lock=YearLock("established"),
            listing=Listing(
                sorts={"established": ("established", "id"), "name": ("name",), "code": ("code",)}
                | {"pairing": by_pairing("established")},
                default_sort="-established",
                search=("name", "code", "note"),
                year_field="established",
            ),
            kind="parks",
            api=Api("/parks/", "park", "共建产业园区"),
            pages=Pages(
                slug="parks",
                area="industry",
                columns=(
                    "code",
                    "name",
                    "pairing",
                    "location",
                    "established",
                    "enterprises_settled",
                ),
                fields=(
                    *("pairing", "code", "name", "location", "established"),
                    *("area_mu", "enterprises_settled", "note"),
                ),
                key=("pairing", "code"),
            ),
        )
    )
    # Assets: hand-over and upkeep go on after the year is approved.
    register(
        RecordType(
            Asset,
            pairing_path="pairing",
            year_lock=YearLock("formed_on", ongoing=ASSET_UPKEEP),
            listing=Listing(
                sorts=ASSET_SORTS,
                default_sort="-formed",
                search=("code", "name", "maintainer", "handed_over_to", "project__name"),
                year_field="formed_on",
                choices={"kind": "kind", "ownership": "ownership"},
            ),
            kind="assets",
            api=Api("/assets/", "asset", "帮扶资产"),
            pages=Pages(
                slug="assets",
                area="assets",
                columns=("code", "name", "pairing", "kind", "value", "formed_on", "handed_over_on"),
                fields=ASSET_FIELDS,
                key=("pairing", "code"),
            ),
        )
    )
    register(
        RecordType(
            AssetCheck,
            pairing_path="pairing",
            year_lock=YearLock("year"),
            listing=Listing(
                sorts=CHECK_SORTS,
                default_sort="-year",
                search=("asset__code", "asset__name", "income_sharing", "note"),
                year_field="year",
                choices={"state": "state"},
            ),
            kind="assetchecks",
            api=Api("/asset-checks/", "asset_check", "资产年度状态"),
            pages=Pages(
                slug="assetchecks",
                area="assets",
                columns=("asset", "pairing", "year", "state", "income", "households_benefited"),
                fields=CHECK_FIELDS,
                key=("pairing", "asset", "year"),
            ),
        )
    )
    # Labour cooperation (劳务协作): placements and a workshop's jobs are witnessed by the recipient
    # side (confirmation); a placement's months in work and a workshop's jobs and state are checked
    # again after its year is approved (ongoing), and so is the county's answer to those jobs.
    register(
        RecordType(
            Placement,
            pairing_path="pairing",
            year_lock=YearLock("date", ongoing=frozenset({"stable_months"})),
            listing=Listing(
                sorts={"date": ("date",), "employer": ("employer", "date")}
                | {"persons": ("persons", "date"), "destination": ("destination", "date")}
                | {"pairing": by_pairing("date")},
                default_sort="-date",
                search=("employer", "note"),
                year_field="date",
                choices={"destination": "destination", "confirmation": "confirmation"},
            ),
            kind="placements",
            api=Api("/placements/", "placement", "劳务协作"),
            pages=Pages(
                slug="placements",
                area="labour",
                columns=(
                    *("date", "pairing", "employer", "destination", "persons", "poor_persons"),
                    *("stable_months", "confirmation"),
                ),
                # `names` (personal data, encrypted) is left out: the generic pages, API and
                # exports would show it to every reader, not only to READ_PERSONAL.
                fields=(
                    *("pairing", "date", "employer", "destination", "persons", "poor_persons"),
                    *("stable_months", "note"),
                ),
            ),
        )
    )
    register(
        RecordType(
            TrainingSession,
            pairing_path="pairing",
            year_lock=YearLock("start_date"),
            listing=Listing(
                sorts={"start": ("start_date",), "title": ("title", "start_date")}
                | {"kind": ("kind", "start_date"), "attendance": ("attendance", "start_date")}
                | {"pairing": by_pairing("start_date")},
                default_sort="-start",
                search=("title", "note", "location__name"),
                year_field="start_date",
                choices={"kind": "kind"},
            ),
            kind="trainings",
            api=Api("/trainings/", "training", "劳务协作"),
            pages=Pages(
                slug="trainings",
                area="labour",
                columns=(
                    *("start_date", "pairing", "title", "kind", "attendance", "poor_attendance"),
                    "certificates",
                ),
                fields=(
                    *("pairing", "title", "kind", "start_date", "end_date", "location"),
                    *("attendance", "poor_attendance", "certificates", "note"),
                ),
            ),
        )
    )
    register(
        RecordType(
            Workshop,
            pairing_path="pairing",
            year_lock=YearLock("established", ongoing=WORKSHOP_ONGOING),
            listing=Listing(
                sorts={"code": ("code",), "name": ("name", "code")}
                | {"established": ("established", "code"), "jobs": ("jobs", "code")}
                | {"status": ("status", "code"), "pairing": by_pairing("code")},
                default_sort="code",
                search=("code", "name", "location__name"),
                year_field="established",
                choices={"status": "status", "confirmation": "confirmation"},
            ),
            kind="workshops",
            api=Api("/workshops/", "workshop", "劳务协作"),
            pages=Pages(
                slug="workshops",
                area="labour",
                columns=(
                    *("code", "name", "pairing", "location", "established", "jobs", "poor_jobs"),
                    *("status", "confirmation"),
                ),
                fields=(
                    *("pairing", "code", "name", "location", "established", "jobs", "poor_jobs"),
                    *("status", "note"),
                ),
                key=("pairing", "code"),
            ),
        )
    )
    register(
        RecordType(
            VocationalEnrolment,
            pairing_path="pairing",
            year_lock=YearLock("year"),
            listing=Listing(
                sorts={"year": ("year",), "school": ("school", "year")}
                | {"students": ("students", "year"), "pairing": by_pairing("year")},
                default_sort="-year",
                search=("school", "note"),
                year_field="year",
            ),
            kind="vocational",
            api=Api("/vocational/", "vocational_enrolment", "劳务协作"),
            pages=Pages(
                slug="vocational",
                area="labour",
                columns=("year", "pairing", "school", "students", "poor_students"),
                fields=("pairing", "year", "school", "students", "poor_students", "note"),
            ),
        )
    )
