"""Publication pages: the office's list of what it has made public (publish a confirmed ranking,
a poll's county results or an action plan's progress; withdraw), and the public pages without
login — the list, each publication (readable on a phone) and an Atom feed — cached, showing only
what is published, each with its date."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from minsheng.accounts.access import office_region
from minsheng.assess.models import Run
from minsheng.core.index.periods import Period, PeriodError
from minsheng.polls.models import Poll
from minsheng.reports.models import Publication, PublicationKind
from minsheng.reports.publish import (
    PublishError,
    index_snapshot,
    plan_snapshot,
    poll_snapshot,
    publish,
    ranking_snapshot,
    withdraw,
)
from minsheng.supervision.models import Plan

PUBLIC_CACHE = 300  # seconds


def _current() -> Any:
    return Publication.objects.filter(withdrawn_at__isnull=True).select_related("region")


@login_required
def publications(request: HttpRequest) -> HttpResponse:
    region = office_region(request.user)
    within = region.subtree_filter("region__")
    return render(
        request,
        "reports/publications.html",
        {
            "region": region,
            "items": Publication.objects.filter(**within).select_related("region")[:300],
            "runs": Run.objects.filter(
                confirmed_at__isnull=False, **region.subtree_filter("scheme__region__")
            ).select_related("scheme")[:50],
            "polls": Poll.objects.filter(**within).order_by("-round")[:50],
            "plans": Plan.objects.filter(**within).order_by("-pk")[:50],
        },
    )


@login_required
@require_POST
def publish_view(request: HttpRequest) -> HttpResponse:
    region = office_region(request.user)
    kind, pk = request.POST.get("kind", ""), request.POST.get("id", "")
    try:
        if kind == PublicationKind.RANKING:
            run = Run.objects.filter(
                pk=pk or 0, **region.subtree_filter("scheme__region__")
            ).first()
            if run is None:
                raise Http404("no such run in the office's region")
            item = publish(actor=request.user, region=run.scheme.region, kind=kind,
                           source=f"run:{run.pk}", snapshot=ranking_snapshot(run))  # fmt: skip
        elif kind == PublicationKind.POLL:
            poll = Poll.objects.filter(pk=pk or 0, **region.subtree_filter("region__")).first()
            if poll is None:
                raise Http404("no such poll in the office's region")
            item = publish(actor=request.user, region=poll.region, kind=kind,
                           source=f"poll:{poll.pk}", snapshot=poll_snapshot(poll))  # fmt: skip
        elif kind == PublicationKind.INDEX:
            try:
                period = Period.parse(request.POST.get("period", ""))
            except PeriodError as exc:
                raise PublishError(str(exc)) from None
            item = publish(actor=request.user, region=region, kind=kind,
                           source=f"index:{region.code}:{period}",
                           snapshot=index_snapshot(region, period))  # fmt: skip
        elif kind == PublicationKind.PLAN:
            plan = Plan.objects.filter(pk=pk or 0, **region.subtree_filter("region__")).first()
            if plan is None:
                raise Http404("no such plan in the office's region")
            item = publish(actor=request.user, region=plan.region, kind=kind,
                           source=f"plan:{plan.pk}", snapshot=plan_snapshot(plan))  # fmt: skip
        else:
            raise PublishError(_("请选择要发布的内容"))
    except PublishError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已公开发布：%(t)s") % {"t": item.title})
    return redirect("report_publications")


@login_required
@require_POST
def withdraw_view(request: HttpRequest, item_id: int) -> HttpResponse:
    region = office_region(request.user)
    item = Publication.objects.filter(pk=item_id, **region.subtree_filter("region__")).first()
    if item is None:
        raise Http404("no such publication in the office's region")
    withdraw(actor=request.user, item=item)
    messages.success(request, _("已撤回"))
    return redirect("report_publications")


@cache_control(public=True, max_age=PUBLIC_CACHE)
def public_list(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/public_list.html", {"items": _current()[:200]})


@cache_control(public=True, max_age=PUBLIC_CACHE)
def public_item(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _current().filter(pk=item_id).first()
    if item is None:
        raise Http404("not published")
    return render(request, "reports/public_item.html", {"item": item})


class PublicationFeed(Feed):  # type: ignore[type-arg]
    feed_type = Atom1Feed
    title = "公共服务质量信息公开"
    subtitle = "考核排名、满意度测评结果和工作方案进展"

    def link(self) -> str:
        return reverse("public_list")

    def items(self) -> Any:
        return _current()[:50]

    def item_title(self, item: Publication) -> str:
        return item.title

    def item_description(self, item: Publication) -> str:
        return item.summary

    def item_link(self, item: Publication) -> str:
        return reverse("public_item", args=[item.pk])

    def item_pubdate(self, item: Publication) -> Any:
        return item.published_at
