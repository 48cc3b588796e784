"""The reports by kind: `build(kind, options)` returns a format-independent `Report`."""

from __future__ import annotations

from django.utils.translation import gettext as _

from pairaid.reports.annual import build_annual
from pairaid.reports.briefing import build_briefing
from pairaid.reports.common import (
    ANNUAL,
    BRIEFING,
    EXACT,
    KINDS,
    PAIRING_RELATED,
    PUBLISHED,
    RECONCILIATION,
    Options,
    ReportError,
)
from pairaid.reports.content import Report
from pairaid.reports.reconciliation import build_reconciliation

__all__ = [
    "ANNUAL",
    "BRIEFING",
    "EXACT",
    "KINDS",
    "PAIRING_RELATED",
    "PUBLISHED",
    "RECONCILIATION",
    "Options",
    "ReportError",
    "build",
]


def build(kind: str, options: Options) -> Report:
    builders = {
        BRIEFING: build_briefing,
        ANNUAL: build_annual,
        RECONCILIATION: build_reconciliation,
    }
    if kind not in builders:
        raise ReportError(_("未知的报告类型：%(kind)s") % {"kind": kind})
    return builders[kind](options)
