"""Admin pages of the plain records: places, bodies, pairings, projects, people, agreements."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from pairaid.ledger import services
from pairaid.ledger.admin.base import (
    VIA,
    LedgerAdmin,
    PairingFilter,
    ServiceAdmin,
    ask_reason,
    call_service,
    yuan,
)
from pairaid.ledger.models import (
    Agreement,
    AgreementFile,
    AgreementParty,
    Confirmation,
    Event,
    EventParticipant,
    Obligation,
    Organisation,
    Pairing,
    PairingYear,
    Person,
    Posting,
    Project,
    Region,
    Target,
    Task,
    Team,
)
from pairaid.lib.personal_data import mask_id_number, mask_phone

PAIRING = ("pairing", PairingFilter)


@admin.register(Region)
class RegionAdmin(ServiceAdmin):
    list_display = ["code", "name", "level", "parent", "valid_from", "valid_to", "is_demo"]
    list_filter = ["level", "is_demo"]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    ordering = ["code"]


@admin.register(Organisation)
class OrganisationAdmin(ServiceAdmin):
    list_display = ["name", "kind", "region", "is_demo"]
    list_filter = ["kind", "is_demo"]
    list_select_related = ["region"]
    search_fields = ["name", "region__name", "region__code"]
    autocomplete_fields = ["region"]
    ordering = ["name"]


@admin.register(Pairing)
class PairingAdmin(ServiceAdmin):
    list_display = ["name", "scheme", "helper", "recipient", "valid_from", "valid_to", "parent"]
    list_filter = ["scheme", "is_demo"]
    list_select_related = [
        "helper_region",
        "helper_organisation",
        "recipient_region",
        "recipient_organisation",
        "parent",
    ]
    search_fields = [
        "name",
        "helper_region__name",
        "helper_region__code",
        "recipient_region__name",
        "recipient_region__code",
        "helper_organisation__name",
        "recipient_organisation__name",
    ]
    autocomplete_fields = [
        "helper_region",
        "helper_organisation",
        "recipient_region",
        "recipient_organisation",
        "parent",
    ]
    date_hierarchy = "valid_from"
    ordering = ["valid_from", "id"]

    @admin.display(description=_("帮扶方"))
    def helper(self, pairing: Pairing) -> str:
        return pairing.helper_name

    @admin.display(description=_("受援方"))
    def recipient(self, pairing: Pairing) -> str:
        return pairing.recipient_name


@admin.register(Project)
class ProjectAdmin(ServiceAdmin):
    list_display = [
        "code",
        "name",
        "pairing",
        "sector",
        "mode",
        "status",
        "progress",
        "budget",
        "start_date",
        "location",
    ]
    list_display_links = ["code", "name"]
    list_filter = [PAIRING, "sector", "mode", "status", "is_demo"]
    list_select_related = ["pairing", "location"]
    search_fields = ["code", "name", "implementing_organisation__name", "location__name"]
    autocomplete_fields = ["pairing", "location", "implementing_organisation"]
    date_hierarchy = "start_date"
    ordering = ["pairing_id", "code"]

    @admin.display(description=_("计划投资（元）"), ordering="planned_budget")
    def budget(self, project: Project) -> str:
        return yuan(project.planned_budget)


class PersonForm(forms.ModelForm[Person]):
    """Identity and phone numbers are write-only here: the form shows them masked and keeps
    them when left blank (reading them in clear is `services.reveal_personal_data`)."""

    PERSONAL = {"id_number": mask_id_number, "phone": mask_phone}

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
            "is_demo",
            "id_number",
            "phone",
        ]
        widgets = {"id_number": forms.TextInput, "phone": forms.TextInput}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, masked in self.PERSONAL.items():
            if name not in self.fields or not self.instance.pk:
                continue
            self.initial[name] = ""
            stored = getattr(self.instance, name)
            self.fields[name].help_text = (
                _("现为 %(masked)s；留空则不修改") % {"masked": masked(stored)}
                if stored
                else _("未填写")
            )

    def _keep(self, name: str) -> str:
        value = self.cleaned_data.get(name) or ""
        return value or (getattr(self.instance, name) if self.instance.pk else "")

    def clean_id_number(self) -> str:
        return self._keep("id_number")

    def clean_phone(self) -> str:
        return self._keep("phone")


@admin.register(Person)
class PersonAdmin(ServiceAdmin):
    # Identity number and phone are personal data: masked in the form, never in the list.
    form = PersonForm
    list_display = ["number", "name", "gender", "ethnicity", "category", "profession"]
    list_display_links = ["number", "name"]
    list_filter = ["category", "profession", "gender", "is_demo"]
    search_fields = ["number", "name", "home_organisation__name"]
    autocomplete_fields = ["home_organisation"]
    ordering = ["number"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "number",
                    "name",
                    "gender",
                    "ethnicity",
                    "home_organisation",
                    "category",
                    "profession",
                    "is_demo",
                ]
            },
        ),
        (_("个人信息"), {"fields": ["id_number", "phone"]}),
    ]


@admin.register(Team)
class TeamAdmin(ServiceAdmin):
    list_display = ["name", "pairing", "start_date"]
    list_filter = [PAIRING, "is_demo"]
    list_select_related = ["pairing"]
    search_fields = ["name", "note"]
    autocomplete_fields = ["pairing", "from_organisations", "to_organisations"]
    ordering = ["name"]


@admin.register(Posting)
class PostingAdmin(ServiceAdmin):
    list_display = [
        "person",
        "category",
        "pairing",
        "host_organisation",
        "post",
        "batch",
        "start_date",
        "planned_end",
        "actual_end",
        "status",
        "status_today",
        "confirmation",
        "team",
    ]
    list_filter = [PAIRING, "status", "confirmation", "batch", "person__category", "is_demo"]
    list_select_related = ["person", "pairing", "host_organisation", "team"]
    search_fields = ["person__name", "person__number", "post", "host_organisation__name"]
    autocomplete_fields = ["person", "pairing", "host_organisation", "team"]
    readonly_fields = ["confirmation", "confirmed_at", "confirmation_note"]
    date_hierarchy = "start_date"
    ordering = ["-start_date", "-id"]
    actions = ["confirm_selected"]

    def has_confirm_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("ledger.change_posting")

    @admin.display(description=_("截至今日状态"))
    def status_today(self, posting: Posting) -> str:
        return posting.effective_status_display()

    @admin.action(description=_("确认到岗"), permissions=["confirm"])
    def confirm_selected(self, request: Any, queryset: Any) -> None:
        count = 0
        for posting in queryset.exclude(confirmation=Confirmation.CONFIRMED):
            call_service(
                services.confirm_record, posting, acting_user=request.user, via=VIA, accept=True
            )
            count += 1
        self.message_user(request, _("已确认到岗 %(count)d 人次") % {"count": count})

    @admin.display(description=_("类别"), ordering="person__category")
    def category(self, posting: Posting) -> str:
        return posting.person.get_category_display()


class EventParticipantInline(admin.TabularInline[Any, Any]):
    model = EventParticipant
    extra = 1


@admin.register(Event)
class EventAdmin(ServiceAdmin):
    list_display = ["title", "kind", "pairing", "start_date", "end_date", "places"]
    list_filter = [PAIRING, "kind", "is_demo"]
    list_select_related = ["pairing"]
    search_fields = ["title", "places", "summary", "participants__name"]
    autocomplete_fields = ["pairing"]
    date_hierarchy = "start_date"
    ordering = ["-start_date", "-id"]
    inlines = [EventParticipantInline]


class AgreementPartyInline(admin.TabularInline[Any, Any]):
    model = AgreementParty
    autocomplete_fields = ["organisation"]
    extra = 1


class ObligationInline(admin.TabularInline[Any, Any]):
    model = Obligation
    autocomplete_fields = ["owner"]
    extra = 1


class AgreementFileInline(admin.TabularInline[Any, Any]):
    model = AgreementFile
    fields = ["title", "file", "uploaded_at"]
    readonly_fields = ["uploaded_at"]
    extra = 1


@admin.register(Agreement)
class AgreementAdmin(ServiceAdmin):
    list_display = [
        "title",
        "kind",
        "pairing",
        "signed_date",
        "status",
        "status_today",
        "contract_amount",
    ]
    list_filter = [PAIRING, "kind", "status", "is_demo"]
    list_select_related = ["pairing"]
    search_fields = ["title", "signed_place", "parties__organisation__name"]
    autocomplete_fields = ["pairing", "event"]
    date_hierarchy = "signed_date"
    ordering = ["-signed_date", "-id"]
    inlines = [AgreementPartyInline, ObligationInline, AgreementFileInline]

    @admin.display(description=_("合同金额（元）"), ordering="amount")
    def contract_amount(self, agreement: Agreement) -> str:
        return yuan(agreement.amount)

    @admin.display(description=_("截至今日状态"))
    def status_today(self, agreement: Agreement) -> str:
        return agreement.effective_status_display()


@admin.register(Task)
class TaskAdmin(ServiceAdmin):
    list_display = ["title", "pairing", "owner", "due_date", "status", "origin"]
    list_filter = [PAIRING, "status", "plan_year", "is_demo"]
    list_select_related = ["pairing", "owner", "event", "agreement"]
    search_fields = ["title", "evidence", "owner__name"]
    autocomplete_fields = ["pairing", "owner", "event", "agreement"]
    date_hierarchy = "due_date"
    ordering = ["due_date", "id"]

    @admin.display(description=_("来源"))
    def origin(self, task: Task) -> Any:
        if task.event_id:
            return task.event
        if task.agreement_id:
            return task.agreement
        return _("%(year)s年度计划") % {"year": task.plan_year} if task.plan_year else "—"


@admin.register(Target)
class TargetAdmin(ServiceAdmin):
    list_display = ["year", "indicator", "pairing", "value"]
    list_filter = [PAIRING, "year", "indicator", "is_demo"]
    list_select_related = ["pairing"]
    search_fields = ["pairing__name"]
    autocomplete_fields = ["pairing"]
    ordering = ["-year", "indicator"]


@admin.register(PairingYear)
class PairingYearAdmin(LedgerAdmin):
    """A year of data under review. Moved only by `services.move_year`, through the actions."""

    list_display = ["pairing", "year", "status", "changed_at", "comment"]
    list_filter = ["status", "year", PAIRING]
    list_select_related = ["pairing"]
    search_fields = ["pairing__name", "comment"]
    ordering = ["-year", "pairing_id"]
    actions = ["submit_selected", "approve_selected", "return_selected", "reopen_selected"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def _move(self, request: Any, queryset: Any, step: str, comment: str = "") -> None:
        years = list(queryset.select_related("pairing"))
        for year in years:
            call_service(
                services.move_year,
                year.pairing,
                year.year,
                step,
                acting_user=request.user,
                via=VIA,
                comment=comment,
            )
        self.message_user(request, _("已处理 %(count)d 个年度") % {"count": len(years)})

    def _move_with_reason(
        self, request: Any, queryset: Any, step: str, action: str, title: Any
    ) -> Any:
        reason = ask_reason(
            self,
            request,
            list(queryset.select_related("pairing")),
            action=action,
            title=title,
            intro=_("请填写意见或原因，它将记入审计记录："),
            label=_("意见或原因"),
            submit=title,
        )
        if not isinstance(reason, str):
            return reason
        self._move(request, queryset, step, reason)
        return None

    @admin.action(description=_("报送"), permissions=["view"])
    def submit_selected(self, request: Any, queryset: Any) -> None:
        self._move(request, queryset, "submitted")

    @admin.action(description=_("审核通过并锁定"), permissions=["view"])
    def approve_selected(self, request: Any, queryset: Any) -> None:
        self._move(request, queryset, "approved")

    @admin.action(description=_("退回修改"), permissions=["view"])
    def return_selected(self, request: Any, queryset: Any) -> Any:
        return self._move_with_reason(request, queryset, "returned", "return_selected", _("退回"))

    @admin.action(description=_("重新开放"), permissions=["view"])
    def reopen_selected(self, request: Any, queryset: Any) -> Any:
        return self._move_with_reason(
            request, queryset, "reopened", "reopen_selected", _("重新开放")
        )
