"""Pages of the ratings capability: the case inbox, a case with its history and actions, the
monthly statistics (with xlsx export), and the public disclosure page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minsheng.core.ratings.stats import MIN_N
from minsheng.core.xlsx import DECIMAL1, INTEGER, PERCENT, Sheet
from minsheng.orgs.models import Region, RegionLevel
from minsheng.reviews.access import (
    access_case,
    can_read_stats,
    can_see_integrity,
    case_filter_for_inbox,
    case_roles,
    cases_visible,
    stats_scope,
)
from minsheng.reviews.models import CaseState, Feedback
from minsheng.reviews.selectors import (
    BY_CHOICES,
    InboxFilter,
    default_month,
    inbox_cases,
    inbox_options,
    month_slice,
    monthly_trend,
    months_available,
    rating_stats,
    reason_names,
    region_grouping,
)
from minsheng.reviews.services.cases import TRANSITIONS, CaseError, act, overdue, record_feedback
from minsheng.reviews.services.deadlines import unpublished_deadline_years
from minsheng.supervision.access import can_assign_tasks
from minsheng.supervision.findings import case_reason
from minsheng.web.downloads import sheets_response
from minsheng.web.paging import search_and_page

PAGE = 50
BY_LABELS = {
    "department": gettext_lazy("部门"),
    "centre": gettext_lazy("服务中心"),
    "window": gettext_lazy("窗口"),
    "region": gettext_lazy("地区"),
    "staff": gettext_lazy("工作人员"),
    "item": gettext_lazy("服务事项"),
    "channel": gettext_lazy("渠道"),
    "day": gettext_lazy("日"),
    "month": gettext_lazy("月"),
}
ACTION_LABELS = {
    "verify": gettext_lazy("开始核实"),
    "confirm": gettext_lazy("核实属实，进入整改"),
    "appeal": gettext_lazy("核实不属实，提交申诉"),
    "uphold": gettext_lazy("复核：认定不属实"),
    "overturn": gettext_lazy("复核：驳回申诉，继续整改"),
    "answer": gettext_lazy("整改完成，答复群众"),
    "close": gettext_lazy("办结"),
}


# Steps of a case's history that are not actions a user takes.
EVENT_LABELS = {
    **ACTION_LABELS,
    "open": gettext_lazy("差评立案"),
    "remind": gettext_lazy("临期提醒"),
    "escalate": gettext_lazy("超期升级"),
    "feedback": gettext_lazy("回访"),
}
ACTOR_LABELS = {
    "citizen": gettext_lazy("群众"),
    "系统": gettext_lazy("系统"),
    "": gettext_lazy("系统"),
}


def _history(case: Any) -> list[dict[str, Any]]:
    """The case's events in words: who, which step, the state it led to."""
    return [
        {
            "at": e.at,
            "actor": str(ACTOR_LABELS.get(e.actor_label, e.actor_label)),
            "action": str(EVENT_LABELS.get(e.action, e.action)),
            "state": CaseState(e.to_state).label if e.to_state in CaseState.values else "",
            "note": e.note,
        }
        for e in case.events.all()
    ]


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _num(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "open")
    now = timezone.now()
    visible = cases_visible(request.user)
    departments, counties = inbox_options(visible)
    chosen_department = request.GET.get("department", "")
    chosen_county = request.GET.get("county", "")
    filters = InboxFilter(
        query=request.GET.get("q", ""),
        department=next((d.pk for d in departments if str(d.pk) == chosen_department), None),
        county=next((c for c in counties if c.code == chosen_county), None),
        overdue_only=request.GET.get("overdue") == "1",
    )
    cases = (
        inbox_cases(visible.filter(case_filter_for_inbox(state)), filters, now)
        .select_related("rating", "rating__centre", "rating__window", "department")
        .order_by("rectify_due", "pk")
    )
    query = request.GET.copy()
    query.pop("page", None)
    page = Paginator(cases, PAGE).get_page(request.GET.get("page"))
    rows = [
        {"case": c, "overdue": overdue(c, now), "due": _current_due(c)} for c in page.object_list
    ]
    if request.GET.get("format") == "xlsx":
        return sheets_response(_("差评整改"), [_inbox_sheet(cases, now)])
    return render(
        request,
        "reviews/inbox.html",
        {
            "rows": rows,
            "page": page,
            "state": state,
            "total": page.paginator.count,
            "filters": filters,
            "departments": departments,
            "counties": counties,
            "query": query.urlencode(),
            "show_stats": can_read_stats(request.user),
            "show_integrity": can_see_integrity(request.user),
        },
    )


