"""Pages where citizens rate: the QR page of a window (no login) and the window tablet in kiosk
mode (signed in as the window's staff; the citizen taps the level). No level is pre-selected
and every level is the same size, colour and distance away."""

from __future__ import annotations

import io
import uuid
from typing import Any

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from minsheng.accounts.access import organisations_visible
from minsheng.accounts.models import Role
from minsheng.core.ratings.vocabulary import Channel
from minsheng.orgs.models import Organisation, OrgKind, Staff, Window
from minsheng.reviews.models import Level, ReasonTag, ServiceItem
from minsheng.reviews.services.citizen import (
    CitizenRating,
    case_status,
    digest,
    rate_limited,
    status_lookup_allowed,
    submit,
    window_from_token,
    window_token,
)
from minsheng.web.device import device_id, remember_device

KIOSK_SALT = "minsheng.reviews.kiosk"
KIOSK_MAX_AGE = 15 * 60  # the citizen rates within 15 minutes of the case being closed


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("您对本次办事的评价"),
        choices=[(v, label) for v, label in reversed(Level.choices)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择一个评价等级")},
    )
    reasons = forms.MultipleChoiceField(
        label=_("原因（可多选）"), required=False, widget=forms.CheckboxSelectMultiple
    )
    comment = forms.CharField(
        label=_("意见建议"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact = forms.CharField(
        label=_("联系电话（选填，便于回访；加密保存）"), required=False, max_length=32
    )
    page_token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # In the catalogue's order, "其他" (other) last whatever its code.
        tags = sorted(
            ReasonTag.objects.filter(is_active=True), key=lambda t: t.name.startswith("其他")
        )
        self.fields["reasons"].choices = [(t.code, t.name) for t in tags]  # type: ignore[attr-defined]
        if not self.fields["reasons"].choices:  # type: ignore[attr-defined]
            del self.fields["reasons"]


class QrRatingForm(RatingForm):
    case_no = forms.CharField(label=_("办件编号（见受理回执）"), max_length=64)
    item = forms.ModelChoiceField(
        label=_("办理事项（选填）"),
        queryset=ServiceItem.objects.none(),
        required=False,
        empty_label=_("（不选择）"),
        widget=forms.Select(attrs={"class": "form-select form-select-lg"}),
    )

    field_order = ["case_no", "item", "level", "reasons", "comment", "contact"]

    def __init__(self, *args: Any, window: Window, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        items = ServiceItem.objects.filter(
            department__region=window.centre.region
        ) | ServiceItem.objects.filter(department__isnull=True)
        self.fields["item"].queryset = items.order_by("name", "pk")  # type: ignore[attr-defined]


def _citizen_rating(form: forms.Form, item: ServiceItem | None, case_no: str) -> CitizenRating:
    data = form.cleaned_data
    return CitizenRating(
        case_no=case_no,
        level=int(data["level"]),
        reasons=tuple(data.get("reasons") or ()),
        comment=data.get("comment", ""),
        contact=data.get("contact", ""),
        item=item,
        page_token=data["page_token"],
    )


@require_http_methods(["GET", "POST"])
def qr_rate(request: HttpRequest, token: str) -> HttpResponse:
    window = window_from_token(token)
    if window is None or not window.is_active:
        raise Http404("no such window")
    context: dict[str, Any] = {"window": window, "centre": window.centre}
    if request.method == "POST":
        form = QrRatingForm(request.POST, window=window)
        device, ip_hash = digest(device_id(request)), digest(request.META.get("REMOTE_ADDR", ""))
        if form.is_valid():
            if rate_limited(device, ip_hash):
                context["limited"] = True
                return render(request, "reviews/rate.html", context | {"form": form}, status=429)
            result = submit(
                window,
                _citizen_rating(form, form.cleaned_data.get("item"), form.cleaned_data["case_no"]),
                channel=Channel.QR,
                device=device,
                ip_hash=ip_hash,
            )
            if result.status == "error":
                for error in result.errors:
                    form.add_error(None, error)
            else:
                context |= {
                    "done": True,
                    "bad": form.cleaned_data["level"] <= 2,
                    "case_no": form.cleaned_data["case_no"],
                    "with_contact": bool(form.cleaned_data.get("contact")),
                }
                context["duplicate"] = result.status == "duplicate"
                return render(request, "reviews/rate_done.html", context)
    else:
        form = QrRatingForm(window=window, initial={"page_token": uuid.uuid4().hex})
    response = render(request, "reviews/rate.html", context | {"form": form})
    return remember_device(request, response)


def _kiosk_staff(user: Any) -> Staff:
    if getattr(user, "role", "") != Role.WINDOW_STAFF:
        raise PermissionDenied("the kiosk is for window staff")
    staff = Staff.objects.select_related("window", "centre").filter(user=user).first()
    if staff is None or staff.window is None or not staff.is_active:
        raise PermissionDenied("no window is assigned to this account")
    return staff


class KioskStartForm(forms.Form):
    case_no = forms.CharField(label=_("办结的办件编号"), max_length=64)


@login_required
@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest) -> HttpResponse:
    """The staff's screen: the case just closed at this window."""
    staff = _kiosk_staff(request.user)
    form = KioskStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ticket = signing.dumps(
            {"staff": staff.pk, "case": form.cleaned_data["case_no"], "token": uuid.uuid4().hex},
            salt=KIOSK_SALT,
        )
        return redirect(f"{reverse('review_kiosk_rate')}?t={ticket}")
    return render(request, "reviews/kiosk.html", {"staff": staff, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def kiosk_rate(request: HttpRequest) -> HttpResponse:
    """The citizen's screen on the same tablet: five equal buttons, nothing pre-selected."""
    staff = _kiosk_staff(request.user)
    try:
        ticket = signing.loads(request.GET.get("t", ""), salt=KIOSK_SALT, max_age=KIOSK_MAX_AGE)
    except signing.BadSignature:
        return redirect("review_kiosk")
    if ticket.get("staff") != staff.pk:
        raise PermissionDenied("this rating belongs to another staff member's case")
    window = staff.window
    if window is None:  # _kiosk_staff refuses staff without a window
        raise PermissionDenied("no window is assigned to this account")
    form = RatingForm(request.POST or None, initial={"page_token": ticket["token"]})
    if request.method == "POST" and form.is_valid():
        device = digest(device_id(request))
        result = submit(
            window,
            _citizen_rating(form, None, ticket["case"]),
            channel=Channel.WINDOW,
            device=device,
            ip_hash=digest(request.META.get("REMOTE_ADDR", "")),
            staff=staff,
        )
        if result.status != "error":
            return render(
                request,
                "reviews/rate_done.html",
                {
                    "window": window,
                    "centre": window.centre,
                    "kiosk": True,
                    "bad": form.cleaned_data["level"] <= 2,
                },
            )
        for error in result.errors:
            form.add_error(None, error)
    response = render(
        request,
        "reviews/rate.html",
        {
            "form": form,
            "window": window,
            "centre": window.centre,
            "kiosk": True,
            "case_no": ticket["case"],
        },
    )
    return remember_device(request, response)


@login_required
def window_codes(request: HttpRequest, centre_id: int) -> HttpResponse:
    """Printable QR codes of a centre's windows (its staff, and region-wide users above it)."""
    centre = Organisation.objects.filter(pk=centre_id, kind=OrgKind.SERVICE_CENTRE).first()
    if centre is None:
        raise Http404("no such centre")
    if not organisations_visible(request.user).filter(pk=centre.pk).exists():
        raise PermissionDenied("centre outside the user's scope")
    codes = []
    for window in Window.objects.filter(centre=centre, is_active=True).order_by("number"):
        url = request.build_absolute_uri(reverse("review_qr", args=[window_token(window)]))
        buffer = io.BytesIO()
        segno.make(url, error="m").save(buffer, kind="svg", scale=4, xmldecl=False, svgns=True)
        codes.append({"window": window, "url": url, "svg": buffer.getvalue().decode()})
    return render(request, "reviews/window_codes.html", {"centre": centre, "codes": codes})


class StatusForm(forms.Form):
    case_no = forms.CharField(label=_("办件编号"), max_length=64)
    phone_tail = forms.RegexField(
        label=_("评价时留下的手机号后四位"),
        regex=r"^\d{4}$",
        error_messages={"invalid": _("请输入 4 位数字")},
    )


@require_http_methods(["GET", "POST"])
def case_status_page(request: HttpRequest) -> HttpResponse:
    """A citizen reads the progress and the answer to their bad rating: case number and the
    last four digits of the phone number they left (look-ups limited per address)."""
    form = StatusForm(request.POST or None, initial={"case_no": request.GET.get("case", "")})
    context: dict[str, Any] = {"form": form}
    status = 200
    if request.method == "POST" and form.is_valid():
        if not status_lookup_allowed(digest(request.META.get("REMOTE_ADDR", ""))):
            context["limited"] = True
            status = 429
        else:
            found = case_status(form.cleaned_data["case_no"], form.cleaned_data["phone_tail"])
            context["found"] = found
            context["searched"] = True
    return render(request, "reviews/case_status.html", context, status=status)
