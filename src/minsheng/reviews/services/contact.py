"""Real-name contact details: encrypted at rest (Fernet, key derived from the secret key),
always shown masked (138****5678, 张*)."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    digest = hashlib.sha256(f"minsheng-contact:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(contact: str) -> str:
    return _fernet().encrypt(contact.encode()).decode() if contact else ""


def decrypt(cipher: str) -> str:
    """For sending the reply to the citizen; never for display."""
    if not cipher:
        return ""
    try:
        return _fernet().decrypt(cipher.encode()).decode()
    except InvalidToken:
        return ""


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
