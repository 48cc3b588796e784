"""How `pairaid serve` runs the product: which server, how many processes and threads, and
what a web request may cost the database.

On Linux the default is gunicorn: several worker processes (sized from the CPU count), each
with a few threads. Waitress (one process, several threads) remains for machines without
gunicorn (Windows) and as `--server waitress`. Either way the static files are collected
first (compressed, named by their content's hash) so that WhiteNoise can serve them with a
year-long cache.

A request may run a PostgreSQL statement for at most PAIRAID_STATEMENT_TIMEOUT seconds (30
by default; 0 for none); commands (imports, exports, the national demo, backups) have no
limit: `web_database_options` is applied only by `pairaid serve` and by the WSGI module.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.db import connections

SERVERS = ("gunicorn", "waitress")


def default_server() -> str:
    """gunicorn where it runs (POSIX, installed), waitress otherwise."""
    if os.name != "posix":
        return "waitress"
    try:
        import gunicorn  # noqa: F401
    except ImportError:  # pragma: no cover - gunicorn is a dependency on Linux
        return "waitress"
    return "gunicorn"


def default_workers() -> int:
    """Worker processes: PAIRAID_WORKERS, or two per CPU plus one (at most 16)."""
    configured = os.environ.get("PAIRAID_WORKERS", "").strip()
    if configured:
        return max(1, int(configured))
    return min(16, 2 * (os.cpu_count() or 1) + 1)


def default_threads() -> int:
    """Threads in each worker: PAIRAID_THREADS, or 4."""
    return max(1, int(os.environ.get("PAIRAID_THREADS", "4") or 4))


def static_fingerprint() -> str:
    """What the collected files depend on: every source static file's name, size and time."""
    digest = hashlib.sha256(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    for finder in finders.get_finders():
        for path, storage in finder.list(ignore_patterns=None):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def collect_static() -> bool:
    """Collect (and compress) the static files unless they are collected already; True if
    it did. Compressing them takes a while, so a restart with unchanged files skips it."""
    marker = Path(settings.STATIC_ROOT) / ".pairaid-collected"
    wanted = static_fingerprint()
    if marker.exists() and marker.read_text() == wanted:
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    marker.write_text(wanted)
    return True


def web_database_options() -> None:
    """Give the web's PostgreSQL connections their statement timeout (before any opens)."""
    timeout = settings.PAIRAID_STATEMENT_TIMEOUT
    for alias in connections:
        wrapper = connections[alias]
        if wrapper.vendor != "postgresql" or not timeout:
            continue
        options = wrapper.settings_dict.setdefault("OPTIONS", {})
        flag = f"-c statement_timeout={int(timeout * 1000)}"
        if flag not in options.get("options", ""):
            options["options"] = f"{options.get('options', '')} {flag}".strip()


def run_gunicorn(
    application: Callable[..., Any], *, host: str, port: int, workers: int, threads: int
) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                # A national report or an export may take a while: not a hung worker.
                "timeout": int(os.environ.get("PAIRAID_WORKER_TIMEOUT", "300")),
                "graceful_timeout": 30,
                # Longer than a load balancer's idle timeout (often 60 s): the balancer, not
                # pairaid, closes an idle connection, so no request meets a closing one.
                "keepalive": 75,
                # Recycle workers now and then (memory), not all at once.
                "max_requests": 5000,
                "max_requests_jitter": 500,
                "accesslog": os.environ.get("PAIRAID_ACCESS_LOG") or None,
                "errorlog": "-",
                "proc_name": "pairaid",
                # No control socket (gunicorn ≥ 24): several servers may share a machine.
                "control_socket_disable": True,
            }.items():
                if key in self.cfg.settings:
                    self.cfg.set(key, value)

        def load(self) -> Callable[..., Any]:
            return application

    # Each worker opens its own database connections: none may be inherited from here.
    connections.close_all()
    Server().run()


def run_waitress(application: Callable[..., Any], *, host: str, port: int, threads: int) -> None:
    from waitress import serve

    serve(application, host=host, port=port, threads=threads, ident="pairaid")
