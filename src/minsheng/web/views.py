from __future__ import annotations

import logging
import sys

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from minsheng.accounts.access import user_scope
from minsheng.accounts.security import security_event
from minsheng.orgs.selectors import region_children, scope_summary, windows_by_child
from minsheng.site.storage import is_disk_full
from minsheng.web.todo import providers, todo_items
from minsheng.web.todo import today as todo_today

logger = logging.getLogger("minsheng.web")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = user_scope(request.user)
    summary = scope_summary(request.user)
    roots = [(root, region_children(root)) for root in summary.root_regions]
    chart = None
    if len(summary.root_regions) == 1:
        rows = windows_by_child(summary.root_regions[0])
        if rows:
            chart = {
                "names": [r.name for r in rows],
                "centres": [r.centres for r in rows],
                "windows": [r.windows for r in rows],
                "labels": {"centres": _("服务中心（站）"), "windows": _("服务窗口")},
            }
    return render(
        request,
        "web/home.html",
        {"scope": scope, "summary": summary, "roots": roots, "chart": chart},
    )


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness and database check for load balancers and `make demo`'s wait."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages without an icon link (Django's admin)."""
    return redirect(static("minsheng/favicon.svg"), permanent=True)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 403 page; every refusal is a security event (who, where, what was refused)."""
    security_event(
        event="permission denied",
        outcome="refused",
        request=request,
        user=getattr(request, "user", None),
    )
    return render(request, "403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page; a full disk is a 503 that says so (nothing was saved; it recovers by
    itself when space returns)."""
    exc = sys.exc_info()[1]
    if exc is not None and is_disk_full(exc):
        logger.error("disk full on %s: %s", request.path, exc)
        return render(request, "503.html", status=503)
    return render(request, "500.html", status=500)


KINDS = {
    "cases": gettext_lazy("差评整改"),
    "integrity": gettext_lazy("数据异常核查"),
    "tasks": gettext_lazy("督办任务"),
    "forms": gettext_lazy("指标填报与审核"),
}


@login_required
def todo(request: HttpRequest) -> HttpResponse:
    """我的待办: everything waiting for the user across the platform, due first."""
    kind = request.GET.get("kind", "")
    if kind and kind not in providers():
        raise Http404("unknown kind")
    items, counts = todo_items(request.user, kind)  # other kinds are counted, not listed
    day = todo_today()
    rows = [(i, i.overdue(day)) for i in items]
    return render(
        request,
        "web/todo.html",
        {
            "rows": rows,
            "kinds": [(k, KINDS.get(k, k), n) for k, n in counts.items()],
            "kind": kind,
            "total": sum(counts.values()),
        },
    )
