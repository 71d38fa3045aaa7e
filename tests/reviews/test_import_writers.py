"""A ratings file imported outside a transaction, as the command runs it: on PostgreSQL the
batches are stored by two writers side by side (a connection each), on SQLite one after another.
Either way every row is stored once, every bad rating gets its case, a writer that dies leaves the
batches stored before it, and running the file again finishes the import."""

from __future__ import annotations

import pytest
from django.db import connection

from minsheng.reviews.models import Rating, RectificationCase
from minsheng.reviews.services import imports
from minsheng.reviews.services.imports import import_ratings
from tests.conftest import build_city
from tests.reviews.test_ingest import _csv


@pytest.mark.django_db(transaction=True)
def test_batches_stored_side_by_side_store_each_row_once(monkeypatch: pytest.MonkeyPatch) -> None:
    city = build_city()
    before = Rating.objects.count()
    lines = [
        f"W{k:03d},,{{d}},{{c}},{{w}},,pc,{1 if k % 5 == 0 else 5},,,active,2026-10-09T10:00"
        for k in range(40)
    ]
    data = _csv(city, lines)
    assert not connection.in_atomic_block  # the command's situation: no transaction around it

    def run() -> imports.ImportReport:
        return import_ratings(
            data, filename="ratings.csv", actor="test", city=city.county.parent, batch=3
        )

    real = imports.insert_new
    calls = {"n": 0}

    def dying(*args: object, **kw: object) -> object:
        calls["n"] += 1
        if calls["n"] == 6:  # a writer dies in the middle of the file
            raise RuntimeError("writer killed")
        return real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(imports, "insert_new", dying)
    with pytest.raises(RuntimeError):
        run()
    stored = Rating.objects.count() - before
    assert 0 < stored < 40 and stored % 3 == 0  # whole batches only
    monkeypatch.setattr(imports, "insert_new", real)

    report = run()
    assert (report.accepted, report.duplicates, report.error_rows) == (40 - stored, stored, 0)
    assert Rating.objects.count() - before == 40
    bad = Rating.objects.filter(case_no__startswith="W", level=1)
    assert bad.count() == 8
    assert RectificationCase.objects.filter(rating__in=bad).count() == 8
    again = run()
    assert (again.accepted, again.duplicates) == (0, 40)
