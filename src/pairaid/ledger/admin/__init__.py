"""The Django admin for every ledger record, in Chinese, writing only through the services.

- `base`: `ServiceAdmin`, the ModelAdmin that saves, deletes and relates through
  `pairaid.ledger.services` (audited, `via="admin"`) and shows a service's refusal.
- `records`: the plain records and their inlines.
- `funds`: the fund ledger (record, reverse, confirm; never edit or delete).
- `audit`: the audit trail, read-only.
- `generic`: every type declared with pages, its admin made from its declaration.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from pairaid.ledger.admin import audit, funds, generic, records

__all__ = ["audit", "funds", "generic", "records"]

admin.site.site_header = _("pairaid 对口帮扶台账 管理后台")
admin.site.site_title = _("pairaid 对口帮扶台账 管理后台")
admin.site.index_title = _("台账管理")
