"""Who sees and acts on supervision tasks (built on ``accounts.access``).

- The quality office sees its region's plans and tasks, creates tasks (by hand, from a plan,
  from a finding) and accepts or returns reports; admins everything.
- Leaders read their region's tasks; a region officer (county, township) reads the tasks of its
  subtree.
- A unit (department, county or township government) reports on the tasks it carries out and
  asks for more time; a lead unit also sees its responsible units' sub-tasks and accepts or
  returns their reports (``can_decide``) before reporting up.
- A machine client with ``supervision:read`` reads its region's tasks and acts on none.
- Window staff, vendors, other cities and anonymous users see nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from minsheng.accounts.access import office_region, require_signed_in, user_scope
from minsheng.accounts.models import ApiClient, ApiScope, Role
from minsheng.orgs.models import OrgKind, Region
from minsheng.supervision.models import Task, TaskState

# Organisations that carry tasks (service centres and vendors do not).
UNIT_KINDS = (OrgKind.GOVERNMENT, OrgKind.DEPARTMENT, OrgKind.QUALITY_OFFICE)
READERS = frozenset({Role.QUALITY_OFFICE, Role.LEADER, Role.REGION_OFFICER})
UNITS = frozenset({Role.DEPARTMENT_REPORTER, Role.REGION_OFFICER})


def tasks_visible(user: Any) -> QuerySet[Task]:
    require_signed_in(user)
    scope = user_scope(user)
    tasks = Task.objects.select_related("unit", "region", "plan", "parent")
    if scope.everything:
        return tasks
    if isinstance(user, ApiClient):  # a dashboard with supervision:read reads its region
        if scope.region is None or ApiScope.READ_SUPERVISION not in user.scopes:
            return tasks.none()
        return tasks.filter(**scope.region.subtree_filter("region__"))
    role = getattr(user, "role", None)
    seen = Q(pk__in=[])
    if scope.region is not None and role in READERS:
        seen |= Q(**scope.region.subtree_filter("region__"))
    org = scope.organisation
    if org is not None and role in UNITS:
        seen |= Q(unit=org) | Q(leads=org) | Q(parent__leads=org)
    return tasks.filter(seen).distinct()


def access_task(user: Any, task_id: int) -> Task:
    task = Task.objects.filter(pk=task_id).first()
    if task is None:
        raise Http404("no such task")
    if not tasks_visible(user).filter(pk=task.pk).exists():
        raise PermissionDenied("task outside the user's scope")
    return task


def can_manage(user: Any, task: Task) -> bool:
    try:
        root = office_region(user)
    except (PermissionDenied, Http404):
        return False
    return Region.objects.filter(pk=task.region_id, **root.subtree_filter()).exists()


def can_report(user: Any, task: Task) -> bool:
    scope = user_scope(user)
    return (
        scope.organisation is not None
        and task.unit_id == scope.organisation.pk
        and getattr(user, "role", None) in UNITS
        and task.state in (TaskState.ASSIGNED, TaskState.RETURNED)
    )


def can_extend(user: Any, task: Task) -> bool:
    """The unit asks for more time on a task it is still doing."""
    return can_report(user, task)


def can_assign_tasks(user: Any) -> bool:
    """The quality office (and admins) turn findings into tasks."""
    try:
        office_region(user)
    except (PermissionDenied, Http404):
        return False
    return True


def leads_parent(user: Any, task: Task) -> bool:
    """The user works for a lead unit of the task's parent (the unit that consolidates)."""
    scope = user_scope(user)
    return (
        task.parent_id is not None
        and scope.organisation is not None
        and getattr(user, "role", None) in UNITS
        and Task.leads.through.objects.filter(
            task_id=task.parent_id, organisation_id=scope.organisation.pk
        ).exists()
    )


def can_decide(user: Any, task: Task) -> bool:
    """A responsible unit's report is accepted or returned by its lead unit (or the office); a
    lead unit's consolidated report, and any other task's, by the office."""
    return can_manage(user, task) or leads_parent(user, task)
