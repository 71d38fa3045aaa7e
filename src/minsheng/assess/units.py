"""The units a scheme assesses: the child regions of its region (counties of a city, townships
of a county), or the region's own departments (市直部门). A unit is known by a code — the
region's code, or the department's key — that results, scores, adjustments and talks keep."""

from __future__ import annotations

from dataclasses import dataclass

from minsheng.assess.models import Scheme, UnitKind
from minsheng.orgs.models import Organisation, OrgKind, Region


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    region: Region  # the unit's own region; a department's: the scheme's region
    department: Organisation | None = None


def units_of(scheme: Scheme) -> list[Unit]:
    if scheme.units == UnitKind.DEPARTMENTS:
        return [
            Unit(o.key, o.name, scheme.region, o)
            for o in Organisation.objects.filter(
                region=scheme.region, kind=OrgKind.DEPARTMENT, is_active=True
            ).order_by("name")
        ]
    children = Region.objects.filter(parent=scheme.region).order_by("code")
    return [Unit(r.code, r.name, r) for r in children]


def unit_in(scheme: Scheme, code: str) -> Unit | None:
    """The scheme's unit with this code, if it is one."""
    if scheme.units == UnitKind.DEPARTMENTS:
        org = Organisation.objects.filter(
            key=code, region=scheme.region, kind=OrgKind.DEPARTMENT
        ).first()
        return Unit(org.key, org.name, scheme.region, org) if org is not None else None
    region = Region.objects.filter(code=code, parent=scheme.region).first()
    return Unit(region.code, region.name, region) if region is not None else None
