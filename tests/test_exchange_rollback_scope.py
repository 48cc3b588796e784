"""`pairaid rollback-import BATCH --user X` rolls back only a batch the user may see, as the
import page does: the user who imported it (while they may still import) or an
administrator. Anyone else — another user of the same office with the same role, another
office's user, a read-only viewer — is told the batch is not found, and the batch and the
records it made are left as they were."""

from __future__ import annotations

import io
import re
from pathlib import Path

import exchange_files as files
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pairaid.accounts.models import RoleAssignment
from pairaid.exchange.models import ImportBatch
from pairaid.ledger.models import AuditEntry, Event, Pairing, Region

EVENTS = ["结对关系", "类型", "标题", "开始日期", "结束日期", "地点"]
TITLE = "撤销范围座谈会"


def imported(tmp_path: Path, user: str) -> int:
    pairing = Pairing.objects.with_names().matching("江阳区").get()
    path = files.write_rows(
        tmp_path / "events.csv",
        [EVENTS, [str(pairing), "座谈", TITLE, "2022-05-01", "2022-05-01", "江阳区"]],
    )
    summary = files.import_(path, "--user", user)
    return int(re.search(r"导入批次 #(\d+)", summary).group(1))


def rollback(batch: int, user: str) -> str:
    out = io.StringIO()
    call_command("rollback_import", str(batch), "--user", user, stdout=out)
    return out.getvalue()


def refused(batch: int, user: str) -> str:
    with pytest.raises(CommandError) as caught:
        rollback(batch, user)
    return str(caught.value)


def untouched(batch: int) -> bool:
    event = Event.objects.get(title=TITLE)
    return (
        ImportBatch.objects.get(pk=batch).status == ImportBatch.Status.IMPORTED
        and ImportBatch.objects.get(pk=batch).changes.exists()
        and not AuditEntry.objects.filter(
            record_type="event", record_id=str(event.pk), action__endswith="deleted"
        ).exists()
    )


def test_it_rolls_back_for_the_user_who_imported_the_batch(personas, tmp_path):
    batch = imported(tmp_path, "jiangyang")

    printed = rollback(batch, "jiangyang")

    assert f"已撤销导入批次 #{batch}" in printed
    assert not Event.objects.filter(title=TITLE).exists()
    done = ImportBatch.objects.get(pk=batch)
    assert (
        done.status == ImportBatch.Status.ROLLED_BACK and done.rolled_back_by == personas.jiangyang
    )


def test_it_answers_not_found_to_another_editor_of_the_same_office(personas, tmp_path):
    colleague = type(personas.jiangyang).objects.create_user("jiangyang_2", password="pass-2")
    RoleAssignment.objects.create(
        user=colleague, role="helper_editor", region=Region.objects.get(code="510502")
    )
    batch = imported(tmp_path, "jiangyang")

    assert refused(batch, "jiangyang_2") == f"没有导入批次 #{batch}"
    assert untouched(batch)


def test_it_answers_not_found_to_another_offices_editor(personas, tmp_path):
    batch = imported(tmp_path, "jiangyang")

    assert refused(batch, "longmatan") == f"没有导入批次 #{batch}"
    assert untouched(batch)


def test_it_answers_not_found_to_a_read_only_viewer_over_the_pairing(personas, tmp_path):
    batch = imported(tmp_path, "jiangyang")

    assert refused(batch, "viewer") == f"没有导入批次 #{batch}"
    assert untouched(batch)


def test_an_administrator_may_still_roll_it_back(personas, tmp_path):
    batch = imported(tmp_path, "jiangyang")

    rollback(batch, "root")

    assert ImportBatch.objects.get(pk=batch).status == ImportBatch.Status.ROLLED_BACK
    assert not Event.objects.filter(title=TITLE).exists()
