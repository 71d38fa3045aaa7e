"""Peer groups for the quality office: list, create, change the members (pasted codes)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.access import (
    access_peer_group_edit,
    can_administer,
    peer_group_owner,
    peer_groups_visible,
    regions_visible,
)
from minsheng.core.regions import parse_code_list
from minsheng.orgs.models import PeerGroup, Region, RegionLevel
from minsheng.orgs.services import peer_group_save

MIN_MEMBERS = 2


class PeerGroupForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=200)
    level = forms.TypedChoiceField(
        label=_("层级"),
        coerce=int,
        choices=[(v, label) for v, label in RegionLevel.choices if v > RegionLevel.PROVINCE],
    )
    codes = forms.CharField(
        label=_("成员的区划代码"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("每行一个，或用逗号、空格分隔；可从 Excel 直接复制。"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.members: list[Region] = []
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "level" else "form-control"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "codes" not in data or "level" not in data:
            return data
        codes, errors = parse_code_list(data["codes"])
        found = {
            r.code: r for r in regions_visible(self.user).filter(code__in=[c.value for c in codes])
        }
        for code in codes:
            region = found.get(code.value)
            if region is None:
                errors.append(_("%(code)s：不存在或不在您的权限范围内") % {"code": code.value})
            elif region.level != data["level"]:
                errors.append(
                    _("%(code)s %(name)s 是%(actual)s，不是所选层级")
                    % {
                        "code": code.value,
                        "name": region.name,
                        "actual": region.get_level_display(),
                    }
                )
            else:
                self.members.append(region)
        if not errors and len(self.members) < MIN_MEMBERS:
            errors.append(_("对标组至少需要 %(n)s 个成员") % {"n": MIN_MEMBERS})
        for message in errors:
            self.add_error("codes", message)
        return data


@login_required
def peer_group_list(request: HttpRequest) -> HttpResponse:
    groups = (
        peer_groups_visible(request.user).select_related("owner").order_by("owner__code", "name")
    )
    return render(
        request,
        "orgs/peer_group_list.html",
        {"groups": groups, "can_edit": can_administer(request.user)},
    )


@login_required
def peer_group_edit(request: HttpRequest, key: str | None = None) -> HttpResponse:
    group: PeerGroup | None = access_peer_group_edit(request.user, key) if key else None
    if group is None:
        peer_group_owner(request.user, [])  # refuses all but the quality office and admins
    initial = {}
    if group is not None:
        codes = group.members.order_by("code").values_list("code", flat=True)
        initial = {"name": group.name, "level": group.level, "codes": "\n".join(codes)}
    form = PeerGroupForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = peer_group_save(
            actor=request.user,
            group=group,
            owner=group.owner if group else peer_group_owner(request.user, form.members),
            name=form.cleaned_data["name"],
            level=form.cleaned_data["level"],
            members=form.members,
        )
        return redirect("peer_group_detail", saved.key)
    return render(request, "orgs/peer_group_edit.html", {"form": form, "group": group})
