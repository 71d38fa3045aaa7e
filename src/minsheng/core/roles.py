"""Roles, organisation kinds, and which role fits which kind of organisation.

The roles are those of DESIGN.md ("Who uses it"). A user holds one role in one organisation; the
role must fit the organisation (a department's user reports for it, a service centre's user is
window staff), which ``ROLE_FITS`` states and ``role_fits`` checks.
"""

from __future__ import annotations

from enum import StrEnum


class OrgKind(StrEnum):
    GOVERNMENT = "government"
    DEPARTMENT = "department"
    QUALITY_OFFICE = "quality_office"
    SERVICE_CENTRE = "service_centre"
    VENDOR = "vendor"
    HOTLINE = "hotline"  # the city's 12345 hotline centre


class Role(StrEnum):
    """The roles of DESIGN.md ("Who uses it")."""

    ADMIN = "admin"
    QUALITY_OFFICE = "quality_office"
    DEPARTMENT_REPORTER = "department_reporter"
    REGION_OFFICER = "region_officer"
    WINDOW_STAFF = "window_staff"
    SURVEY_VENDOR = "survey_vendor"
    LEADER = "leader"
    DISPATCHER = "dispatcher"  # 热线派单员 at the hotline centre


ROLE_FITS: dict[Role, frozenset[OrgKind]] = {
    Role.ADMIN: frozenset(OrgKind),
    Role.QUALITY_OFFICE: frozenset({OrgKind.QUALITY_OFFICE}),
    Role.LEADER: frozenset({OrgKind.GOVERNMENT}),
    Role.REGION_OFFICER: frozenset({OrgKind.GOVERNMENT}),
    Role.DEPARTMENT_REPORTER: frozenset({OrgKind.DEPARTMENT}),
    Role.WINDOW_STAFF: frozenset({OrgKind.SERVICE_CENTRE}),
    Role.SURVEY_VENDOR: frozenset({OrgKind.VENDOR}),
    Role.DISPATCHER: frozenset({OrgKind.HOTLINE}),
}


def role_fits(role: Role, kind: OrgKind) -> bool:
    """Whether a user of ``role`` may belong to an organisation of ``kind``."""
    return kind in ROLE_FITS[role]
