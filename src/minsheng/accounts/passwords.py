"""Password rules beyond Django's own (settings.AUTH_PASSWORD_VALIDATORS)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Passwords printed in manuals, READMEs and on equipment labels: known to everyone.
PUBLISHED = frozenset(
    {
        "minsheng-demo-2025",
        "admin123",
        "admin@123",
        "Admin@123",
        "Admin123!",
        "P@ssw0rd",
        "P@ssw0rd123",
        "Passw0rd!",
        "Qwer1234!",
        "1qaz@WSX",
        "1qaz2wsx",
        "Abc@1234",
        "Aa123456",
        "Huawei@123",
        "Changeme_123",
    }
)


class CharacterClassesValidator:
    """At least ``classes`` of: lower-case letters, upper-case letters, digits, other signs."""

    def __init__(self, classes: int = 3) -> None:
        self.classes = min(max(classes, 1), 4)

    def _count(self, password: str) -> int:
        return sum(
            [
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() for c in password),
            ]
        )

    def validate(self, password: str, user: Any = None) -> None:
        if self._count(password) < self.classes:
            raise ValidationError(self.get_help_text(), code="password_classes")

    def get_help_text(self) -> str:
        return ngettext(
            "密码须包含小写字母、大写字母、数字、符号中的至少 %(n)d 类。",
            "密码须包含小写字母、大写字母、数字、符号中的至少 %(n)d 类。",
            self.classes,
        ) % {"n": self.classes}


class PublishedPasswordValidator:
    """Not a password that is published anywhere (the demo's, common device defaults)."""

    def validate(self, password: str, user: Any = None) -> None:
        known = {p.casefold() for p in PUBLISHED} | {
            str(getattr(settings, "MINSHENG_DEMO_PASSWORD", "")).casefold()
        }
        if password.casefold() in known:
            raise ValidationError(
                _("这个密码已公开（演示或出厂默认密码），请换一个。"), code="published"
            )

    def get_help_text(self) -> str:
        return _("不能使用已公开的密码（演示密码、设备出厂默认密码）。")
