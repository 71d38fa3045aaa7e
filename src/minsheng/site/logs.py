"""Logging filters named in ``settings.LOGGING``."""

from __future__ import annotations

import logging


class OneLineClientErrors(logging.Filter):
    """A refused or bad request (4xx) is one line in the log, not a traceback: Django's request
    logger attaches the exception of a 403 or 400 as if it were a crash."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
