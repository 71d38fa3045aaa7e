"""Bad files on every import path: a deterministic generator mutates a valid file (bad numbers,
huge and non-finite values, formulas, NUL, over-long fields, missing or doubled headers, ragged
rows, wrong encodings, truncation, binary garbage) and each path must answer with a located
error or a success — never a crash — and never write part of a refused file.

Marked ``fuzz``; `make test` runs it. ``-s`` prints the table of figures."""

from __future__ import annotations

import io
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from minsheng.core.tabular import TableError
from minsheng.indicators.models import Benchmark, Category, Indicator, Target, Value
from minsheng.orgs.models import Organisation, Region, Staff, Window
from minsheng.polls.models import Respondent
from minsheng.polls.services import fieldwork_import
from minsheng.reviews.models import Rating
from minsheng.reviews.services.imports import import_ratings
from tests.conftest import City, post_and_run_job
from tests.polls.test_polls import _csv, _poll

pytestmark = pytest.mark.fuzz

CASES = 120  # per path
BAD_VALUES = [
    "",
    " ",
    "abc",
    "--5",
    "0x10",
    "1e308",
    "-1e308",
    "nan",
    "inf",
    "-inf",
    "1e-300",
    "9" * 5000,
    "99999999999999999999999999999",
    "=1+1",
    "+cmd",
    "@SUM(A1)",
    "\t",
    "a\x00b",
    "x" * 140_000,
    "中" * 300,
    "１２３",
    "1,234",
    "12%",
    "2026Q9",
    "-0",
    "0",
    "1.5.2",
]


@dataclass
class Tally:
    inputs: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    crashes: list[str] = field(default_factory=list)
    unlocated: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)


TALLIES: dict[str, Tally] = {}


def _mutate_text(rng: random.Random, text: str) -> bytes:
    lines = [line.split(",") for line in text.strip("\n").split("\n")]
    kind = rng.randrange(12)
    if kind <= 4:  # a bad value in a random cell (several times over)
        for _ in range(rng.randint(1, 3)):
            row = rng.randrange(1, len(lines)) if len(lines) > 1 else 0
            col = rng.randrange(len(lines[row]))
            lines[row][col] = rng.choice(BAD_VALUES).replace(",", "")
    elif kind == 5:  # a header lost or doubled
        col = rng.randrange(len(lines[0]))
        lines[0][col] = lines[0][(col + 1) % len(lines[0])] if rng.random() < 0.5 else "列"
    elif kind == 6:  # ragged rows
        row = rng.randrange(len(lines))
        cut = rng.randrange(len(lines[row]) + 1)
        lines[row] = lines[row][:cut] + ["多余"] * rng.randint(0, 2)
    body = "\n".join(",".join(cells) for cells in lines) + "\n"
    if kind == 7:
        return body.encode("gbk", errors="replace")
    if kind == 8:
        data = body.encode()
        return data[: rng.randrange(len(data) + 1)]
    if kind == 9:
        data = bytearray(body.encode())
        for _ in range(rng.randint(1, 5)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    if kind == 10:
        return rng.choice(
            [b"", b"\n\n", b"PK\x03\x04garbage", bytes(rng.randrange(256) for _ in range(300))]
        )
    return ("\ufeff" + body).encode()


def _mutate_xlsx(rng: random.Random, data: bytes) -> bytes:
    kind = rng.randrange(8)
    if kind == 0:
        return data[: rng.randrange(len(data))]
    if kind == 1:
        return b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(200))
    book = load_workbook(io.BytesIO(data))
    ws = book[rng.choice(book.sheetnames)]
    for _ in range(rng.randint(1, 3)):
        row = rng.randint(1 if kind == 2 else 2, max(2, ws.max_row))
        col = rng.randint(1, max(1, ws.max_column))
        value: object = rng.choice(BAD_VALUES)
        if kind == 3:
            value = rng.choice([1e308, -1e308, float("inf"), float("nan"), -5, 10**30, 0.1])
        ws.cell(row=row, column=col, value=value if value != "a\x00b" else "ab")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _run(
    name: str,
    inputs: list[bytes],
    attempt: Callable[[bytes], tuple[str, list[str]]],
    counts: Callable[[], tuple[int, ...]],
) -> None:
    """``attempt`` answers (outcome, error texts); outcome "error" must leave counts as they
    were; an exception escaping is a crash."""
    tally = TALLIES.setdefault(name, Tally())
    for data in inputs:
        tally.inputs += 1
        before = counts()
        try:
            outcome, errors = attempt(data)
        except Exception as exc:  # what the fuzz test is for
            tally.crashes.append(f"{type(exc).__name__}: {str(exc)[:200]}")
            continue
        tally.outcomes[outcome] += 1
        if outcome == "error":
            if counts() != before:
                tally.partial.append(str(errors[:2]))
            if not errors or any(not e.strip() for e in errors):
                tally.unlocated.append(repr(errors[:2]))
    assert not tally.crashes, tally.crashes[:5]
    assert not tally.partial, tally.partial[:5]
    assert not tally.unlocated, tally.unlocated[:5]