def _current_due(case: Any) -> Any:
    return case.verify_due if case.state == CaseState.OPEN else case.rectify_due


def _inbox_sheet(cases: Any, now: Any) -> Sheet:
    headers = [
        _("办件编号"),
        _("责任部门"),
        _("服务中心"),
        _("评价"),
        _("状态"),
        _("时限"),
        _("超期"),
    ]
    rows = [
        [
            c.rating.case_no,
            c.department.name,
            c.rating.centre.name,
            c.rating.get_level_display(),
            c.get_state_display(),
            timezone.localtime(_current_due(c)).strftime("%Y-%m-%d %H:%M"),
            _("是") if overdue(c, now) else "",
        ]
        for c in cases[:20000]
    ]
    return Sheet(_("差评整改"), headers, rows)


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id)
    roles = case_roles(request.user, case)
    actions = [
        (name, str(ACTION_LABELS[name]))
        for name, (sources, _target, who) in TRANSITIONS.items()
        if case.state in sources and who in roles
    ]
    return render(
        request,
        "reviews/case.html",
        {
            "case": case,
            "rating": case.rating,
            "events": _history(case),
            "reasons": reason_names(case.rating.reasons),
            "actions": actions,
            "overdue": overdue(case),
            "unpublished_years": unpublished_deadline_years(case),
            "feedback_choices": Feedback.choices,
            "to_supervision": case_reason(case) if can_assign_tasks(request.user) else "",
            "can_feedback": "office" in roles
            and bool(case.rating.contact_cipher)
            and case.state in {CaseState.ANSWERED, CaseState.CLOSED}
            and not case.feedback,
        },
    )


@login_required
@require_POST
def case_action(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id)
    action = request.POST.get("action", "")
    roles = case_roles(request.user, case)
    try:
        if action == "feedback":
            if "office" not in roles:
                raise CaseError(_("只有质量办可以录入回访结果"))
            record_feedback(
                case,
                request.POST.get("feedback", ""),
                actor_label=str(request.user),
                actor=request.user,
            )
        else:
            who = TRANSITIONS[action][2] if action in TRANSITIONS else ""
            if who not in roles:
                raise CaseError(_("您不能执行此操作"))
            act(case, action, actor=request.user, note=request.POST.get("note", ""), role=who)
        messages.success(request, _("已保存"))
    except CaseError as exc:
        messages.error(request, str(exc))
    return redirect("review_case", case_id=case.pk)


def _month(request: HttpRequest, months: list[str], scope: Region) -> str | None:
    month = request.GET.get("month") or default_month(scope)
    if month is not None and month not in months:
        raise Http404("no ratings in that month")
    return month


