"""Benchmark: schemathesis against a served pairaid, every phase, stateful included.

    .venv/bin/python bench/api_fuzz.py [--max-examples 100] [--database-url URL]
                                       [--phases examples,coverage,fuzzing,stateful]

A larger budget than CI's (tests/test_api_schema.py: 10 examples, examples and fuzzing, in
process). It serves pairaid with `pairaid serve` on 127.0.0.1 over the demo data (a fresh
SQLite file, or with --database-url a PostgreSQL database it migrates and fills when
empty), then runs the schemathesis command line twice:

1. with an administrator's write token, all checks (`--checks all`), every phase; the
   stateful phase chains operations through links schemathesis infers from the response
   schemas, the path parameters and the Location headers of earlier phases;
2. with the write token of a user who has no role anywhere (an outsider), the same
   operations: every write must be refused, so the audit trail must hold no entry by them.

It prints schemathesis's summary of each run, the server errors the server logged (goal 0)
and the authorization holes found (outsider writes that were recorded; goal 0).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def setup_django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def prepare() -> None:
    """Child: migrate, load the demo when empty, and make the two users and their tokens."""
    setup_django()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from pairaid.api import services
    from pairaid.ledger.models import Pairing
    from pairaid.ops.demo import load_demo

    call_command("migrate", verbosity=0)
    if not Pairing.objects.exists():
        load_demo()
    users = get_user_model()
    admin = users.objects.filter(username="fuzz-admin").first() or users.objects.create_superuser(
        "fuzz-admin", "", "unused-password-5d1c"
    )
    outsider = users.objects.filter(username="fuzz-outsider").first()
    outsider = outsider or users.objects.create_user("fuzz-outsider", password="unused-7e2b")
    tokens = {}
    for name, user in (("admin", admin), ("outsider", outsider)):
        _token, secret = services.create_token(
            user, name="api_fuzz", scope="write", acting_user=user, via="bench"
        )
        tokens[name] = secret
    print(json.dumps({**tokens, "outsider_id": outsider.pk}))


def holes(outsider_id: str, since_id: str) -> None:
    """Child: the audit entries the outsider's requests made (every one is a hole)."""
    setup_django()
    from pairaid.ledger.models import AuditEntry

    made = AuditEntry.objects.filter(user_id=int(outsider_id), id__gt=int(since_id))
    print(json.dumps({"holes": sorted({entry.action for entry in made}), "count": made.count()}))


def last_audit_id() -> None:
    setup_django()
    from pairaid.ledger.models import AuditEntry

    print(AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0)


def child(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_served(base: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(600):  # up to a minute or so: a hang detector
        if server.poll() is not None:
            raise SystemExit("pairaid serve stopped")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit("pairaid serve did not answer")


def fuzz(base: str, token: str, args: argparse.Namespace, checks: str, report: Path) -> str:
    command = [
        str(BIN / "schemathesis"),
        "run",
        f"{base}/api/v1/openapi.json",
        "--phases",
        args.phases,
        "--max-examples",
        str(args.max_examples),
        "--checks",
        checks,
        "--continue-on-failure",
        "--generation-deterministic",
        "-H",
        f"Authorization: Bearer {token}",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
        "--no-color",
    ]
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seconds = time.perf_counter() - start
    return f"{done.stdout}\n(schemathesis exit {done.returncode}, {seconds:.0f} s)"


def summary(output: str) -> str:
    """Schemathesis's closing summary (from its "SUMMARY" banner on)."""
    at = output.rfind("SUMMARY")
    return output[at - 20 :] if at >= 0 else output[-3000:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=100)
    parser.add_argument("--phases", default="examples,coverage,fuzzing,stateful")
    parser.add_argument("--database-url")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        what, *rest = args.child
        {"prepare": prepare, "holes": holes, "last": last_audit_id}[what](*rest)
        return

    workdir = Path(tempfile.mkdtemp(prefix="pairaid-fuzz-"))
    url = args.database_url or f"sqlite:///{workdir / 'fuzz.sqlite3'}"
    env = {
        **os.environ,
        "PAIRAID_DATABASE_URL": url,
        "PAIRAID_DATA_DIR": str(workdir),
        "DJANGO_SETTINGS_MODULE": "pairaid.settings",
        "PAIRAID_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    env.pop("PAIRAID_DEBUG", None)
    tokens = json.loads(child(env, "prepare"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(workdir / "server.log", "wb")  # noqa: SIM115 - open while the server runs
    server = subprocess.Popen(
        [str(BIN / "pairaid"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_served(base, server)
        print(f"database: {url.split('@')[-1]}; {args.max_examples} examples; {args.phases}")
        output = fuzz(base, tokens["admin"], args, "all", workdir / "admin.xml")
        print("== administrator, write token, all checks ==")
        print(summary(output))
        since = child(env, "last")
        output = fuzz(base, tokens["outsider"], args, "not_a_server_error", workdir / "out.xml")
        print("== outsider (no role), write token ==")
        print(summary(output))
        found = json.loads(child(env, "holes", str(tokens["outsider_id"]), since))
    finally:
        server.terminate()
        server.wait(60)
        log.close()
    logged = (workdir / "server.log").read_text(encoding="utf-8", errors="replace")
    errors = len(re.findall(r"Internal Server Error|Traceback \(most recent call last\)", logged))
    print(f"server errors logged: {errors} (server log: {workdir / 'server.log'})")
    print(f"authorization holes (outsider writes recorded): {found['count']} {found['holes']}")


if __name__ == "__main__":
    main()
