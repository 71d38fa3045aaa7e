"""Reading inspections: a round's report (pass rates by item and by site, worst sites, repeated
findings — ``core.inspect.report``), the visits an inspector has to do, and each unit's
inspection figures for the assessment."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from minsheng.core.inspect.checklist import FAIL, parse_items
from minsheng.core.inspect.report import RoundReport, VisitRecord, round_report
from minsheng.inspections.models import Plan, Visit, VisitState
from minsheng.orgs.models import Region


def _stratum(visit: Visit) -> str:
    region = visit.site.region
    return region.county.name if region.county is not None else region.name


def plan_visits(plan: Plan) -> QuerySet[Visit]:
    return plan.visits.select_related(
        "site", "site__region", "site__region__county", "inspector"
    ).order_by("site__region__code", "site__name")


def earlier_fails_of(visits: list[Visit]) -> dict[int, frozenset[str]]:
    """For each visit (by pk): the item codes failed at its site on earlier submitted visits
    (in one query for the round)."""
    sites = {v.site_id for v in visits}
    history: dict[int, list[tuple[Any, dict[str, str]]]] = defaultdict(list)
    rows = Visit.objects.filter(site_id__in=sites, state=VisitState.SUBMITTED).values_list(
        "site_id", "visited_at", "results"
    )
    for site_id, moment, results in rows:
        history[site_id].append((moment, results or {}))
    out: dict[int, frozenset[str]] = {}
    for visit in visits:
        codes: set[str] = set()
        if visit.visited_at is not None:
            for moment, results in history[visit.site_id]:
                if moment is not None and moment < visit.visited_at:
                    codes |= {c for c, mark in results.items() if mark == FAIL}
        out[visit.pk] = frozenset(codes)
    return out


def plan_report(plan: Plan) -> tuple[RoundReport, list[Visit]]:
    """The round's figures over its submitted visits, and all its visits."""
    visits = list(plan_visits(plan))
    done = [v for v in visits if v.state == VisitState.SUBMITTED]
    earlier = earlier_fails_of(done)
    records = [
        VisitRecord(str(v.pk), v.site.name, _stratum(v), v.results, earlier[v.pk]) for v in done
    ]
    return round_report(parse_items(plan.items), records), visits


def unit_figures(units: list[Region], period: str) -> dict[str, tuple[float, int]]:
    """{unit code: (mean visit score, findings)} over the submitted visits of rounds counting
    for ``period`` at sites in each unit's subtree."""
    out: dict[str, tuple[float, int]] = {}
    for unit in units:
        visits = Visit.objects.filter(
            state=VisitState.SUBMITTED, plan__period=period, score__isnull=False,
            **unit.subtree_filter("site__region__"),
        ).values_list("score", "results")  # fmt: skip
        scores = [(float(s or 0), sum(1 for m in r.values() if m == FAIL)) for s, r in visits]
        if scores:
            mean = sum(s for s, _ in scores) / len(scores)
            out[unit.code] = (mean, sum(n for _, n in scores))
    return out
