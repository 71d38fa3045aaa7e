"""``minsheng serve``: gunicorn with whitenoise, plus the background worker."""

from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from minsheng.site.server import PortInUseError, default_workers, run_server


def default_port() -> int:
    raw = os.environ.get("PORT", "8000")
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise CommandError(f"PORT={raw!r} is not a port number (1–65535).")
    return int(raw)


class Command(BaseCommand):
    help = "Serve Minsheng with gunicorn and run the background worker (Ctrl-C stops both)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=None, help="default: $PORT or 8000")
        parser.add_argument(
            "--workers", type=int, default=default_workers(), help="default: cores + 1"
        )
        parser.add_argument("--no-worker", action="store_true", help="web server only")

    def handle(self, *args: Any, **options: Any) -> None:
        port = options["port"] or default_port()
        call_command("collectstatic", interactive=False, verbosity=0)
        try:
            code = run_server(
                host=options["host"],
                port=port,
                workers=options["workers"],
                with_worker=not options["no_worker"],
                say=self.stdout.write,
            )
        except PortInUseError as exc:
            raise CommandError(
                f"端口已被占用 / port in use: {exc}. "
                "请换一个端口 / choose another: PORT=8001 make demo"
            ) from None
        if code:
            raise CommandError(f"server stopped with exit code {code}", returncode=code)
