"""The records of paired assistance (see DESIGN.md, "The records"), one module per record
family and every model re-exported here, so `from pairaid.ledger.models import Project` works.

Rules every entry point must respect live in `clean()` and, where a rule is absolute, in a
database constraint too. Changes go through `pairaid.ledger.services`, never through `.save()`
called from a view, a command or the admin.
"""

# In the order the models were first written in: the order they register in the app.
# isort: off
from pairaid.ledger.models.common import (
    dates_in_order,
    money_in_range,
    DemoMixin,
    VersionMixin,
    Confirmation,
    ConfirmationMixin,
    WorkStatus,
)
from pairaid.ledger.models.places import Region, Organisation
from pairaid.ledger.models.pairings import PairingQuerySet, Pairing, PairingTreeLink
from pairaid.ledger.models.projects import Project
from pairaid.ledger.models.consumption import ConsumptionRecord
from pairaid.ledger.models.industry import IndustrialPark
from pairaid.ledger.models.funds import FundFlow, GuidedInvestment
from pairaid.ledger.models.people import Person, Team, PostingQuerySet, Posting
from pairaid.ledger.models.events import Event, EventParticipant
from pairaid.ledger.models.agreements import (
    AgreementQuerySet,
    Agreement,
    AgreementParty,
    Obligation,
    AgreementFile,
)
from pairaid.ledger.models.tasks import Task, Target
from pairaid.ledger.models.review import PairingYear
from pairaid.ledger.models.audit import AuditEntry, AuditChain, AuditAnchor
from pairaid.ledger.models.search import SearchKey
from pairaid.ledger.models.rollups import (
    FundRollup,
    ProjectRollup,
    SubtreeFundDelta,
    SubtreeFundRollup,
    SubtreePerson,
    SubtreePersonDelta,
    SubtreeProjectDelta,
    SubtreeProjectRollup,
)
from pairaid.ledger.models.evidence import Evidence, ProgressUpdate, ProjectStatusChange
from pairaid.ledger.models.assets import Asset, AssetCheck
from pairaid.ledger.models.labour import Placement, TrainingSession, Workshop, VocationalEnrolment
from pairaid.ledger.models.stored_figures import StoredFigures
# isort: on

__all__ = [
    "Agreement",
    "AgreementFile",
    "AgreementParty",
    "AgreementQuerySet",
    "Asset",
    "AssetCheck",
    "AuditAnchor",
    "AuditChain",
    "AuditEntry",
    "Confirmation",
    "ConfirmationMixin",
    "ConsumptionRecord",
    "DemoMixin",
    "Event",
    "EventParticipant",
    "Evidence",
    "FundFlow",
    "FundRollup",
    "GuidedInvestment",
    "IndustrialPark",
    "Obligation",
    "Organisation",
    "Pairing",
    "PairingQuerySet",
    "PairingTreeLink",
    "PairingYear",
    "Person",
    "Placement",
    "Posting",
    "PostingQuerySet",
    "ProgressUpdate",
    "Project",
    "ProjectRollup",
    "ProjectStatusChange",
    "Region",
    "SearchKey",
    "StoredFigures",
    "SubtreeFundDelta",
    "SubtreeFundRollup",
    "SubtreePerson",
    "SubtreePersonDelta",
    "SubtreeProjectDelta",
    "SubtreeProjectRollup",
    "Target",
    "Task",
    "Team",
    "TrainingSession",
    "VersionMixin",
    "VocationalEnrolment",
    "WorkStatus",
    "Workshop",
    "dates_in_order",
    "money_in_range",
]
