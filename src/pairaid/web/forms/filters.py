"""List filters: what a list page may be narrowed to (and the audit log's filter)."""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.db.models import Model, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pairaid.ledger import record_types
from pairaid.ledger.access import Viewer
from pairaid.ledger.messages import FIRST_YEAR, LAST_YEAR, set_form_messages
from pairaid.ledger.models import (
    Agreement,
    AgreementParty,
    AuditEntry,
    Confirmation,
    Event,
    EventParticipant,
    FundFlow,
    Obligation,
    Pairing,
    PairingQuerySet,
    Person,
    Posting,
    Project,
    Task,
    WorkStatus,
)
from pairaid.web import access
from pairaid.web.audit_display import record_type_choices, verbs
from pairaid.web.forms.choosers import ChooserSelect
from pairaid.web.forms.fields import DATE, blank_choice, choice_field, model_choice_field

M = TypeVar("M", bound=Model)

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

    # The record type listed: its pairing path, searched fields, year field and choice
    # filters are the ones declared with it (`ledger/record_types.py`).
    model: type[Model] | None = None
    pairing_path = "pairing"
    search_fields: tuple[str, ...] = ()
    year_field = ""
    choice_fields: dict[str, str] = {}  # form field → model lookup

    def __init__(self, data: QueryDict, *, user: Viewer) -> None:
        super().__init__(data)
        self.fields["pairing"].widget = ChooserSelect("pairing")  # before its queryset
        if self.model is not None:
            declared = record_types.listing_of(self.model)
            self.pairing_path = record_types.REGISTRY[self.model].pairing_path or "pairing"
            self.search_fields = declared.search
            self.year_field = declared.year_field
            self.choice_fields = dict(declared.choices)
        pairing = model_choice_field(self, "pairing", Pairing)
        pairing.queryset = access.visible_pairings(user).with_names()
        set_form_messages(self.fields)

    def values(self) -> dict[str, Any]:
        """The valid filters (an invalid one is shown with its error and not applied)."""
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "")}

    def apply(self, queryset: QuerySet[M]) -> QuerySet[M]:
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

    def apply_more(self, queryset: QuerySet[M], values: dict[str, Any]) -> QuerySet[M]:
        return queryset


class ProjectFilter(ListFilter):
    model = Project
    sector = forms.ChoiceField(label=_("领域"), required=False, choices=[])
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[])

    def __init__(self, data: QueryDict, *, user: Viewer) -> None:
        super().__init__(data, user=user)
        choice_field(self, "sector").choices = blank_choice(Project.Sector.choices)
        choice_field(self, "status").choices = blank_choice(Project.Status.choices)
        self.fields["year"].label = _("开工年度")


class FundFilter(ListFilter):
    model = FundFlow
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[])
    source = forms.ChoiceField(label=_("资金来源"), required=False, choices=[])
    confirmation = forms.ChoiceField(label=_("受援方确认"), required=False, choices=[])
    project = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, data: QueryDict, *, user: Viewer) -> None:
        super().__init__(data, user=user)
        choice_field(self, "confirmation").choices = blank_choice(Confirmation.choices)
        choice_field(self, "kind").choices = blank_choice(FundFlow.Kind.choices)
        choice_field(self, "source").choices = blank_choice(FundFlow.Source.choices)
        self.fields["year"].label = _("资金年度")

    def year_q(self, year: int) -> Q:
        return Q(fund_year=year)


class PersonFilter(ListFilter):
    model = Person
    category = forms.ChoiceField(label=_("类别"), required=False, choices=[])
    profession = forms.ChoiceField(label=_("专业类别"), required=False, choices=[])

    def __init__(self, data: QueryDict, *, user: Viewer) -> None:
        super().__init__(data, user=user)
        choice_field(self, "category").choices = blank_choice(Person.Category.choices)
        choice_field(self, "profession").choices = blank_choice(Person.Profession.choices)
        self.fields["year"].label = _("选派年度")

    def apply(self, queryset: QuerySet[M]) -> QuerySet[M]:
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
    model = Posting
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[])
    category = forms.ChoiceField(label=_("类别"), required=False, choices=[])
    confirmation = forms.ChoiceField(label=_("受援方确认"), required=False, choices=[])

    def __init__(self, data: QueryDict, *, user: Viewer) -> None:
        super().__init__(data, user=user)
        choice_field(self, "confirmation").choices = blank_choice(Confirmation.choices)
        choice_field(self, "status").choices = blank_choice(Posting.EffectiveStatus.choices)
        choice_field(self, "category").choices = blank_choice(Person.Category.choices)
        self.fields["year"].label = _("到岗年度")


class AgreementFilter(ListFilter):
    model = Agreement
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[])
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[])

    def __init__(self, data: QueryDict, *, user: Viewer) -> None:
        super().__init__(data, user=user)
        choice_field(self, "kind").choices = blank_choice(Agreement.Kind.choices)
        choice_field(self, "status").choices = blank_choice(Agreement.EffectiveStatus.choices)
        self.fields["year"].label = _("签订年度")

    def text_q(self, term: str) -> Q:
        parties = AgreementParty.objects.filter(organisation__name__icontains=term)
        return super().text_q(term) | Q(pk__in=parties.values("agreement_id"))


class EventFilter(ListFilter):
    model = Event
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[])

    def __init__(self, data: QueryDict, *, user: Viewer) -> None:
        super().__init__(data, user=user)
        choice_field(self, "kind").choices = blank_choice(Event.Kind.choices)

    def text_q(self, term: str) -> Q:
        people = EventParticipant.objects.filter(Q(name__icontains=term) | Q(title__icontains=term))
        return super().text_q(term) | Q(pk__in=people.values("event_id"))


class WorkFilter(ListFilter):
    """Tasks and obligations: status, and "overdue" (past due, not done or cancelled)."""

    status = forms.ChoiceField(label=_("状态"), required=False, choices=[])
    overdue = forms.BooleanField(label=_("仅逾期未完成"), required=False)

    def __init__(self, data: QueryDict, *, user: Viewer) -> None:
        super().__init__(data, user=user)
        choice_field(self, "status").choices = blank_choice(WorkStatus.choices)
        self.fields["year"].label = _("完成时限年度")

    def apply_more(self, queryset: QuerySet[M], values: dict[str, Any]) -> QuerySet[M]:
        if values.get("overdue"):
            queryset = queryset.filter(
                due_date__lt=timezone.localdate(),
                status__in=(WorkStatus.OPEN, WorkStatus.IN_PROGRESS),
            )
        return queryset


class TaskFilter(WorkFilter):
    model = Task

    def year_q(self, year: int) -> Q:
        return Q(due_date__year=year) | Q(plan_year=year)


class ObligationFilter(WorkFilter):
    model = Obligation


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

    def __init__(self, data: QueryDict, *, pairings: PairingQuerySet) -> None:
        super().__init__(data)
        self.fields["pairing"].widget = ChooserSelect("pairing")  # not every pairing drawn
        pairing = model_choice_field(self, "pairing", Pairing)
        pairing.queryset = pairings.with_names().order_by("valid_from", "id")
        choice_field(self, "action").choices = blank_choice(list(verbs().items()))
        choice_field(self, "record_type").choices = blank_choice(record_type_choices())
        set_form_messages(self.fields)

    def apply(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
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
