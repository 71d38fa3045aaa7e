from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.security import address_blocked, security_event
from minsheng.accounts.services import user_password_changed


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if address_blocked(request):
            security_event(
                event="login",
                outcome="address refused",
                request=request,
                username=str(request.POST.get("username", ""))[:150],
            )
            return render(request, "accounts/locked_out.html", status=429)
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user_password_changed(actor=self.request.user)
        security_event(
            event="password change", outcome="success", request=self.request, user=self.request.user
        )
        messages.success(self.request, _("密码已修改。"))
        return response
