"""The form of the bulletin page: a pasted text or an uploaded file, and an as-of date."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_BYTES = 2 * 1024 * 1024  # a news report is a few kilobytes; a book is not one


def decode_upload(data: bytes) -> str | None:
    """UTF-8 (with or without BOM), else GB18030; None if neither reads."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


class CheckForm(forms.Form):
    text = forms.CharField(
        label=_("粘贴文本"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "placeholder": _("在此粘贴新闻报道或通报全文")}),
    )
    file = forms.FileField(label=_("或上传文本文件（UTF-8 或 GB18030）"), required=False)
    source = forms.CharField(label=_("来源（网址或说明）"), max_length=500, required=False)
    as_of = forms.DateField(
        label=_("按此日期的台账核对"),
        required=False,
        help_text=_("留空则取文中的发布日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        upload = data.get("file")
        if upload:
            if upload.size > MAX_BYTES:
                raise forms.ValidationError(_("文件过大（上限2MB）"))
            text = decode_upload(upload.read())
            if text is None:
                raise forms.ValidationError(_("无法识别文件编码（应为 UTF-8 或 GB18030）"))
            data["text"] = text
            data["source"] = data.get("source") or upload.name
        if not (data.get("text") or "").strip():
            raise forms.ValidationError(_("请粘贴文本或上传文件"))
        return data
