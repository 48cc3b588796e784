"""What the import and export commands share: acting as a user, printing a report."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, OutputWrapper
from django.utils.translation import gettext as _

from pairaid.exchange.services import Report
from pairaid.exchange.specs import IMPORTERS


def acting_user(name: str | None) -> Any:
    """None (the system, an operator's command) unless --user names a login."""
    if not name:
        return None
    try:
        return get_user_model().objects.get(username=name)
    except get_user_model().DoesNotExist:
        raise CommandError(_("没有用户“%(name)s”") % {"name": name}) from None


def print_counts(report: Report, out: OutputWrapper) -> None:
    label = IMPORTERS[report.kind].label if report.kind in IMPORTERS else report.kind
    out.write(
        _(
            "%(label)s（工作表“%(sheet)s”）：新增 %(added)s 条，修改 %(changed)s 条，"
            "未变 %(unchanged)s 条，拒绝 %(rejected)s 行"
        )
        % {"label": label, "sheet": report.sheet, **report.counts()}
        + "\n"
    )
    for warning in report.warnings:
        out.write(_("提示：%(warning)s") % {"warning": warning} + "\n")


def print_errors(report: Report, err: OutputWrapper) -> None:
    err.write(_("工作表\t行\t列\t原因") + "\n")
    for error in report.errors:
        err.write(f"{error.sheet}\t{error.row or ''}\t{error.column}\t{error.message}\n")
    if report.error_count > len(report.errors):
        err.write(
            _("……共 %(n)s 处错误，以上为前 %(shown)s 处")
            % {"n": report.error_count, "shown": len(report.errors)}
            + "\n"
        )


def file_problem(report: Report) -> str:
    """Why a file could not be read at all, as one line."""
    reasons = [error.message for error in report.errors] or [_("无法读取文件")]
    return _("无法导入 %(file)s：%(reason)s") % {
        "file": report.file_name,
        "reason": "；".join(reasons).replace("\n", " "),
    }
