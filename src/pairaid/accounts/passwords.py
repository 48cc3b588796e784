"""Password checks (settings.AUTH_PASSWORD_VALIDATORS) for every way a password is set:
`pairaid createuser`, the admin's user and password forms.

Django's minimum-length message changed wording in 5.2 and its Chinese translation did
not follow, so this one says it in Chinese (and English through pairaid's catalogue)."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return ngettext(
            "密码太短，至少需要 %(min_length)d 个字符。",
            "密码太短，至少需要 %(min_length)d 个字符。",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return ngettext(
            "密码至少需要 %(min_length)d 个字符。",
            "密码至少需要 %(min_length)d 个字符。",
            self.min_length,
        ) % {"min_length": self.min_length}
