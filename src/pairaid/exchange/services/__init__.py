"""Importing a file: validate every row, then write all of it, or nothing.

The file is read once as a stream, never held whole: the pass cleans and validates every
row (cells, references, the model's rules, scope, locked years, duplicates within the file,
what already exists), keeping per row a status byte and, for the rows to write, the records
it validated (`Kept`: compressed in memory, a few dozen bytes a row). The writing step then
writes those through `pairaid.ledger.services` without validating them again — new records
in bulk (one audit entry each, `validated=True`), changed ones with `update_record`,
changed fund flows with `correct_fund_flow` — after looking each chunk up again, so that a
record someone made with the same key since the check refuses the import. Nothing is
written unless every row is valid, or the user chose to import the valid rows only. What a
batch did is kept (`ImportChange`) so that `rollback_batch` can undo it as a whole, in bulk.

The writing step commits every chunk of rows in a short transaction of its own, so that a
long import never holds a lock that other writers (or a login, on SQLite) wait for; if a
later chunk fails, the chunks already written are undone through the batch before the
error is reported, so a failed import leaves nothing behind (fund flows, which are never
deleted, are reversed). Progress is written between chunks, when the import holds no lock.

- `layout`: the report, and finding the sheet, the kind and the header;
- `validation`: the pass over the rows, what it keeps, writing it a chunk at a time, and the
  rejected rows file;
- `writing`: the entry points `check_file` and `import_file`;
- `rollback`: undoing a batch, and the batches a user may see.
"""

from django.core.exceptions import ValidationError

from pairaid.exchange.specs import IMPORTERS

# isort: off
from pairaid.exchange.services.layout import (
    logger,
    KEEP_ERRORS,
    PREVIEW_ROWS,
    HEADER_SEARCH_ROWS,
    ADDED,
    CHANGED,
    UNCHANGED,
    REJECTED,
    HISTORY,
    STATUS_LABELS,
    Progress,
    RowError,
    Layout,
    Report,
    ImportRefused,
    choose,
)
from pairaid.exchange.services.validation import (
    CHUNK,
    Row,
    Kept,
    Pass,
    personal_fields,
    personal_positions,
    plain,
    snapshot,
    restore,
    RejectedWriter,
)
from pairaid.exchange.services.writing import check_file, import_file, store_report
from pairaid.exchange.services.rollback import (
    may_see,
    batches_for,
    beat,
    stale_batches,
    resume_batch,
    discard_batch,
    purge_original,
    rollback_batch,
)
# isort: on

__all__ = [
    "ADDED",
    "CHANGED",
    "CHUNK",
    "HEADER_SEARCH_ROWS",
    "HISTORY",
    "IMPORTERS",
    "KEEP_ERRORS",
    "PREVIEW_ROWS",
    "REJECTED",
    "STATUS_LABELS",
    "UNCHANGED",
    "ImportRefused",
    "Kept",
    "Layout",
    "Pass",
    "Progress",
    "RejectedWriter",
    "Report",
    "Row",
    "RowError",
    "ValidationError",
    "batches_for",
    "beat",
    "check_file",
    "choose",
    "discard_batch",
    "import_file",
    "logger",
    "may_see",
    "personal_fields",
    "personal_positions",
    "plain",
    "purge_original",
    "restore",
    "resume_batch",
    "rollback_batch",
    "snapshot",
    "stale_batches",
    "store_report",
]
