from __future__ import annotations

import re
from pathlib import Path

import minsheng

PO = Path(minsheng.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _entries(text: str) -> list[dict[str, str]]:
    """The entries of a .po file as {keyword: joined string}, multi-line strings joined."""
    entries = []
    for block in text.split("\n\n"):
        entry: dict[str, str] = {}
        key = ""
        for line in block.splitlines():
            if line.startswith("#"):
                entry.setdefault("#", "")
                entry["#"] += line
                continue
            head, _, rest = line.partition(" ")
            if line.startswith('"'):
                entry[key] += line[1:-1]
            else:
                key = head
                entry[key] = rest[1:-1]
        entries.append(entry)
    return entries


def test_every_english_message_is_translated_and_none_is_fuzzy() -> None:
    entries = [e for e in _entries(PO.read_text(encoding="utf-8")) if e.get("msgid")]
    assert len(entries) > 100
    untranslated = [
        e["msgid"] for e in entries if not all(v for k, v in e.items() if k.startswith("msgstr"))
    ]
    assert untranslated == []
    assert not [e["msgid"] for e in entries if "fuzzy" in e.get("#", "")]


SOURCE = Path(minsheng.__file__).parent
PATTERNS = [
    re.compile(r"""\{% translate "([^"]+)" %\}"""),
    re.compile(r"""\{% translate '([^']+)' %\}"""),
    re.compile(r"""(?<![\w.])(?:_|gettext|gettext_lazy)\(\s*"([^"]+)"\s*[),]"""),
]


def test_every_simple_message_in_code_and_templates_is_in_the_catalogue() -> None:
    catalogue = {e["msgid"] for e in _entries(PO.read_text(encoding="utf-8")) if "msgid" in e}
    found: dict[str, str] = {}
    for path in [*SOURCE.rglob("*.py"), *SOURCE.rglob("*.html")]:
        if "migrations" in path.parts:
            continue
        for pattern in PATTERNS:
            for message in pattern.findall(path.read_text(encoding="utf-8")):
                found.setdefault(message, str(path.relative_to(SOURCE)))
    assert len(found) > 100
    missing = {m: where for m, where in found.items() if m not in catalogue}
    assert missing == {}, "run makemessages -l en and translate"
