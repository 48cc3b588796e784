from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from pairaid.accounts.forms import LockoutAuthenticationForm
from pairaid.accounts.models import LoginFailure, RoleAssignment, User

admin.site.login_form = LockoutAuthenticationForm


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ["region", "organisation"]


@admin.register(User)
class PairaidUserAdmin(UserAdmin):
    inlines = [RoleAssignmentInline]


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    list_display = ["username", "address", "at"]
    search_fields = ["username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
