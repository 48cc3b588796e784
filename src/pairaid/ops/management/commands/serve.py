"""`pairaid serve`: the product, served by gunicorn (several processes, threads in each) on
Linux, or by waitress (one process, threads) with `--server waitress`. No outside calls."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pairaid.ops import serving


class Command(BaseCommand):
    help = (
        "启动 pairaid 网页服务（Linux 上默认 gunicorn 多进程、每进程多线程；"
        "--server waitress 为单进程多线程；静态文件由应用自身提供，无需外网）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
        parser.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
        parser.add_argument(
            "--server",
            choices=serving.SERVERS,
            default=serving.default_server(),
            help="gunicorn（默认，Linux）或 waitress",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="工作进程数（默认 PAIRAID_WORKERS，或 CPU 数×2+1；仅 gunicorn）",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            help="每个进程的线程数（默认 PAIRAID_THREADS 或 4；waitress 默认 8）",
        )

    def handle(
        self,
        *args: Any,
        host: str,
        port: int,
        server: str,
        workers: int | None,
        threads: int | None,
        **options: Any,
    ) -> None:
        # Compressed copies of the static files, named by the hash of their content.
        serving.collect_static()
        serving.web_database_options()

        from pairaid.wsgi import application

        self.stdout.write(f"pairaid 已启动：http://{host}:{port}/  （Ctrl+C 停止）")
        self.stdout.flush()
        if server == "waitress":
            serving.run_waitress(application, host=host, port=port, threads=threads or 8)
        else:
            serving.run_gunicorn(
                application,
                host=host,
                port=port,
                workers=workers or serving.default_workers(),
                threads=threads or serving.default_threads(),
            )
