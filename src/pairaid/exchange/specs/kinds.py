"""The importers by kind: what an upload or the import command may name."""

from __future__ import annotations

from django.utils.translation import gettext as _

from pairaid.exchange.cells import CellError
from pairaid.exchange.specs.agreements import AgreementImporter
from pairaid.exchange.specs.base import Importer
from pairaid.exchange.specs.events import EventImporter
from pairaid.exchange.specs.funds import FundImporter
from pairaid.exchange.specs.people import PersonImporter, PostingImporter
from pairaid.exchange.specs.projects import ProjectImporter
from pairaid.exchange.specs.tasks import TargetImporter, TaskImporter

IMPORTERS: dict[str, Importer] = {
    importer.kind: importer
    for importer in (
        ProjectImporter(),
        FundImporter(),
        PersonImporter(),
        PostingImporter(),
        AgreementImporter(),
        EventImporter(),
        TaskImporter(),
        TargetImporter(),
    )
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
