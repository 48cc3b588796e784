"""Personal data (identity numbers, phone numbers) at rest and on screen.

Stored encrypted (Fernet: AES-128-CBC with an HMAC), so that a database dump alone does not
reveal them; shown masked except to roles that need them. The key comes from
PAIRAID_DATA_KEY (a Fernet key) or, when unset, is derived from the secret key — so keep
the secret key out of database dumps either way. Production settings require
PAIRAID_DATA_KEY, so that changing the secret key does not make the numbers unreadable.

Older keys listed in PAIRAID_OLD_DATA_KEYS (comma-separated) still decrypt (MultiFernet);
`pairaid rotate-data-key` re-encrypts everything with the current key.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Iterable
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

PREFIX = "enc1:"


def derived_key(secret_key: str) -> str:
    """The key used when PAIRAID_DATA_KEY is unset: derived from the secret key."""
    digest = hashlib.sha256(f"pairaid-personal-data:{secret_key}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def current_key() -> str:
    return os.environ.get("PAIRAID_DATA_KEY") or derived_key(settings.SECRET_KEY)


def old_keys() -> list[str]:
    return [k.strip() for k in os.environ.get("PAIRAID_OLD_DATA_KEYS", "").split(",") if k.strip()]


def is_valid_key(key: str) -> bool:
    try:
        Fernet(key)
    except (ValueError, TypeError):
        return False
    return True


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in [current_key(), *old_keys()]])


def rotate(stored: str, keys: Iterable[str]) -> str:
    """A stored value re-encrypted with the first of `keys`, decrypted with any of them.

    Clear text from before encryption is encrypted; a value none of the keys opens raises
    InvalidToken."""
    if not stored:
        return stored
    fernet = MultiFernet([Fernet(key) for key in keys])
    if not stored.startswith(PREFIX):
        return PREFIX + fernet.encrypt(stored.encode()).decode()
    return PREFIX + fernet.rotate(stored[len(PREFIX) :].encode()).decode()


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
