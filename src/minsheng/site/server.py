"""Start the production web server (gunicorn) and the background worker side by side, restart
the worker whenever it dies, and stop both on Ctrl-C. Used by ``minsheng serve`` and
``minsheng demo``."""

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


class Backoff:
    """When to start a dead worker again: at once the first time, then after 1, 2, 4 … 60
    seconds while it keeps dying within a minute of its start."""

    def __init__(self, *, first: float = 1.0, limit: float = 60.0) -> None:
        self.first, self.limit = first, limit
        self.pause = 0.0
        self.last_start = float("-inf")

    def due(self) -> bool:
        return time.monotonic() >= self.last_start + self.pause

    def started(self) -> None:
        now = time.monotonic()
        quick = now - self.last_start < self.limit
        self.pause = min(self.limit, max(self.first, 2 * self.pause)) if quick else 0.0
        self.last_start = now


def run_server(
    *, host: str, port: int, workers: int, with_worker: bool, say: Callable[[str], None]
) -> int:
    """Run gunicorn (and ``minsheng worker``) until Ctrl-C or until gunicorn dies; a worker
    that dies is started again. Returns the exit code for the command."""
    check_port_free(host, port)
    env = dict(os.environ)
    gunicorn = [
        sys.executable,
        "-m",
        "gunicorn",
        "minsheng.site.wsgi:application",
        "--config",
        "python:minsheng.site.gunicorn_conf",
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
    worker_cmd = [sys.executable, "-m", "minsheng.cli", "worker", "--no-startup-delay"]
    web = subprocess.Popen(gunicorn, env=env)
    worker = subprocess.Popen(worker_cmd, env=env) if with_worker else None
    say(f"Minsheng: http://{host}:{port}/  (Ctrl-C 停止 / to stop)")
    if worker is not None:
        say(f"后台任务进程已启动 / background worker started (pid {worker.pid})")
    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    code = 0
    restarts = Backoff()
    try:
        while not stopping:
            if web.poll() is not None:
                say(f"web exited with code {web.returncode}; stopping.")
                code = web.returncode or 1
                break
            # The worker never takes the site down: it is started again, with a growing pause
            # if it keeps dying (a broken database, a bad task), and the site keeps serving.
            if worker is not None and worker.poll() is not None and restarts.due():
                say(
                    f"worker exited with code {worker.returncode}; restarting it "
                    f"(后台任务进程已退出，正在重启)."
                )
                worker = subprocess.Popen(worker_cmd, env=env)
                restarts.started()
                say(f"后台任务进程已重启 / background worker restarted (pid {worker.pid})")
            time.sleep(0.3)
    finally:
        procs = [p for p in (web, worker) if p is not None]
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
        say("Minsheng stopped.")
    return code
