"""``minsheng serve`` collects (hashes and compresses) the static files only when their sources
changed since the last collection — not at every start, which took about 25 s."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings

from minsheng.web.management.commands import serve


def test_static_files_are_collected_again_only_when_their_sources_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs: list[str] = []
    # The collection itself runs in tests/site/test_server.py; here only whether it runs.
    monkeypatch.setattr(serve, "call_command", lambda name, **kw: runs.append(name))
    with override_settings(STATIC_ROOT=tmp_path):
        assert serve.collect_static() is True  # nothing collected yet
        assert runs == ["collectstatic"]
        assert (tmp_path / serve.STAMP).read_text() == serve.static_sources()
        assert serve.collect_static() is False  # the same sources: nothing to do
        assert runs == ["collectstatic"]
        (tmp_path / serve.STAMP).write_text("the sources of an older release")
        assert serve.collect_static() is True
        assert runs == ["collectstatic", "collectstatic"]
