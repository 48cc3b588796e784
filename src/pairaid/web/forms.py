"""The pages' forms: list filters, and create/edit forms whose data go to the services.

Create/edit forms validate what a form can (types, required fields, choices); the record's
rules (`clean()`, constraints, access, locked years) are checked by the service the view
calls, and a `ValidationError` it raises is shown on the form (`show_errors`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pairaid.ledger.messages import FIRST_YEAR, LAST_YEAR, readable, set_form_messages
from pairaid.ledger.models import (
    Agreement,
    AgreementParty,
    Confirmation,
    Event,
    EventParticipant,
    FundFlow,
    Obligation,
    Pairing,
    Person,
    Posting,
    Project,
    Task,
    Team,
    WorkStatus,
)
from pairaid.web import access
from pairaid.web.audit_display import record_type_choices, verbs

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


def blank_choice(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", _("全部")), *[(value, label) for value, label in choices if value != ""]]


# --- list filters --------------------------------------------------------------------------


class ListFilter(forms.Form):
    """Pairing (with or without the pairings below it), year and free text, for every list;
    each list adds its own choices and says which fields the text and year look in."""

    q = forms.CharField(label=_("关键词"), required=False, max_length=100)
    pairing = forms.ModelChoiceField(
        label=_("结对关系"), queryset=Pairing.objects.none(), required=False, empty_label=_("全部")
    )
    children = forms.BooleanField(label=_("含下级结对关系"), required=False)
    year = forms.IntegerField(
        label=_("年度"), required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR
    )

    pairing_path = "pairing"
    search_fields: tuple[str, ...] = ()
    year_field = ""
    choice_fields: dict[str, str] = {}  # form field → model lookup

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        self.fields["pairing"].queryset = access.visible_pairings(user)
        set_form_messages(self.fields)

    def values(self) -> dict[str, Any]:
        """The valid filters (an invalid one is shown with its error and not applied)."""
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "")}

    def apply(self, queryset: QuerySet) -> QuerySet:
        values = self.values()
        pairing = values.get("pairing")
        if pairing is not None:
            pairings = pairing.with_descendants() if values.get("children") else [pairing]
            queryset = queryset.filter(**{f"{self.pairing_path}_id__in": [p.pk for p in pairings]})
        if "year" in values:
            queryset = queryset.filter(self.year_q(values["year"]))
        for name, lookup in self.choice_fields.items():
            if name in values:
                queryset = queryset.filter(**{lookup: values[name]})
        for term in values.get("q", "").split():
            queryset = queryset.filter(self.text_q(term))
        return self.apply_more(queryset, values)

    def year_q(self, year: int) -> Q:
        return Q(**{f"{self.year_field}__year": year})

    def text_q(self, term: str) -> Q:
        found = Q()
        for field in self.search_fields:
            found |= Q(**{f"{field}__icontains": term})
        return found

    def apply_more(self, queryset: QuerySet, values: dict[str, Any]) -> QuerySet:
        return queryset


class ProjectFilter(ListFilter):
    sector = forms.ChoiceField(label=_("领域"), required=False, choices=[])
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[])
    search_fields = (
        "code",
        "name",
        "outcomes",
        "location__name",
        "implementing_organisation__name",
    )
    year_field = "start_date"
    choice_fields = {"sector": "sector", "status": "status"}

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data, user=user)
        self.fields["sector"].choices = blank_choice(Project.Sector.choices)
        self.fields["status"].choices = blank_choice(Project.Status.choices)
        self.fields["year"].label = _("开工年度")


class FundFilter(ListFilter):
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[])
    source = forms.ChoiceField(label=_("资金来源"), required=False, choices=[])
    confirmation = forms.ChoiceField(label=_("受援方确认"), required=False, choices=[])
    project = forms.IntegerField(required=False, widget=forms.HiddenInput)
    search_fields = ("voucher", "note", "project__code", "project__name")
    choice_fields = {
        "kind": "kind",
        "source": "source",
        "confirmation": "confirmation",
        "project": "project_id",
    }

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data, user=user)
        self.fields["confirmation"].choices = blank_choice(Confirmation.choices)
        self.fields["kind"].choices = blank_choice(FundFlow.Kind.choices)
        self.fields["source"].choices = blank_choice(FundFlow.Source.choices)
        self.fields["year"].label = _("资金年度")

    def year_q(self, year: int) -> Q:
        return Q(fund_year=year)


class PersonFilter(ListFilter):
    category = forms.ChoiceField(label=_("类别"), required=False, choices=[])
    profession = forms.ChoiceField(label=_("专业类别"), required=False, choices=[])
    search_fields = ("name", "number", "home_organisation__name", "postings__post")
    choice_fields = {"category": "category", "profession": "profession"}

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data, user=user)
        self.fields["category"].choices = blank_choice(Person.Category.choices)
        self.fields["profession"].choices = blank_choice(Person.Profession.choices)
        self.fields["year"].label = _("选派年度")

    def apply(self, queryset: QuerySet) -> QuerySet:
        # Pairing and year are the postings': filter through them, without joining rows.
        values = self.values()
        postings = Posting.objects.all()
        narrowed = False
        if values.get("pairing") is not None:
            pairing = values["pairing"]
            pairings = pairing.with_descendants() if values.get("children") else [pairing]
            postings = postings.filter(pairing_id__in=[p.pk for p in pairings])
            narrowed = True
        if "year" in values:
            postings = postings.filter(start_date__year=values["year"])
            narrowed = True
        if narrowed:
            queryset = queryset.filter(pk__in=postings.values("person_id"))
        for name, lookup in self.choice_fields.items():
            if name in values:
                queryset = queryset.filter(**{lookup: values[name]})
        for term in values.get("q", "").split():
            queryset = queryset.filter(pk__in=Person.objects.filter(self.text_q(term)).values("pk"))
        return queryset


class PostingFilter(ListFilter):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[])
    category = forms.ChoiceField(label=_("类别"), required=False, choices=[])
    confirmation = forms.ChoiceField(label=_("受援方确认"), required=False, choices=[])
    search_fields = ("person__name", "person__number", "post", "host_organisation__name")
    year_field = "start_date"
    choice_fields = {
        "status": "effective_status",  # as of today (the list annotates it)
        "category": "person__category",
        "confirmation": "confirmation",
    }

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data, user=user)
        self.fields["confirmation"].choices = blank_choice(Confirmation.choices)
        self.fields["status"].choices = blank_choice(Posting.EffectiveStatus.choices)
        self.fields["category"].choices = blank_choice(Person.Category.choices)
        self.fields["year"].label = _("到岗年度")


class AgreementFilter(ListFilter):
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[])
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[])
    search_fields = ("title", "signed_place")
    year_field = "signed_date"
    choice_fields = {"kind": "kind", "status": "effective_status"}  # as of today

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data, user=user)
        self.fields["kind"].choices = blank_choice(Agreement.Kind.choices)
        self.fields["status"].choices = blank_choice(Agreement.EffectiveStatus.choices)
        self.fields["year"].label = _("签订年度")

    def text_q(self, term: str) -> Q:
        parties = AgreementParty.objects.filter(organisation__name__icontains=term)
        return super().text_q(term) | Q(pk__in=parties.values("agreement_id"))


class EventFilter(ListFilter):
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[])
    search_fields = ("title", "places", "summary")
    year_field = "start_date"
    choice_fields = {"kind": "kind"}

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data, user=user)
        self.fields["kind"].choices = blank_choice(Event.Kind.choices)

    def text_q(self, term: str) -> Q:
        people = EventParticipant.objects.filter(Q(name__icontains=term) | Q(title__icontains=term))
        return super().text_q(term) | Q(pk__in=people.values("event_id"))


class WorkFilter(ListFilter):
    """Tasks and obligations: status, and "overdue" (past due, not done or cancelled)."""

    status = forms.ChoiceField(label=_("状态"), required=False, choices=[])
    overdue = forms.BooleanField(label=_("仅逾期未完成"), required=False)
    year_field = "due_date"
    choice_fields = {"status": "status"}

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data, user=user)
        self.fields["status"].choices = blank_choice(WorkStatus.choices)
        self.fields["year"].label = _("完成时限年度")

    def apply_more(self, queryset: QuerySet, values: dict[str, Any]) -> QuerySet:
        if values.get("overdue"):
            queryset = queryset.filter(
                due_date__lt=timezone.localdate(),
                status__in=(WorkStatus.OPEN, WorkStatus.IN_PROGRESS),
            )
        return queryset


class TaskFilter(WorkFilter):
    search_fields = ("title", "evidence", "owner__name")

    def year_q(self, year: int) -> Q:
        return Q(due_date__year=year) | Q(plan_year=year)


class ObligationFilter(WorkFilter):
    pairing_path = "agreement__pairing"
    search_fields = ("deliverable", "evidence", "owner__name", "agreement__title")


# --- create and edit ------------------------------------------------------------------------


ORGANISATION_FIELDS = (
    "implementing_organisation",
    "host_organisation",
    "home_organisation",
    "owner",
    "organisation",
)


class AmountField(forms.DecimalField):
    """An amount in 元 as people type it: digits with at most two decimals. Scientific
    notation (1e5, 1E5, 1e-2) is refused rather than read as a number nobody typed; the
    page shows the 万元 equivalent while typing (web/static/web/money.js)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.update({"data-money": "yuan", "data-unit": _("万元")})

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str) and "e" in value.casefold():
            raise ValidationError(
                _(
                    "金额请直接写数字（如 100000 或 100000.00，单位：元），"
                    "不接受 1e5 这样的科学计数法"
                ),
                code="scientific",
            )
        return super().to_python(value)


