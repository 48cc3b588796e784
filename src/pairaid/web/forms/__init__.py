"""The pages' forms: list filters (`filters`), and create/edit forms whose data go to the
services (`records`), with the fields they share (`fields`); every name is re-exported here.

Create/edit forms validate what a form can (types, required fields, choices); the record's
rules (`clean()`, constraints, access, locked years) are checked by the service the view
calls, and a `ValidationError` it raises is shown on the form (`show_errors`).
"""

# isort: off
from pairaid.web.forms.fields import DATE, TEXT, blank_choice, AmountField, amount_field
from pairaid.web.forms.filters import (
    ListFilter,
    ProjectFilter,
    FundFilter,
    PersonFilter,
    PostingFilter,
    AgreementFilter,
    EventFilter,
    WorkFilter,
    TaskFilter,
    ObligationFilter,
    AuditFilter,
)
from pairaid.web.forms.records import (
    ORGANISATION_FIELDS,
    ServiceForm,
    show_errors,
    ProjectForm,
    ProjectProgressForm,
    FundFlowForm,
    ReverseForm,
    PersonForm,
    PostingForm,
    AgreementForm,
    ObligationForm,
    PartyForm,
    EventForm,
    ParticipantForm,
    TaskForm,
    ConfirmForm,
    YearStepForm,
)
# isort: on

__all__ = [
    "DATE",
    "ORGANISATION_FIELDS",
    "TEXT",
    "AgreementFilter",
    "AgreementForm",
    "AmountField",
    "AuditFilter",
    "ConfirmForm",
    "EventFilter",
    "EventForm",
    "FundFilter",
    "FundFlowForm",
    "ListFilter",
    "ObligationFilter",
    "ObligationForm",
    "ParticipantForm",
    "PartyForm",
    "PersonFilter",
    "PersonForm",
    "PostingFilter",
    "PostingForm",
    "ProjectFilter",
    "ProjectForm",
    "ProjectProgressForm",
    "ReverseForm",
    "ServiceForm",
    "TaskFilter",
    "TaskForm",
    "WorkFilter",
    "YearStepForm",
    "amount_field",
    "blank_choice",
    "show_errors",
]
