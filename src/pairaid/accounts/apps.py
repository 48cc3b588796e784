from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "pairaid.accounts"
    label = "accounts"
    verbose_name = _("账户")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from pairaid.accounts.lockout import clear_failures, record_failure

        user_login_failed.connect(record_failure, dispatch_uid="pairaid-login-failed")
        user_logged_in.connect(clear_failures, dispatch_uid="pairaid-login-cleared")
