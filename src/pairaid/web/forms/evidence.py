"""Forms of evidence (佐证材料) and progress reports: a file with its title and kind, a
removal with its reason, closing a task or obligation with its evidence, a progress report."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pairaid.ledger.models import Evidence
from pairaid.ledger.money import MAX_AMOUNT
from pairaid.web.forms.fields import DATE, TEXT, AmountField

ACCEPT = ".pdf,.jpg,.jpeg,.png,.webp,.docx,.xlsx,application/pdf,image/*"


def file_field(required: bool = True) -> forms.FileField:
    return forms.FileField(
        label=_("文件"),
        required=required,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=_("可上传 PDF、图片（JPEG、PNG、WebP）、Word 或 Excel 文件"),
    )


class EvidenceForm(forms.Form):
    file = file_field()
    title = forms.CharField(label=_("材料名称"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("材料类型"), choices=Evidence.Kind.choices)

    def __init__(self, *args: Any, kind: str = Evidence.Kind.OTHER, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = kind


class RemoveEvidenceForm(forms.Form):
    reason = forms.CharField(label=_("移除原因"), max_length=300)


class CloseWithEvidenceForm(forms.Form):
    note = forms.CharField(label=_("完成情况"), widget=TEXT, required=False)
    file = file_field(required=False)
    title = forms.CharField(label=_("材料名称"), max_length=200, required=False)


class ProgressUpdateForm(forms.Form):
    date = forms.DateField(label=_("报告日期"), widget=DATE)
    progress = forms.IntegerField(label=_("进度（%）"), min_value=0, max_value=100)
    text = forms.CharField(label=_("进展情况"), widget=TEXT)
    spent_to_date = AmountField(
        label=_("累计支出（元）"),
        max_digits=17,
        decimal_places=2,
        min_value=0,
        max_value=MAX_AMOUNT,
        required=False,
    )
    photo = forms.FileField(
        label=_("照片"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
