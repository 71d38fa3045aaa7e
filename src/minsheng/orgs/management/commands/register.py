"""``minsheng register import FILE.xlsx [--dry-run]`` and ``minsheng register export FILE.xlsx
[--region CODE]``: organisations, service windows and staff (the format of ``core.register``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minsheng.core.register import parse_register
from minsheng.core.tabular import TableError, read_workbook
from minsheng.core.xlsx import write_workbook
from minsheng.orgs.models import Region
from minsheng.orgs.register_services import register_import
from minsheng.orgs.selectors import region_register_sheets, register_known


class Command(BaseCommand):
    help = "Import or export the register of organisations, windows and staff (Excel)."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="create or update from a register workbook")
        imp.add_argument("file", type=Path)
        imp.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        exp = sub.add_parser("export", help="write the register of a region to a workbook")
        exp.add_argument("file", type=Path)
        exp.add_argument("--region", default=None, help="region code (default: the whole tree)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self.do_import(options["file"], options["dry_run"])
        else:
            self.do_export(options["file"], options["region"])

    def do_import(self, path: Path, dry_run: bool) -> None:
        if not path.is_file():
            raise CommandError(f"文件不存在 / no such file: {path}")
        try:
            tables = read_workbook(path.read_bytes(), filename=path.name)
            register = parse_register(
                tables, known=register_known(), region_allowed=lambda _c: True
            )
        except TableError as exc:
            self.stderr.write("\n".join(str(e) for e in exc.errors))
            raise CommandError(exc.summary) from None
        if dry_run:
            self.stdout.write(
                f"check passed: {len(register.organisations)} organisations, "
                f"{len(register.windows)} windows, {len(register.staff)} staff; nothing written"
            )
            return
        summary = register_import(actor="cli", register=register, note=f"import {path.name}")
        for name in ("organisations", "windows", "staff"):
            c = getattr(summary, name)
            self.stdout.write(
                f"{name}: created {c.created}, updated {c.updated}, unchanged {c.unchanged}"
            )

    def do_export(self, path: Path, code: str | None) -> None:
        roots = list(Region.objects.filter(**({"code": code} if code else {"parent": None})))
        if len(roots) != 1:
            found = "no region" if not roots else f"{len(roots)} top-level regions"
            raise CommandError(f"{found}: name one with --region CODE")
        count = write_workbook(path, region_register_sheets(roots[0]))
        self.stdout.write(f"{count} rows → {path}")
