"""Ratings given by citizens on the platform's own pages: the QR page of a window and the
window tablet (kiosk). The page carries no pre-selected level; a per-page token makes a double
submit a duplicate; limits per device and per address stop floods (counted in the database, so
they hold across server processes)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils import timezone

from minsheng.core.ratings.records import RatingRecord
from minsheng.core.ratings.vocabulary import Channel, Source
from minsheng.orgs.models import Organisation, Staff, Window
from minsheng.reviews.models import CaseState, Rating, ServiceItem, WindowDepartment
from minsheng.reviews.services.contact import decrypt
from minsheng.reviews.services.directory import Directory
from minsheng.reviews.services.ingest import ItemResult, ingest

WINDOW_SALT = "minsheng.reviews.window"
LIMIT_WINDOW = dt.timedelta(minutes=10)
DEVICE_LIMIT = 5  # ratings per device per 10 minutes
ADDRESS_LIMIT = 30  # per network address per 10 minutes (a centre's shared Wi-Fi)


def window_token(window: Window) -> str:
    return signing.dumps(window.pk, salt=WINDOW_SALT, compress=True)


def window_from_token(token: str) -> Window | None:
    try:
        pk = signing.loads(token, salt=WINDOW_SALT)
    except signing.BadSignature:
        return None
    return Window.objects.select_related("centre", "centre__region").filter(pk=pk).first()


def digest(text: str) -> str:
    if not text:
        return ""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{text}".encode()).hexdigest()[:32]


def rate_limited(device: str, ip_hash: str) -> bool:
    since = timezone.now() - LIMIT_WINDOW
    recent = Rating.objects.filter(received_at__gte=since)
    if device and recent.filter(device=device).count() >= DEVICE_LIMIT:
        return True
    return bool(ip_hash) and recent.filter(ip_hash=ip_hash).count() >= ADDRESS_LIMIT


def handling_department(window: Window, item: ServiceItem | None) -> Organisation:
    if item is not None and item.department is not None:
        return item.department
    link = WindowDepartment.objects.filter(window=window).select_related("department").first()
    return link.department if link is not None else window.centre


@dataclass(frozen=True, slots=True)
class CitizenRating:
    case_no: str
    level: int
    reasons: tuple[str, ...]
    comment: str
    contact: str
    item: ServiceItem | None
    page_token: str  # one per page load: a double submit is a duplicate


def submit(
    window: Window,
    rating: CitizenRating,
    *,
    channel: Channel,
    device: str,
    ip_hash: str,
    staff: Staff | None = None,
) -> ItemResult:
    department = handling_department(window, rating.item)
    record = RatingRecord(
        0,
        rating.case_no,
        rating.item.code if rating.item is not None else "",
        department.key,
        window.centre.key,
        str(window.number),
        staff.staff_no if staff is not None else "",
        channel,
        rating.level,
        rating.reasons,
        rating.comment,
        Source.ACTIVE,
        timezone.now(),
        contact=rating.contact,
        idempotency_key=f"page:{rating.page_token}" if rating.page_token else "",
        device=device,
        ip_hash=ip_hash,
    )
    region = window.centre.region
    city = region.city if region.city is not None else region
    directory = Directory(city)
    # The centre itself may be the handling organisation (a window of no department).
    directory.allow(department)
    (result,) = ingest([record], directory=directory, actor_label="citizen")
    return result


@dataclass(frozen=True, slots=True)
class CaseStatus:
    case_no: str
    rated_at: Any
    state_label: str
    due: Any
    reply: str
    answered_at: Any


LOOKUPS_PER_WINDOW = 10  # status look-ups per address per ten minutes (four digits are few)
_LOOKUP_WINDOW = 600


def status_lookup_allowed(ip_hash: str) -> bool:
    """Count this look-up; False once the address made too many lately (per process)."""
    key = f"minsheng:case-lookup:{ip_hash}"
    if cache.add(key, 1, _LOOKUP_WINDOW):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, _LOOKUP_WINDOW)
        return True
    return count <= LOOKUPS_PER_WINDOW


def case_status(case_no: str, phone_tail: str) -> CaseStatus | None:
    """The citizen's own bad-rating case: found by its case number and the last four digits of
    the phone number they left (compared after decryption); None when nothing matches."""
    tail = "".join(ch for ch in phone_tail if ch.isdigit())
    if len(tail) != 4 or not case_no.strip():
        return None
    for rating in (
        Rating.objects.filter(case_no=case_no.strip()[:64], is_follow_up=False)
        .exclude(contact_cipher="")
        .select_related("case")
    ):
        digits = "".join(ch for ch in decrypt(rating.contact_cipher) if ch.isdigit())
        case = getattr(rating, "case", None)
        if case is not None and digits.endswith(tail):
            return CaseStatus(
                rating.case_no,
                rating.rated_at,
                str(CaseState(case.state).label),
                case.verify_due if case.state == CaseState.OPEN else case.rectify_due,
                case.reply if case.state in (CaseState.ANSWERED, CaseState.CLOSED) else "",
                case.answered_at,
            )
    return None
