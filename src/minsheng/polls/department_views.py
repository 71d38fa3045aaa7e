"""A department's own poll results: the questionnaire items that rate it (政风行风), round by
round, with their scores, 95 % intervals and importance — read by the department's reporter,
who sees no other results page of the poll."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from minsheng.indicators.access import lead_department
from minsheng.orgs.models import Organisation
from minsheng.polls.models import Item, Poll, PollState
from minsheng.polls.results import ItemRow, poll_results

ROUNDS = 8  # the newest rounds shown


@dataclass(frozen=True, slots=True)
class DepartmentItem:
    poll: Poll
    row: ItemRow
    n: int


def department_polls(user: object) -> tuple[Organisation, list[Poll]]:
    """The reporter's department and the closed rounds (results published) of its region and
    the regions above whose questionnaire has an item rating it; refused to everyone else."""
    department: Organisation | None = lead_department(user)
    if department is None:
        raise PermissionDenied("only a department's reporter reads its own poll items")
    region = department.region
    chain = [pk for pk in (region.pk, region.province_id, region.city_id, region.county_id) if pk]
    rated = Item.objects.filter(organisation=department).values("questionnaire_id")
    polls = (
        Poll.objects.filter(region_id__in=chain, state=PollState.CLOSED, questionnaire_id__in=rated)
        .select_related("questionnaire", "region")
        .order_by("-round", "-pk")[:ROUNDS]
    )
    return department, list(polls)


@login_required
def department_items(request: HttpRequest) -> HttpResponse:
    department, polls = department_polls(request.user)
    rows: list[DepartmentItem] = []
    for poll in polls:
        codes = set(
            Item.objects.filter(
                questionnaire=poll.questionnaire, organisation=department
            ).values_list("code", flat=True)
        )
        results = poll_results(poll, "county", set())
        rows += [DepartmentItem(poll, r, results.n) for r in results.items if r.code in codes]
    return render(request, "polls/department.html", {"department": department, "rows": rows})
