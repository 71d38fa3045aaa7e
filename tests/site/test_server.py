"""The site stays up when the background worker dies: ``minsheng serve`` starts it again; the
worker waits out a locked SQLite database instead of exiting. Real processes, real SQLite."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from minsheng.site.server import Backoff

# Processes and a SQLite file of their own: run once, in the SQLite pass of `make test`.
pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="process tests run in the SQLite pass",
)


def _env(tmp_path: Path, timeout: float = 20) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}?timeout={timeout:g}"
    env["MINSHENG_VAR_DIR"] = str(tmp_path)
    env["MINSHENG_SECRET_KEY"] = "server-test-key-0123456789-abcdefghijklmnop"
    return env


def _minsheng(*args: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "minsheng.cli", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> dict[int, str]:
    """Child processes of ``pid`` with their command lines (from /proc)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                cmd = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                found[int(stat.parent.name)] = cmd
        except (OSError, IndexError, ValueError):
            continue
    return found


def _worker_pid(serve: int) -> int | None:
    return next((p for p, cmd in _children(serve).items() if " worker" in cmd), None)


def _status(port: int) -> int | None:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/healthz")
        return conn.getresponse().status
    except OSError:
        return None


def _wait(check, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def test_the_site_stays_up_when_the_worker_dies(tmp_path: Path) -> None:
    env = _env(tmp_path)
    assert _minsheng("migrate", "--verbosity", "0", env=env).wait(120) == 0
    port = _free_port()
    serve = _minsheng("serve", "--port", str(port), "--workers", "1", env=env)
    try:
        assert _wait(lambda: _status(port) == 200, 60), "the site came up"
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/accounts/login/")
        response = conn.getresponse()
        assert response.status == 200
        assert response.getheader("Server") is None  # the server software is not advertised
        assert "script-src 'self'" in (response.getheader("Content-Security-Policy") or "")
        assert _wait(lambda: _worker_pid(serve.pid) is not None, 30)
        first = _worker_pid(serve.pid)
        assert first is not None
        os.kill(first, signal.SIGKILL)
        assert _wait(lambda: _worker_pid(serve.pid) not in (None, first), 30), "restarted"
        assert _status(port) == 200 and serve.poll() is None
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        serve.wait(30)


def test_the_worker_survives_a_locked_database(tmp_path: Path) -> None:
    env = _env(tmp_path, timeout=0.5)
    assert _minsheng("migrate", "--verbosity", "0", env=env).wait(120) == 0
    worker = _minsheng("worker", "--no-startup-delay", "--interval", "0.2", env=env)
    try:
        time.sleep(3)  # started and polling
        lock = sqlite3.connect(tmp_path / "db.sqlite3", timeout=5)
        lock.execute("BEGIN EXCLUSIVE")  # a long import elsewhere holds the write lock
        time.sleep(4)
        assert worker.poll() is None, "the worker waited instead of exiting"
        lock.rollback()
        lock.close()
        time.sleep(3)
        assert worker.poll() is None
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)


def test_backoff_grows_while_the_worker_keeps_dying() -> None:
    backoff = Backoff(first=1, limit=60)
    assert backoff.due()
    backoff.started()
    assert backoff.pause == 0  # the first death in a while: at once
    backoff.last_start -= 1  # it died a second later
    backoff.started()
    assert backoff.pause == 1 and not backoff.due()
    backoff.started()
    backoff.started()
    assert backoff.pause == 4
    backoff.last_start -= 120  # it ran for two minutes before dying
    backoff.started()
    assert backoff.pause == 0
