"""``minsheng survey estimate SPEC.json [--format json|csv] [--output FILE]``: design-based
estimates on files, on ``core`` alone (Django is never imported).

Exit codes: 0 done, 2 a problem with the SPEC or the data (one clear message on stderr).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from minsheng.core.survey.spec import SpecError, run_spec

EXIT_INPUT = 2
FIELDS = ("stat", "var", "by", "level", "category", "estimate", "se", "ci_low", "ci_high", "n")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="minsheng survey", description="民调估计 / survey")
    sub = parser.add_subparsers(dest="action", required=True)
    e = sub.add_parser("estimate", help="means, totals and ratios with standard errors")
    e.add_argument("spec", type=Path, help="SPEC.json")
    e.add_argument("--format", choices=("json", "csv"), default="json")
    e.add_argument("--output", type=Path, default=None)
    return parser


def main(argv: Sequence[str]) -> int:
    args = _parser().parse_args(list(argv))
    try:
        rows = [e.as_dict() for e in run_spec(args.spec)]
    except SpecError as exc:
        print(f"minsheng survey: {exc}", file=sys.stderr)
        return EXIT_INPUT
    if args.format == "json":
        text = json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=FIELDS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        text = buffer.getvalue()
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
    return 0
