"""Encryption of personal data at rest (PIPL; 等保 level 3): AES-256-GCM with a key ring.

A key ring is a list of ``id:key`` entries (the key as URL-safe base64 of 32 random bytes).
The first key encrypts; every key of the ring decrypts, so a key is rotated by putting a new
one first and keeping the old ones until ``reencrypt`` has rewritten the stored values. A
ciphertext names its key::

    v2:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>

The key ring is independent of Django's SECRET_KEY: rotating that (sessions, signed links)
must never make stored contacts unreadable. Values written before the ring existed (Fernet,
with a key derived from the secret key) are read through ``legacy`` until re-encrypted.
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "v2"
NONCE_BYTES = 12


class KeyRingError(ValueError):
    """A key ring that cannot be used (said in one line, for the settings check)."""


def new_key(key_id: str | None = None) -> str:
    """A fresh ring entry ``id:key``."""
    kid = key_id or secrets.token_hex(4)
    return f"{kid}:{base64.urlsafe_b64encode(os.urandom(32)).decode()}"


@dataclass(frozen=True)
class KeyRing:
    keys: tuple[tuple[str, bytes], ...]  # (id, 32-byte key), the first encrypts
    legacy: Callable[[str], str] | None = None  # reads values written before the ring

    @classmethod
    def parse(cls, text: str, *, legacy: Callable[[str], str] | None = None) -> KeyRing:
        keys: list[tuple[str, bytes]] = []
        for n, entry in enumerate(p.strip() for p in text.split(",") if p.strip()):
            kid, sep, raw = entry.partition(":")
            if not sep or not kid.isalnum():
                raise KeyRingError(f"entry {n + 1}: expected id:key with an alphanumeric id")
            try:
                key = base64.urlsafe_b64decode(raw.encode())
            except (ValueError, TypeError):
                raise KeyRingError(f"entry {n + 1}: the key is not base64") from None
            if len(key) != 32:
                raise KeyRingError(f"entry {n + 1}: the key must be 32 bytes, not {len(key)}")
            if any(k == kid for k, _ in keys):
                raise KeyRingError(f"entry {n + 1}: key id {kid!r} appears twice")
            keys.append((kid, key))
        if not keys:
            raise KeyRingError("the key ring is empty")
        return cls(tuple(keys), legacy)

    @property
    def current(self) -> str:
        return self.keys[0][0]

    def encrypt(self, text: str) -> str:
        if not text:
            return ""
        kid, key = self.keys[0]
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(key).encrypt(nonce, text.encode(), kid.encode())
        return f"{PREFIX}:{kid}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, cipher: str) -> str:
        """The plain text, or "" when no key of the ring (nor the legacy reader) opens it."""
        if not cipher:
            return ""
        prefix, _, rest = cipher.partition(":")
        if prefix != PREFIX:
            return self.legacy(cipher) if self.legacy is not None else ""
        kid, _, body = rest.partition(":")
        key = dict(self.keys).get(kid)
        if key is None:
            return ""
        try:
            raw = base64.urlsafe_b64decode(body.encode())
            return AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], kid.encode()).decode()
        except (InvalidTag, ValueError):
            return ""

    def seal(self, data: bytes) -> bytes:
        """A file's bytes encrypted with the current key: ``v2:<id>:`` ‖ nonce ‖ ciphertext."""
        kid, key = self.keys[0]
        nonce = os.urandom(NONCE_BYTES)
        head = f"{PREFIX}:{kid}:".encode()
        return head + nonce + AESGCM(key).encrypt(nonce, data, kid.encode())

    def unseal(self, sealed: bytes) -> bytes:
        """The bytes ``seal`` encrypted; ``KeyRingError`` when no key of the ring opens them."""
        prefix, _, rest = sealed.partition(b":")
        kid, _, body = rest.partition(b":")
        key = dict(self.keys).get(kid.decode(errors="replace"))
        if prefix != PREFIX.encode() or key is None:
            raise KeyRingError("sealed with a key that is not in the ring")
        try:
            return AESGCM(key).decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], kid)
        except InvalidTag:
            raise KeyRingError("the sealed data was altered or the key is wrong") from None

    def needs_rewrite(self, cipher: str) -> bool:
        """Written with an older key, or before the ring."""
        return bool(cipher) and not cipher.startswith(f"{PREFIX}:{self.current}:")
