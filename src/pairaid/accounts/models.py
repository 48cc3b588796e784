from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """pairaid's own user model: roles and scopes hang off it (RoleAssignment)."""

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("系统管理员")
    COORDINATOR = "coordinator", _("协调办公室")
    HELPER_EDITOR = "helper_editor", _("帮扶方填报")
    RECIPIENT_EDITOR = "recipient_editor", _("受援方填报")
    AUDITOR = "auditor", _("审计监督")
    VIEWER = "viewer", _("查阅")


class RoleAssignment(models.Model):
    """A role a user holds over a region (and everything below it) or an organisation.

    A user may hold several. The administrator role needs no scope."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="roles",
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        "ledger.Region",
        verbose_name=_("管辖区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "ledger.Organisation",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.CheckConstraint(
                condition=Q(role="administrator")
                | Q(region__isnull=False)
                | Q(organisation__isnull=False),
                name="role_has_scope_unless_administrator",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region", "organisation"], name="role_assigned_once"
            ),
        ]

    def __str__(self) -> str:
        scope = self.region or self.organisation or _("全部")
        return f"{self.user} · {self.get_role_display()} · {scope}"


class LoginFailure(models.Model):
    """A failed login, kept to lock an account after repeated failures."""

    username = models.CharField(_("用户名"), max_length=150, db_index=True)
    address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.username} {self.at:%Y-%m-%d %H:%M}"
