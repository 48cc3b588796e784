from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pairaid.api.models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("名称"),
        max_length=100,
        help_text=_("用途，如“财务系统对接”"),
    )
    scope = forms.ChoiceField(
        label=_("权限"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
    )
