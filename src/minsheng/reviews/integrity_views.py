"""The quality office's list of integrity findings, with evidence, to confirm or dismiss."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record
from minsheng.reviews.access import integrity_root
from minsheng.reviews.models import FlagStatus, IntegrityFlag, Rating
from minsheng.reviews.selectors import default_month, months_available
from minsheng.reviews.services.integrity import detect

KIND_LABELS = {
    "burst": gettext_lazy("短时集中好评"),
    "before_handled": gettext_lazy("评价早于办结"),
    "default_share": gettext_lazy("默认评价占比高"),
    "system": gettext_lazy("系统生成评价"),
    "shift": gettext_lazy("差评率突变"),
}


@login_required
def integrity(request: HttpRequest) -> HttpResponse:
    root = integrity_root(request.user)
    months = months_available(root)
    month = request.GET.get("month") or default_month(root) or ""
    if month and month not in months:
        raise Http404("no ratings in that month")
    flags = IntegrityFlag.objects.filter(month=month, **root.subtree_filter("centre__region__"))
    rows = []
    for flag in flags.select_related("centre"):
        ids = flag.evidence.get("ratings", []) if isinstance(flag.evidence, dict) else []
        examples = Rating.objects.filter(pk__in=ids[:10]).order_by("rated_at")
        rows.append(
            {"flag": flag, "kind": str(KIND_LABELS.get(flag.kind, flag.kind)), "examples": examples}
        )
    return render(
        request,
        "reviews/integrity.html",
        {"months": months, "month": month, "rows": rows, "root": root},
    )


@login_required
@require_POST
def integrity_run(request: HttpRequest) -> HttpResponse:
    root = integrity_root(request.user)
    month = request.POST.get("month", "")
    if month not in months_available(root):
        raise Http404("no ratings in that month")
    found = detect(month, root)
    audit_record(
        actor=request.user,
        action=AuditAction.BULK,
        object_type="reviews.integrityflag",
        note=f"integrity checks {month}: {len(found)} findings",
        region_code=root.code,
    )
    return redirect(f"{request.path.rsplit('run/', 1)[0]}?month={month}")


@login_required
@require_POST
def integrity_decide(request: HttpRequest, flag_id: int) -> HttpResponse:
    root = integrity_root(request.user)
    flag = IntegrityFlag.objects.filter(
        pk=flag_id, **root.subtree_filter("centre__region__")
    ).first()
    if flag is None:
        raise Http404("no such finding")
    status = request.POST.get("status", "")
    if status not in FlagStatus.values:
        raise Http404("unknown status")
    before = flag.status
    flag.status = status
    flag.save(update_fields=["status"])
    audit_record(
        actor=request.user,
        action=AuditAction.STATE,
        obj=flag,
        before={"status": before},
        after={"status": status},
        region_code=root.code,
    )
    return redirect(f"{request.path.rsplit(str(flag_id), 1)[0]}?month={flag.month}")
