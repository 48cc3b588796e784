"""The importers by kind: what an upload or the import command may name."""

from __future__ import annotations

from django.utils.translation import gettext as _

from pairaid.exchange.cells import CellError
from pairaid.exchange.specs.agreements import AgreementImporter
from pairaid.exchange.specs.base import Importer
from pairaid.exchange.specs.events import EventImporter
from pairaid.exchange.specs.funds import FundImporter
from pairaid.exchange.specs.generic import importers as generic_importers
from pairaid.exchange.specs.people import PersonImporter, PostingImporter
from pairaid.exchange.specs.projects import ProjectImporter
from pairaid.exchange.specs.tasks import TargetImporter, TaskImporter
from pairaid.ledger import record_types

_ALL = (
    ProjectImporter(),
    FundImporter(),
    PersonImporter(),
    PostingImporter(),
    AgreementImporter(),
    EventImporter(),
    TaskImporter(),
    TargetImporter(),
    # Every type declared with pages and a kind: columns made from its fields.
    *generic_importers(),
)
# Each importer under its record type's kind, in the order the types are declared
# (`ledger/record_types.py`); a declared kind with no importer here is an error.
IMPORTERS: dict[str, Importer] = {
    kind: next(importer for importer in _ALL if importer.kind == kind)
    for kind in record_types.kinds()
    # a type with generic pages is imported by the generic importer, where there is one
    if not (record_types.by_kind(kind).pages and all(i.kind != kind for i in _ALL))  # type: ignore[union-attr]
}
KINDS = tuple(IMPORTERS)


def get_importer(kind: str) -> Importer:
    try:
        return IMPORTERS[kind]
    except KeyError:
        raise CellError(
            _("未知的记录类型“%(kind)s”；可选：%(kinds)s")
            % {"kind": kind, "kinds": ", ".join(KINDS)}
        ) from None
