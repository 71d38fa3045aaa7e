"""A rating's department, centre, window, staff member and item are checked once a batch, not
once a row (``Rating``'s docstring): the writer locks every parent its batch names and refuses
the batch when one is gone; on PostgreSQL a trigger refuses to delete a parent a rating still
names, and the two meet in the middle of a race exactly as a foreign key's own checks would."""

from __future__ import annotations

import threading
import time
from typing import Any

import polars as pl
import pytest
from django.db import IntegrityError, close_old_connections, connection, transaction

from minsheng.orgs.models import Organisation, Window
from minsheng.reviews.models import Rating
from minsheng.reviews.services import imports
from minsheng.reviews.services.bulk import MissingParentError, hold_parents, insert_new
from tests.conftest import City, build_city
from tests.reviews.test_ingest import HEADER

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the delete guard is PostgreSQL's"
)


def _new_window(city: City) -> tuple[Organisation, Window]:
    centre = Organisation.objects.get(key=f"centre-{city.county.code}")
    return centre, Window.objects.create(centre=centre, number=97, name="临时窗口")


def _file(city: City, centre: Organisation, window: Window, rows: int) -> bytes:
    city_code = city.county.parent.code  # type: ignore[union-attr]
    department = Organisation.objects.get(key=f"dept-{city_code}-edu").name
    lines = [
        f"REF{k:03d},,{department},{centre.name},{window.number},,pc,5,,,active,2026-10-09T10:00"
        for k in range(rows)
    ]
    return ("\n".join([HEADER, *lines]) + "\n").encode()


def test_a_batch_naming_a_parent_deleted_meanwhile_is_refused_whole(
    city: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    centre, window = _new_window(city)
    data = _file(city, centre, window, 6)
    real = imports.insert_new

    def after_a_delete(*args: Any, **kw: Any) -> Any:
        Window.objects.filter(pk=window.pk).delete()  # between the look-up and the write
        return real(*args, **kw)

    monkeypatch.setattr(imports, "insert_new", after_a_delete)
    before = Rating.objects.count()
    with pytest.raises(MissingParentError, match=f"窗口（编号 {window.pk}）已被删除"):
        imports.import_ratings(data, filename="ratings.csv", actor="test", city=city.county.parent)
    assert Rating.objects.count() == before
    assert not Rating.objects.filter(case_no__startswith="REF").exists()


def test_hold_parents_checks_only_the_references_the_database_does_not(city: City) -> None:
    centre, window = _new_window(city)
    hold_parents(Rating, {"window_id": [window.pk, None], "centre_id": [centre.pk]})
    missing = Window.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1
    with pytest.raises(MissingParentError, match=str(missing)) as caught:
        hold_parents(Rating, {"window_id": [window.pk, missing]})
    assert caught.value.fields == ("window",)  # what an API client is told to look at
    # The client's foreign key is the database's own: not asked again.
    hold_parents(Rating, {"client_id": [10**9], "case_no": ["X"]})


def test_the_command_says_which_parent_went_away(city: City) -> None:
    frame = pl.DataFrame({"window_id": [10**9], "case_no": ["X"]})
    with pytest.raises(MissingParentError) as caught, transaction.atomic():
        insert_new(Rating, frame)
    assert "已被删除" in str(caught.value) and "window" in str(caught.value)


@on_postgres
def test_a_parent_still_named_cannot_be_deleted_even_in_sql(city: City) -> None:
    centre, window = _new_window(city)
    data = _file(city, centre, window, 1)
    imports.import_ratings(data, filename="ratings.csv", actor="test", city=city.county.parent)
    rating = Rating.objects.get(case_no="REF000", window=window)
    for table, pk, column in (
        ("orgs_window", rating.window_id, "window_id"),
        ("orgs_organisation", rating.department_id, "department_id"),
    ):
        refused = f"still named by reviews_rating\\.{column}"
        with (
            pytest.raises(IntegrityError, match=refused),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])  # noqa: S608
    # The product's own delete still sets the window aside first, as the model says.
    Window.objects.filter(pk=rating.window_id).delete()
    rating.refresh_from_db()
    assert rating.window_id is None


def _in_thread(work: Any) -> threading.Thread:
    def run() -> None:
        try:
            work()
        finally:
            close_old_connections()
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_delete_racing_an_import_waits_for_it_and_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    city = build_city()
    centre, window = _new_window(city)
    data = _file(city, centre, window, 3)
    real = imports.insert_new
    outcome: dict[str, Any] = {}
    written = threading.Event()

    def write_then_linger(*args: Any, **kw: Any) -> Any:
        stored = real(*args, **kw)
        written.set()
        time.sleep(1.0)  # the batch's rows are written, not committed: the delete comes now
        return stored

    def delete() -> None:
        written.wait(10)
        try:
            Window.objects.filter(pk=window.pk).delete()
            outcome["deleted"] = True
        except IntegrityError as exc:
            outcome["refused"] = str(exc)

    monkeypatch.setattr(imports, "insert_new", write_then_linger)
    deleter = _in_thread(delete)
    report = imports.import_ratings(
        data, filename="ratings.csv", actor="test", city=city.county.parent
    )
    deleter.join(15)
    assert report.accepted == 3
    assert "deleted" not in outcome and "still named" in outcome["refused"]
    assert Window.objects.filter(pk=window.pk).exists()
    assert Rating.objects.filter(case_no__startswith="REF", window=window).count() == 3


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_an_import_racing_a_delete_waits_for_it_and_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    city = build_city()
    centre, window = _new_window(city)
    data = _file(city, centre, window, 3)
    real = imports.insert_new
    deleting = threading.Event()
    threads: list[threading.Thread] = []

    def delete() -> None:
        with transaction.atomic():
            Window.objects.filter(pk=window.pk).delete()
            deleting.set()
            time.sleep(1.0)  # deleted, not committed: the import's lock waits for it

    def after_the_delete(*args: Any, **kw: Any) -> Any:
        threads.append(_in_thread(delete))
        deleting.wait(10)
        return real(*args, **kw)

    monkeypatch.setattr(imports, "insert_new", after_the_delete)
    with pytest.raises(MissingParentError):
        imports.import_ratings(data, filename="ratings.csv", actor="test", city=city.county.parent)
    threads[0].join(15)
    assert not Window.objects.filter(pk=window.pk).exists()
    assert not Rating.objects.filter(case_no__startswith="REF").exists()
