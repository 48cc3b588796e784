from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from pairaid.accounts.forms import LockoutAuthenticationForm
from pairaid.accounts.models import LoginFailure, RoleAssignment, User

admin.site.login_form = LockoutAuthenticationForm


class RoleAssignmentInline(admin.TabularInline[RoleAssignment, User]):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ["region", "organisation"]


@admin.register(User)
class PairaidUserAdmin(UserAdmin[User]):
    inlines = [RoleAssignmentInline]


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin[LoginFailure]):
    list_display = ["username", "address", "at"]
    search_fields = ["username"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: LoginFailure | None = None) -> bool:
        return False
