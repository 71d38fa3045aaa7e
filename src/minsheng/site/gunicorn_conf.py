"""gunicorn settings module (``-c python:minsheng.site.gunicorn_conf``): responses carry no
``Server`` header (等保: do not advertise the server software). gunicorn has no setting for it,
so the header line is dropped from the response's default headers."""

from __future__ import annotations

from typing import Any

from gunicorn.http import wsgi

_default_headers = wsgi.Response.default_headers


def _without_server(self: Any) -> list[str]:
    return [h for h in _default_headers(self) if not h.startswith("Server:")]


wsgi.Response.default_headers = _without_server
