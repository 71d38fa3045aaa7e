"""The quality office's list of integrity findings, with evidence, to confirm or dismiss."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minsheng.orgs.models import Region, Staff
from minsheng.reviews.access import access_finding, findings_visible, integrity_root
from minsheng.reviews.finding_text import (
    DOMAIN_KINDS,
    KIND_LABELS,
    finding_message,
    strength_label,
)
from minsheng.reviews.models import FindingDomain, FlagStatus, IntegrityFlag, Rating
from minsheng.reviews.selectors import default_month, months_available
from minsheng.reviews.services.integrity import (
    DecisionError,
    decide_finding,
    detect,
    record_run,
)
from minsheng.web.paging import page_query

PAGE = 50


def _subject(flag: IntegrityFlag, staff: dict[int, str]) -> str:
    """What in the place the finding is about, for the reader (never the stored key)."""
    if flag.subject == "reporter":  # a department's figures: the department names it
        return flag.unit
    what, _sep, ref = flag.subject.partition(":")
    if what == "device":
        return _("设备 %(device)s") % {"device": ref}
    if what == "staff" and ref.isdigit():
        return _("工作人员 %(name)s") % {"name": staff.get(int(ref), ref)}
    if what == "interviewer":
        return _("访员 %(who)s") % {"who": _("在线填答") if ref == "online" else ref}
    if what == "indicator":
        return _("指标 %(code)s") % {"code": ref}
    if what == "level":  # a poll's jump, by county or by township: the region names it
        return ""
    return flag.subject


def _choices(domain: str, root: Region) -> list[tuple[str, str]]:
    """What a list is for: months of ratings, poll rounds, reporting periods (newest first)."""
    if domain == FindingDomain.POLLS:
        from minsheng.polls.models import Poll

        polls = Poll.objects.filter(**root.subtree_filter("region__")).order_by("-round", "-pk")
        return [(str(p.pk), f"{p.name}（{p.round}）") for p in polls]
    if domain == FindingDomain.INDICATORS:
        from minsheng.indicators.selectors import periods_reported

        return [(str(p), str(p)) for p in reversed(periods_reported(root))]
    return [(m, m) for m in months_available(root)]


def _source(domain: str, choice: str) -> Q:
    if domain == FindingDomain.POLLS:
        return Q(domain=domain, source=f"poll:{choice}")
    if domain == FindingDomain.INDICATORS:
        return Q(domain=domain, source=f"period:{choice}")
    return Q(domain=FindingDomain.RATINGS, month=choice)


def _rows(page: Any) -> list[dict[str, Any]]:
    staff_ids = [
        int(f.subject.split(":", 1)[1])
        for f in page
        if f.subject.startswith("staff:") and f.subject.split(":", 1)[1].isdigit()
    ]
    staff = {s.pk: f"{s.name}（{s.staff_no}）" for s in Staff.objects.filter(pk__in=staff_ids)}
    rows = []
    for flag in page:
        ids = flag.evidence.get("ratings", []) if isinstance(flag.evidence, dict) else []
        examples = (
            Rating.objects.filter(pk__in=ids[:10]).order_by("rated_at")
            if ids
            else Rating.objects.none()
        )
        label, meaning = strength_label(flag.strength)
        rows.append(
            {
                "flag": flag,
                "kind": str(KIND_LABELS.get(flag.kind, flag.kind)),
                "where": flag.place,
                "subject": _subject(flag, staff),
                "message": finding_message(flag),
                "strength": label,
                "strength_meaning": meaning,
                "examples": examples,
            }
        )
    return rows


@login_required
def integrity(request: HttpRequest) -> HttpResponse:
    root = integrity_root(request.user)
    domain = request.GET.get("domain", FindingDomain.RATINGS)
    if domain not in FindingDomain.values:
        raise Http404("unknown data")
    choices = _choices(domain, root)
    keys = [k for k, _label in choices]
    picked = request.GET.get("of", "")
    if domain == FindingDomain.RATINGS:
        picked = picked or request.GET.get("month") or default_month(root) or ""
    picked = picked or (keys[0] if keys else "")
    if picked and picked not in keys:
        raise Http404("nothing to check there")
    flags = findings_visible(request.user).filter(_source(domain, picked))
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    if kind in KIND_LABELS:
        flags = flags.filter(kind=kind)
    if status in FlagStatus.values:
        flags = flags.filter(status=status)
    flags = flags.select_related("centre", "region", "decided_by").order_by(
        "-strength", "centre_id", "unit", "pk"
    )
    paged = page_query(request, flags, per_page=PAGE)
    return render(
        request,
        "reviews/integrity.html",
        {
            "domains": FindingDomain.choices,
            "domain": domain,
            "choices": choices,
            "picked": picked,
            "rows": _rows(paged.page),
            "root": root,
            "paged": paged,
            "kinds": [(k, str(KIND_LABELS[k])) for k in DOMAIN_KINDS[domain]],
            "kind": kind,
            "statuses": FlagStatus.choices,
            "status": status,
        },
    )


@login_required
@require_POST
def integrity_run(request: HttpRequest) -> HttpResponse:
    root = integrity_root(request.user)
    domain = request.POST.get("domain", FindingDomain.RATINGS)
    picked = request.POST.get("of") or request.POST.get("month", "")
    if domain not in FindingDomain.values or picked not in {k for k, _l in _choices(domain, root)}:
        raise Http404("nothing to check there")
    period = picked
    if domain == FindingDomain.POLLS:
        from minsheng.polls.integrity import detect_poll
        from minsheng.polls.models import Poll

        poll = Poll.objects.get(pk=int(picked))
        found, period = detect_poll(poll), poll.round
    elif domain == FindingDomain.INDICATORS:
        from minsheng.indicators.integrity import detect_period

        found = detect_period(picked, root)
    else:
        found = detect(picked, root)
    record_run(actor=request.user, period=period, found=len(found), region=root)
    return redirect(f"{request.path.rsplit('run/', 1)[0]}?domain={domain}&of={picked}")


@login_required
@require_POST
def integrity_decide(request: HttpRequest, flag_id: int) -> HttpResponse:
    flag = access_finding(request.user, flag_id)
    of = flag.source.split(":", 1)[1] if flag.source else flag.month
    back = f"{request.path.rsplit(str(flag_id), 1)[0]}?domain={flag.domain}&of={of}"
    if request.POST.get("status", "") not in FlagStatus.values:
        raise Http404("unknown status")
    try:
        decide_finding(
            flag,
            status=request.POST["status"],
            note=request.POST.get("note", ""),
            actor=request.user,
        )
    except DecisionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已记录核查结论。"))
    return redirect(back)
