from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinConfig(AppConfig):
    name = "pairaid.bulletin"
    label = "bulletin"
    verbose_name = _("公开数据核对")
