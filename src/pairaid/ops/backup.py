"""Backups an office can make and restore: every record of every pairaid app, exactly.

A backup is a zip file:

    manifest.json             format, versions, applied migrations, and per table its model,
                              columns, row count and the sha256 of its file
    tables/NNN_app.model.jsonl one JSON array per row, in primary-key order, tables in
                              dependency order (a row's references come before it)
    media/…                   the uploaded files the records point to
    evidence/…                evidence files (佐证材料), from PAIRAID_EVIDENCE_DIR

It is written generically over the models of the pairaid apps (their concrete fields, by
column name), so a new field or a new model is carried without code changes. Values are
the database's own: a timestamp keeps its microseconds (the audit chain's hashes cover
them), an amount every digit, and a field that transforms its value on the way in and out
(identity and phone numbers, encrypted) is copied as stored — a backup holds them encrypted
and needs the same data key (PAIRAID_DATA_KEY) to be read after a restore.

A backup made on SQLite restores on PostgreSQL and the other way round. It restores only
into a database at the same migrations (the same pairaid version): to upgrade, restore
into a scratch database with the old version, then `pairaid migrate` there with the new one.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO, Any, cast

import django
from django.apps import apps
from django.core.files.storage import Storage, default_storage
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import ExpressionWrapper, F, Value
from django.utils import timezone
from django.utils.duration import duration_iso_string
from django.utils.translation import gettext as _

from pairaid.ledger import subtree_rollups
from pairaid.ledger.models.evidence import evidence_storage
from pairaid.ledger.models.rollups import (
    ProjectRollup,
    SubtreePerson,
    SubtreePersonDelta,
    SubtreeProjectDelta,
    SubtreeProjectRollup,
)

FORMAT = "pairaid-backup"
FORMAT_VERSION = 1
BATCH = 1000


class BackupError(Exception):
    """A backup that cannot be restored here; the message says why, in Chinese."""


# ---------------------------------------------------------------------------------------
# Which tables, in which order, and how each column is read and written


# Where the files of each storage go in the zip: uploads under media/, evidence files (kept
# outside the web root, in their own folder) under evidence/.
STORAGES: dict[str, Any] = {
    "media": lambda: default_storage,
    "evidence": lambda: evidence_storage,
}


def folder_of(storage: Storage) -> str:
    return "evidence" if storage is evidence_storage else "media"


# Tables the database itself keeps from other tables' rows (triggers, migration 0017): a
# restore does not load their rows but lets the triggers make them as the records go in, then
# checks it got as many rows as the backup holds.
KEPT_BY_TRIGGERS: tuple[type[models.Model], ...] = (ProjectRollup,)
# The subtree rollups whose changes triggers write as deltas (migration 0021): how many rows
# are compacted and how many still deltas depends on when compactions ran, so a restore does
# not load them either, and rebuilds the subtree rollups from the records at its end. (The
# triggers read the pairing tree's links, which come before the projects: `PairingTreeLink`
# is declared right after `Pairing`.)
REBUILT: tuple[type[models.Model], ...] = (
    SubtreeProjectRollup,
    SubtreeProjectDelta,
    SubtreePerson,
    SubtreePersonDelta,
)


def product_models() -> list[type[models.Model]]:
    """The concrete models of the pairaid apps (and their many-to-many tables between
    them), ordered so that every model comes after the models it references."""
    chosen: list[type[models.Model]] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("pairaid."):
            continue
        for model in config.get_models(include_auto_created=True):
            opts = model._meta
            if opts.proxy or not opts.managed:
                continue
            if opts.parents:
                raise BackupError(_("不支持多表继承的模型：%s") % opts.label)
            chosen.append(model)
    inside = set(chosen)
    # A many-to-many table to a model outside the product (a user's Django groups and
    # permissions: pairaid uses roles instead) is not carried.
    chosen = [
        model
        for model in chosen
        if not model._meta.auto_created
        or all(f.related_model in inside for f in model._meta.concrete_fields if f.is_relation)
    ]
    return dependency_order(chosen)


def dependency_order(chosen: list[type[models.Model]]) -> list[type[models.Model]]:
    inside = set(chosen)
    needs = {
        model: {
            f.related_model
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model in inside and f.related_model is not model
        }
        for model in chosen
    }
    ordered: list[type[models.Model]] = []
    placed: set[type[models.Model]] = set()
    while len(ordered) < len(chosen):
        ready = [m for m in chosen if m not in placed and needs[m] <= placed]
        if not ready:  # a cycle: the rest in declaration order (foreign keys are deferred)
            ready = [m for m in chosen if m not in placed]
        for model in ready:
            ordered.append(model)
            placed.add(model)
    return ordered


def is_django_field(f: models.Field[Any, Any]) -> bool:
    return type(f).__module__.startswith("django.")


def plain_field(f: models.Field[Any, Any]) -> models.Field[Any, Any]:
    """A field of Django's own type for the column, to read and write it untransformed."""
    internal = f.get_internal_type()
    if internal == "DecimalField":
        decimal = cast("models.DecimalField[Any, Any]", f)
        return models.DecimalField(
            max_digits=decimal.max_digits, decimal_places=decimal.decimal_places
        )
    cls = getattr(models, internal, None)
    if not (isinstance(cls, type) and issubclass(cls, models.Field)) or f.is_relation:
        return models.TextField()
    return cls()


