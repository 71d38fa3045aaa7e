"""Poll results over REST, with the results page's gates and numbers:
``GET /api/polls`` (the rounds the caller may read) and ``GET /api/polls/{id}/results``
(overall score, regions with intervals and ranks, items, fields, the satisfaction rate against
its target). People in a results role read as on the page (a county officer its own rows);
machine clients need ``polls:read`` and read their organisation's region subtree."""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from ninja import Router, Schema

from minsheng.accounts.access import regions_visible
from minsheng.accounts.models import ApiClient, ApiScope
from minsheng.api.auth import caller
from minsheng.api.schemas import ErrorOut
from minsheng.orgs.models import Region, RegionLevel
from minsheng.polls.access import can_read_results, polls_visible
from minsheng.polls.models import Poll
from minsheng.polls.results import LEVELS, PollResults, poll_results

router = Router(tags=["polls"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class PollOut(Schema):
    id: int
    name: str
    round: str
    region_code: str
    region: str
    state: str
    state_label: str
    previous_id: int | None


class EstimateOut(Schema):
    score: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    n: int


class RegionResultOut(Schema):
    code: str
    name: str
    n: int
    score: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    satisfied: float | None  # share 基本满意 or better, 0–1
    rank: int | None
    rank_low: int | None  # 5 % quantile of the bootstrap ranks
    rank_high: int | None  # 95 %
    ranked: bool  # False: fewer respondents than the poll's minimum
    previous_score: float | None
    change: float | None
    change_significant: bool | None


class ItemResultOut(Schema):
    code: str
    text: str
    domain: str
    department: str
    score: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    importance: float | None
    quadrant: str | None


class FieldResultOut(Schema):
    name: str
    items: int
    score: float | None
    ci_low: float | None
    ci_high: float | None


class TargetOut(Schema):
    target: float  # the poll's target satisfaction rate, 0–1
    rate: float | None
    verdict: str  # met / missed / undecided: the whole 95 % interval above, below, or across


class ResultsOut(Schema):
    poll: PollOut
    level: str
    n: int
    overall: EstimateOut | None
    satisfied: EstimateOut | None
    target: TargetOut | None
    regions: list[RegionResultOut]
    items: list[ItemResultOut]
    fields: list[FieldResultOut]
    method: str


def _num(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _visible(principal: Any) -> tuple[QuerySet[Poll], set[str]]:
    """The polls the caller may read results of, and the region codes whose rows it sees."""
    if isinstance(principal, ApiClient):
        if ApiScope.READ_POLLS not in principal.scopes:
            raise PermissionDenied("this client lacks the scope 'polls:read'")
        region = principal.organisation.region
        above = [pk for pk in (region.province_id, region.city_id, region.county_id) if pk]
        polls = Poll.objects.select_related("region").filter(
            Q(**region.subtree_filter("region__")) | Q(region_id__in=above)
        )
        codes = set(Region.objects.filter(**region.subtree_filter()).values_list("code", flat=True))
        return polls, codes
    if not can_read_results(principal):
        raise PermissionDenied("poll results are for the quality office, leaders and officers")
    return polls_visible(principal), set(regions_visible(principal).values_list("code", flat=True))


def _poll_out(poll: Poll) -> PollOut:
    return PollOut(
        id=poll.pk,
        name=poll.name,
        round=poll.round,
        region_code=poll.region.code,
        region=poll.region.name,
        state=poll.state,
        state_label=str(poll.get_state_display()),
        previous_id=poll.previous_id,
    )


@router.get("", response={200: list[PollOut], **ERRORS})
def poll_list(request: HttpRequest) -> list[PollOut]:
    """The rounds whose results the caller may read, newest first."""
    polls, _codes = _visible(caller(request))
    return [_poll_out(p) for p in polls.order_by("-round", "-pk")]


@router.get("/{poll_id}/results", response={200: ResultsOut, **ERRORS})
def poll_results_api(
    request: HttpRequest, poll_id: int, level: str = "county", county: str | None = None
) -> ResultsOut:
    """The results page's numbers. ``level``: county or township; ``county``: a county's code
    for its townships and its own scores (the page's drill-down)."""
    polls, codes = _visible(caller(request))
    poll = polls.filter(pk=poll_id).first()
    if poll is None:
        if Poll.objects.filter(pk=poll_id).exists():
            raise PermissionDenied("poll outside the caller's scope")
        raise Http404("no such poll")
    if level not in LEVELS:
        raise Http404("unknown level: county or township")
    if county is not None:
        if county not in codes:
            raise PermissionDenied("county outside the caller's scope")
        if not Region.objects.filter(code=county, level=RegionLevel.COUNTY).exists():
            raise Http404("no such county")
        level = "township"
    return _results_out(poll_results(poll, level, codes, county))


def _estimate(value: Any) -> EstimateOut | None:
    if value is None:
        return None
    return EstimateOut(
        score=_num(value.estimate),
        se=_num(value.se),
        ci_low=_num(value.ci_low),
        ci_high=_num(value.ci_high),
        n=value.n,
    )


def _results_out(results: PollResults) -> ResultsOut:
    poll = results.poll
    return ResultsOut(
        poll=_poll_out(results.poll),
        level=results.level,
        n=results.n,
        overall=_estimate(results.overall),
        satisfied=_estimate(results.satisfied),
        target=TargetOut(
            target=poll.target_rate,
            rate=_num(results.satisfied.estimate) if results.satisfied is not None else None,
            verdict=results.target,
        )
        if results.target is not None and poll.target_rate is not None
        else None,
        regions=[
            RegionResultOut(
                code=r.code,
                name=r.name,
                n=r.n,
                score=_num(r.score),
                se=_num(r.se),
                ci_low=_num(r.ci_low),
                ci_high=_num(r.ci_high),
                satisfied=_num(r.satisfied),
                rank=r.rank.rank,
                rank_low=r.rank.low,
                rank_high=r.rank.high,
                ranked=r.rank.ranked,
                previous_score=_num(r.previous_score),
                change=_num(r.change.difference) if r.change is not None else None,
                change_significant=r.change.significant if r.change is not None else None,
            )
            for r in results.rows
        ],
        items=[
            ItemResultOut(
                code=i.code,
                text=i.text,
                domain=i.domain,
                department=i.department,
                score=_num(i.score),
                se=_num(i.se),
                ci_low=_num(i.ci_low),
                ci_high=_num(i.ci_high),
                importance=_num(i.importance),
                quadrant=i.quadrant or None,
            )
            for i in results.items
        ],
        fields=[
            FieldResultOut(
                name=f.name,
                items=f.items,
                score=_num(f.score),
                ci_low=_num(f.ci_low),
                ci_high=_num(f.ci_high),
            )
            for f in results.fields
        ],
        method=results.method,
    )
