"""The `minsheng` command as a user runs it: bad input gets one line and a non-zero exit."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

MINSHENG = [sys.executable, "-m", "minsheng.cli"]


def run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {
        **os.environ,
        "MINSHENG_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "minsheng.site.settings",
        **env,
    }
    return subprocess.run(
        [*MINSHENG, *args], env=full_env, capture_output=True, text=True, timeout=120, check=False
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int, text: str) -> None:
    assert result.returncode == code, result.stderr
    assert text in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_bad_environment_value_stops_startup_with_one_line(tmp_path: Path) -> None:
    result = run(["check"], tmp_path, MINSHENG_DEBUG="maybe")
    assert_one_line_error(result, 2, "MINSHENG_DEBUG='maybe' is not a boolean")


def test_unsupported_database_url_is_named(tmp_path: Path) -> None:
    result = run(["check"], tmp_path, DATABASE_URL="mysql://db/minsheng")
    assert_one_line_error(result, 2, "unsupported scheme 'mysql'")


def test_unreachable_database_gives_one_line_and_hides_the_password(tmp_path: Path) -> None:
    url = "postgresql://ms:secret@127.0.0.1:9/minsheng"
    result = run(["migrate"], tmp_path, DATABASE_URL=url)
    assert_one_line_error(result, 2, "cannot reach the database")
    assert "secret" not in result.stderr and "ms:***@" in result.stderr


def test_second_demo_build_refuses_to_overwrite(tmp_path: Path) -> None:
    first = run(["demo", "--scale", "test", "--no-serve"], tmp_path)
    assert first.returncode == 0, first.stderr
    assert "quality" in first.stdout and "演示账号" in first.stdout
    second = run(["demo", "--scale", "test", "--seed", "9", "--no-serve"], tmp_path)
    assert_one_line_error(second, 3, "--reset")
    third = run(["demo", "--scale", "test", "--seed", "9", "--no-serve", "--reset"], tmp_path)
    assert third.returncode == 0, third.stderr


def test_port_in_use_is_reported(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run(["serve", "--port", str(port), "--no-worker"], tmp_path)
    assert_one_line_error(result, 1, "port in use")


@pytest.mark.parametrize("port", ["abc", "70000"])
def test_bad_port_variable_is_named(tmp_path: Path, port: str) -> None:
    result = run(["demo", "--no-serve"], tmp_path, PORT=port)
    assert_one_line_error(result, 1, f"PORT={port!r}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="process tests run in the SQLite pass",  # its own SQLite file; once is enough
)
def test_serve_runs_gunicorn_and_worker_and_ctrl_c_stops_both(tmp_path: Path) -> None:
    import signal
    import time
    import urllib.request

    assert run(["migrate"], tmp_path).returncode == 0
    port = _free_port()
    env = {
        **os.environ,
        "MINSHENG_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "minsheng.site.settings",
    }
    proc = subprocess.Popen(
        [*MINSHENG, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        body = ""
        deadline = time.monotonic() + 120  # the static files are collected first; a loaded CI
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                url = f"http://127.0.0.1:{port}/accounts/login/"
                with urllib.request.urlopen(url, timeout=10) as r:
                    body = r.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        if "登录民生平台" not in body:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail(f"the site did not come up:\n{proc.communicate(timeout=30)[0]}")
        css = body.split('href="/static/vendor/bootstrap.min.')[1].split('"')[0]
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/static/vendor/bootstrap.min.{css}"
        ) as r:
            assert r.status == 200  # whitenoise serves the hashed, collected file
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal sends
        output, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, output
    assert "Minsheng stopped." in output
    # Both started (the worker's own log line may not have come yet on a loaded machine).
    assert "background worker started (pid" in output, output


def test_failed_statement_is_not_reported_as_an_unreachable_database(tmp_path: Path) -> None:
    # The database answers, but has no tables yet: say so, and what to run.
    result = run(["reviews", "stats", "--month", "2026-10", "--by", "centre"], tmp_path)
    assert_one_line_error(result, 1, "数据库操作失败 / database error")
    assert "no such table" in result.stderr and "minsheng migrate" in result.stderr
    assert "cannot reach" not in result.stderr
