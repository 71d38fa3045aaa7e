"""Ratings in from files and batches: counts, duplicates, errors located, idempotency, cases
opened with working-day deadlines, and the ``minsheng reviews`` command."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from minsheng.core.ratings.records import RatingRecord
from minsheng.core.ratings.vocabulary import Channel, Source
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.orgs.models import Organisation, Window
from minsheng.reviews.models import (
    CaseState,
    DeadlineRule,
    HandledCount,
    Rating,
    RectificationCase,
)
from minsheng.reviews.services.cases import CaseError, act, sweep
from minsheng.reviews.services.directory import Directory
from minsheng.reviews.services.imports import import_ratings
from minsheng.reviews.services.ingest import ingest
from tests.conftest import City

HEADER = (
    "case_no,service_item,department,centre,window,staff,channel,level,reasons,comment,source,"
    "rated_at"
)


def _names(city: City) -> tuple[str, str, Window]:
    city_code = city.county.parent.code  # type: ignore[union-attr]
    department = Organisation.objects.get(key=f"dept-{city_code}-edu").name
    centre = Organisation.objects.get(key=f"centre-{city.county.code}")
    window = Window.objects.filter(centre=centre).order_by("number").first()
    assert window is not None
    return department, centre.name, window


def _csv(city: City, lines: list[str]) -> bytes:
    department, centre, window = _names(city)
    body = [line.format(d=department, c=centre, w=window.number) for line in lines]
    return ("\n".join([HEADER, *body]) + "\n").encode()


def _import(city: City, data: bytes, **kw: object) -> object:
    return import_ratings(data, filename="ratings.csv", actor="test", city=city.county.parent, **kw)


def test_import_counts_duplicates_and_locates_errors(city: City) -> None:
    data = _csv(
        city,
        [
            "A001,,{d},{c},{w},,window_tablet,5,,,active,2026-10-09T10:00:00+08:00",
            "A002,,{d},{c},{w},,qr,2,服务态度差;waiting,排队太久,active,2026-10-09T11:00",
            "A001,,{d},{c},{w},,window_tablet,4,,,active,2026-10-09T12:00:00+08:00",
            "A003,,{d},{c},,,pc,6,,,active,2026-10-09T12:00:00+08:00",
            "A004,,不存在的局,{c},,,pc,3,,,active,2026-10-09T12:00:00+08:00",
            "A005,,{d},{c},,,pc,3,,,default,not a time",
        ],
    )
    report = _import(city, data)
    assert (report.accepted, report.duplicates, report.error_rows) == (2, 1, 3)  # type: ignore[attr-defined]
    where = {(e.row, e.column) for e in report.errors}  # type: ignore[attr-defined]
    assert (5, "level") in where
    assert (7, "rated_at") in where
    unknown = [e for e in report.errors if e.row == 6]  # type: ignore[attr-defined]
    # Located at its column, in Chinese only (the API's "/ English" half is not for the file).
    assert [(e.column, e.message) for e in unknown] == [("department", "未知部门“不存在的局”")]
    # Importing the same file again stores nothing new: the accepted rows are duplicates now.
    again = _import(city, data)
    assert (again.accepted, again.duplicates) == (0, 3)  # type: ignore[attr-defined]
    assert Rating.objects.count() == 2
    # Reason tags are stored by code, whether the file gave the name or the code.
    assert Rating.objects.get(case_no="A002").reasons == ["attitude", "waiting"]


def test_bad_rating_opens_a_case_with_working_day_deadlines(city: City) -> None:
    data = _csv(city, ["B001,,{d},{c},{w},,qr,1,,,active,2026-09-30T16:00:00"])
    _import(city, data)
    case = RectificationCase.objects.get(rating__case_no="B001")
    assert case.state == CaseState.OPEN
    # National Day 2026: 1–7 October off, Saturday 10 October worked (调休).
    assert case.verify_due == dt.datetime(2026, 10, 8, 23, 59, 59, tzinfo=SHANGHAI)
    assert case.rectify_due == dt.datetime(2026, 10, 27, 23, 59, 59, tzinfo=SHANGHAI)
    assert case.department.name == _names(city)[0]
    assert list(case.events.values_list("action", flat=True)) == ["open"]


def test_region_rule_changes_the_deadline(city: City) -> None:
    DeadlineRule.objects.create(region=city.county, verify_days=2, rectify_days=5)
    _import(city, _csv(city, ["B002,,{d},{c},,,pc,2,,,active,2026-11-20T09:00:00+08:00"]))
    case = RectificationCase.objects.get(rating__case_no="B002")
    assert case.verify_due.astimezone(SHANGHAI).date() == dt.date(2026, 11, 24)
    assert case.rectify_due.astimezone(SHANGHAI).date() == dt.date(2026, 11, 27)


def test_default_and_good_ratings_open_no_case(city: City) -> None:
    _import(
        city,
        _csv(
            city,
            [
                "C001,,{d},{c},,,pc,1,,,default,2026-10-09T10:00:00+08:00",
                "C002,,{d},{c},,,pc,4,,,active,2026-10-09T10:00:00+08:00",
            ],
        ),
    )
    assert Rating.objects.count() == 2
    assert not RectificationCase.objects.exists()


def test_unknown_names_are_created_only_when_asked(city: City) -> None:
    data = _csv(city, ["D001,新事项,新设局,新中心,8,王五,pc,3,,,active,2026-10-09T10:00"])
    refused = _import(city, data)
    assert refused.accepted == 0  # type: ignore[attr-defined]
    created = _import(city, data, create_missing=True)
    assert created.accepted == 1  # type: ignore[attr-defined]
    assert created.created == {  # type: ignore[attr-defined]
        "department": 1,
        "centre": 1,
        "window": 1,
        "staff": 1,
        "service_item": 1,
    }
    rating = Rating.objects.get(case_no="D001")
    assert (rating.department.name, rating.centre.name, rating.window.number) == (  # type: ignore[union-attr]
        "新设局",
        "新中心",
        8,
    )


def _record(city: City, n: int, **kw: object) -> RatingRecord:
    department, centre, _ = _names(city)
    fields: dict[str, object] = {
        "row": n,
        "case_no": f"E{n:04d}",
        "service_item": "",
        "department": department,
        "centre": centre,
        "window": "",
        "staff": "",
        "channel": Channel.PC,
        "level": 5,
        "reasons": (),
        "comment": "",
        "source": Source.ACTIVE,
        "rated_at": dt.datetime(2026, 10, 9, 10, tzinfo=SHANGHAI),
    }
    fields.update(kw)
    return RatingRecord(**fields)  # type: ignore[arg-type]


def test_idempotency_key_returns_the_first_rating(city: City) -> None:
    directory = Directory(city.county.parent)
    first = ingest(
        [_record(city, 1, idempotency_key="k1"), _record(city, 2, idempotency_key="k1")],
        directory=directory,
    )
    assert [r.status for r in first] == ["accepted", "duplicate"]
    assert first[0].rating_id == first[1].rating_id is not None
    again = ingest([_record(city, 3, idempotency_key="k1")], directory=directory)
    assert (again[0].status, again[0].rating_id) == ("duplicate", first[0].rating_id)
    assert Rating.objects.count() == 1


def test_follow_up_is_kept_beside_the_first_rating(city: City) -> None:
    directory = Directory(city.county.parent)
    ingest([_record(city, 1)], directory=directory)
    result = ingest([_record(city, 1, follow_up=True, level=2)], directory=directory)
    assert result[0].status == "accepted"
    assert Rating.objects.filter(case_no="E0001").count() == 2


def test_contact_is_encrypted_and_masked(city: City) -> None:
    ingest([_record(city, 9, contact="13812345678")], directory=Directory(city.county.parent))
    rating = Rating.objects.get(case_no="E0009")
    assert rating.contact_masked == "138****5678"
    assert "13812345678" not in rating.contact_cipher


def test_case_state_machine(city: City) -> None:
    ingest([_record(city, 5, level=1)], directory=Directory(city.county.parent))
    case = RectificationCase.objects.get()
    actor = city.users["reporter"]
    with pytest.raises(CaseError):
        act(case, "answer", actor=actor, note="已整改")  # not yet verified
    case = act(case, "verify", actor=actor)
    with pytest.raises(CaseError):
        act(case, "appeal", actor=actor, note="")  # evidence needed
    case = act(case, "appeal", actor=actor, note="监控录像显示按时办结")
    with pytest.raises(CaseError):
        act(case, "uphold", actor=actor)  # the quality office decides
    case = act(case, "overturn", actor=city.users["quality"], role="office")
    case = act(case, "answer", actor=actor, note="已电话致歉并优化流程")
    assert case.state == CaseState.ANSWERED and case.answered_at is not None
    assert list(case.events.values_list("action", flat=True)) == [
        "open",
        "verify",
        "appeal",
        "overturn",
        "answer",
    ]


def test_reviews_command_import_and_stats(city: City, tmp_path: Path) -> None:
    lines = [
        f"F{k:03d},,{{d}},{{c}},{{w}},,pc,{1 if k % 10 == 0 else 5},,,active,2026-10-09T10:00"
        for k in range(40)
    ]
    lines.append("F900,,{d},{c},{w},,pc,5,,,default,2026-10-09T10:00")
    path = tmp_path / "r.csv"
    path.write_bytes(_csv(city, lines))
    out = io.StringIO()
    city_code = city.county.parent.code  # type: ignore[union-attr]
    call_command("reviews", "import", str(path), "--city", city_code, stdout=out)
    assert out.getvalue().strip() == "accepted 41, duplicates 0, errors 0"
    out = io.StringIO()
    call_command("reviews", "stats", "--month", "2026-10", "--by", "department", stdout=out)
    rows = json.loads(out.getvalue())
    assert len(rows) == 1
    row = rows[0]
    assert (row["n_active"], row["n_default"], row["n_system"], row["bad_n"]) == (40, 1, 0, 4)
    assert row["good_rate"] == pytest.approx(36 / 40)
    assert row["bad_rate"] == pytest.approx(4 / 40)
    assert row["score"] == pytest.approx((36 * 100 + 4 * 20) / 40)
    assert (row["rank"], row["ranked"]) == (1, True)
    assert (row["rectified_rate"], row["on_time_rate"]) == (0.0, 0.0)
    out = io.StringIO()
    call_command(
        "reviews", "stats", "--month", "2026-10", "--by", "window", "--min-n", "50", stdout=out
    )
    assert [(r["rank"], r["ranked"]) for r in json.loads(out.getvalue())] == [(None, False)]
    out = io.StringIO()
    call_command(
        "reviews", "stats", "--month", "2026-10", "--by", "day", "--min-n", "1", stdout=out
    )
    assert [(r["group"], r["n_active"]) for r in json.loads(out.getvalue())] == [("2026-10-09", 40)]


def test_sweep_reminds_before_and_escalates_after_the_deadline(city: City) -> None:
    ingest([_record(city, 7, level=1)], directory=Directory(city.county.parent))
    case = RectificationCase.objects.get()
    # Rated Friday 9 October 2026 10:00; verification due Saturday 10 October (a make-up day).
    assert case.verify_due == dt.datetime(2026, 10, 10, 23, 59, 59, tzinfo=SHANGHAI)
    early = sweep(dt.datetime(2026, 10, 9, 12, tzinfo=SHANGHAI))
    assert (early.reminded, early.escalated) == (0, 0)
    near = sweep(dt.datetime(2026, 10, 10, 9, tzinfo=SHANGHAI))
    assert (near.reminded, near.escalated) == (1, 0)
    late = sweep(dt.datetime(2026, 10, 12, 9, tzinfo=SHANGHAI))
    assert (late.reminded, late.escalated) == (0, 1)
    again = sweep(dt.datetime(2026, 10, 13, 9, tzinfo=SHANGHAI))
    assert (again.reminded, again.escalated) == (0, 0)
    assert list(case.events.values_list("action", flat=True)) == ["open", "remind", "escalate"]


def test_handled_counts_give_the_active_rating_rate(city: City, tmp_path: Path) -> None:
    ingest([_record(city, k) for k in range(1, 5)], directory=Directory(city.county.parent))
    _, centre, _ = _names(city)
    path = tmp_path / "handled.csv"
    path.write_text(f"centre,month,count\n{centre},2026-10,40\n", encoding="utf-8")
    city_code = city.county.parent.code  # type: ignore[union-attr]
    out = io.StringIO()
    call_command("reviews", "handled", str(path), "--city", city_code, stdout=out)
    assert "imported 1" in out.getvalue()
    out = io.StringIO()
    call_command("reviews", "stats", "--month", "2026-10", "--by", "centre", stdout=out)
    (row,) = json.loads(out.getvalue())
    assert (row["handled"], row["active_rate"]) == (40, pytest.approx(0.1))
    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"centre,month,count\n{centre},2026-13,x\n没有的中心,2026-10,5\n", encoding="utf-8"
    )
    with pytest.raises(CommandError):
        call_command("reviews", "handled", str(bad), "--city", city_code, stderr=io.StringIO())
    assert HandledCount.objects.get().count == 40  # nothing changed


def test_long_file_is_stored_in_batches_and_an_interrupted_import_is_finished_by_rerunning(
    city: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = "B{k:03d},,{{d}},{{c}},{{w}},,window_tablet,5,,,active,2026-10-09T10:00"
    lines = [line.format(k=k) for k in range(10)]
    data = _csv(city, lines)
    seen: list[tuple[int, int]] = []
    report = _import(city, data, batch=4, progress=lambda done, total: seen.append((done, total)))
    assert report.accepted == 10  # type: ignore[attr-defined]
    assert seen == [(4, 10), (8, 10), (10, 10)]
    Rating.objects.filter(case_no__startswith="B").delete()

    # The worker dies in the second batch: the first batch stays, the second is rolled back.
    from minsheng.reviews.services import imports

    real = imports.insert_new
    calls = {"n": 0}

    def dying(*args: object, **kw: object) -> object:
        calls["n"] += 1
        stored = real(*args, **kw)  # type: ignore[arg-type]
        if calls["n"] == 2:  # the second batch is written, then the worker dies
            raise RuntimeError("worker killed")
        return stored

    monkeypatch.setattr(imports, "insert_new", dying)
    with pytest.raises(RuntimeError):
        _import(city, data, batch=4)
    assert Rating.objects.filter(case_no__startswith="B").count() == 4
    monkeypatch.setattr(imports, "insert_new", real)
    again = _import(city, data, batch=4)
    assert (again.accepted, again.duplicates) == (6, 4)  # type: ignore[attr-defined]
    assert Rating.objects.filter(case_no__startswith="B").count() == 10
