"""Start the production web server (gunicorn) and the background worker side by side, and
stop both on Ctrl-C. Used by ``minsheng serve`` and ``minsheng demo``."""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable


class PortInUseError(Exception):
    pass


def default_workers() -> int:
    """One process per core plus one, each with a single thread: Django requests are short and
    CPU-bound between queries, and threads of one process queue behind its GIL (measured in
    bench/bench_reviews.py: p99 of a rating POST 28 ms with 3×1, 91 ms with 2×4 on 2 cores)."""
    return (os.cpu_count() or 1) + 1


GUNICORN_THREADS = 1


def check_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno in {errno.EADDRINUSE, errno.EACCES}:
                raise PortInUseError(f"{host}:{port}") from None
            raise


def run_server(
    *, host: str, port: int, workers: int, with_worker: bool, say: Callable[[str], None]
) -> int:
    """Run gunicorn (and ``minsheng worker``) until Ctrl-C or until one of them dies.
    Returns the exit code for the command."""
    check_port_free(host, port)
    env = dict(os.environ)
    gunicorn = [
        sys.executable,
        "-m",
        "gunicorn",
        "minsheng.site.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(GUNICORN_THREADS),
        "--access-logfile",
        "-",
        "--graceful-timeout",
        "5",
    ]
    procs = {"web": subprocess.Popen(gunicorn, env=env)}
    if with_worker:
        procs["worker"] = subprocess.Popen(
            [sys.executable, "-m", "minsheng.cli", "worker", "--no-startup-delay"], env=env
        )
    say(f"Minsheng: http://{host}:{port}/  (Ctrl-C 停止 / to stop)")
    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    code = 0
    try:
        while not stopping:
            for name, proc in procs.items():
                if proc.poll() is not None:
                    say(f"{name} exited with code {proc.returncode}; stopping.")
                    code = proc.returncode or 1
                    stopping = True
                    break
            time.sleep(0.3)
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for proc in procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
        say("Minsheng stopped.")
    return code
