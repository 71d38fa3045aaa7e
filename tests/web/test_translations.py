from __future__ import annotations

import re
from pathlib import Path

import minsheng

PO = Path(minsheng.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_english_message_is_translated_and_none_is_fuzzy() -> None:
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # the first block is the header
    assert entries
    untranslated = [
        e
        for e in entries
        if re.search(r'^msgstr(\[\d\])? ""$', e, re.MULTILINE) and '"\n"' not in e
    ]
    assert untranslated == []
    assert "fuzzy" not in text  # msgmerge's guesses are often wrong; every entry is checked by hand


SOURCE = Path(minsheng.__file__).parent
PATTERNS = [
    re.compile(r"""\{% translate "([^"]+)" %\}"""),
    re.compile(r"""\{% translate '([^']+)' %\}"""),
    re.compile(r"""(?<![\w.])(?:_|gettext|gettext_lazy)\(\s*"([^"]+)"\s*[),]"""),
]


def test_every_simple_message_in_code_and_templates_is_in_the_catalogue() -> None:
    text = PO.read_text(encoding="utf-8")
    catalogue = {
        "".join(re.findall(r'"(.*)"', chunk))
        for chunk in re.findall(r'^msgid ((?:".*"\n)+)', text, re.MULTILINE)
    }
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
