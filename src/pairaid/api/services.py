"""State changes the API owns (tokens, idempotent replays) and the API's multi-record
writes, each composed of the ledger's services in one transaction.

Every change to a ledger record still goes through `pairaid.ledger.services` (validation,
access, audit); this module only groups several of them so that all happen or none.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from pairaid.accounts import lockout
from pairaid.api.models import ApiToken, IdempotencyKey
from pairaid.ledger import services
from pairaid.ledger.models import (
    Agreement,
    AgreementParty,
    Event,
    EventParticipant,
    Obligation,
    Organisation,
    Team,
)

TOKEN_PREFIX = "pat_"
PREFIX_LENGTH = 12  # "pat_" and eight characters of the secret: enough to tell tokens apart
LAST_USED_PRECISION = 60  # seconds: a busy token is not rewritten on every request


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# --- tokens ---------------------------------------------------------------------------------


@transaction.atomic
def create_token(
    user: Any, *, name: str, scope: str, acting_user: Any, via: str
) -> tuple[ApiToken, str]:
    """A new personal API token for `user`; returns the token and its secret, which is
    shown once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("请填写令牌名称")})
    if scope not in ApiToken.Scope.values:
        raise ValidationError({"scope": _("权限应为 read（只读）或 write（读写）")})
    if not user.is_active:
        raise ValidationError(_("该用户已停用，不能创建令牌"))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        token_hash=hash_secret(secret),
        scope=scope,
        created_at=timezone.now(),
    )
    token.full_clean()
    token.save(force_insert=True)
    services.log_action(
        "apitoken.created",
        token,
        acting_user=acting_user,
        via=via,
        changes={"user": user.get_username(), "name": name, "scope": scope, "prefix": token.prefix},
    )
    return token, secret


@transaction.atomic
def revoke_token(token: ApiToken, *, acting_user: Any, via: str) -> ApiToken:
    """Revoke a token at once; revoking a revoked token changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    services.log_action(
        "apitoken.revoked",
        token,
        acting_user=acting_user,
        via=via,
        changes={"user": token.user.get_username(), "name": token.name, "prefix": token.prefix},
    )
    return token


def authenticate_token(secret: str, *, address: str | None = None) -> ApiToken | None:
    """The live token with this secret, if any; notes when it was last used.

    Its `owner_locked` says whether repeated failed logins from `address` lock its user out
    (pairaid.accounts.lockout), found in the same query."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_secret(secret), revoked_at__isnull=True, user__is_active=True)
        .annotate(login_failures=lockout.recent_failure_count(OuterRef("user__username"), address))
        .first()
    )
    if token is None:
        return None
    # `login_failures` is the query's annotation; `owner_locked` is kept on the instance
    token.owner_locked = lockout.too_many(token.login_failures)  # type: ignore[attr-defined]
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > (
        LAST_USED_PRECISION
    ):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# --- idempotent creates ----------------------------------------------------------------------


@transaction.atomic
def run_once(
    user: Any,
    key: str,
    *,
    method: str,
    path: str,
    request_hash: str,
    run: Callable[[], tuple[int, Any]],
) -> tuple[int, Any, bool]:
    """Run `run` (a create) once per (user, key) and keep its answer; a retry with the same
    key and the same request gets the stored answer (the flag says it is a replay).

    The key's row is inserted first, in the create's own transaction: a concurrent retry
    waits on the unique constraint until the first commits (then replays its answer) or
    rolls back (then runs itself). A create that fails stores nothing, so it may be retried.
    """
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(
                user=user,
                key=key,
                method=method,
                path=path[:300],
                request_hash=request_hash,
                response_status=0,
                response_body={},
                created_at=timezone.now(),
            )
    except IntegrityError:
        stored = IdempotencyKey.objects.get(user=user, key=key)
        if (stored.method, stored.path, stored.request_hash) != (method, path[:300], request_hash):
            raise ValidationError(
                {"Idempotency-Key": [_("该幂等键已用于另一个请求；新的请求请使用新的幂等键")]}
            ) from None
        return stored.response_status, stored.response_body, True
    status, body = run()
    record.response_status = status
    record.response_body = body
    record.save(update_fields=["response_status", "response_body"])
    return status, body, False


# --- records made of several rows -----------------------------------------------------------


@transaction.atomic
def create_team(
    *,
    acting_user: Any,
    via: str,
    from_organisations: Sequence[Organisation],
    to_organisations: Sequence[Organisation],
    **fields: Any,
) -> Team:
    team = services.create_record(Team, acting_user=acting_user, via=via, **fields)
    update_team_members(
        team, from_organisations, to_organisations, acting_user=acting_user, via=via
    )
    return team


def update_team_members(
    team: Team,
    from_organisations: Sequence[Organisation] | None,
    to_organisations: Sequence[Organisation] | None,
    *,
    acting_user: Any,
    via: str,
) -> None:
    if from_organisations is not None:
        services.set_related(
            team, "from_organisations", from_organisations, acting_user=acting_user, via=via
        )
    if to_organisations is not None:
        services.set_related(
            team, "to_organisations", to_organisations, acting_user=acting_user, via=via
        )


@transaction.atomic
def update_team(
    team: Team,
    *,
    acting_user: Any,
    via: str,
    from_organisations: Sequence[Organisation] | None = None,
    to_organisations: Sequence[Organisation] | None = None,
    **changes: Any,
) -> Team:
    if changes:
        team = services.update_record(team, acting_user=acting_user, via=via, **changes)
    update_team_members(
        team, from_organisations, to_organisations, acting_user=acting_user, via=via
    )
    return team


@transaction.atomic
def create_agreement(
    *,
    acting_user: Any,
    via: str,
    parties: Iterable[Mapping[str, Any]] = (),
    obligations: Iterable[Mapping[str, Any]] = (),
    **fields: Any,
) -> Agreement:
    """An agreement with its parties and obligations, all recorded or none."""
    agreement = services.create_record(Agreement, acting_user=acting_user, via=via, **fields)
    for party in parties:
        services.create_record(
            AgreementParty, acting_user=acting_user, via=via, agreement=agreement, **party
        )
    for obligation in obligations:
        services.create_record(
            Obligation, acting_user=acting_user, via=via, agreement=agreement, **obligation
        )
    return agreement


@transaction.atomic
def create_event(
    *, acting_user: Any, via: str, participants: Iterable[Mapping[str, Any]] = (), **fields: Any
) -> Event:
    """An event with its participants, all recorded or none."""
    event = services.create_record(Event, acting_user=acting_user, via=via, **fields)
    for participant in participants:
        services.create_record(
            EventParticipant, acting_user=acting_user, via=via, event=event, **participant
        )
    return event
