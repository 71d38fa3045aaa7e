"""我的待办: one list per user across capabilities — a unit's supervision tasks, a department's
bad-rating cases and forms, the office's reports to decide and forms to review — counted in the
navigation, sorted by due date with overdue rows marked, and nothing of anyone else's."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse

from minsheng.indicators.models import Submission, SubmissionState
from minsheng.reviews.models import CaseState, RectificationCase
from minsheng.supervision.models import Task, TaskState
from tests.conftest import City


def _todo(city: City, user: str, **params: str):  # type: ignore[no-untyped-def]
    response = city.client(user).get(reverse("todo"), params)
    assert response.status_code == 200, user
    return response


def test_a_county_sees_its_own_tasks_due_first_and_overdue_marked(city: City) -> None:
    county_gov = city.users["county"].organisation
    mine = Task.objects.filter(unit=county_gov, state__in=[TaskState.ASSIGNED, TaskState.RETURNED])
    assert mine.exists()
    first = mine.order_by("pk").first()
    assert first is not None
    Task.objects.filter(pk=first.pk).update(due=dt.date(2020, 1, 1))
    page = _todo(city, "county")
    rows = page.context["rows"]
    assert page.context["total"] == mine.count()
    assert rows[0][0].url == reverse("supervision_task", args=[first.pk]) and rows[0][1] is True
    dues = [item.due for item, _ in rows if item.due is not None]
    assert dues == sorted(dues)
    assert all(reverse("supervision_task", args=[t.pk]) in {i.url for i, _ in rows} for t in mine)
    body = page.content.decode()
    assert 'data-overdue="1"' in body and "已超期" in body
    # The count in the navigation bar is the same on every page.
    home = city.client("county").get(reverse("home")).content.decode()
    assert f'data-testid="todo-count">{mine.count()}<' in home
    # Another county's tasks are not in it.
    other = Task.objects.filter(unit=city.users["other_county"].organisation)
    assert other.exists() and not {reverse("supervision_task", args=[t.pk]) for t in other} & {
        i.url for i, _ in rows
    }


def test_a_department_sees_its_cases_and_forms(city: City) -> None:
    department = city.users["reporter"].organisation
    acting = RectificationCase.objects.filter(
        department=department, state__in=[CaseState.OPEN, CaseState.VERIFYING, CaseState.RECTIFYING]
    )
    page = _todo(city, "reporter")
    kinds = {k: n for k, _label, n in page.context["kinds"]}
    assert kinds.get("cases", 0) == acting.count()
    assert "forms" in kinds  # the demo leaves the running quarter to fill in
    cases_only = _todo(city, "reporter", kind="cases")
    urls = {i.url for i, _ in cases_only.context["rows"]}
    assert urls == {reverse("review_case", args=[c.pk]) for c in acting[:300]}


def test_the_office_sees_what_it_must_decide(city: City) -> None:
    # Reports no lead unit consolidates (a lead unit decides its counties' own).
    reported = Task.objects.filter(
        Q(parent=None) | Q(parent__leads=None), state=TaskState.REPORTED
    ).distinct()
    submitted = Submission.objects.filter(state=SubmissionState.SUBMITTED)
    page = _todo(city, "quality")
    kinds = {k: n for k, _label, n in page.context["kinds"]}
    assert kinds.get("tasks", 0) == reported.count() > 0
    assert kinds.get("forms", 0) == submitted.count()
    # Another city's office has nothing of ours; anonymous signs in; a kind that does not exist.
    assert _todo(city, "other_quality").context["total"] == 0
    assert city.client(None).get(reverse("todo")).status_code == 302
    assert city.client("quality").get(reverse("todo"), {"kind": "nope"}).status_code == 404
    assert _todo(city, "vendor").context["total"] == 0
