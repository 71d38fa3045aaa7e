"""热线统计 (the month's metrics by unit, township, category or type, the 三率 ranking with rank
intervals, 每月一题, the 通报 table in Excel) and 热线设置 (the city's deadline rules, its
category table, importing a platform export)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from minsheng.accounts.access import user_scope
from minsheng.core.hotline.deadlines import DeadlineRules, RulesError
from minsheng.core.hotline.routing import RuleError, rules_as_json
from minsheng.core.tabular import CellError, TableError
from minsheng.hotline.access import (
    can_read_hotline,
    dispatcher_city,
    orders_visible,
    require_dispatcher,
)
from minsheng.hotline.documents import metrics_sheet, month_label, month_notice, ranking_sheet
from minsheng.hotline.hotspot_views import assigning_city
from minsheng.hotline.models import Rules
from minsheng.hotline.routing import city_rules_routing, model_facts, routing_rules_save
from minsheng.hotline.rules import city_rules, rules_save
from minsheng.hotline.selectors import (
    BY_FIELDS,
    BY_LABELS,
    MONTH,
    beside_poll,
    month_metrics,
    month_ranking,
    month_topic,
)
from minsheng.hotline.services.categories import categories_import
from minsheng.hotline.services.imports import import_orders
from minsheng.hotline.tasks import train_router
from minsheng.jobs.services import job_start
from minsheng.orgs.models import Region
from minsheng.orgs.selectors import office_name
from minsheng.web.downloads import document_response, sheets_response

RANKED = ("township", "department")
MAX_UPLOAD = 50 * 1024 * 1024


def _month(request: HttpRequest) -> str:
    month = request.GET.get("month", "")
    if MONTH.match(month):
        return month
    today = timezone.localdate().replace(day=1)
    last = today.replace(year=today.year - (today.month == 1), month=(today.month - 2) % 12 + 1)
    return f"{last:%Y-%m}"


@login_required
def stats_page(request: HttpRequest) -> HttpResponse:
    if not can_read_hotline(request.user):
        raise PermissionDenied("hotline figures are for dispatchers, the office and units")
    month = _month(request)
    by = request.GET.get("by", "department")
    by = by if by in BY_FIELDS else "department"
    rank_by = request.GET.get("rank", "township")
    rank_by = rank_by if rank_by in RANKED else "township"
    orders = orders_visible(request.user)
    city = _city_of(request)
    rules = city_rules(city) if city is not None else DeadlineRules()
    grouped = month_metrics(orders, month, by)
    ranked = month_ranking(orders, month, rank_by, rules)
    if request.GET.get("format") == "xlsx":
        return sheets_response(
            f"热线通报-{month}",
            [metrics_sheet(grouped, month, by), ranking_sheet(ranked, month, rank_by)],
        )
    total = month_metrics(orders, month, "type")
    if request.GET.get("format") in ("docx", "pdf"):
        content = month_notice(
            month=month, total=total.rows, ranked=ranked, rank_by=rank_by,
            min_n=rules.rank_min_n,
            topic=month_topic(orders, month),
            issuer=office_name(city) if city is not None else "",
            number=request.GET.get("number", "")[:50], day=timezone.localdate(),
        )  # fmt: skip
        return document_response(f"热线通报-{month}", content, request.GET["format"])
    return render(
        request,
        "hotline/stats.html",
        {
            "month": month,
            "month_label": month_label(month),
            "by": by,
            "by_choices": list(BY_LABELS.items()),
            "rank_by": rank_by,
            "rows": grouped.rows,
            "ranked": ranked,
            "topic": month_topic(orders, month),
            "orders": sum(r.orders for r in total.rows),
            "is_dispatcher": dispatcher_city(request.user) is not None,
            "can_assign": assigning_city(request) is not None,
            "weights": _shares(rules.rank_weights),
            "min_n": rules.rank_min_n,
            "beside": beside_poll(orders, _city_of(request), month),
        },
    )


def _shares(weights: Mapping[str, float]) -> dict[str, str]:
    """The ranking's weights as shares of one (0.1, 0.45 …) for the page's formula."""
    total = sum(weights.values()) or 1.0
    return {k: f"{v / total:.4g}" for k, v in weights.items()}


def _city_of(request: HttpRequest) -> Region | None:
    """The city whose poll sits beside its complaints: the user's own city."""
    scope = user_scope(request.user)
    region = scope.region or (scope.organisation.region if scope.organisation else None)
    if region is None:
        return None
    return region.city or (region if region.level == 2 else None)


