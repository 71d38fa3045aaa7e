"""Who hears about a task, and what they are told. Every message goes through the one
notification service (``notify.services.notify``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.urls import reverse

from minsheng.accounts.models import Role, User
from minsheng.core.workdays.calendar import chinese_date
from minsheng.notify.models import Kind
from minsheng.notify.services import notify
from minsheng.orgs.models import Region
from minsheng.supervision.models import Task

UNIT_ROLES = (Role.DEPARTMENT_REPORTER, Role.REGION_OFFICER)


def unit_people(org_ids: Iterable[int]) -> dict[int, list[User]]:
    people: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(
        organisation_id__in=set(org_ids), role__in=UNIT_ROLES, is_active=True
    ):
        if user.organisation_id is not None:
            people[user.organisation_id].append(user)
    return people


def region_people(region_ids: Iterable[int], role: str) -> dict[int, list[User]]:
    """For each region, the users of ``role`` in it or above it (the office of the city sees
    its counties' tasks)."""
    regions = Region.objects.filter(pk__in=set(region_ids))
    lineage = {r.pk: r.lineage_ids() for r in regions}
    everyone = list(
        User.objects.filter(
            role=role,
            is_active=True,
            organisation__region_id__in={i for ids in lineage.values() for i in ids},
        ).select_related("organisation")
    )
    return {
        rid: [u for u in everyone if u.organisation and u.organisation.region_id in ids]
        for rid, ids in lineage.items()
    }


def task_url(task: Task) -> str:
    return reverse("supervision_task", args=[task.pk])


def _summary(tasks: list[Task], limit: int = 5) -> str:
    lines = []
    for t in tasks[:limit]:
        when = getattr(t, "deadline", None) or t.due  # the sweep's next deadline, when it has one
        lines.append(
            f"· {t.number} {t.title}".replace("  ", " ")
            + (f"（{chinese_date(when)}前）" if when else "")
        )
    if len(tasks) > limit:
        lines.append(f"……等 {len(tasks)} 项")
    return "\n".join(lines)


def tell_units(tasks: list[Task], kind: str, title: str) -> int:
    """One message per unit user over that unit's tasks (a plan of 100 tasks is one message
    per person, not 100)."""
    by_unit: dict[int, list[Task]] = defaultdict(list)
    for task in tasks:
        by_unit[task.unit_id].append(task)
    people = unit_people(by_unit)
    sent = 0
    for unit_id, own in by_unit.items():
        url = task_url(own[0]) if len(own) == 1 else reverse("supervision_tasks")
        sent += notify(people.get(unit_id, []), kind, title, _summary(own), url)
    return sent


def tell_region(tasks: list[Task], role: str, kind: str, title: str) -> int:
    """One message per user of ``role`` (office, leaders) over the tasks in their region."""
    people = region_people({t.region_id for t in tasks}, role)
    mine: dict[int, tuple[User, list[Task]]] = {}
    for task in tasks:
        for user in people.get(task.region_id, []):
            mine.setdefault(user.pk, (user, []))[1].append(task)
    # People with the same tasks (an office's staff) get one call, so their group robot posts
    # the message once.
    groups: dict[tuple[int, ...], tuple[list[User], list[Task]]] = {}
    for user, own in mine.values():
        groups.setdefault(tuple(t.pk for t in own), ([], own))[0].append(user)
    sent = 0
    for users, own in groups.values():
        url = task_url(own[0]) if len(own) == 1 else reverse("supervision_tasks")
        sent += notify(users, kind, title, _summary(own), url)
    return sent


def tell_assigned(tasks: list[Task]) -> int:
    return tell_units(tasks, Kind.TASK_ASSIGNED, "您有新的督办任务")


def tell_reported(task: Task) -> int:
    """A responsible unit's report goes to its lead unit, any other report to the office."""
    title = "督办任务已报送，请审核"
    if task.parent_id is not None:
        lead_ids = list(
            Task.leads.through.objects.filter(task_id=task.parent_id).values_list(
                "organisation_id", flat=True
            )
        )
        if lead_ids:
            people = [u for ids in unit_people(lead_ids).values() for u in ids]
            return notify(people, Kind.TASK_REPORTED, title, _summary([task]), task_url(task))
    return tell_region([task], Role.QUALITY_OFFICE, Kind.TASK_REPORTED, title)


def tell_decided(task: Task, accepted: bool, comment: str) -> int:
    title = "督办任务已办结" if accepted else "督办任务被退回，请重新办理"
    people = unit_people([task.unit_id]).get(task.unit_id, [])
    body = _summary([task]) + (f"\n意见：{comment}" if comment else "")
    return notify(people, Kind.TASK_DECIDED, title, body, task_url(task))


def tell_extension(task: Task, *, requested: bool, granted: bool = False, reason: str = "") -> int:
    if requested:
        return tell_region(
            [task], Role.QUALITY_OFFICE, Kind.EXTENSION, "有督办任务申请延期，请批复"
        )
    people = unit_people([task.unit_id]).get(task.unit_id, [])
    title = "延期申请已同意" if granted else "延期申请未同意"
    body = _summary([task]) + (f"\n意见：{reason}" if reason else "")
    return notify(people, Kind.EXTENSION, title, body, task_url(task))
