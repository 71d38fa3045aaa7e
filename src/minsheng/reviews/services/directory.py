"""Finding the departments, centres, windows, staff and service items a rating names — by key,
code, number or name, within one city — and, when asked, creating the missing ones."""

from __future__ import annotations

import hashlib
import re
import time
from typing import Any

from django.db.models import Max, Q

from minsheng.orgs.models import CentreLevel, Organisation, OrgKind, Region, Staff, Window
from minsheng.reviews.models import ServiceItem

_WINDOW_NUMBER = re.compile(r"^(\d{1,4})\s*(号|号窗口)?$")
SHARED_SECONDS = 60.0
# Lookups shared across requests by the API (a tablet posts the same centre all day); entries
# live a minute, so a renamed or closed organisation is seen within that time.
_SHARED: dict[tuple[object, ...], tuple[float, Any]] = {}


def _shared_get(key: tuple[object, ...]) -> Any:
    hit = _SHARED.get(key)
    if hit is not None and time.monotonic() - hit[0] < SHARED_SECONDS:
        return hit[1]
    return _MISSING


def _shared_put(key: tuple[object, ...], value: Any) -> None:
    if len(_SHARED) > 10_000:
        _SHARED.clear()
    _SHARED[key] = (time.monotonic(), value)


_MISSING = object()


def _key(prefix: str, text: str) -> str:
    return f"{prefix}-{hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:12]}"


class Directory:
    """Lookups cached for one import or batch; ``created`` counts what was created."""

    def __init__(
        self, city: Region | None, *, create_missing: bool = False, shared: bool = False
    ) -> None:
        self.city = city
        self.shared = shared and not create_missing
        self.create_missing = create_missing and city is not None
        self._orgs = Organisation.objects.filter(is_active=True).exclude(kind=OrgKind.VENDOR)
        if city is not None:
            self._orgs = self._orgs.filter(**city.subtree_filter("region__"))
        # Looked up on first use and remembered (a single API rating touches two or three).
        self._departments: dict[str, Organisation | None] = {}
        self._centres: dict[str, Organisation | None] = {}
        self._windows: dict[int, dict[str, Window]] = {}
        self._staff: dict[int, dict[str, Staff]] = {}
        self._items: dict[str, ServiceItem | None] = {}
        self.created: dict[str, int] = {}

    def _org(self, text: str, *, centre: bool) -> Organisation | None:
        table = self._centres if centre else self._departments
        key = ("org", self.city.pk if self.city else None, centre, text)
        if text not in table and self.shared:
            cached = _shared_get(key)
            if cached is not _MISSING:
                table[text] = cached
        if text not in table:
            kind = Q(kind=OrgKind.SERVICE_CENTRE) if centre else ~Q(kind=OrgKind.SERVICE_CENTRE)
            found = list(self._orgs.filter(kind, Q(key=text) | Q(name=text)).order_by("pk")[:2])
            by_key = [o for o in found if o.key == text]
            table[text] = by_key[0] if by_key else (found[0] if found else None)
            if self.shared:
                _shared_put(key, table[text])
        return table[text]

    def know_centre(self, centre: Organisation) -> None:
        """Remember a centre already at hand (an API client's own), by key and by name."""
        self._centres.setdefault(centre.key, centre)
        self._centres.setdefault(centre.name, centre)

    def allow(self, org: Organisation) -> None:
        """Let ``org`` be named as a handling department (e.g. a centre for its own windows)."""
        self._departments.setdefault(org.key, org)

    def _made(self, what: str) -> None:
        self.created[what] = self.created.get(what, 0) + 1

    def department(self, text: str) -> Organisation | None:
        found = self._org(text, centre=False) if text else None
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
        found = self._org(text, centre=True) if text else None
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
        if table is None and self.shared:
            cached = _shared_get(("windows", centre.pk))
            table = None if cached is _MISSING else cached
        if table is None:
            table = {}
            for w in Window.objects.filter(centre=centre):
                table.setdefault(str(w.number), w)
                table.setdefault(w.name, w)
            if self.shared:
                _shared_put(("windows", centre.pk), table)
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

    def service_item(self, text: str, department: Organisation | None) -> ServiceItem | None:
        if not text:
            return None
        if text not in self._items:
            self._items[text] = (
                ServiceItem.objects.filter(code=text).first()
                or ServiceItem.objects.filter(name=text).order_by("pk").first()
            )
        found = self._items[text]
        if found is None and self.create_missing:
            found = ServiceItem.objects.create(
                code=_key("item", text), name=text[:200], department=department
            )
            self._items[text] = found
            self._made("service_item")
        return found


def clear_shared() -> None:
    """Forget the shared lookups (tests start each database afresh)."""
    _SHARED.clear()
