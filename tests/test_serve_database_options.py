"""`pairaid serve`'s database options for the web's connections: a statement timeout and
PostgreSQL's JIT off, on the suite's own database (so on PostgreSQL too: scripts/test leaves
the `cli` tests, which run the product on a file of their own, out of its PostgreSQL run)."""

from __future__ import annotations

from django.db import connection

from pairaid.ops import serving


def test_it_limits_the_web_statements_in_time_and_keeps_jit_off(settings, db):
    settings_dict = connection.settings_dict
    saved = dict(settings_dict.get("OPTIONS", {}))
    try:
        settings.PAIRAID_STATEMENT_TIMEOUT = 30
        serving.web_database_options()
        serving.web_database_options()  # twice: the option once
        options = settings_dict.get("OPTIONS", {}).get("options", "")
        if connection.vendor == "postgresql":
            assert options.count("-c statement_timeout=30000") == 1
            assert "-c jit=off" in options
            with connection.cursor() as cursor:
                cursor.execute("SHOW jit")
                assert cursor.fetchone()[0] == "off"
        else:
            assert "statement_timeout" not in options
    finally:
        settings_dict["OPTIONS"] = saved
