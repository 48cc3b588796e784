from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """pairaid's own user model, so that roles and scopes can hang off it later."""

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