@login_required
def stats(request: HttpRequest) -> HttpResponse:
    scope = stats_scope(request.user)
    root, only = scope.root, scope.only
    months = months_available(root)
    month = _month(request, months, root)
    choices = [k for k in BY_CHOICES if not (k == "department" and "department" in only)]
    if "centre" in only:
        choices = [k for k in choices if k not in ("centre", "region")]
    by = request.GET.get("by", choices[0])
    if by not in choices:
        raise Http404("unknown grouping")
    rows = rating_stats(month_slice(month, root, only), by, month=month, root=root) if month else []
    if request.GET.get("format") == "xlsx" and month:
        caption = _("%(root)s 好差评统计 · %(month)s · 按%(by)s（比率只计主动评价）") % {
            "root": scope.title,
            "month": month,
            "by": BY_LABELS[by],
        }
        return sheets_response(
            f"{_('好差评统计')}-{month}-{BY_LABELS[by]}",
            [_stats_sheet(rows, by, caption=caption)],
        )
    paged = search_and_page(request, rows, lambda r: str(r.group))
    chart = {
        "groups": [r.group for r in rows if r.ranked][:30],
        "shrunk": [round(r.shrunk_score or 0, 2) for r in rows if r.ranked][:30],
        "trend": monthly_trend(root, months[:12], only),
        "labels": {"score": _("满意度得分（收缩后）"), "good": _("好评率"), "n": _("主动评价数")},
    }
    return render(
        request,
        "reviews/stats.html",
        {
            "root": root,
            "title": scope.title,
            "months": months,
            "month": month,
            "by": by,
            "by_choices": [(k, str(BY_LABELS[k])) for k in choices],
            "grouping_note": region_grouping(root) if by == "region" else "",
            "rows": [_stats_row(r) for r in paged.page.object_list],
            "paged": paged,
            "has_handled": any(r.handled for r in rows),
            "min_n": MIN_N,
            "chart": chart,
            "show_integrity": can_see_integrity(request.user),
        },
    )


def _stats_row(s: Any) -> dict[str, Any]:
    return {
        "group": s.group,
        "n_active": s.n_active,
        "n_default": s.n_default,
        "n_system": s.n_system,
        "good_rate": _pct(s.good_rate),
        "bad_rate": _pct(s.bad_rate),
        "score": _num(s.score),
        "shrunk": _num(s.shrunk_score),
        "bad_n": s.bad_n,
        "rectified": _pct(s.rectified_rate),
        "on_time": _pct(s.on_time_rate),
        "revisit": _pct(s.revisit_rate),
        "rank": s.rank,
        "ranked": s.ranked,
        "handled": s.handled,
        "active_rate": _pct(s.active_rate),
    }


def _stats_sheet(rows: list[Any], by: str, *, caption: str = "") -> Sheet:
    headers = [
        str(BY_LABELS[by]),
        _("主动评价"),
        _("默认评价"),
        _("系统生成"),
        _("好评率"),
        _("差评率"),
        _("满意度得分"),
        _("收缩后得分"),
        _("差评数"),
        _("差评整改率"),
        _("按期整改率"),
        _("回访率"),
        _("办件量"),
        _("主动评价率"),
        _("排名"),
    ]
    body = [
        [
            s.group,
            s.n_active,
            s.n_default,
            s.n_system,
            s.good_rate,
            s.bad_rate,
            s.score,
            s.shrunk_score,
            s.bad_n,
            s.rectified_rate,
            s.on_time_rate,
            s.revisit_rate,
            s.handled,
            s.active_rate,
            s.rank if s.ranked else _("样本不足"),
        ]
        for s in rows
    ]
    return Sheet(
        _("好差评统计"),
        headers,
        body,
        formats=[None, INTEGER, INTEGER, INTEGER, PERCENT, PERCENT, DECIMAL1, DECIMAL1, INTEGER]
        + [PERCENT] * 3
        + [INTEGER, PERCENT, INTEGER],
        caption=caption,
    )


def public(request: HttpRequest) -> HttpResponse:
    """公开: per service centre of the city, the month's active ratings and rates."""
    cities = list(Region.objects.filter(level=RegionLevel.CITY).order_by("code"))
    code = request.GET.get("city") or (cities[0].code if cities else "")
    city = next((c for c in cities if c.code == code), None)
    if city is None:
        raise Http404("no such city")
    months = months_available(city)
    month = _month(request, months, city)
    rows = rating_stats(month_slice(month, city), "centre", month=month) if month else []
    paged = search_and_page(request, rows, lambda r: str(r.group))
    return render(
        request,
        "reviews/public.html",
        {
            "cities": cities,
            "city": city,
            "months": months,
            "month": month,
            "rows": [_stats_row(r) for r in paged.page.object_list],
            "paged": paged,
            "min_n": MIN_N,
        },
    )
