"""Logging in and out (accounts are made with `pairaid createuser` or in the admin)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from pairaid.accounts.forms import LockoutAuthenticationForm

login = auth_views.LoginView.as_view(
    template_name="web/registration/login.html",
    authentication_form=LockoutAuthenticationForm,
    redirect_authenticated_user=True,
)
logout = auth_views.LogoutView.as_view()
