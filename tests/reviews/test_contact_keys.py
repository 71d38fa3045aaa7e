"""Stored contacts survive a new SECRET_KEY; a new field key is rolled in with reencrypt."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

from django.core.management import call_command
from django.test import override_settings

from minsheng.core.fieldcrypt import new_key
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.reviews.models import Rating
from minsheng.reviews.services import contact
from tests.conftest import City
from tests.reviews.test_stats_defaults import _rate


def _rating_with_contact(city: City, text: str) -> Rating:
    _rate(city, 1, f"centre-{city.county.code}", dt.datetime(2026, 10, 9, tzinfo=SHANGHAI))
    rating = Rating.objects.order_by("-pk").first()
    assert rating is not None
    Rating.objects.filter(pk=rating.pk).update(contact_cipher=contact.encrypt(text))
    rating.refresh_from_db()
    return rating


def test_a_new_secret_key_keeps_contacts_readable(city: City) -> None:
    rating = _rating_with_contact(city, "13800001234")
    with override_settings(SECRET_KEY="another-secret-key-0123456789-abcdefghijklmnop"):
        assert contact.decrypt(rating.contact_cipher) == "13800001234"


def test_rotation_with_reencrypt(city: City, settings) -> None:  # type: ignore[no-untyped-def]
    from minsheng.hotline.models import WorkOrder

    rating = _rating_with_contact(city, "13900002222")
    old_cipher = rating.contact_cipher
    order = WorkOrder.objects.exclude(phone_cipher="").order_by("pk").first()
    assert order is not None  # a hotline caller's number is personal data too
    phone = contact.decrypt(order.phone_cipher)
    settings.FIELD_KEYS = f"{new_key('k2')},{settings.FIELD_KEYS}"
    out = StringIO()
    call_command("fieldkeys", "status", stdout=out)
    status = json.loads(out.getvalue())
    assert status["current_key"] == "k2" and status["written_with_older_keys"] >= 1
    out = StringIO()
    call_command("fieldkeys", "reencrypt", stdout=out)
    assert json.loads(out.getvalue())["rewritten"] >= 1
    rating.refresh_from_db()
    assert rating.contact_cipher.startswith("v2:k2:") and rating.contact_cipher != old_cipher
    assert contact.decrypt(rating.contact_cipher) == "13900002222"
    order.refresh_from_db()
    assert order.phone_cipher.startswith("v2:k2:") and order.caller_cipher.startswith("v2:k2:")
    settings.FIELD_KEYS = settings.FIELD_KEYS.split(",")[0]  # the old key dropped
    assert contact.decrypt(rating.contact_cipher) == "13900002222"
    assert contact.decrypt(order.phone_cipher) == phone
