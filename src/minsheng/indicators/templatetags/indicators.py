"""Small template helpers for the indicator pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with ``changes`` applied."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return str(query.urlencode())


@register.simple_tag
def movement(value: int | None) -> SafeString:
    """▲ 3 (up, green) / ▼ 2 (down, red) / — (no change or unknown)."""
    if value is None:
        return format_html('<span class="text-muted">{}</span>', "—")
    if value > 0:
        return format_html('<span class="text-success" title="{}">▲ {}</span>', _("上升"), value)
    if value < 0:
        return format_html('<span class="text-danger" title="{}">▼ {}</span>', _("下降"), -value)
    return format_html('<span class="text-muted" title="{}">＝</span>', _("持平"))
