"""The one notification service. Apps call ``notify``; nothing else sends messages.

Every recipient gets an in-app message; each outside channel the user keeps on (e-mail when
configured and the user has an address, SMS when configured and the user left a number) and
each group robot of the recipients' organisations gets a delivery, sent by the worker after the
transaction commits and retried with growing pauses until it is taken or given up."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from minsheng.notify import channels
from minsheng.notify.models import (
    DEFAULT_ON,
    Channel,
    Contact,
    Delivery,
    DeliveryStatus,
    GroupRobot,
    Notification,
    Preference,
)

# Minutes to wait after the n-th failure; after the last, the delivery is given up.
RETRY_MINUTES = (1, 5, 30, 120, 720)
CLAIM_MINUTES = 10  # a claimed delivery whose worker died is tried again after this


def wants(user_ids: Iterable[int], kind: str, channel: str) -> set[int]:
    """The users (of ``user_ids``) who get ``kind`` through ``channel``."""
    ids = set(user_ids)
    choices = dict(
        Preference.objects.filter(user_id__in=ids, kind=kind, channel=channel).values_list(
            "user_id", "enabled"
        )
    )
    default = kind in DEFAULT_ON.get(channel, frozenset())
    return {i for i in ids if choices.get(i, default)}


def notify(users: Iterable[Any], kind: str, title: str, body: str = "", url: str = "") -> int:
    """Send one message to each user; returns how many in-app messages were made."""
    people = {u.pk: u for u in users if u is not None and getattr(u, "is_active", True)}
    if not people:
        return 0
    now = timezone.now()
    notes = Notification.objects.bulk_create(
        Notification(user=u, kind=kind, title=title[:200], body=body, url=url[:300])
        for u in people.values()
    )
    by_user = {n.user_id: n for n in notes}  # SQLite and PostgreSQL return the keys
    deliveries: list[Delivery] = []
    if channels.email_configured():
        mailed = {pk for pk, u in people.items() if u.email}
        for pk in wants(mailed, kind, Channel.EMAIL):
            deliveries.append(Delivery(notification=by_user[pk], channel=Channel.EMAIL))
    if channels.sms_configured():
        phoned = set(Contact.objects.filter(user_id__in=people).values_list("user_id", flat=True))
        for pk in wants(phoned, kind, Channel.SMS):
            deliveries.append(Delivery(notification=by_user[pk], channel=Channel.SMS))
    first_of_org: dict[int, Notification] = {}
    for pk, user in people.items():
        if user.organisation_id is not None:
            first_of_org.setdefault(user.organisation_id, by_user[pk])
    for robot in GroupRobot.objects.filter(organisation_id__in=first_of_org, is_active=True):
        if not robot.kinds or kind in robot.kinds:
            deliveries.append(
                Delivery(
                    notification=first_of_org[robot.organisation_id],
                    channel=robot.channel,
                    robot=robot,
                )
            )
    for d in deliveries:
        d.next_attempt_at = now
    Delivery.objects.bulk_create(deliveries)
    if deliveries:
        from minsheng.notify.tasks import deliver_notifications

        transaction.on_commit(deliver_notifications.enqueue)
    return len(people)


def _claim(delivery: Delivery, now: dt.datetime) -> bool:
    return bool(
        Delivery.objects.filter(
            pk=delivery.pk, status=delivery.status, attempts=delivery.attempts
        ).update(
            status=DeliveryStatus.SENDING,
            next_attempt_at=now + dt.timedelta(minutes=CLAIM_MINUTES),
        )
    )


def deliver_due(now: dt.datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Send the deliveries that are due (new, failed and waiting for their retry, or claimed
    by a worker that died); returns counts by outcome."""
    now = now or timezone.now()
    counts = {"sent": 0, "failed": 0, "gave_up": 0}
    due = (
        Delivery.objects.filter(
            Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED, DeliveryStatus.SENDING]),
            next_attempt_at__lte=now,
        )
        .select_related("notification__user", "robot")
        .order_by("next_attempt_at", "pk")[:limit]
    )
    for delivery in list(due):
        if not _claim(delivery, now):
            continue  # another worker has it
        error = channels.send(delivery)
        attempts = delivery.attempts + 1
        if not error:
            outcome = DeliveryStatus.SENT
            fields: dict[str, Any] = {"sent_at": timezone.now(), "last_error": ""}
        elif attempts > len(RETRY_MINUTES):
            outcome = DeliveryStatus.GAVE_UP
            fields = {"last_error": error}
        else:
            outcome = DeliveryStatus.FAILED
            pause = dt.timedelta(minutes=RETRY_MINUTES[attempts - 1])
            fields = {"last_error": error, "next_attempt_at": now + pause}
        Delivery.objects.filter(pk=delivery.pk).update(status=outcome, attempts=attempts, **fields)
        counts[outcome] += 1
    return counts


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at=None).count()


def mark_read(user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's messages read (all of them when ``ids`` is None)."""
    messages = Notification.objects.filter(user=user, read_at=None)
    if ids is not None:
        messages = messages.filter(pk__in=list(ids))
    return messages.update(read_at=timezone.now())


def set_preferences(user: Any, choices: dict[tuple[str, str], bool]) -> None:
    with transaction.atomic():
        for (kind, channel), enabled in choices.items():
            Preference.objects.update_or_create(
                user=user, kind=kind, channel=channel, defaults={"enabled": enabled}
            )


def preferences(user: Any) -> dict[tuple[str, str], bool]:
    stored = {(p.kind, p.channel): p.enabled for p in Preference.objects.filter(user=user)}
    from minsheng.notify.models import Kind

    return {
        (kind, channel): stored.get((kind, channel), kind in DEFAULT_ON.get(channel, frozenset()))
        for kind in Kind.values
        for channel in (Channel.EMAIL, Channel.SMS)
    }


def set_phone(user: Any, phone: str) -> None:
    """Keep (encrypted) or clear the user's mobile number; ValueError when it is not one."""
    from minsheng.reviews.services.contact import encrypt

    phone = re.sub(r"[\s-]", "", phone)
    if phone and not re.fullmatch(r"1[3-9]\d{9}", phone):
        raise ValueError("手机号应为 11 位数字，以 1 开头")
    if not phone:
        Contact.objects.filter(user=user).delete()
        return
    Contact.objects.update_or_create(user=user, defaults={"phone_cipher": encrypt(phone)})
