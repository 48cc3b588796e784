"""Personal data (identity numbers, phone numbers) at rest and on screen.

Stored encrypted (Fernet: AES-128-CBC with an HMAC), so that a database dump alone does not
reveal them; shown masked except to roles that need them. The key comes from
PAIRAID_DATA_KEY (a Fernet key) or, when unset, is derived from the secret key — so keep
the secret key out of database dumps either way. Production settings require
PAIRAID_DATA_KEY, so that changing the secret key does not make the numbers unreadable.

Older keys listed in PAIRAID_OLD_DATA_KEYS (comma-separated) still decrypt (MultiFernet);
`pairaid rotate-data-key` re-encrypts everything with the current key.

Files (uploaded originals waiting to be imported) are encrypted with the same keys, a
megabyte at a time (`encrypt_file`, `decrypt_file`, `rotate_file`), so that neither end
holds a whole file in memory.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
from collections.abc import Iterable
from typing import IO, Any, TypeVar

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


# An encrypted file: this line, then for each megabyte of the clear file its Fernet token,
# preceded by the token's length (4 bytes, big-endian).
FILE_MAGIC = b"pairaid-encrypted-file-1\n"
FILE_CHUNK = 1 << 20


def encrypt_file(source: IO[bytes], target: IO[bytes]) -> None:
    """Write `source` to `target` encrypted with the current key."""
    fernet = _fernet()
    target.write(FILE_MAGIC)
    while chunk := source.read(FILE_CHUNK):
        _write_token(target, fernet.encrypt(chunk))


def _write_token(target: IO[bytes], token: bytes) -> None:
    target.write(len(token).to_bytes(4, "big"))
    target.write(token)


def _tokens(source: IO[bytes]) -> Iterable[bytes]:
    while header := source.read(4):
        size = int.from_bytes(header, "big")
        token = source.read(size)
        if len(header) < 4 or len(token) < size:
            raise InvalidToken("truncated")
        yield token


def is_encrypted_file(source: IO[bytes]) -> bool:
    """Whether `source` (at its start) is an encrypted file; leaves it at its start."""
    start = source.read(len(FILE_MAGIC))
    source.seek(0)
    return start == FILE_MAGIC


def decrypt_file(source: IO[bytes], target: IO[bytes]) -> None:
    """Write the clear content of `source` to `target`, with the current or an old key. A
    file from before encryption is copied as it is; one no key opens raises InvalidToken."""
    if not is_encrypted_file(source):
        shutil.copyfileobj(source, target, FILE_CHUNK)
        return
    source.read(len(FILE_MAGIC))
    fernet = _fernet()
    for token in _tokens(source):
        target.write(fernet.decrypt(token))


def rotate_file(source: IO[bytes], target: IO[bytes], keys: Iterable[str]) -> None:
    """`source` re-encrypted with the first of `keys`, decrypted with any of them (a clear
    file is encrypted)."""
    fernet = MultiFernet([Fernet(key) for key in keys])
    if not is_encrypted_file(source):
        target.write(FILE_MAGIC)
        while chunk := source.read(FILE_CHUNK):
            _write_token(target, fernet.encrypt(chunk))
        return
    source.read(len(FILE_MAGIC))
    target.write(FILE_MAGIC)
    for token in _tokens(source):
        _write_token(target, fernet.rotate(token))


_ST = TypeVar("_ST")
_GT = TypeVar("_GT")


class EncryptedTextField(models.TextField[_ST, _GT]):
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
