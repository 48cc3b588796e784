from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pairaid.accounts.lockout import client_address, is_locked


class LockoutAuthenticationForm(AuthenticationForm):
    """The login form, saying so when the account is locked after failed logins."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("登录失败次数过多，账户已临时锁定，请%(minutes)s分钟后再试。"),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if username and is_locked(username, client_address(self.request)):
            raise ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": settings.PAIRAID_LOGIN_LOCKOUT_MINUTES},
            )
        return super().clean()
