"""The one door for every change to the ledger, one module per kind of change and every
function re-exported here (`from pairaid.ledger import services; services.update_record(...)`).

Each function checks that the acting user may make the change (`ledger.access`), that the
year it touches is not locked, validates (the model's `full_clean`, i.e. its `clean()`
rules and field checks), writes its audit entry and runs in one transaction. Web pages, the
admin, the importer, the API and the command line all call these; none of them calls
`.save()`. `acting_user=None` is the system itself (the demo loader, the operator's
commands).

Fund flows are a ledger: once recorded they are never edited or deleted. A mistake is
corrected with `reverse_fund_flow` (a negative entry pointing at the original), and
`correct_fund_flow` does the reversal and the new entry together.

- `audit`: the audit chain and `log_action`;
- `guards`: who may make a change, and which years are locked;
- `records`: create, update, delete plain records;
- `funds`: fund flows, one at a time and many at once; `fund_rows` many new ones given a
  column at a time (the fund ledger's import);
- `evidence`: files attached to records (佐证材料), removed, closing work with them;
- `progress`: a project's dated progress reports; `history` its status history;
- `review`: the recipient side's answer, a year's review, reading personal data and
  rotating its key.
"""

# isort: off
from pairaid.ledger.services.guards import M, PROGRESS_FIELDS
from pairaid.ledger.services.audit import (
    CONFIRMATION_FIELDS,
    NOT_AUDITED,
    ANCHOR_EVERY,
    record_values,
    pairing_of,
    log_action,
)
from pairaid.ledger.services.records import (
    create_record,
    bulk_create_records,
    bulk_delete_records,
    StaleRecord,
    VERSIONING_VERBS,
    changes_since,
    update_record,
    delete_record,
    set_related,
)
from pairaid.ledger.services.funds import (
    record_fund_flow,
    reverse_fund_flow,
    RECORDED_FIELDS,
    recorded_fields,
    correct_fund_flow,
    bulk_record_fund_flows,
    bulk_reverse_fund_flows,
)
from pairaid.ledger.services.fund_rows import FlowColumns, bulk_record_fund_flow_columns
from pairaid.ledger.services.review import (
    ANSWERED,
    confirm_record,
    reopen_confirmation,
    YEAR_STEPS,
    STEP_ERRORS,
    move_year,
    reveal_personal_data,
    rotate_personal_data_key,
)
from pairaid.ledger.services.evidence import (
    EVIDENCE_ACTIONS,
    evidence_link,
    max_upload_bytes,
    attach_evidence,
    remove_evidence,
    close_with_evidence,
)
from pairaid.ledger.services.progress import UPDATE_ACTIONS, record_progress_update
# isort: on

__all__ = [
    "ANCHOR_EVERY",
    "ANSWERED",
    "CONFIRMATION_FIELDS",
    "EVIDENCE_ACTIONS",
    "NOT_AUDITED",
    "PROGRESS_FIELDS",
    "RECORDED_FIELDS",
    "STEP_ERRORS",
    "UPDATE_ACTIONS",
    "VERSIONING_VERBS",
    "YEAR_STEPS",
    "FlowColumns",
    "M",
    "StaleRecord",
    "attach_evidence",
    "bulk_create_records",
    "bulk_delete_records",
    "bulk_record_fund_flow_columns",
    "bulk_record_fund_flows",
    "bulk_reverse_fund_flows",
    "changes_since",
    "close_with_evidence",
    "confirm_record",
    "correct_fund_flow",
    "create_record",
    "delete_record",
    "evidence_link",
    "log_action",
    "max_upload_bytes",
    "move_year",
    "pairing_of",
    "record_fund_flow",
    "record_progress_update",
    "record_values",
    "recorded_fields",
    "remove_evidence",
    "reopen_confirmation",
    "reveal_personal_data",
    "reverse_fund_flow",
    "rotate_personal_data_key",
    "set_related",
    "update_record",
]
