"""Finding the departments, centres, windows, staff and service items a rating names — by key,
code, number or name, within one city — and, when asked, creating the missing ones."""

from __future__ import annotations

import hashlib
import re

from django.db.models import Max

from minsheng.orgs.models import CentreLevel, Organisation, OrgKind, Region, Staff, Window
from minsheng.reviews.models import ServiceItem

_WINDOW_NUMBER = re.compile(r"^(\d{1,4})\s*(号|号窗口)?$")


def _key(prefix: str, text: str) -> str:
    return f"{prefix}-{hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:12]}"


class Directory:
    """Lookups cached for one import or batch; ``created`` counts what was created."""

    def __init__(self, city: Region | None, *, create_missing: bool = False) -> None:
        self.city = city
        self.create_missing = create_missing and city is not None
        orgs = Organisation.objects.filter(is_active=True)
        if city is not None:
            orgs = orgs.filter(**city.subtree_filter("region__"))
        self._departments: dict[str, Organisation] = {}
        self._centres: dict[str, Organisation] = {}
        for org in orgs.exclude(kind=OrgKind.VENDOR):
            table = self._centres if org.kind == OrgKind.SERVICE_CENTRE else self._departments
            table.setdefault(org.key, org)
            table.setdefault(org.name, org)
        self._windows: dict[int, dict[str, Window]] = {}
        self._staff: dict[int, dict[str, Staff]] = {}
        self._items: dict[str, ServiceItem] = {}
        for item in ServiceItem.objects.all():
            self._items.setdefault(item.code, item)
            self._items.setdefault(item.name, item)
        self.created: dict[str, int] = {}

    def allow(self, org: Organisation) -> None:
        """Let ``org`` be named as a handling department (e.g. a centre for its own windows)."""
        self._departments.setdefault(org.key, org)

    def _made(self, what: str) -> None:
        self.created[what] = self.created.get(what, 0) + 1

    def department(self, text: str) -> Organisation | None:
        found = self._departments.get(text)
        if found is None and self.create_missing and self.city is not None:
            found = Organisation.objects.create(
                key=_key("dept", f"{self.city.code}:{text}"),
                name=text,
                kind=OrgKind.DEPARTMENT,
                region=self.city,
            )
            self._departments[text] = found
            self._made("department")
        return found

    def centre(self, text: str) -> Organisation | None:
        found = self._centres.get(text)
        if found is None and self.create_missing and self.city is not None:
            found = Organisation.objects.create(
                key=_key("centre", f"{self.city.code}:{text}"),
                name=text,
                kind=OrgKind.SERVICE_CENTRE,
                region=self.city,
                centre_level=CentreLevel.CITY,
            )
            self._centres[text] = found
            self._made("centre")
        return found

    def window(self, centre: Organisation, text: str) -> Window | None:
        if not text:
            return None
        table = self._windows.get(centre.pk)
        if table is None:
            table = {}
            for w in Window.objects.filter(centre=centre):
                table.setdefault(str(w.number), w)
                table.setdefault(w.name, w)
            self._windows[centre.pk] = table
        match = _WINDOW_NUMBER.match(text)
        found = table.get(match.group(1) if match else text)
        if found is None and self.create_missing:
            if match:
                number = int(match.group(1))
            else:
                top = Window.objects.filter(centre=centre).aggregate(m=Max("number"))["m"] or 0
                number = top + 1
            found = Window.objects.create(
                centre=centre, number=number, name=text if not match else f"{number}号窗口"
            )
            table[str(number)] = table[text] = found
            self._made("window")
        return found

    def staff(self, centre: Organisation, text: str) -> Staff | None:
        if not text:
            return None
        table = self._staff.get(centre.pk)
        if table is None:
            table = {}
            for s in Staff.objects.filter(centre=centre):
                table.setdefault(s.staff_no, s)
                table.setdefault(s.name, s)
            self._staff[centre.pk] = table
        found = table.get(text)
        if found is None:
            other = Staff.objects.filter(staff_no=text).first()
            if other is not None and other.centre_id == centre.pk:
                found = other
        if found is None and self.create_missing:
            found = Staff.objects.create(
                centre=centre, staff_no=_key("s", f"{centre.pk}:{text}"), name=text[:50]
            )
            table[text] = found
            self._made("staff")
        return found

    def service_item(self, text: str, department: Organisation) -> ServiceItem | None:
        if not text:
            return None
        found = self._items.get(text)
        if found is None and self.create_missing:
            found = ServiceItem.objects.create(
                code=_key("item", text), name=text[:200], department=department
            )
            self._items[text] = found
            self._made("service_item")
        return found
