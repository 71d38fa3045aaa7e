"""Real-name contact details: encrypted at rest with the platform's field key ring
(AES-256-GCM, ``core.fieldcrypt``; MINSHENG_FIELD_KEYS), always shown masked (138****5678, 张*).
Values from before the key ring (Fernet with a key derived from the secret key) stay readable
until ``minsheng fieldkeys reencrypt`` rewrites them."""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.db import transaction

from minsheng.core.fieldcrypt import KeyRing


def _legacy(cipher: str) -> str:
    digest = hashlib.sha256(f"minsheng-contact:{settings.SECRET_KEY}".encode()).digest()
    try:
        return Fernet(base64.urlsafe_b64encode(digest)).decrypt(cipher.encode()).decode()
    except InvalidToken:
        return ""


@cache
def _ring(keys: str) -> KeyRing:
    return KeyRing.parse(keys, legacy=_legacy)


def key_ring() -> KeyRing:
    return _ring(settings.FIELD_KEYS)


def encrypt(contact: str) -> str:
    return key_ring().encrypt(contact)


def decrypt(cipher: str) -> str:
    """For sending the reply to the citizen; never for display."""
    return key_ring().decrypt(cipher)


# Every encrypted personal field: (app label, model, field).
ENCRYPTED = (
    ("reviews", "Rating", "contact_cipher"),
    ("hotline", "WorkOrder", "caller_cipher"),
    ("hotline", "WorkOrder", "phone_cipher"),
)


def contacts_reencrypt(*, batch: int = 2000) -> tuple[int, int]:
    """Rewrite every stored contact (``ENCRYPTED``) written with an older key (or before the
    ring) with the current key; returns (rewritten, unreadable). Unreadable values are left as
    they are."""
    rewritten = unreadable = 0
    for app, name, field in ENCRYPTED:
        done, bad = _reencrypt(apps.get_model(app, name), field, batch)
        rewritten, unreadable = rewritten + done, unreadable + bad
    return rewritten, unreadable


def _reencrypt(model: Any, field: str, batch: int) -> tuple[int, int]:
    ring = key_ring()
    rewritten = unreadable = 0
    last = 0
    while True:
        rows = list(
            model.objects.filter(pk__gt=last)
            .exclude(**{field: ""})
            .order_by("pk")
            .values_list("pk", field)[:batch]
        )
        if not rows:
            return rewritten, unreadable
        last = rows[-1][0]
        with transaction.atomic():
            for pk, cipher in rows:
                if not ring.needs_rewrite(cipher):
                    continue
                plain = ring.decrypt(cipher)
                if not plain:
                    unreadable += 1
                    continue
                model.objects.filter(pk=pk).update(**{field: ring.encrypt(plain)})
                rewritten += 1


def mask(contact: str) -> str:
    text = contact.strip()
    if not text:
        return ""
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 7 and len(digits) >= len(text) - 2:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(text) <= 1:
        return "*"
    return text[0] + "*" * min(len(text) - 1, 3)
