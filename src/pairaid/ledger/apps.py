from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "pairaid.ledger"
    label = "ledger"
    verbose_name = _("帮扶台账")

    def ready(self) -> None:
        from pairaid.ledger.messages import install_field_messages

        install_field_messages()

        from pairaid.lib.text import attach_validators

        # Every record's free text refuses control and bidi characters (forms, API,
        # importer alike); the audit trail records what the system wrote, as it was.
        attach_validators(self.get_models(), skip={"ledger.AuditEntry"})
