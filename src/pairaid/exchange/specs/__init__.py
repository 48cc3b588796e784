"""One importer per record type: its columns, its natural key, how it writes. One module per
kind (`projects`, `funds`, `people`, `agreements`, `events`, `tasks`), what they share in
`base` (the import's `Context` and the `Importer` class), the list of kinds in `kinds`; every
name is re-exported here.

The natural key is what makes a re-import update instead of duplicate: a project by its
code within a pairing, a person by number, a fund flow by its voucher within pairing, kind
and source (one 文号 often covers a plan's 财政 and 社会 parts, so the voucher alone is not
enough), a posting by person, pairing and start date, an agreement or a task by its title
within the pairing, an event by title and start date, a target by year and indicator.

Every write goes through `pairaid.ledger.services`: bulk creation (validated, one audit
entry per record), `update_record` for a changed record and, for money, never an edit:
a changed fund-flow row is `correct_fund_flow` (reversal plus new entry).
"""

from pairaid.exchange.columns import KEEP

# isort: off
from pairaid.exchange.specs.base import (
    pairing_term,
    Context,
    RegionColumn,
    fund_state,
    HISTORY_STATES,
    Importer,
)
from pairaid.exchange.specs.projects import ProjectImporter
from pairaid.exchange.specs.funds import FundImporter
from pairaid.exchange.specs.people import PersonImporter, PostingImporter
from pairaid.exchange.specs.agreements import AgreementImporter
from pairaid.exchange.specs.events import EventImporter
from pairaid.exchange.specs.tasks import TaskImporter, TargetImporter
from pairaid.exchange.specs.kinds import IMPORTERS, KINDS, get_importer
# isort: on

__all__ = [
    "HISTORY_STATES",
    "IMPORTERS",
    "KEEP",
    "KINDS",
    "AgreementImporter",
    "Context",
    "EventImporter",
    "FundImporter",
    "Importer",
    "PersonImporter",
    "PostingImporter",
    "ProjectImporter",
    "RegionColumn",
    "TargetImporter",
    "TaskImporter",
    "fund_state",
    "get_importer",
    "pairing_term",
]
