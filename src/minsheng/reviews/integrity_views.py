"""The quality office's list of integrity findings, with evidence, to confirm or dismiss."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minsheng.audit.models import AuditAction
from minsheng.audit.services import audit_record
from minsheng.orgs.models import Staff
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


def _subject(subject: str, staff: dict[int, str]) -> str:
    what, _sep, ref = subject.partition(":")
    if what == "device":
        return _("设备 %(device)s") % {"device": ref}
    if what == "staff" and ref.isdigit():
        return _("工作人员 %(name)s") % {"name": staff.get(int(ref), ref)}
    return subject


def finding_message(flag: IntegrityFlag) -> str:
    """The finding in the reader's language, from its kind and evidence."""
    e = flag.evidence if isinstance(flag.evidence, dict) else {}
    try:
        if flag.kind == "burst":
            minutes = (float(e["to"]) - float(e["from"])) / 60
            return _("%(minutes)d 分钟内产生 %(count)d 条“非常满意”") % {
                "minutes": round(minutes),
                "count": int(e["count"]),
            }
        if flag.kind == "before_handled":
            return _("%(count)d 条评价早于办结时间") % {"count": int(e["count"])}
        if flag.kind == "system":
            return _("%(count)d 条系统生成的评价") % {"count": int(e["count"])}
        if flag.kind == "default_share":
            share = int(e["default"]) / int(e["total"])
            return _("默认评价 %(default)d 条，占 %(share)s（共 %(total)d 条）") % {
                "default": int(e["default"]),
                "share": f"{share:.1%}",
                "total": int(e["total"]),
            }
        if flag.kind == "shift":
            (b0, n0), (b1, n1) = e["before"], e["now"]
            return _(
                "差评率 %(before)s（%(n0)d 条）→ %(now)s（%(n1)d 条），z = %(z)s，超出抽样误差"
            ) % {
                "before": f"{b0 / n0:.1%}",
                "n0": n0,
                "now": f"{b1 / n1:.1%}",
                "n1": n1,
                "z": f"{float(e['z']):.1f}",
            }
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        pass
    return flag.message


@login_required
def integrity(request: HttpRequest) -> HttpResponse:
    root = integrity_root(request.user)
    months = months_available(root)
    month = request.GET.get("month") or default_month(root) or ""
    if month and month not in months:
        raise Http404("no ratings in that month")
    flags = IntegrityFlag.objects.filter(month=month, **root.subtree_filter("centre__region__"))
    rows = []
    flags = flags.select_related("centre")
    staff_ids = [
        int(f.subject.split(":", 1)[1])
        for f in flags
        if f.subject.startswith("staff:") and f.subject.split(":", 1)[1].isdigit()
    ]
    staff = {s.pk: f"{s.name}（{s.staff_no}）" for s in Staff.objects.filter(pk__in=staff_ids)}
    for flag in flags:
        ids = flag.evidence.get("ratings", []) if isinstance(flag.evidence, dict) else []
        examples = Rating.objects.filter(pk__in=ids[:10]).order_by("rated_at")
        rows.append(
            {
                "flag": flag,
                "kind": str(KIND_LABELS.get(flag.kind, flag.kind)),
                "subject": _subject(flag.subject, staff),
                "message": finding_message(flag),
                "examples": examples,
            }
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
