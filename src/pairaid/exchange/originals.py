"""Uploaded originals, encrypted at rest.

An uploaded file may hold identity and phone numbers. From the upload until its batch is
imported, failed or discarded (then `services.purge_original` deletes it), the file is kept
in the media folder encrypted with the data key (`lib.personal_data.encrypt_file`). A task
reading it gets a clear copy in a private folder in memory (/dev/shm, a RAM file system,
where there is one; else the system's temporary folder), deleted when the task is done.
`pairaid rotate-data-key` re-encrypts the originals still waiting (`rotate_originals`).
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography.fernet import InvalidToken
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from pairaid.exchange.models import ImportBatch
from pairaid.exchange.readers import ReadError
from pairaid.lib.personal_data import decrypt_file, encrypt_file, rotate_file

logger = logging.getLogger(__name__)
MEMORY_FOLDERS = ("/dev/shm",)


def store_original(batch: ImportBatch, upload: UploadedFile[bytes]) -> None:
    """Keep the uploaded file on the (unsaved) batch, encrypted."""
    upload.seek(0)
    with tempfile.TemporaryFile() as encrypted:
        encrypt_file(upload, encrypted)
        encrypted.seek(0)
        batch.file.save(upload.name or "upload", File(encrypted), save=False)


def _memory_folder() -> str | None:
    for folder in MEMORY_FOLDERS:
        if os.path.isdir(folder) and os.access(folder, os.W_OK):
            return folder
    return None


@contextmanager
def clear_original(batch: ImportBatch) -> Iterator[Path]:
    """A clear copy of the batch's original, for as long as the block runs."""
    suffix = Path(batch.file_name).suffix.lower()[:10]
    with tempfile.TemporaryDirectory(prefix="pairaid-", dir=_memory_folder()) as folder:
        path = Path(folder) / f"original{suffix}"
        try:
            with batch.file.open("rb") as source, open(path, "wb") as target:
                decrypt_file(source, target)
        except InvalidToken as exc:
            raise ReadError(
                _("上传的文件无法解密：数据密钥已更换（PAIRAID_DATA_KEY），请重新上传")
            ) from exc
        finally:
            batch.file.close()
        yield path


def rotate_originals(keys: Iterable[str]) -> tuple[int, list[str]]:
    """Re-encrypt every original still waiting with the first of `keys`: each is written
    beside itself and then renamed over it, so that an interruption leaves it whole. Returns
    how many were re-encrypted and the names of those no key opened."""
    keys = list(keys)
    done = 0
    failed: list[str] = []
    for batch in ImportBatch.objects.exclude(file="").only("pk", "file").iterator():
        try:
            path = Path(batch.file.path)
        except NotImplementedError:  # a storage without local paths
            failed.append(str(batch.file))  # its name
            continue
        if not path.exists():
            continue  # deleted since (imported, failed or discarded meanwhile)
        rotating = path.with_name(path.name + ".rotating")
        try:
            with open(path, "rb") as source, open(rotating, "wb") as target:
                rotate_file(source, target, keys)
            os.replace(rotating, path)
        except InvalidToken:
            rotating.unlink(missing_ok=True)
            failed.append(str(batch.file))  # its name
            continue
        done += 1
    return done, failed
