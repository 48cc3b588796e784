"""The product's data commands check everything but the URL configuration before they run
(importing every page and building the API's schemas would double a short command's time);
`pairaid check` and the commands that serve pages check everything."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO

import pytest
from django.core import checks
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import SystemCheckError

from pairaid.cli import ALIASES, PRODUCT_COMMANDS
from pairaid.lib.commands import DataCommand

# The product's commands that check everything before they start, and why.
CHECK_EVERYTHING = {
    "serve": "serves the pages: its URLs must be sound",
    "demo": "the article's demo checks every page the user opens next",
    "worker": "runs for days; its one check at start costs nothing",
    "migrate": "Django's own",
    "createsuperuser": "Django's own",
    "shell": "Django's own",
}


def django_name(name: str) -> str:
    return ALIASES.get(name, name)


def app_of(name: str) -> str:
    return get_commands()[django_name(name)]


@pytest.mark.parametrize("name", sorted(set(PRODUCT_COMMANDS) - set(CHECK_EVERYTHING)))
def test_each_data_command_is_a_data_command(name):
    assert isinstance(load_command_class(app_of(name), django_name(name)), DataCommand)


@pytest.mark.parametrize("name", sorted(CHECK_EVERYTHING))
def test_the_commands_that_serve_check_everything(name):
    assert not isinstance(load_command_class(app_of(name), django_name(name)), DataCommand)


def failing_check(tag: str) -> Iterator[None]:
    def broken(app_configs, **kwargs):  # type: ignore[no-untyped-def]
        return [checks.Error(f"a broken {tag} check", id="tests.E001")]

    checks.register(broken, tag)
    try:
        yield
    finally:
        checks.registry.registry.registered_checks.discard(broken)


@pytest.fixture
def broken_urls() -> Iterator[None]:
    yield from failing_check(checks.Tags.urls)


@pytest.fixture
def broken_models() -> Iterator[None]:
    yield from failing_check(checks.Tags.models)


def test_a_data_command_runs_without_the_url_checks(db, broken_urls):
    out = StringIO()
    call_command("summary", "--json", skip_checks=False, stdout=out)
    assert out.getvalue().startswith(("[", "{"))
    with pytest.raises(SystemCheckError, match="broken urls check"):
        call_command("check")


def test_a_data_command_still_runs_the_other_checks(db, broken_models):
    with pytest.raises(SystemCheckError, match="broken models check"):
        call_command("summary", "--json", skip_checks=False, stdout=StringIO())
