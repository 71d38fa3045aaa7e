"""Online answering (the mobile H5 page behind a token or a region's QR link, no login) and the
quality office's page that makes the links."""

from __future__ import annotations

import io
from typing import Any

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minsheng.core.polls.scales import SCALES, Scale
from minsheng.core.xlsx import Sheet
from minsheng.orgs.models import Region, RegionLevel
from minsheng.polls.access import access_links
from minsheng.polls.models import Item, PollLink
from minsheng.polls.services import AnswerError, answer_online, links_create
from minsheng.web.device import device_id, remember_device
from minsheng.web.downloads import sheets_response


class AnswerForm(forms.Form):
    """One radio group per item, every option the same, none chosen."""

    def __init__(self, *args: Any, items: list[Item], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in items:
            labels = SCALES[Scale(item.scale)].labels
            self.fields[item.code] = forms.ChoiceField(
                label=item.text,
                choices=list(labels.items()),
                widget=forms.RadioSelect,
                error_messages={"required": _("请回答这一题（不清楚可选“说不清”）")},
            )


def _link(token: str) -> PollLink:
    link = (
        PollLink.objects.select_related("poll", "poll__questionnaire", "region")
        .filter(token=token)
        .first()
    )
    if link is None:
        raise Http404("no such link")
    return link


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    link = _link(token)
    items = list(link.poll.questionnaire.items.all())
    device = device_id(request)
    form = AnswerForm(request.POST or None, items=items)
    error = ""
    if link.one_time and link.used_at is not None:
        error = _("此链接已经作答过了")
    elif request.method == "POST" and form.is_valid():
        try:
            answer_online(link, dict(form.cleaned_data), device=device)
        except AnswerError as exc:
            error = str(exc)
        else:
            return render(request, "polls/answer_done.html", {"poll": link.poll})
    response = render(
        request,
        "polls/answer.html",
        {"poll": link.poll, "region": link.region, "form": form, "error": error},
    )
    return remember_device(request, response)


class LinkForm(forms.Form):
    region = forms.ModelChoiceField(queryset=Region.objects.none(), label=_("地区"))
    one_time = forms.BooleanField(label=_("一次性令牌（否则为可扫码的地区链接）"), required=False)
    count = forms.IntegerField(label=_("令牌数"), min_value=1, max_value=5000, initial=100)


@login_required
@require_http_methods(["GET", "POST"])
def links(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = access_links(request.user, poll_id)
    form = LinkForm(request.POST or None)
    form.fields["region"].queryset = Region.objects.filter(  # type: ignore[attr-defined]
        level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP], **poll.region.subtree_filter()
    ).order_by("code")
    if request.method == "POST" and form.is_valid():
        links_create(
            poll,
            form.cleaned_data["region"],
            count=form.cleaned_data["count"],
            one_time=form.cleaned_data["one_time"],
            actor=request.user,
        )
        return redirect("poll_links", poll_id=poll.pk)
    rows = PollLink.objects.filter(poll=poll).select_related("region")
    if request.GET.get("format") == "xlsx":
        sheet = Sheet(
            _("答题链接"),
            [_("地区代码"), _("地区"), _("类型"), _("链接"), _("已使用")],
            [
                [
                    r.region.code,
                    r.region.name,
                    _("一次性") if r.one_time else _("扫码"),
                    request.build_absolute_uri(reverse("poll_answer", args=[r.token])),
                    _("是") if r.used_at else "",
                ]
                for r in rows
            ],
        )
        return sheets_response(f"{poll}-{_('答题链接')}", [sheet])
    qr = []
    for r in rows.filter(one_time=False):
        url = request.build_absolute_uri(reverse("poll_answer", args=[r.token]))
        buffer = io.BytesIO()
        segno.make(url, error="m").save(buffer, kind="svg", scale=4, xmldecl=False)
        qr.append({"link": r, "url": url, "svg": buffer.getvalue().decode()})
    tokens = rows.filter(one_time=True)
    return render(
        request,
        "polls/links.html",
        {
            "poll": poll,
            "form": form,
            "qr": qr,
            "tokens": tokens.count(),
            "used": tokens.filter(used_at__isnull=False).count(),
        },
    )
