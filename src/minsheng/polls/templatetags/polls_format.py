"""Template filters of the poll pages."""

from __future__ import annotations

import math

from django import template

register = template.Library()


@register.filter
def percent(value: float | None, digits: int = 1) -> str:
    """0.8534 → "85.3%"; blank for a missing value."""
    if value is None or not math.isfinite(value):
        return ""
    return f"{value * 100:.{digits}f}%"