def read_expressions(model: type[models.Model]) -> list[Any]:
    """What to select for each column: Django's own fields as the ORM reads them, a
    product field (such as the encrypted text field) as its stored value."""
    return [
        f.attname
        if is_django_field(f)
        else ExpressionWrapper(F(f.attname), output_field=plain_field(f))
        for f in model._meta.concrete_fields
    ]


def encode(f: models.Field[Any, Any], value: Any) -> Any:
    if value is None or isinstance(f, models.JSONField):
        return value
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    return str(value)


def decoder(f: models.Field[Any, Any]) -> Callable[[Any], Any]:
    if not is_django_field(f):
        plain = plain_field(f)
        return lambda value: Value(plain.to_python(value), output_field=plain)
    if isinstance(f, models.JSONField):
        return lambda value: value
    return f.to_python


def table_name(index: int, model: type[models.Model]) -> str:
    return f"tables/{index:03d}_{model._meta.label_lower}.jsonl"


def zip_entry(name: str) -> zipfile.ZipInfo:
    """An entry dated now (local time, as zip tools show it), compressed."""
    info = zipfile.ZipInfo(name, date_time=timezone.localtime().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


# ---------------------------------------------------------------------------------------
# Writing


@dataclass
class Written:
    path: Path
    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0


def product_version() -> str:
    try:
        return version("pairaid")
    except PackageNotFoundError:  # pragma: no cover - always installed in practice
        return "unknown"


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    recorder = MigrationRecorder(connections[using])
    labels = {c.label for c in apps.get_app_configs() if c.name.startswith("pairaid.")}
    applied: dict[str, list[str]] = {}
    for app, name in sorted(recorder.applied_migrations()):
        if app in labels:
            applied.setdefault(app, []).append(name)
    return applied


class HashingWriter(io.RawIOBase):
    """Writes through to the zip entry and keeps a sha256 of what passed."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.sha256 = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.sha256.update(data)
        self.target.write(data)
        return len(data)


def write_backup(path: Path, *, using: str = DEFAULT_DB_ALIAS) -> Written:
    """Stream every table of the product into a zip at `path`, in one consistent read."""
    written = Written(path)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(timespec="microseconds"),
        "pairaid_version": product_version(),
        "django_version": django.get_version(),
        "database_vendor": connections[using].vendor,
        "migrations": applied_migrations(using),
        "personal_data": "encrypted: restore with the same PAIRAID_DATA_KEY",
        "tables": [],
        "files": [],
    }
    file_names: set[tuple[str, str]] = set()  # (folder in the zip, name)
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive,
        transaction.atomic(using=using),  # one snapshot on PostgreSQL; SQLite reads likewise
    ):
        for index, model in enumerate(product_models()):
            fields = model._meta.concrete_fields
            file_fields = {
                i: folder_of(f.storage)
                for i, f in enumerate(fields)
                if isinstance(f, models.FileField)
            }
            name = table_name(index, model)
            rows = 0
            with archive.open(zip_entry(name), "w", force_zip64=True) as raw:
                sink = HashingWriter(raw)
                out = io.BufferedWriter(sink, buffer_size=1 << 16)
                queryset = (
                    model._base_manager.using(using)
                    .order_by("pk")
                    .values_list(*read_expressions(model))
                )
                for values in queryset.iterator(chunk_size=BATCH):
                    row = [encode(f, v) for f, v in zip(fields, values, strict=True)]
                    out.write(json.dumps(row, ensure_ascii=False).encode() + b"\n")
                    file_names.update((file_fields[i], values[i]) for i in file_fields if values[i])
                    rows += 1
                out.flush()
            manifest["tables"].append(
                {
                    "model": model._meta.label_lower,
                    "table": model._meta.db_table,
                    "file": name,
                    "columns": [f.column for f in fields],
                    "rows": rows,
                    "sha256": sink.sha256.hexdigest(),
                }
            )
            written.tables[model._meta.label_lower] = rows
        for folder, file_name in sorted(file_names):
            storage = STORAGES[folder]()
            if not storage.exists(file_name):
                continue
            digest = hashlib.sha256()
            with (
                storage.open(file_name, "rb") as source,
                archive.open(zip_entry(f"{folder}/{file_name}"), "w", force_zip64=True) as target,
            ):
                for chunk in iter(lambda: source.read(1 << 16), b""):
                    digest.update(chunk)
                    target.write(chunk)
            entry = {"name": file_name, "sha256": digest.hexdigest()}
            manifest["files"].append(entry if folder == "media" else {**entry, "folder": folder})
            written.files += 1
        archive.writestr(
            zip_entry("manifest.json"),
            json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True),
        )
    return written


# ---------------------------------------------------------------------------------------
# Reading


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads(archive.read("manifest.json"))
    except KeyError as exc:
        raise BackupError(_("不是 pairaid 备份文件：缺少 manifest.json")) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(_("不是 pairaid 备份文件"))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _("备份格式版本 %s 不受支持（本版本读取第 %s 版）")
            % (manifest.get("format_version"), FORMAT_VERSION)
        )
    return manifest


def check_integrity(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
    """Every table and file is there and unchanged (sha256), before anything is written."""
    entries = [(t["file"], t["sha256"]) for t in manifest["tables"]]
    entries += [(f"{f.get('folder', 'media')}/{f['name']}", f["sha256"]) for f in manifest["files"]]
    for name, expected in entries:
        digest = hashlib.sha256()
        try:
            with archive.open(name) as stream:
                for chunk in iter(lambda: stream.read(1 << 16), b""):
                    digest.update(chunk)
        except KeyError as exc:
            raise BackupError(_("备份文件不完整：缺少 %s") % name) from exc
        if digest.hexdigest() != expected:
            raise BackupError(_("备份文件已损坏：%s 的校验值不符") % name)


def check_compatible(manifest: dict[str, Any], using: str) -> None:
    here = applied_migrations(using)
    there = manifest["migrations"]
    if here != there:
        differing = sorted(app for app in set(here) | set(there) if here.get(app) != there.get(app))
        raise BackupError(
            _(
                "备份来自数据库结构不同的版本（%(apps)s 的迁移不一致）：请用生成备份的"
                "同一 pairaid 版本恢复，再用新版本执行 pairaid migrate"
            )
            % {"apps": "、".join(differing)}
        )
    known = {m._meta.label_lower: m for m in product_models()}
    for table in manifest["tables"]:
        model = known.get(table["model"])
        if model is None:
            raise BackupError(_("备份中的数据表 %s 在本版本中不存在") % table["model"])
        columns = [f.column for f in model._meta.concrete_fields]
        if table["columns"] != columns:
            raise BackupError(_("数据表 %s 的字段与本版本不一致") % table["model"])


def rows_present(using: str) -> dict[str, int]:
    counts = {}
    for model in product_models():
        count = model._base_manager.using(using).count()
        if count:
            counts[model._meta.label_lower] = count
    return counts


def read_rows(archive: zipfile.ZipFile, name: str) -> Iterator[list[Any]]:
    with archive.open(name) as stream:
        for line in io.TextIOWrapper(stream, encoding="utf-8"):
            if line.strip():
                yield json.loads(line)


def restore_backup(
    path: Path, *, force: bool = False, using: str = DEFAULT_DB_ALIAS
) -> dict[str, int]:
    """Load a backup into the configured database (already migrated), in one transaction.

    Refuses a database that holds records unless `force`, which first empties the product's
    tables. Returns the rows restored per model."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(_("无法读取备份文件：%s") % exc) from exc
    with archive:
        manifest = read_manifest(archive)
        check_integrity(archive, manifest)
        check_compatible(manifest, using)
        present = rows_present(using)
        if present and not force:
            raise BackupError(
                _("数据库中已有记录（%s）：恢复会覆盖它们，确需覆盖请加 --force")
                % "、".join(f"{label} {count}" for label, count in present.items())
            )
        known = {m._meta.label_lower: m for m in product_models()}
        restored: dict[str, int] = {}
        connection = connections[using]
        with transaction.atomic(using=using):
            if present:
                for model in reversed(product_models()):
                    model._base_manager.using(using).all()._raw_delete(using)
            kept = []
            for table in manifest["tables"]:
                model = known[table["model"]]
                if model in KEPT_BY_TRIGGERS:
                    kept.append((table, model))
                    continue
                if model in REBUILT:
                    continue
                restored[table["model"]] = insert_rows(
                    model, read_rows(archive, table["file"]), using
                )
                if restored[table["model"]] != table["rows"]:
                    raise BackupError(_("数据表 %s 的行数与清单不符") % table["model"])
            for table, model in kept:
                restored[table["model"]] = model._base_manager.using(using).count()
                if restored[table["model"]] != table["rows"]:
                    raise BackupError(_("数据表 %s 的行数与清单不符") % table["model"])
            subtree_rollups.rebuild()
            for model in REBUILT:
                restored[model._meta.label_lower] = model._base_manager.using(using).count()
            # the tables rebuilt above hold no restored ids: their sequences go on (a
            # sequence set back would hand out ids of rows a trigger wrote meanwhile)
            numbered = [model for model in known.values() if model not in REBUILT]
            statements = connection.ops.sequence_reset_sql(no_style(), numbered)
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        for item in manifest["files"]:
            name, folder = item["name"], item.get("folder", "media")
            if folder not in STORAGES:
                raise BackupError(_("附件 %s 无法按原名保存") % name)
            storage = STORAGES[folder]()
            if storage.exists(name):
                if not force:
                    continue
                storage.delete(name)
            with archive.open(f"{folder}/{name}") as source:
                saved = storage.save(name, source)
            if saved != name:  # pragma: no cover - storage renamed it: the record must match
                raise BackupError(_("附件 %s 无法按原名保存") % name)
    return restored


def insert_rows(model: type[models.Model], rows: Iterator[list[Any]], using: str) -> int:
    """Insert rows as stored: raw (no auto_now, no signals, no save()), in batches."""
    fields = model._meta.concrete_fields
    decoders = [decoder(f) for f in fields]
    count = 0
    batch: list[models.Model] = []
    for row in rows:
        obj = model.__new__(model)
        obj.__dict__["_state"] = models.base.ModelState()
        for f, decode, value in zip(fields, decoders, row, strict=True):
            obj.__dict__[f.attname] = None if value is None else decode(value)
        batch.append(obj)
        if len(batch) >= BATCH:
            count += flush(model, batch, fields, using)
    return count + flush(model, batch, fields, using)


def flush(model: type[models.Model], batch: list[models.Model], fields: Any, using: str) -> int:
    if not batch:
        return 0
    ops = connections[using].ops
    size = ops.bulk_batch_size(fields, batch) or len(batch)
    for start in range(0, len(batch), size):
        # What bulk_create does, with raw=True as loaddata (a private method: not in the stubs).
        model._base_manager._insert(  # type: ignore[attr-defined]
            batch[start : start + size], fields=fields, using=using, raw=True
        )
    done = len(batch)
    batch.clear()
    return done
