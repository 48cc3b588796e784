"""Create and edit forms whose data go to the services, and the forms of the recipient
side's answer and a year's review. The record's rules are checked by the service the view
calls; a `ValidationError` it raises is shown on the form (`show_errors`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pairaid.ledger.access import Viewer
from pairaid.ledger.messages import readable, set_form_messages
from pairaid.ledger.models import (
    Agreement,
    AgreementParty,
    Event,
    EventParticipant,
    FundFlow,
    Obligation,
    Organisation,
    Pairing,
    Person,
    Posting,
    Project,
    Region,
    Task,
    Team,
)
from pairaid.web import access
from pairaid.web.forms.choosers import searchable
from pairaid.web.forms.fields import DATE, TEXT, AmountField, amount_field, model_choice_field

M = TypeVar("M", bound=Model)

# --- create and edit ------------------------------------------------------------------------


ORGANISATION_FIELDS = (
    "implementing_organisation",
    "host_organisation",
    "home_organisation",
    "owner",
    "organisation",
)
# Long selects that search as one types (forms.choosers): field → the kind it searches.
CHOOSERS = {
    "pairing": "pairing",
    "location": "region",
    "project": "project",
    **{name: "organisation" for name in ORGANISATION_FIELDS},
}


class ServiceForm(forms.ModelForm[M]):
    """A model form that leaves the record untouched: the view hands `cleaned_data` to a
    service, which validates the record (its rules, its access, its year's lock)."""

    def __init__(self, *args: Any, user: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        for name, field in list(self.fields.items()):
            if isinstance(field, forms.DecimalField) and not isinstance(field, AmountField):
                self.fields[name] = amount_field(field)
        set_form_messages(self.fields)
        if "pairing" in self.fields:
            field = model_choice_field(self, "pairing", Pairing)
            writable = Pairing.objects.filter(
                pk__in=[p.pk for p in access.writable_pairings(user)]
            ).order_by("valid_from", "id")
            field.queryset = writable
            field.empty_label = None if writable.count() == 1 else "---------"
            if self.instance.pk:
                field.disabled = True
                field.queryset = Pairing.objects.filter(
                    pk=self.instance.serializable_value("pairing")  # its pairing_id
                )
        for name in ORGANISATION_FIELDS:
            if name in self.fields:
                model_choice_field(self, name, Organisation).queryset = access.organisations(user)
        if "location" in self.fields:
            model_choice_field(self, "location", Region).queryset = access.regions(user)
        for name, kind in CHOOSERS.items():
            if name in self.fields and not self.fields[name].disabled:
                searchable(self.fields[name], kind)  # typing searches by name or pinyin
        if self.instance.pk and hasattr(self.instance, "version"):
            # The version the form was read at: a save over a newer one is refused.
            self.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput,
                initial=self.instance.version,
                min_value=1,
                required=False,  # a client that sends none saves over whatever is stored
            )

    def offered_pairings(self) -> QuerySet[Pairing]:
        """The pairings the form's pairing select offers (those the user may record in)."""
        offered = model_choice_field(self, "pairing", Pairing).queryset
        return offered if offered is not None else Pairing.objects.none()

    def _post_clean(self) -> None:
        """No model validation here: the service does it (and the instance stays as it was
        read, so that the service sees which fields change)."""

    def data_for_service(self) -> dict[str, Any]:
        data = {
            name: value
            for name, value in self.cleaned_data.items()
            if not self.fields[name].disabled and name != "version"
        }
        if self.cleaned_data.get("version") is not None:
            data["expected_version"] = self.cleaned_data["version"]
        return data

    def read_again_at(self, version: int) -> None:
        """After a refused stale save: the form keeps what the user typed, and a new save
        (made knowing what the other user changed) goes onto the current version."""
        data = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
        data[self.add_prefix("version")] = str(version)
        self.data = data


def show_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has that
    field, above the form (naming the field) otherwise. A database rule named by its name
    is said in words (`ledger.messages.readable`)."""
    error = readable(error)
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    model = getattr(getattr(form, "_meta", None), "model", None)
    for field, errors in error.error_dict.items():
        if field in form.fields and not form.fields[field].disabled:
            form.add_error(field, errors)
            continue
        name = ""
        if model is not None and field != NON_FIELD_ERRORS:
            try:
                name = str(model._meta.get_field(field).verbose_name)
            except FieldDoesNotExist:  # not a model field: the message alone
                name = ""
        for item in errors:
            for message in item.messages:
                shown = _("%(field)s：%(message)s") % {"field": name, "message": message}
                form.add_error(None, shown if name else message)


class ProjectForm(ServiceForm[Project]):
    class Meta:
        model = Project
        fields = [
            "pairing",
            "code",
            "name",
            "sector",
            "mode",
            "location",
            "implementing_organisation",
            "planned_budget",
            "start_date",
            "end_date",
            "status",
            "progress",
            "beneficiary_households",
            "beneficiary_persons",
            "outcomes",
            "after_completion",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "outcomes": TEXT,
            "after_completion": TEXT,
        }


class ProjectProgressForm(ServiceForm[Project]):
    """What the recipient side updates on a project: its progress and outcomes."""

    class Meta:
        model = Project
        fields = [
            "status",
            "progress",
            "end_date",
            "beneficiary_households",
            "beneficiary_persons",
            "outcomes",
            "after_completion",
        ]
        widgets = {"end_date": DATE, "outcomes": TEXT, "after_completion": TEXT}


class FundFlowForm(ServiceForm[FundFlow]):
    class Meta:
        model = FundFlow
        fields = [
            "pairing",
            "kind",
            "fund_year",
            "date",
            "amount",
            "source",
            "project",
            "voucher",
            "note",
            "cross_year_reason",
        ]
        widgets = {"date": DATE}

    def __init__(self, *args: Any, user: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        model_choice_field(self, "project", Project).queryset = Project.objects.filter(
            pairing__in=self.offered_pairings()
        ).order_by("pairing_id", "code")
        self.fields["amount"].help_text = _("单位：元，保留两位小数；更正已登记的记录请使用冲销")
        self.fields["project"].help_text = _("分配到项目和项目支出须指明项目")

    def clean_amount(self) -> Decimal | None:
        amount: Decimal | None = self.cleaned_data["amount"]
        if amount is not None and amount <= 0:
            raise ValidationError(_("金额必须大于0；更正请使用冲销"))
        return amount


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("冲销原因"), max_length=250, widget=TEXT)
    on = forms.DateField(label=_("冲销日期"), widget=DATE, required=False)

    def __init__(self, *args: Any, original: FundFlow | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Never before the original (an entry dated ahead is reversed on its own date).
        today = timezone.localdate()
        self.fields["on"].initial = max(today, original.date) if original else today
        self.fields["on"].help_text = _("留空为今天")


class PersonForm(ServiceForm[Person]):
    """A person. Identity and phone numbers are write-only here: typed to record or change
    them, never shown back (they are personal data, stored encrypted)."""

    new_id_number = forms.CharField(label=_("身份证号"), required=False, max_length=18)
    new_phone = forms.CharField(label=_("联系电话"), required=False, max_length=20)

    class Meta:
        model = Person
        fields = [
            "number",
            "name",
            "gender",
            "ethnicity",
            "home_organisation",
            "category",
            "profession",
        ]

    def __init__(self, *args: Any, user: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        hint = _("已登记；如需更改请填写新号码，留空则不变")
        for name, stored in (("new_id_number", "id_number"), ("new_phone", "phone")):
            if self.instance.pk and getattr(self.instance, stored):
                self.fields[name].help_text = hint

    def data_for_service(self) -> dict[str, Any]:
        data = super().data_for_service()
        id_number = data.pop("new_id_number", "").strip()
        phone = data.pop("new_phone", "").strip()
        if id_number:
            data["id_number"] = id_number
        if phone:
            data["phone"] = phone
        return data


class PostingForm(ServiceForm[Posting]):
    class Meta:
        model = Posting
        fields = [
            "pairing",
            "host_organisation",
            "post",
            "batch",
            "start_date",
            "planned_end",
            "actual_end",
            "status",
            "team",
        ]
        widgets = {"start_date": DATE, "planned_end": DATE, "actual_end": DATE}

    def __init__(self, *args: Any, user: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        model_choice_field(self, "team", Team).queryset = Team.objects.filter(
            pairing__in=self.offered_pairings()
        )


class AgreementForm(ServiceForm[Agreement]):
    class Meta:
        model = Agreement
        fields = [
            "pairing",
            "title",
            "kind",
            "status",
            "signed_date",
            "signed_place",
            "event",
            "amount",
            "term_start",
            "term_end",
        ]
        widgets = {"signed_date": DATE, "term_start": DATE, "term_end": DATE}

    def __init__(self, *args: Any, user: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        pairings = self.offered_pairings()
        model_choice_field(self, "event", Event).queryset = (
            Event.objects.filter(Q(pairing__in=pairings) | Q(pairing__children__in=pairings))
            .distinct()
            .order_by("-start_date")
        )
        searchable(self.fields["event"], "")  # newest first; older ones from the event's page
        self.fields["amount"].help_text = _("合同金额，单位：元（协议可不填）")


class ObligationForm(ServiceForm[Obligation]):
    class Meta:
        model = Obligation
        fields = ["deliverable", "owner", "due_date", "status", "evidence"]
        widgets = {"due_date": DATE, "evidence": TEXT}


class PartyForm(ServiceForm[AgreementParty]):
    class Meta:
        model = AgreementParty
        fields = ["organisation", "role"]


class EventForm(ServiceForm[Event]):
    class Meta:
        model = Event
        fields = ["pairing", "kind", "title", "start_date", "end_date", "places", "summary"]
        widgets = {"start_date": DATE, "end_date": DATE, "places": TEXT, "summary": TEXT}


class ParticipantForm(ServiceForm[EventParticipant]):
    class Meta:
        model = EventParticipant
        fields = ["name", "title", "side"]


class TaskForm(ServiceForm[Task]):
    class Meta:
        model = Task
        fields = [
            "pairing",
            "title",
            "owner",
            "due_date",
            "status",
            "evidence",
            "event",
            "agreement",
            "plan_year",
        ]
        widgets = {"due_date": DATE, "evidence": TEXT}

    def __init__(self, *args: Any, user: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        pairings = self.offered_pairings()
        model_choice_field(self, "event", Event).queryset = (
            Event.objects.filter(Q(pairing__in=pairings) | Q(pairing__children__in=pairings))
            .distinct()
            .order_by("-start_date")
        )
        model_choice_field(self, "agreement", Agreement).queryset = Agreement.objects.filter(
            pairing__in=pairings
        ).order_by("-signed_date")
        searchable(self.fields["agreement"], "agreement")
        searchable(self.fields["event"], "")  # newest first; older ones from the event's page


# --- issue 4: confirmation, review, audit ---------------------------------------------------


class ConfirmForm(forms.Form):
    """The recipient side's answer: confirm, or dispute with a reason."""

    CONFIRM, DISPUTE = "confirm", "dispute"
    decision = forms.ChoiceField(choices=[(CONFIRM, _("确认")), (DISPUTE, _("有异议"))])
    note = forms.CharField(label=_("异议原因"), max_length=300, required=False, widget=TEXT)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == self.DISPUTE and not data.get("note", "").strip():
            raise ValidationError(_("有异议时请说明原因"))
        if "decision" not in data:
            raise ValidationError(_("请选择确认或有异议"))
        return data


class YearStepForm(forms.Form):
    comment = forms.CharField(label=_("意见或原因"), max_length=1000, required=False, widget=TEXT)
