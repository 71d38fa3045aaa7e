"""服务中心: the centres of a region's subtree with their profile (address, hours, windows by
kind) and the 六有 construction standard of seed 002 — each centre's checklist, and per level the
share of centres meeting all six; Excel export. A centre's own page shows and (for the quality
office or the centre's own staff) edits its profile."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from minsheng.core.xlsx import INTEGER, Sheet
from minsheng.halls.access import access_centre, can_edit_profile, halls_region
from minsheng.halls.models import SIX, CentreProfile
from minsheng.halls.selectors import centre_rows, centre_voices
from minsheng.halls.services import PROFILE_FIELDS, profile_save
from minsheng.web.downloads import sheets_response
from minsheng.web.paging import search_and_page


class ProfileForm(forms.ModelForm[CentreProfile]):
    class Meta:
        model = CentreProfile
        fields = list(PROFILE_FIELDS)
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


@login_required
def centres_page(request: HttpRequest) -> HttpResponse:
    region = halls_region(request.user, request.GET.get("region"))
    rows = centre_rows(region)
    levels: dict[str, list[int]] = {}
    for row in rows:
        tally = levels.setdefault(row.level, [0, 0, 0])
        tally[0] += 1
        tally[1] += row.six_met is not None
        tally[2] += row.six_met == len(SIX)
    if request.GET.get("format") == "xlsx":
        sheet = Sheet(
            str(_("服务中心")),
            [str(_("服务中心")), str(_("层级")), str(_("地区")), str(_("窗口数")),
             str(_("工作人员")), str(_("综合窗口")), str(_("帮办代办窗口")),
             *[str(label) for _f, label in SIX]],
            [
                [r.centre.name, r.level, r.region_name, r.windows, r.staff,
                 getattr(r.profile, "comprehensive_windows", None),
                 getattr(r.profile, "assisted_windows", None),
                 *[("是" if getattr(r.profile, f) else "否") if r.profile else "未填报"
                   for f, _label in SIX]]
                for r in rows
            ],
            formats=[None, None, None, INTEGER, INTEGER, INTEGER, INTEGER] + [None] * len(SIX),
            caption=_("%(name)s服务中心概况") % {"name": region.name},
        )  # fmt: skip
        return sheets_response(f"{region.name}服务中心概况", [sheet])
    paged = search_and_page(request, rows, lambda r: f"{r.centre.name} {r.region_name}")
    return render(
        request,
        "halls/centres.html",
        {
            "region": region,
            "paged": paged,
            "levels": [(level, *t) for level, t in levels.items()],
            "six": len(SIX),
        },
    )


@login_required
def centre_page(request: HttpRequest, centre_id: int) -> HttpResponse:
    centre = access_centre(request.user, centre_id)
    editable = can_edit_profile(request.user, centre)
    profile = CentreProfile.objects.filter(centre=centre).first() or CentreProfile(centre=centre)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("profiles are edited by the office or the centre itself")
        if form.is_valid():
            values = {f: form.cleaned_data[f] for f in PROFILE_FIELDS}
            profile_save(actor=request.user, centre=centre, values=values)
            messages.success(request, _("已保存服务中心概况"))
            return redirect("halls_centre", centre_id=centre.pk)
    return render(
        request,
        "halls/centre.html",
        {
            "centre": centre,
            "profile": profile if profile.pk else None,
            "form": form,
            "editable": editable,
            "six": [(f, label, getattr(profile, f)) for f, label in SIX],
            "six_fields": {f for f, _label in SIX},
            "voices": centre_voices(request.user, centre),
        },
        status=400 if request.method == "POST" else 200,
    )