def _page_errors(body: str) -> list[str]:
    """The errors a page lists (the register page shows a table of sheet, row, column)."""
    marker = next((m for m in ("import-errors", "job-errors") if f'data-testid="{m}"' in body), "")
    if marker:
        part = body.split(f'data-testid="{marker}"')[1].split("</table>")[0]
        cells = re.findall(
            r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", part
        )
        return [" ".join(c) for c in cells]
    part = body.split('data-testid="errors"')[-1].split("</ul>")[0]
    return re.findall(r"<li>(.*?)</li>", part)


def test_fieldwork_import(city: City) -> None:
    poll = _poll(city)
    good = _csv(city, 30, seed=5).decode("gbk")
    rng = random.Random(11)

    def attempt(data: bytes) -> tuple[str, list[str]]:
        try:
            n = fieldwork_import(poll, data, filename="f.csv", actor="fuzz")
        except TableError as exc:
            return "error", [str(e) for e in exc.errors]
        return f"imported {n}", []

    _run(
        "fieldwork (polls)",
        [_mutate_text(rng, good) for _ in range(CASES)],
        attempt,
        lambda: (Respondent.objects.filter(poll=poll).count(),),
    )


def test_ratings_import(city: City) -> None:
    city_code = city.county.parent.code  # type: ignore[union-attr]
    header = "case_no,department,centre,channel,level,rated_at,comment"
    rows = [
        f"F{k:05d},dept-{city_code}-edu,centre-{city.county.code},pc,{1 + k % 5},"
        f"2026-10-09 10:{k:02d},好"
        for k in range(20)
    ]
    good = "\n".join([header, *rows]) + "\n"
    rng = random.Random(12)

    def attempt(data: bytes) -> tuple[str, list[str]]:
        before = Rating.objects.count()
        try:
            report = import_ratings(
                data, filename="r.csv", actor="fuzz", city=city.county.parent, create_missing=False
            )
        except TableError as exc:
            return "error", [str(e) for e in exc.errors]
        # Rows are kept one by one: what was stored is exactly what was accepted.
        if Rating.objects.count() - before != report.accepted:
            raise AssertionError(f"stored {Rating.objects.count() - before} of {report.accepted}")
        Rating.objects.filter(case_no__startswith="F").delete()
        return "accepted rows", [str(e) for e in report.errors]

    _run(
        "ratings file (reviews import)",
        [_mutate_text(rng, good) for _ in range(CASES)],
        attempt,
        lambda: (Rating.objects.count(),),
    )


def test_regions_import(city: City, tmp_path: Path) -> None:
    base, county = city.county.code[:6], city.county.code
    good = f"code,name,parent_code\n{base}301000,新街道,{county}\n{base}302000,二街道,{county}\n"
    rng = random.Random(13)

    def attempt(data: bytes) -> tuple[str, list[str]]:
        path = tmp_path / "r.csv"
        path.write_bytes(data)
        err = StringIO()
        try:
            call_command("regions", "import", str(path), stdout=StringIO(), stderr=err)
        except CommandError as exc:
            return "error", [str(exc), *err.getvalue().splitlines()]
        return "imported", []

    _run(
        "regions (command)",
        [_mutate_text(rng, good) for _ in range(CASES)],
        attempt,
        lambda: (Region.objects.count(),),
    )


def _upload_path(
    city: City,
    name: str,
    url: str,
    user: str,
    good: bytes,
    counts: Callable[[], tuple[int, ...]],
    *,
    xlsx: bool,
    seed: int,
    extra: dict[str, str] | None = None,
    job: bool = False,
) -> None:
    """``job``: the page starts a background job; it is run and its page read."""
    rng = random.Random(seed)
    client = city.client(user)

    def attempt(data: bytes) -> tuple[str, list[str]]:
        upload = SimpleUploadedFile("f.xlsx" if xlsx else "f.csv", data)
        form = {"file": upload, **(extra or {})}
        response = post_and_run_job(client, url, form) if job else client.post(url, form)
        if response.status_code >= 500:
            raise AssertionError(f"HTTP {response.status_code}")
        page = response.content.decode()
        if 'data-status="failed"' in page:
            raise AssertionError("the job failed: " + page.split("任务失败")[-1][:200])
        shown = any(f'data-testid="{t}"' in page for t in ("errors", "import-errors", "job-errors"))
        if response.status_code in (302, 200) and not shown:
            return f"HTTP {response.status_code}", []
        return "error", _page_errors(page)

    mutate = _mutate_xlsx if xlsx else (lambda r, d: _mutate_text(r, d.decode()))
    _run(name, [mutate(rng, good) for _ in range(CASES)], attempt, counts)