def amount_field(field: forms.DecimalField) -> AmountField:
    """The same field (label, help text, limits) as an `AmountField`."""
    return AmountField(
        max_digits=field.max_digits,
        decimal_places=field.decimal_places,
        min_value=field.min_value,
        max_value=field.max_value,
        required=field.required,
        label=field.label,
        help_text=field.help_text,
        initial=field.initial,
        disabled=field.disabled,
        localize=field.localize,
    )


class ServiceForm(forms.ModelForm):
    """A model form that leaves the record untouched: the view hands `cleaned_data` to a
    service, which validates the record (its rules, its access, its year's lock)."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        for name, field in list(self.fields.items()):
            if isinstance(field, forms.DecimalField) and not isinstance(field, AmountField):
                self.fields[name] = amount_field(field)
        set_form_messages(self.fields)
        if "pairing" in self.fields:
            field = self.fields["pairing"]
            field.queryset = Pairing.objects.filter(
                pk__in=[p.pk for p in access.writable_pairings(user)]
            ).order_by("valid_from", "id")
            field.empty_label = None if field.queryset.count() == 1 else "---------"
            if self.instance.pk:
                field.disabled = True
                field.queryset = Pairing.objects.filter(pk=self.instance.pairing_id)
        for name in ORGANISATION_FIELDS:
            if name in self.fields:
                self.fields[name].queryset = access.organisations(user)
        if "location" in self.fields:
            self.fields["location"].queryset = access.regions(user)
        if self.instance.pk and hasattr(self.instance, "version"):
            # The version the form was read at: a save over a newer one is refused.
            self.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput,
                initial=self.instance.version,
                min_value=1,
                required=False,  # a client that sends none saves over whatever is stored
            )

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
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = str(version)


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


class ProjectForm(ServiceForm):
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


class ProjectProgressForm(ServiceForm):
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


class FundFlowForm(ServiceForm):
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

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(
            pairing__in=self.fields["pairing"].queryset
        ).order_by("pairing_id", "code")
        self.fields["amount"].help_text = _("单位：元，保留两位小数；更正已登记的记录请使用冲销")
        self.fields["project"].help_text = _("分配到项目和项目支出须指明项目")

    def clean_amount(self) -> Decimal:
        amount = self.cleaned_data["amount"]
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


class PersonForm(ServiceForm):
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

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
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


class PostingForm(ServiceForm):
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

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(
            pairing__in=self.fields["pairing"].queryset
        )


class AgreementForm(ServiceForm):
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

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        pairings = self.fields["pairing"].queryset
        self.fields["event"].queryset = (
            Event.objects.filter(Q(pairing__in=pairings) | Q(pairing__children__in=pairings))
            .distinct()
            .order_by("-start_date")
        )
        self.fields["amount"].help_text = _("合同金额，单位：元（协议可不填）")


class ObligationForm(ServiceForm):
    class Meta:
        model = Obligation
        fields = ["deliverable", "owner", "due_date", "status", "evidence"]
        widgets = {"due_date": DATE, "evidence": TEXT}


class PartyForm(ServiceForm):
    class Meta:
        model = AgreementParty
        fields = ["organisation", "role"]


class EventForm(ServiceForm):
    class Meta:
        model = Event
        fields = ["pairing", "kind", "title", "start_date", "end_date", "places", "summary"]
        widgets = {"start_date": DATE, "end_date": DATE, "places": TEXT, "summary": TEXT}


class ParticipantForm(ServiceForm):
    class Meta:
        model = EventParticipant
        fields = ["name", "title", "side"]


class TaskForm(ServiceForm):
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

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        pairings = self.fields["pairing"].queryset
        self.fields["event"].queryset = (
            Event.objects.filter(Q(pairing__in=pairings) | Q(pairing__children__in=pairings))
            .distinct()
            .order_by("-start_date")
        )
        self.fields["agreement"].queryset = Agreement.objects.filter(pairing__in=pairings).order_by(
            "-signed_date"
        )


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


class AuditFilter(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=100)
    pairing = forms.ModelChoiceField(
        label=_("结对关系"), queryset=Pairing.objects.none(), required=False, empty_label=_("全部")
    )
    action = forms.ChoiceField(label=_("操作"), required=False, choices=[])
    record_type = forms.ChoiceField(label=_("记录类型"), required=False, choices=[])
    user = forms.CharField(label=_("操作人"), required=False, max_length=150)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=DATE)

    def __init__(self, data: Any, *, pairings: QuerySet[Pairing]) -> None:
        super().__init__(data)
        self.fields["pairing"].queryset = pairings.order_by("valid_from", "id")
        self.fields["action"].choices = blank_choice(list(verbs().items()))
        self.fields["record_type"].choices = blank_choice(record_type_choices())
        set_form_messages(self.fields)

    def apply(self, entries: QuerySet) -> QuerySet:
        self.is_valid()
        values = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "")}
        if "pairing" in values:
            entries = entries.filter(pairing=values["pairing"])
        if "action" in values:  # a verb: "updated" finds project.updated, fundflow.updated …
            entries = entries.filter(action__endswith=f".{values['action']}")
        if "record_type" in values:
            entries = entries.filter(record_type=values["record_type"])
        if "user" in values:
            entries = entries.filter(user__username__icontains=values["user"])
        if "date_from" in values:
            entries = entries.filter(at__date__gte=values["date_from"])
        if "date_to" in values:
            entries = entries.filter(at__date__lte=values["date_to"])
        for term in values.get("q", "").split():
            entries = entries.filter(
                Q(record_repr__icontains=term)
                | Q(action__icontains=term)
                | Q(record_id=term)
                | Q(actor__icontains=term)
            )
        return entries
