"""`pairaid freeze_briefing --user X` freezes for the same users as the reports page: a role
that does more than read (an editor, an auditor) may freeze; a read-only viewer is refused in
Chinese, with a non-zero exit, and nothing is frozen or audited; a user who does not see the
pairing is told it is not found, as the page answers 404."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pairaid.ledger.models import AuditEntry
from pairaid.reports.models import FrozenBriefing

AS_OF = "2022-12-04"


def freeze(user: str) -> str:
    out = io.StringIO()
    call_command(
        "freeze_briefing", "--pairing", "江阳区", "--as-of", AS_OF, "--user", user, stdout=out
    )
    return out.getvalue()


def refused(user: str) -> CommandError:
    with pytest.raises(CommandError) as caught:
        freeze(user)
    return caught.value


def nothing_frozen() -> bool:
    return (
        not FrozenBriefing.objects.exists()
        and not AuditEntry.objects.filter(action="briefing.frozen").exists()
    )


def test_it_freezes_for_the_helper_office_that_owns_the_pairing(personas):
    printed = freeze("jiangyang")

    frozen = FrozenBriefing.objects.get()
    assert printed.startswith(f"已冻结简报 #{frozen.pk}")
    assert frozen.created_by == personas.jiangyang


def test_it_refuses_a_read_only_viewer_and_freezes_nothing(personas):
    error = refused("viewer")

    assert str(error) == "用户“viewer”在该结对关系中只能查看，不能冻结简报"
    assert error.returncode != 0
    assert nothing_frozen()


def test_the_viewer_sees_the_pairing_the_command_refuses(personas, client):
    """The refusal is the page's: the viewer reads the pairing's reports but may not freeze."""
    client.force_login(personas.viewer)
    assert client.get("/reports/").status_code == 200
    refused("viewer")
    assert nothing_frozen()


def test_it_answers_not_found_to_a_user_who_does_not_see_the_pairing(personas):
    error = refused("longmatan")

    assert str(error) == "找不到结对关系：江阳区"
    assert nothing_frozen()


def test_it_answers_not_found_to_a_user_with_no_role(personas):
    error = refused("outsider")

    assert str(error) == "找不到结对关系：江阳区"
    assert nothing_frozen()


def test_it_freezes_for_an_auditor_whose_region_holds_the_pairing(personas):
    freeze("sichuan_auditor")

    frozen = FrozenBriefing.objects.get()
    assert frozen.created_by == personas.sichuan_auditor
    entry = AuditEntry.objects.get(action="briefing.frozen", record_id=str(frozen.pk))
    assert entry.user == personas.sichuan_auditor and entry.actor == "cli"


@pytest.mark.parametrize("user", ["luzhou", "yanyuan"])
def test_it_freezes_for_the_coordinator_and_the_recipient_office(personas, user):
    """A coordinator over the city and the recipient's office do more than read: they may."""
    freeze(user)

    frozen = FrozenBriefing.objects.get()
    assert frozen.created_by == getattr(personas, user)


def test_the_operator_without_a_user_still_freezes_as_the_system(personas):
    out = io.StringIO()
    call_command("freeze_briefing", "--pairing", "江阳区", "--as-of", AS_OF, stdout=out)

    frozen = FrozenBriefing.objects.get()
    assert frozen.created_by is None and out.getvalue().startswith(f"已冻结简报 #{frozen.pk}")
