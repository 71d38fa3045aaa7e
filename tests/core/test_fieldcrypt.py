"""The field key ring: AES-256-GCM values naming their key, rotation by a new first key."""

from __future__ import annotations

import pytest

from minsheng.core.fieldcrypt import KeyRing, KeyRingError, new_key

OLD = new_key("old")
NEW = new_key("new")


def test_round_trip_names_the_key_and_differs_each_time() -> None:
    ring = KeyRing.parse(OLD)
    a, b = ring.encrypt("13800001234"), ring.encrypt("13800001234")
    assert a != b and a.startswith("v2:old:")
    assert ring.decrypt(a) == ring.decrypt(b) == "13800001234"
    assert "13800001234" not in a
    assert ring.encrypt("") == "" and ring.decrypt("") == ""


def test_a_new_first_key_encrypts_and_the_old_still_reads() -> None:
    before = KeyRing.parse(OLD).encrypt("张三")
    rotated = KeyRing.parse(f"{NEW},{OLD}")
    assert rotated.decrypt(before) == "张三"
    assert rotated.needs_rewrite(before)
    after = rotated.encrypt("张三")
    assert after.startswith("v2:new:") and not rotated.needs_rewrite(after)
    assert KeyRing.parse(NEW).decrypt(before) == ""  # the old key dropped: unreadable


def test_tampering_is_detected() -> None:
    ring = KeyRing.parse(OLD)
    cipher = ring.encrypt("13800001234")
    body = cipher.rsplit(":", 1)[1]
    flipped = body[:-6] + ("A" if body[-6] != "A" else "B") + body[-5:]
    assert ring.decrypt(cipher.rsplit(":", 1)[0] + ":" + flipped) == ""
    # The key id is authenticated too: a value cannot be moved under another id.
    other = KeyRing.parse(f"{OLD},{new_key('x')}")
    assert other.decrypt(cipher.replace("v2:old:", "v2:x:")) == ""


def test_legacy_values_go_through_the_legacy_reader() -> None:
    ring = KeyRing.parse(OLD, legacy=lambda c: "旧值" if c == "gAAAA-legacy" else "")
    assert ring.decrypt("gAAAA-legacy") == "旧值" and ring.needs_rewrite("gAAAA-legacy")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("nokey", "expected id:key"),
        ("a:not-base64!!", "base64"),
        ("a:AAAA", "32 bytes"),
        (f"{OLD},{OLD}", "appears twice"),
    ],
)
def test_bad_rings_are_refused(text: str, message: str) -> None:
    with pytest.raises(KeyRingError, match=message):
        KeyRing.parse(text)
