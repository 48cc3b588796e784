"""`pairaid demo`: create or upgrade the database and load the demo data set (the ledger's
records and the founding article as a checked text)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.color import no_style
from django.db import connection, transaction

from pairaid.ledger import figures
from pairaid.ledger.demo.national import load_national, national_loaded
from pairaid.ledger.models import Pairing
from pairaid.lib.commands import tags_but_urls
from pairaid.ops.demo import load_demo

# What --reset keeps: logins and Django's own bookkeeping. Everything else (the ledger, its
# audit trail, queued background work) goes.
KEPT_APPS = {"accounts", "auth", "contenttypes", "sessions"}
ARTICLE_DATE = dt.date(2022, 12, 4)  # the founding article's publication date


def ledger_has_records() -> bool:
    return any(
        model._default_manager.exists() for model in apps.get_app_config("ledger").get_models()
    )


def wipe() -> None:
    """Empty every table but the kept ones, as `flush` would, and restart their ids so a
    reloaded demo gets the same ids. Tables that point into the emptied ones are emptied
    too (cascade), so no foreign key is left dangling on any database: on SQLite they are
    found from the models' foreign keys (`with_referencing`) rather than by Django's
    cascading flush, which reads every table's SQL once per table (about 1 s of CPU); a
    table missed would fail the commit's foreign key check, never leave a dangling key."""
    existing = set(connection.introspection.table_names())
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in KEPT_APPS
        and model._meta.managed
        and not model._meta.proxy
        and model._meta.db_table in existing
    }
    cascade = connection.vendor != "sqlite"
    if not cascade:
        tables = with_referencing(tables) & existing
    statements = connection.ops.sql_flush(
        no_style(), sorted(tables), reset_sequences=True, allow_cascade=cascade
    )
    connection.ops.execute_sql_flush(statements)


def with_referencing(tables: set[str]) -> set[str]:
    """`tables` and every table whose foreign keys point into them, however indirectly."""
    models = apps.get_models(include_auto_created=True)
    found = set(tables)
    grew = True
    while grew:
        grew = False
        for model in models:
            if model._meta.db_table in found:
                continue
            for field in model._meta.concrete_fields:
                target = field.related_model if field.is_relation else None
                if isinstance(target, type) and target._meta.db_table in found:
                    found.add(model._meta.db_table)
                    grew = True
                    break
    return found


def verbose_name(model_name: str) -> str:
    """A record type's Chinese name: the ledger's, or the founding article's (bulletin)."""
    for app_label in ("ledger", "bulletin"):
        try:
            return str(apps.get_model(app_label, model_name)._meta.verbose_name)
        except LookupError:
            continue
    return model_name


class Command(BaseCommand):
    national_load = False

    help = (
        "创建（或升级）数据库并载入以泸州—凉山对口帮扶为原型的演示数据，"
        "连同该报道原文及其数字的核对结果"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--reset",
            action="store_true",
            help="先删除全部台账数据（含审计记录，保留登录用户），再重新载入演示数据",
        )
        group.add_argument(
            "--if-empty",
            dest="if_empty",
            action="store_true",
            help="数据库中已有台账记录时不做任何改动（不报错）",
        )

        parser.add_argument(
            "--national",
            type=float,
            metavar="SCALE",
            help=(
                "载入虚构的全国规模合成数据（规模 0.001–1.0；1.0 约2000个结对关系、45万个项目、"
                "400万条资金记录），与演示数据并存；加 --reset 则先清空台账、只载入合成数据"
            ),
        )

    def execute(self, *args: Any, **options: Any) -> str | None:
        self.national_load = options.get("national") is not None
        return super().execute(*args, **options)

    def check(self, *args: Any, **kwargs: Any) -> None:
        """Before a national load, every system check but the URL configuration's: those
        import every page's and the API's URLs and build the API's schemas (about 3 s of CPU
        of a load that serves no page; the others take 0.2 s). `pairaid check`, `migrate`
        and the article's demo check everything, as before."""
        if self.national_load and kwargs.get("tags") is None:
            kwargs["tags"] = tags_but_urls()
        super().check(*args, **kwargs)

    def handle(self, *args: Any, reset: bool, if_empty: bool, **options: Any) -> None:
        verbosity = options["verbosity"]
        call_command("migrate", interactive=False, verbosity=max(0, verbosity - 1))
        if options.get("national") is not None:
            self.handle_national(options["national"], reset=reset, if_empty=if_empty)
            return
        if ledger_has_records() and not reset:
            if if_empty:
                self.stdout.write("数据库中已有台账记录，未载入演示数据。")
                return
            raise CommandError(
                "数据库中已有台账记录，未载入演示数据。"
                "如确需删除全部台账数据并重新载入，请运行 pairaid demo --reset"
            )
        started = time.monotonic()
        with transaction.atomic():
            if reset:
                wipe()
            counts = load_demo()
        self.report(counts, time.monotonic() - started, reset)

    def handle_national(self, scale: float, *, reset: bool, if_empty: bool) -> None:
        """The synthetic national set: beside the ledger's records, or alone after --reset."""
        if not 0 < scale <= 1:
            raise CommandError("规模须大于0且不超过1（如 0.01、0.1、1.0）")
        if not reset and national_loaded():
            if if_empty:
                self.stdout.write("数据库中已有全国合成数据，未重复载入。")
                return
            raise CommandError(
                "数据库中已有全国合成数据。"
                "如需重新载入，请运行 pairaid demo --national 规模 --reset"
            )
        started = time.monotonic()
        if reset:
            with transaction.atomic():
                wipe()
        counts = load_national(scale)
        ledger = apps.get_app_config("ledger")
        parts = [f"{ledger.get_model(name)._meta.verbose_name}{n}条" for name, n in counts.items()]
        done = "已清空台账并载入全国合成数据" if reset else "已载入全国合成数据"
        self.stdout.write(
            f"{done}（规模{scale:g}，用时{time.monotonic() - started:.1f}秒）：" + "、".join(parts)
        )
        self.stdout.write("全国合成数据全部为虚构，已标记为演示数据。")

    def report(self, counts: dict[str, int], seconds: float, reset: bool) -> None:
        parts = [f"{verbose_name(name)}{n}条" for name, n in counts.items()]
        done = "已清空台账并重新载入演示数据" if reset else "已载入演示数据"
        self.stdout.write(f"{done}（用时{seconds:.1f}秒）：" + "、".join(parts))
        self.stdout.write(f"截至{ARTICLE_DATE.isoformat()}，由记录汇总：")
        for pairing in Pairing.objects.filter(parent__isnull=False).order_by("id"):
            window = figures.window_for(pairing, as_of=ARTICLE_DATE)
            self.stdout.write("  " + figures.pairing_summary(pairing, window).sentence())
        self.stdout.write(
            "演示数据中，文章未给出的人员姓名、逐年逐笔金额等均为虚构，已标记为演示数据。"
        )
        self.login_hint()

    def login_hint(self) -> None:
        users = get_user_model().objects.filter(is_active=True)
        if users.exists():
            names = "、".join(users.order_by("id").values_list("username", flat=True)[:5])
            self.stdout.write(f"登录：可用已有用户（{names}）登录。")
        else:
            self.stdout.write(
                "登录：尚无登录用户，可用 "
                "pairaid createuser 用户名 --password 密码 --superuser 创建。"
            )
