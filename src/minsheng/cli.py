"""The ``minsheng`` command.

Commands on files that run on ``minsheng.core`` alone are dispatched here without starting
Django (``index``, ``survey``, ``calendar``, ``plans``, ``catalog``, ``assess``, ``inspect``);
everything else is a Django management command (``minsheng migrate``, ``minsheng demo``,
``minsheng worker``, ``minsheng serve`` …). Configuration and database errors are shown as one
line, never as a traceback wall.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from collections.abc import Callable, Sequence

# name -> "module:function" taking argv and returning an exit code; no Django imported.
FILE_COMMANDS: dict[str, str] = {
    "index": "minsheng.core.index.command:main",
    "survey": "minsheng.core.survey.command:main",
    "calendar": "minsheng.core.workdays.command:main",
    "plans": "minsheng.core.plans.command:main",
    "catalog": "minsheng.core.catalog.command:main",
    "assess": "minsheng.core.assess.command:main",
    "inspect": "minsheng.core.inspect.command:main",
}

# File commands that also store (without --dry-run they are Django management commands).
STORING = frozenset({"plans", "catalog"})
# Sub-commands of a file command that run on the database (``assess run``).
DJANGO_ACTIONS = frozenset(
    {
        ("assess", "run"),
        ("inspect", "plan"),
        ("inspect", "report"),
        ("inspect", "tasks"),
        ("inspect", "sites"),
    }
)
EXIT_CONFIG = 2


def _mask(url: str) -> str:
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


def _fail(message: str, code: int = EXIT_CONFIG) -> int:
    print(f"minsheng: {message}", file=sys.stderr)
    return code


def _reachable() -> bool:
    """Whether the database answers now (after an error, to tell a refused connection from a
    failed statement)."""
    from django.db import connection

    try:
        connection.close()
        connection.ensure_connection()
    except Exception:  # any failure to connect means "unreachable"
        return False
    return True


def _database_error(exc: Exception) -> str:
    url = _mask(os.environ.get("DATABASE_URL", "sqlite (default)"))
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if not _reachable():
        return f"数据库无法访问 / cannot reach the database ({url}): {first}"
    hint = ""
    if "no such table" in first or ("relation" in first and "does not exist" in first):
        hint = "（数据库尚未建表？请先运行 minsheng migrate / run minsheng migrate first）"
    return f"数据库操作失败 / database error ({url}): {first}{hint}"


def _file_command(name: str) -> Callable[[Sequence[str]], int]:
    module_name, func_name = FILE_COMMANDS[name].split(":")
    func: Callable[[Sequence[str]], int] = getattr(importlib.import_module(module_name), func_name)
    return func


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    on_files = args and args[0] in FILE_COMMANDS and tuple(args[:2]) not in DJANGO_ACTIONS
    if on_files and (args[0] not in STORING or "--dry-run" in args):
        # `plans|catalog import --dry-run` read a file alone; storing needs the database.
        return _file_command(args[0])(args[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.site.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        return _fail(f"配置错误 / configuration error: {exc}")

    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError

    try:
        execute_from_command_line(["minsheng", *args])
    except OperationalError as exc:
        return _fail(_database_error(exc), EXIT_CONFIG if not _reachable() else 1)
    except ImproperlyConfigured as exc:
        return _fail(f"配置错误 / configuration error: {exc}")
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
