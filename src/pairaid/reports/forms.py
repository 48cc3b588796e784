"""The report page's forms. The pairing is an id checked through `ledger.access` by the
view, so that a pairing outside the user's scope is "not found" like everywhere else."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pairaid.ledger import access, figures
from pairaid.ledger.messages import FIRST_YEAR, LAST_YEAR
from pairaid.ledger.models import Pairing
from pairaid.reports import builders, renderers

STYLE_CHOICES = [
    (builders.EXACT, _("精确（万元保留两位小数）")),
    (builders.PUBLISHED, _("公开报道写法（取整加“余”）")),
]
PERSON_RULE_CHOICES = [
    (figures.PERSONS, _("不重复人数")),
    (figures.POSTINGS, _("人次")),
]
FORMAT_CHOICES = [
    ("docx", _("Word（.docx）")),
    ("xlsx", _("Excel（.xlsx）")),
    ("pdf", _("PDF")),
]


class BriefingOptionsForm(forms.Form):
    pairing = forms.TypedChoiceField(label=_("结对关系"), coerce=int)
    year = forms.IntegerField(label=_("年度"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    from_year = forms.IntegerField(
        label=_("起始年度"),
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        required=False,
        help_text=_("留空：自结对起始年"),
    )
    as_of = forms.DateField(
        label=_("截至日期"),
        required=False,
        help_text=_("留空：今天"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    style = forms.ChoiceField(label=_("写法"), choices=STYLE_CHOICES, initial=builders.EXACT)
    person_rule = forms.ChoiceField(
        label=_("人员口径"), choices=PERSON_RULE_CHOICES, initial=figures.PERSONS
    )

    def __init__(self, *args: Any, pairings: Iterable[Pairing] = (), **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)
        chooser = cast(forms.TypedChoiceField, self.fields["pairing"])  # declared above
        chooser.choices = [(p.pk, str(p)) for p in pairings]

    def clean(self) -> dict[str, Any]:
        super().clean()  # Form.clean() answers its cleaned_data
        data = self.cleaned_data
        year, from_year, as_of = data.get("year"), data.get("from_year"), data.get("as_of")
        if year and from_year and from_year > year:
            self.add_error("from_year", _("起始年度不能晚于年度"))
        if year and as_of and year > as_of.year:
            self.add_error("year", _("年度不能晚于截至日期所在年"))
        return data

    def report_options(self, pairing: Pairing, user: access.Viewer) -> builders.Options:
        """The options chosen, for `user` (whose scope bounds the pairings counted)."""
        data = self.cleaned_data
        return builders.Options(
            pairing=pairing,
            year=data["year"],
            from_year=data.get("from_year"),
            as_of=data.get("as_of"),
            style=data["style"],
            person_rule=data["person_rule"],
            user=user,
        )


class ReportForm(BriefingOptionsForm):
    kind = forms.ChoiceField(
        label=_("报告"),
        choices=[(kind, label) for kind, label in builders.KINDS.items()],
        initial=builders.ANNUAL,
    )
    format = forms.ChoiceField(label=_("格式"), choices=FORMAT_CHOICES, initial="docx")

    field_order = ["kind", "pairing", "year", "from_year", "as_of", "style", "person_rule"]

    def clean_format(self) -> str:
        chosen: str = self.cleaned_data["format"]
        if chosen not in renderers.FORMATS:
            raise forms.ValidationError(_("不支持的格式"))
        return chosen


class FreezeForm(BriefingOptionsForm):
    year = forms.IntegerField(
        label=_("截止年度"),
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        required=False,
        help_text=_("留空：截至日期所在年"),
    )
    note = forms.CharField(label=_("说明"), max_length=300, required=False)
