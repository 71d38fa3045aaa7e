#!/usr/bin/env python3
"""Fill English translations into src/minsheng/locale/en/LC_MESSAGES/django.po.

    python3 scripts/po_fill.py                 # list the entries still untranslated
    python3 scripts/po_fill.py todo.json       # fill them from {"中文": "English", ...}
                                               # (plurals: {"中文": ["one", "many"]})

Also drops msgmerge's fuzzy guesses, which are wrong more often than not. Compile afterwards
with `make messages`.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

PO = Path(__file__).resolve().parents[1] / "src/minsheng/locale/en/LC_MESSAGES/django.po"


def _joined(chunk: str) -> str:
    return "".join(re.findall(r'"(.*)"', chunk))


def main() -> int:
    text = PO.read_text(encoding="utf-8")
    # A fuzzy entry is msgmerge's guess from a similar message: drop the guess with its flag,
    # so the entry is listed as untranslated instead of shipping a wrong English text.
    text = re.sub(
        r"#, fuzzy(, python-format)?\n(?:#\|.*\n)*((?:#.*\n)*)"
        r'(msgid (?:".*"\n)+)msgstr (?:".*"\n?)+',
        lambda m: (
            ("#, python-format\n" if m.group(1) else "") + m.group(2) + m.group(3) + 'msgstr ""\n'
        ),
        text,
    )
    text = re.sub(r"#\|.*\n", "", text)  # previous msgids, continuation lines included
    fill: dict[str, str | list[str]] = {}
    if len(sys.argv) > 1:
        fill = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    out, todo = [], []
    for block in text.split("\n\n"):
        plural = re.search(
            r'^msgid ((?:".*"\n)+)msgid_plural ((?:".*"\n)+)msgstr\[0\]', block + "\n", re.M
        )
        single = re.search(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)$', block + "\n", re.M)
        if plural:
            msgid = _joined(plural.group(1))
            values = re.findall(r'^msgstr\[\d\] "(.*)"', block, re.M)
            if msgid in fill:
                one, many = fill[msgid]
                block = block[: plural.end(2)] + f'msgstr[0] "{one}"\nmsgstr[1] "{many}"'
            elif not all(values):
                todo.append(msgid)
        elif single:
            msgid, msgstr = _joined(single.group(1)), _joined(single.group(2))
            if msgid and msgid in fill:
                block = block[: single.start(2)] + f'"{fill[msgid]}"'
            elif msgid and not msgstr:
                todo.append(msgid)
        out.append(block)
    PO.write_text("\n\n".join(out).rstrip("\n") + "\n", encoding="utf-8")
    for msgid in todo:
        print(json.dumps(msgid, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
