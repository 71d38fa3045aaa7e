"""``minsheng serve``: gunicorn with whitenoise, plus the background worker."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from minsheng.site.server import PortInUseError, default_workers, run_server

STAMP = ".sources"  # in STATIC_ROOT: the digest of the static sources last collected


def static_sources() -> str:
    """A digest of every static source file (path, size, modification time)."""
    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in sorted(finder.list([]), key=lambda item: item[0]):
            info = Path(storage.path(path)).stat()
            digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def collect_static() -> bool:
    """Collect (hash and compress) the static files unless the sources are those collected
    last time — compressing them all takes about 25 s, at every start. True if collected."""
    stamp = Path(settings.STATIC_ROOT) / STAMP
    current = static_sources()
    if stamp.is_file() and stamp.read_text() == current:
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(current)
    return True


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
        collect_static()
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
