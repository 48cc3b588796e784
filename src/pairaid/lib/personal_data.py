"""Personal data (identity numbers, phone numbers) at rest and on screen.

Stored encrypted (Fernet: AES-128-CBC with an HMAC), so that a database dump alone does not
reveal them; shown masked except to roles that need them. The key comes from
PAIRAID_DATA_KEY (a Fernet key) or, when unset, is derived from the secret key — so keep
the secret key out of database dumps either way.
"""

from __future__ import annotations

import base64
import hashlib
import os
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models

PREFIX = "enc1:"


def _fernet() -> Fernet:
    key = os.environ.get("PAIRAID_DATA_KEY")
    if not key:
        digest = hashlib.sha256(f"pairaid-personal-data:{settings.SECRET_KEY}".encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    return Fernet(key)


def encrypt(value: str) -> str:
    if not value:
        return ""
    return PREFIX + _fernet().encrypt(value.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored or not stored.startswith(PREFIX):
        return stored or ""
    try:
        return _fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        return "（无法解密：密钥不符）"


class EncryptedTextField(models.TextField):
    """A text column whose stored value is encrypted; Python sees the clear text.

    Encryption is randomised, so the column cannot be searched or made unique."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str:
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return encrypt(value) if value else ""


def mask(value: str, keep_start: int, keep_end: int) -> str:
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    hidden = len(value) - keep_start - keep_end
    return value[:keep_start] + "*" * hidden + value[len(value) - keep_end :]


def mask_id_number(value: str) -> str:
    """510502199001011234 → 510502********1234: the region and the check digits only."""
    return mask(value, 6, 4)


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678."""
    return mask(value, 3, 4)
