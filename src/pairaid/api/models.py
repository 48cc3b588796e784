"""What the JSON API keeps for itself: personal API tokens and idempotency keys.

Neither is a ledger record. A token's secret is never stored: only its SHA-256 hash (the
secret is long and random, so a plain hash is enough) and a short prefix that lets its
owner tell tokens apart. Changes to tokens go through `pairaid.api.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", _("只读")
        WRITE = "write", _("读写")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=16, help_text=_("令牌开头几位，用于辨认"))
    token_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True)
    scope = models.CharField(_("权限"), max_length=8, choices=Scope.choices)
    created_at = models.DateTimeField(_("创建时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE


class IdempotencyKey(models.Model):
    """The stored answer to a create sent with an `Idempotency-Key` header, so that a
    retried request gets the same answer instead of recording the same money twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    key = models.CharField(_("幂等键"), max_length=200)
    method = models.CharField(_("请求方法"), max_length=8)
    path = models.CharField(_("请求路径"), max_length=300)
    request_hash = models.CharField(_("请求摘要"), max_length=64)
    response_status = models.PositiveSmallIntegerField(_("响应状态"))
    response_body = models.JSONField(_("响应内容"), default=dict)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("幂等键")
        verbose_name_plural = _("幂等键")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.key}"
