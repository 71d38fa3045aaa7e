"""Machine clients (window tablets, the online hall, a provincial system) for the quality
office: issue a token (shown once), list, revoke."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minsheng.accounts.access import (
    access_managed_client,
    api_clients_manageable,
    organisations_visible,
)
from minsheng.accounts.models import ApiChannel, ApiScope
from minsheng.accounts.services import api_client_issue, api_client_revoke
from minsheng.orgs.models import CentreLevel, Organisation


class ClientIssueForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=100)
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("所属机构"), queryset=Organisation.objects.none()
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("渠道"), choices=[("", "—"), *ApiChannel.choices], required=False
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("权限范围"),
        choices=ApiScope.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = (  # type: ignore[attr-defined]
            organisations_visible(actor)
            .exclude(centre_level=CentreLevel.VILLAGE)
            .select_related("region")
            .order_by("region__code", "kind", "name")
        )
        for name in ("name", "organisation", "channel"):
            css = "form-select" if name != "name" else "form-control"
            self.fields[name].widget.attrs["class"] = css


@login_required
def client_list(request: HttpRequest) -> HttpResponse:
    clients = api_clients_manageable(request.user).select_related("organisation")
    form = ClientIssueForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        client, token = api_client_issue(actor=request.user, **form.cleaned_data)
        return render(request, "accounts/token_issued.html", {"client": client, "token": token})
    return render(
        request,
        "accounts/client_list.html",
        {"clients": clients.order_by("revoked_at", "name"), "form": form},
    )


@require_POST
@login_required
def client_revoke(request: HttpRequest, client_id: int) -> HttpResponse:
    client = access_managed_client(request.user, client_id)
    if client.is_active:
        api_client_revoke(actor=request.user, client=client)
        messages.success(request, _("已吊销 %(name)s 的令牌。") % {"name": client.name})
    return redirect("client_list")
