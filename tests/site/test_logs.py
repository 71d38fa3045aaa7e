"""A refused request is one line in the log; a crash keeps its traceback."""

from __future__ import annotations

import io
import logging
import sys

from django.urls import reverse

from minsheng.site.logs import OneLineClientErrors
from tests.conftest import City


def _console() -> logging.Handler:
    handlers = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, OneLineClientErrors) for f in h.filters)
    ]
    assert handlers, "the console handler carries the filter"
    return handlers[0]


def test_a_403_is_one_line_in_the_log(city: City) -> None:
    handler = _console()
    assert isinstance(handler, logging.StreamHandler)
    out = io.StringIO()
    previous = handler.setStream(out)
    try:
        response = city.client("vendor").get(reverse("audit_list"))
    finally:
        handler.setStream(previous)
    assert response.status_code == 403
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1 and "Forbidden" in lines[0], out.getvalue()


def test_a_server_error_keeps_its_traceback() -> None:
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "boom", (), None)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    record.status_code = 500
    assert OneLineClientErrors().filter(record) and record.exc_info is not None
    record.status_code = 403
    assert OneLineClientErrors().filter(record) and record.exc_info is None
