"""Account management for the quality office (and admins): list, create, deactivate, reset a
password, lift a lockout. One-time passwords are shown once on the response page, never stored."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minsheng.accounts.access import access_managed_user, organisations_visible, users_manageable
from minsheng.accounts.models import Role
from minsheng.accounts.services import (
    UserError,
    user_create,
    user_reset_password,
    user_set_active,
    user_unlock,
)
from minsheng.orgs.models import CentreLevel, Organisation

ROLE_CHOICES = [(v, label) for v, label in Role.choices if v != Role.ADMIN]


def _org_label(org: Organisation) -> str:
    """An organisation with its region, so the list can be searched by either."""
    return f"{org.name}（{org.region.name}）"


class UserCreateForm(forms.Form):
    username = forms.RegexField(
        label=gettext_lazy("用户名"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text=gettext_lazy("字母、数字和 @/./+/-/_"),
    )
    display_name = forms.CharField(label=gettext_lazy("姓名或显示名"), max_length=100)
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("所属机构"), queryset=Organisation.objects.none()
    )
    role = forms.ChoiceField(
        label=gettext_lazy("角色"),
        choices=[("", gettext_lazy("请选择角色")), *ROLE_CHOICES],  # no role chosen for you
    )

    def __init__(self, *args: Any, actor: Any, preset: Organisation | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = organisations_visible(actor).exclude(centre_level=CentreLevel.VILLAGE)
        if preset is not None:
            choices = choices | Organisation.objects.filter(pk=preset.pk)
            self.fields["organisation"].initial = preset.pk
        field = cast(forms.ModelChoiceField, self.fields["organisation"])  # type: ignore[type-arg]
        field.queryset = choices.select_related("region").order_by("region__code", "kind", "name")
        field.label_from_instance = _org_label  # type: ignore[method-assign,assignment]
        for f in self.fields.values():
            css = "form-select" if isinstance(f, forms.ChoiceField) else "form-control"
            f.widget.attrs["class"] = css
        # More than a thousand organisations: the page filters the list as the user types.
        self.fields["organisation"].widget.attrs["data-filterable"] = "1"


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    rows = users_manageable(request.user).select_related("organisation__region")
    query = request.GET.get("q", "").strip()[:50]
    role = request.GET.get("role", "")
    if query:
        rows = rows.filter(
            Q(username__icontains=query)
            | Q(display_name__icontains=query)
            | Q(organisation__name__icontains=query)
        )
    if role in Role.values:
        rows = rows.filter(role=role)
    page = Paginator(rows.order_by("organisation__region__code", "username"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounts/user_list.html",
        {"page": page, "q": query, "role": role, "roles": ROLE_CHOICES},
    )


@login_required
def user_new(request: HttpRequest) -> HttpResponse:
    users_manageable(request.user)  # refuses roles that may not manage accounts
    preset = None
    if request.GET.get("org", "").isdigit():
        preset = organisations_visible(request.user).filter(pk=int(request.GET["org"])).first()
    form = UserCreateForm(request.POST or None, actor=request.user, preset=preset)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = user_create(actor=request.user, **form.cleaned_data)
        except UserError as exc:
            form.add_error(None, str(exc))
        else:
            return render(
                request, "accounts/password_issued.html", {"target": user, "password": password}
            )
    return render(request, "accounts/user_new.html", {"form": form})


@login_required
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    target = access_managed_user(request.user, user_id)
    return render(request, "accounts/user_detail.html", {"target": target})


@require_POST
@login_required
def user_action(request: HttpRequest, user_id: int, action: str) -> HttpResponse:
    target = access_managed_user(request.user, user_id)
    try:
        if action == "reset-password":
            password = user_reset_password(actor=request.user, user=target)
            return render(
                request, "accounts/password_issued.html", {"target": target, "password": password}
            )
        if action in {"activate", "deactivate"}:
            user_set_active(actor=request.user, user=target, active=action == "activate")
            messages.success(request, _("账号状态已更新。"))
        elif action == "unlock":
            user_unlock(actor=request.user, user=target)
            messages.success(request, _("已解除登录锁定。"))
        else:
            return HttpResponse(status=404)
    except UserError as exc:
        messages.error(request, str(exc))
    return redirect("user_detail", target.pk)
