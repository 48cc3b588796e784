"""Request and response bodies of the API, one set per record type, one module per resource
family (the same families as `api/endpoints/`); every schema is re-exported here.

Names follow the records (`ledger/models/`); a foreign key is `<name>_id` both ways. A
request body refuses fields it does not know (a misspelt field is an error, not a silent
no-op). Personal data (identity and phone numbers) is never in a response.
"""

# isort: off
from pairaid.api.schemas.base import In, Out
from pairaid.api.schemas.places import (
    PairingOut,
    RegionOut,
    RegionIn,
    OrganisationOut,
    OrganisationIn,
)
from pairaid.api.schemas.money import (
    ProjectOut,
    ProjectIn,
    ProjectPatch,
    FundFlowOut,
    FundFlowIn,
    ReverseIn,
    ConfirmIn,
    DisputeIn,
    ReopenIn,
)
from pairaid.api.schemas.people import (
    PersonOut,
    PersonIn,
    PersonPatch,
    PostingOut,
    PostingIn,
    PostingPatch,
    TeamOut,
    TeamIn,
    TeamPatch,
)
from pairaid.api.schemas.work import (
    PartyOut,
    PartyIn,
    ObligationOut,
    ObligationIn,
    ObligationPatch,
    AgreementOut,
    AgreementIn,
    AgreementPatch,
    ParticipantOut,
    ParticipantIn,
    EventOut,
    EventIn,
    EventPatch,
    TaskOut,
    TaskIn,
    TaskPatch,
    TargetOut,
    TargetIn,
    TargetPatch,
)
from pairaid.api.schemas.audit import AuditEntryOut
from pairaid.api.schemas.figures import FigureOut, RateOut, FigurePairingOut, WindowOut, FiguresOut
# isort: on

__all__ = [
    "AgreementIn",
    "AgreementOut",
    "AgreementPatch",
    "AuditEntryOut",
    "ConfirmIn",
    "DisputeIn",
    "EventIn",
    "EventOut",
    "EventPatch",
    "FigureOut",
    "FigurePairingOut",
    "FiguresOut",
    "FundFlowIn",
    "FundFlowOut",
    "In",
    "ObligationIn",
    "ObligationOut",
    "ObligationPatch",
    "OrganisationIn",
    "OrganisationOut",
    "Out",
    "PairingOut",
    "ParticipantIn",
    "ParticipantOut",
    "PartyIn",
    "PartyOut",
    "PersonIn",
    "PersonOut",
    "PersonPatch",
    "PostingIn",
    "PostingOut",
    "PostingPatch",
    "ProjectIn",
    "ProjectOut",
    "ProjectPatch",
    "RateOut",
    "RegionIn",
    "RegionOut",
    "ReopenIn",
    "ReverseIn",
    "TargetIn",
    "TargetOut",
    "TargetPatch",
    "TaskIn",
    "TaskOut",
    "TaskPatch",
    "TeamIn",
    "TeamOut",
    "TeamPatch",
    "WindowOut",
]