def test_catalog_upload(city: City) -> None:
    good = city.client("quality").get(reverse("indicator_catalog_export")).content
    _upload_path(
        city,
        "catalog (web)",
        reverse("indicator_catalog"),
        "quality",
        good,
        lambda: (Category.objects.count(), Indicator.objects.count(), Target.objects.count()),
        xlsx=True,
        seed=14,
    )


def test_benchmark_upload(city: City) -> None:
    good = (
        "指标代码,期别,省平均,省最优,全省排名,参评地区数\n"
        "EDU01,2026Q4,12,15,3,16\nEDU02,2026Q4,95,,,\n"
    ).encode()
    _upload_path(
        city,
        "benchmarks (web)",
        reverse("indicator_benchmarks") + "?period=2026Q4",
        "quality",
        good,
        lambda: (Benchmark.objects.count(),),
        xlsx=False,
        seed=15,
    )


def test_register_upload(city: City) -> None:
    good = city.client("quality").get(reverse("region_export", args=[city.county.code])).content
    _upload_path(
        city,
        "register (web)",
        reverse("register_upload"),
        "quality",
        good,
        lambda: (Organisation.objects.count(), Window.objects.count(), Staff.objects.count()),
        xlsx=True,
        seed=16,
        job=True,
    )


def test_indicator_form_upload(city: City) -> None:
    good = city.client("reporter").get(reverse("indicator_form_template", args=["2026Q4"])).content
    _upload_path(
        city,
        "indicator form (web)",
        reverse("indicator_form", args=["2026Q4"]),
        "reporter",
        good,
        lambda: (Value.objects.count(),),
        xlsx=True,
        seed=17,
        extra={"action": "save"},
    )


def test_applications_import(city: City) -> None:
    from minsheng.core.halls.applications import records_from_table
    from minsheng.core.tabular import read_table
    from minsheng.halls.models import Application
    from minsheng.halls.services import applications_store

    centre = city.users["window"].organisation
    assert centre is not None
    header = "办件编号,事项编码,服务中心,受理时间,一次性告知,承诺时限,办结时间,到现场次数"
    rows = [
        f"FZ{k:04d},A{k % 3},{centre.key},2026-10-{9 + k % 5:02d} 10:00,是,{k % 4},"
        f"2026-10-{14 + k % 5:02d} 15:00,{k % 2}"
        for k in range(20)
    ]
    good = "\n".join([header, *rows]) + "\n"
    rng = random.Random(18)

    def attempt(data: bytes) -> tuple[str, list[str]]:
        try:
            records = records_from_table(read_table(data, filename="a.csv"))
            stored = applications_store(records, region=city.county, actor="fuzz")
        except TableError as exc:
            return "error", [str(e) for e in exc.errors]
        Application.objects.filter(case_no__startswith="FZ").delete()
        return f"stored {stored.created + stored.updated + stored.unchanged}", []

    _run(
        "applications (halls import)",
        [_mutate_text(rng, good) for _ in range(CASES)],
        attempt,
        lambda: (Application.objects.count(),),
    )


def test_catalog_workbook_import(city: City) -> None:
    from minsheng.catalog.models import CatalogItem
    from minsheng.catalog.selectors import items_at
    from minsheng.catalog.services import catalog_store
    from minsheng.core.catalog.sheet import catalog_sheets, items_from_sheet
    from minsheng.core.xlsx import write_workbook

    root = city.county.parent
    assert root is not None
    out = io.BytesIO()
    write_workbook(out, catalog_sheets(items_at(city.county)[:15]))
    good = out.getvalue()
    rng = random.Random(19)

    def attempt(data: bytes) -> tuple[str, list[str]]:
        try:
            items = items_from_sheet(data, filename="事项.xlsx")
            stored = catalog_store(items, root=root, actor="fuzz")
        except TableError as exc:
            return "error", [str(e) for e in exc.errors]
        return f"changed {stored.changed + stored.created}", []

    _run(
        "catalog workbook (事项 + 材料)",
        [_mutate_xlsx(rng, good) for _ in range(CASES // 2)],
        attempt,
        lambda: (CatalogItem.objects.count(),),
    )


def test_zz_print_the_table() -> None:
    """The figures for the closing note (run with -s)."""
    lines = [
        "| import path | inputs | crashes | unlocated errors | partial writes | outcomes |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, t in TALLIES.items():
        outcomes = ", ".join(f"{k} {v}" for k, v in t.outcomes.most_common(4))
        lines.append(
            f"| {name} | {t.inputs} | {len(t.crashes)} | {len(t.unlocated)} "
            f"| {len(t.partial)} | {outcomes} |"
        )
    print("\n".join(lines))
