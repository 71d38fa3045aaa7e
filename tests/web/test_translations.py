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
