"""A dispatcher takes a call (or a web message) down as a new work order: numbered in the
city's sequence, the caller's name and number encrypted, then dispatched or answered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from minsheng.hotline.models import Category, Channel, RequestType, State, WorkOrder
from minsheng.hotline.services.flow import order_event
from minsheng.hotline.services.imports import phone_hash
from minsheng.orgs.models import Region
from minsheng.reviews.services.contact import encrypt, mask


class IntakeError(ValueError):
    """A new order that cannot be taken (the message is for the user)."""


@dataclass(frozen=True)
class Intake:
    channel: str
    type: str
    text: str
    region: Region | None = None
    category: Category | None = None
    urgent: bool = False
    caller: str = ""
    phone: str = ""


def next_number(city: Region) -> str:
    """RX + date + a six-digit sequence of the day within the city (e.g. RX20261203000042)."""
    today = timezone.localdate()
    prefix = f"RX{today:%Y%m%d}"
    last = (
        WorkOrder.objects.filter(city=city, order_no__startswith=prefix)
        .order_by("-order_no")
        .values_list("order_no", flat=True)
        .first()
    )
    seq = int(last[len(prefix) :]) + 1 if last and last[len(prefix) :].isdigit() else 1
    return f"{prefix}{seq:06d}"


@transaction.atomic
def order_create(*, actor: Any, city: Region, intake: Intake) -> WorkOrder:
    if intake.channel not in Channel.values:
        raise IntakeError("请选择来源渠道")
    if intake.type not in RequestType.values:
        raise IntakeError("请选择诉求类型")
    text = intake.text.strip()
    if not text:
        raise IntakeError("请填写诉求内容")
    if len(text) > 4000:
        raise IntakeError("诉求内容超过 4000 个字符")
    if intake.region is not None and intake.region.city_id != city.pk:
        raise IntakeError("所属区域不在本市")
    if intake.category is not None and intake.category.city_id != city.pk:
        raise IntakeError("诉求分类不属于本市")
    # Lock the city's row so two dispatchers never take the same number.
    Region.objects.select_for_update().filter(pk=city.pk).first()
    order = WorkOrder(
        city=city, order_no=next_number(city), channel=intake.channel, type=intake.type,
        urgent=intake.urgent, category=intake.category,
        category_text=intake.category.path if intake.category else "", region=intake.region,
        text=text, state=State.RECEIVED, received_at=timezone.now(),
    )  # fmt: skip
    if intake.caller.strip():
        order.caller_cipher = encrypt(intake.caller.strip())
        order.caller_masked = mask(intake.caller.strip())
    if intake.phone.strip():
        order.phone_cipher, order.phone_masked = encrypt(intake.phone), mask(intake.phone)
        order.phone_hash = phone_hash(intake.phone)
    order.save()
    order_event(order, "receive", actor, note=order.get_channel_display())
    return order
