"""User names typed into one box (检查人员, 专业评价人, 通知对象), separated by 、 ， , or
spaces."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[、，,\s]+")


def user_names(text: str) -> list[str]:
    """The names in the order typed, each once."""
    return list(dict.fromkeys(n for n in _SEPARATORS.split(text) if n))
