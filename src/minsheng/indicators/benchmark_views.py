"""The page of provincial figures (对标值): the table for a period, its Excel export, and the
upload of the same workbook (all or nothing, every error located)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minsheng.core.index.benchmark_book import parse_benchmarks, parse_city_values
from minsheng.core.index.periods import Period
from minsheng.core.tabular import Table, TableError, read_table
from minsheng.indicators.access import benchmark_regions
from minsheng.indicators.benchmarks import (
    benchmark_lines,
    benchmark_sheet,
    benchmarks_import,
    city_value_lines,
    city_values_import,
    city_values_sheet,
    indicator_bounds,
    other_cities,
)
from minsheng.indicators.params import parse_period
from minsheng.indicators.selectors import open_period
from minsheng.orgs.models import Region, RegionLevel
from minsheng.web.downloads import sheets_response


def _chosen(request: HttpRequest) -> Period:
    raw = request.GET.get("period") or request.POST.get("period")
    return parse_period(raw) if raw else open_period()


@login_required
@require_http_methods(["GET", "POST"])
def benchmarks(request: HttpRequest) -> HttpResponse:
    period = _chosen(request)
    writable = request.method == "POST"
    province, city = benchmark_regions(request.user, write=writable)
    errors: list[str] = []
    upload = request.FILES.get("file")
    cities = request.POST.get("action") == "cities" or request.GET.get("sheet") == "cities"
    if request.method == "POST":
        try:
            if upload is None:
                raise TableError([])
            table = read_table(upload.read(), filename=upload.name or "benchmarks.xlsx")
            if cities:
                counts = _import_cities(request, city, table, upload.name or "")
            else:
                rows = parse_benchmarks(table, indicator_bounds())
                counts = benchmarks_import(
                    actor=request.user,
                    rows=rows,
                    province=province,
                    city=city,
                    note=f"benchmark import {upload.name}",
                )
        except TableError as exc:
            errors = [str(e) for e in exc.errors] or [_("请选择文件")]
        else:
            messages.success(
                request,
                _("已导入：新增 %(created)d，修改 %(updated)d，未变 %(unchanged)d。") % counts,
            )
            return redirect(f"{request.path}?period={period}")
    lines = benchmark_lines(province=province, city=city, period=period)
    if request.GET.get("format") == "xlsx" and cities and city is not None:
        sheet = city_values_sheet(city_value_lines(city=city, period=period))
        return sheets_response(f"{_('各市数值')}-{period}", [sheet])
    if request.GET.get("format") == "xlsx":
        return sheets_response(f"{_('对标值')}-{period}", [benchmark_sheet(lines, period)])
    can_write = True
    try:
        benchmark_regions(request.user, write=True)
    except PermissionDenied:  # a reader: the upload is not offered
        can_write = False
    return render(
        request,
        "indicators/benchmarks.html",
        {
            "lines": lines,
            "period": period,
            "periods": [period.previous().previous(), period.previous(), period, period.next()],
            "province": province,
            "city": city,
            "errors": errors,
            "filled": sum(1 for x in lines if x.average is not None),
            "can_write": can_write,
            "city_level": city is not None and city.level == RegionLevel.CITY,
            "can_review": can_write,
        },
        status=400 if errors else 200,
    )


def _import_cities(
    request: HttpRequest, city: Region | None, table: Table, name: str
) -> dict[str, int]:
    """The province's other cities' values (a city's quality office only)."""
    office = getattr(request.user, "organisation", None)
    if city is None or city.level != RegionLevel.CITY or office is None:
        raise PermissionDenied("other cities' values are imported by a city's quality office")
    rows = parse_city_values(
        table, other_cities(city), indicator_bounds(), own={city.code, city.name}
    )
    return city_values_import(
        actor=request.user, office=office, rows=rows, note=f"city values import {name}"
    )