def _in_page_language(error: CellError) -> CellError:
    """A file's problem as the page shows it: the half of a "中文 / English" message in the
    page's language."""
    chinese, _, english = error.message.partition(" / ")
    shown = (english or chinese) if translation.get_language() == "en" else chinese
    return dataclasses.replace(error, message=shown)


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    """The dispatchers' settings of their city: deadline rules (JSON), the category table and
    imports of the platform's export."""
    city = require_dispatcher(request.user)
    stored = Rules.objects.filter(city=city).first()
    text = json.dumps(city_rules(city).as_json(), ensure_ascii=False, indent=2)
    error = ""
    errors: list[CellError] = []
    if request.method == "POST":
        what = request.POST.get("what", "")
        upload = request.FILES.get("file")
        if what == "train":
            run = job_start(
                owner=request.user, kind="hotline.router",
                title=_("训练%(city)s热线派单模型") % {"city": city.name},
                task=train_router, city_id=city.pk, user_id=request.user.pk,
            )  # fmt: skip
            return redirect("job_detail", run_id=run.pk)
        if what == "routing":
            routing = request.POST.get("routing", "")
            try:
                routing_rules_save(actor=request.user, city=city, data=json.loads(routing))
            except (ValueError, RuleError) as exc:
                error = str(exc) if isinstance(exc, RuleError) else _("规则不是有效的 JSON")
            else:
                messages.success(request, _("已保存派单规则"))
                return redirect("hotline_settings")
        elif what == "rules":
            text = request.POST.get("rules", "")
            try:
                rules_save(actor=request.user, city=city, data=json.loads(text))
            except (ValueError, RulesError) as exc:
                error = str(exc) if isinstance(exc, RulesError) else _("规则不是有效的 JSON")
            else:
                messages.success(request, _("已保存期限规则"))
                return redirect("hotline_settings")
        elif isinstance(upload, UploadedFile):
            if upload.size and upload.size > MAX_UPLOAD:
                errors = [CellError("", 0, "", _("文件超过 50 MB"))]
            else:
                try:
                    if what == "categories":
                        n = categories_import(upload.read(), filename=upload.name or "分类.csv",
                                              actor=request.user, city=city)  # fmt: skip
                        messages.success(request, _("已读入 %(n)s 个分类") % {"n": n})
                    else:
                        report = import_orders(
                            upload.read(), filename=upload.name or "工单.csv",
                            actor=request.user, city=city,
                            create_missing=bool(request.POST.get("create_missing")),
                        )  # fmt: skip
                        messages.success(
                            request,
                            _("已导入：新增 %(new)s 张，更新 %(old)s 张")
                            % {"new": report.created, "old": report.updated},
                        )
                except TableError as exc:
                    errors = [_in_page_language(e) for e in exc.errors]
                else:
                    return redirect("hotline_settings")
        else:
            error = _("请选择文件")
    return render(
        request,
        "hotline/settings.html",
        {
            "city": city,
            "text": text,
            "stored": stored,
            "error": error,
            "errors": errors[:200],
            "more": max(len(errors) - 200, 0),
            "routing": json.dumps(
                rules_as_json(city_rules_routing(city)), ensure_ascii=False, indent=2
            ),
            "model": model_facts(city),
        },
        status=400 if error or errors else 200,
    )
