"""A poll round through the web app's services, at a city's size and larger: 50 counties × 24
townships, 16 items, respondents spread by township and carrier (``core.polls.demo``).

Times what the pages do: importing the vendor's 20,000-row CSV (all checks, hashed phones, one
transaction), saving the sampling plan and setting design weights with the nonresponse
adjustment, and the results page's computation (scores with Taylor SEs, 100 bootstrap replicates
for the rank intervals, change against the previous round, items and IPA) by county, by township
and for one county's drill-down — each from the database, then once more from the per-process
cache a repeated view uses. SQLite in a temporary folder, or the PostgreSQL of
$DATABASE_URL (`scripts/with-postgres.sh .venv/bin/python bench/bench_polls.py`).

    python bench/bench_polls.py [--sizes 20000,100000]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
tmp = Path(tempfile.mkdtemp(prefix="minsheng-bench-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
os.environ["MINSHENG_VAR_DIR"] = str(tmp)
os.environ["DJANGO_SETTINGS_MODULE"] = "minsheng.site.settings"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from minsheng.core.polls import demo as pd  # noqa: E402
from minsheng.core.polls.fieldwork import phone_hash  # noqa: E402
from minsheng.core.survey.sampling import QuotaRow  # noqa: E402
from minsheng.orgs.models import Region  # noqa: E402
from minsheng.orgs.services import regions_upsert  # noqa: E402
from minsheng.polls.memo import memo_clear  # noqa: E402
from minsheng.polls.models import Item, Poll, Questionnaire, Respondent  # noqa: E402
from minsheng.polls.planning import design_weights_apply, plan_save  # noqa: E402
from minsheng.polls.results import poll_results  # noqa: E402
from minsheng.polls.services import fieldwork_import, poll_salt  # noqa: E402
from minsheng.polls.store import refresh  # noqa: E402
from minsheng.reviews.services.bulk import insert_rows  # noqa: E402

CITY = "390100000000"


def _regions() -> tuple[dict[str, Region], list[tuple[str, str]]]:
    codes = [("390000000000", "省"), (CITY, "市")]
    townships = []
    for c in range(1, 51):
        county = f"3901{c:02d}000000"
        codes.append((county, f"区{c}"))
        for t in range(1, 25):
            codes.append((f"3901{c:02d}{t:03d}000", f"镇{c}-{t}"))
            townships.append((f"3901{c:02d}{t:03d}000", county))
    regions = regions_upsert(actor=None, regions=codes, note="bench", audit_each=False).by_code
    return regions, townships


def _questionnaire() -> Questionnaire:
    questionnaire = Questionnaire.objects.create(name="bench", version=1, frozen=True)
    Item.objects.bulk_create(
        Item(
            questionnaire=questionnaire,
            code=i.code,
            text=i.text,
            scale="satisfaction5",
            domain=i.domain,
            is_overall=i.is_overall,
            order=k,
        )
        for k, i in enumerate(pd.demo_items())
    )
    return questionnaire


def _csv(people: list[pd.DemoRespondent]) -> bytes:
    codes = [i.code for i in pd.demo_items()]
    lines = ["respondent_id,region,stratum,phone,interviewer,duration," + ",".join(codes)]
    lines += [
        f"{p.respondent_id},{p.region},{p.stratum},{p.phone},{p.interviewer},{p.duration:.0f},"
        + ",".join(p.answers[c] for c in codes)
        for p in people
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _store(poll: Poll, people: list[pd.DemoRespondent], regions: dict[str, Region]) -> None:
    """Respondents straight into the table (the import's checks are timed at 20,000 only)."""
    salt = poll_salt(poll)
    insert_rows(
        Respondent,
        [
            "poll_id",
            "respondent_id",
            "region_id",
            "stratum",
            "phone_hash",
            "interviewer",
            "duration",
            "weight",
            "base_weight",
            "answers",
            "attributes",
        ],
        (
            (
                poll.pk,
                p.respondent_id,
                regions[p.region].pk,
                p.stratum,
                phone_hash(p.phone, salt),
                p.interviewer,
                p.duration,
                1.0,
                1.0,
                p.answers,
                {},
            )
            for p in people
        ),
    )


def _unique_phones(people: list[pd.DemoRespondent], tag: int) -> list[pd.DemoRespondent]:
    """The demo draws phone numbers at random; make them unique so no row is a duplicate."""
    return [
        pd.DemoRespondent(
            p.respondent_id,
            p.region,
            p.stratum,
            f"1{tag}{k:09d}",
            p.interviewer,
            p.duration,
            p.answers,
        )
        for k, p in enumerate(people)
    ]


def _timed(rows: list[tuple[str, float]], name: str, run: object) -> object:
    start = time.perf_counter()
    result = run()  # type: ignore[operator]
    rows.append((name, time.perf_counter() - start))
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="20000,100000")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    call_command("migrate", verbosity=0)
    regions, townships = _regions()
    questionnaire = _questionnaire()
    rows: list[tuple[str, float]] = []
    for size in sizes:
        before = Poll.objects.create(
            name="bench", round="2026Q2", region=regions[CITY], questionnaire=questionnaire
        )
        now = Poll.objects.create(
            name="bench",
            round="2026Q3",
            region=regions[CITY],
            questionnaire=questionnaire,
            previous=before,
        )
        # Rounds 1 and 2: the demo's last round has a planted fabricator whose straight-lined,
        # too-fast interviews the import rightly refuses.
        _store(before, _unique_phones(pd.demo_round(1, townships, seed=5, size=size), 1), regions)
        people = _unique_phones(pd.demo_round(2, townships, seed=5, size=size), 2)
        label = f"{size:,} respondents"
        if size <= 20_000:
            data = _csv(people)
            _timed(
                rows,
                f"{label}: import the vendor's CSV ({len(data) / 1e6:.1f} MB, all checks)",
                lambda d=data, p=now: fieldwork_import(p, d, filename="f.csv", actor=None),
            )
        else:
            _store(now, people, regions)
        plan = [
            QuotaRow(c.county, c.carrier, c.frame, c.quota)
            for c in pd.demo_plan(townships, people, seed=5)
        ]
        _timed(
            rows,
            f"{label}: save the plan ({len(plan)} cells)",
            lambda p=now, q=plan: plan_save(p, q, actor=None),
        )
        _timed(
            rows,
            f"{label}: design weights with nonresponse adjustment",
            lambda p=now: design_weights_apply(p, actor=None),
        )
        _timed(
            rows,
            f"{label}: write both rounds' columns (as the import and weighting do on commit)",
            lambda p=now: (refresh(p), refresh(p.previous)),
        )
        for level, within in (("county", None), ("township", None), ("township", "390101000000")):
            name = "one county's drill-down" if within else f"results by {level}, first view"
            memo_clear()  # each computed from the database, as on a first view
            _timed(
                rows,
                f"{label}: {name} (two rounds, 100 bootstrap replicates)",
                lambda p=now, lv=level, w=within: poll_results(p, lv, None, w),
            )
        _timed(
            rows,
            f"{label}: the drill-down page again (computation kept until the data change)",
            lambda p=now: poll_results(p, "township", None, "390101000000"),
        )
    engine = os.environ["DATABASE_URL"].split(":", 1)[0]
    print(f"## Poll round through the services (`bench/bench_polls.py`, {engine})\n")
    print(f"{len(townships):,} townships in 50 counties, {len(pd.demo_items())} items.\n")
    print("| step | seconds |\n|---|---:|")
    for name, secs in rows:
        print(f"| {name} | {secs:.2f} |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"\nPeak memory: {peak:.2f} GiB")


if __name__ == "__main__":
    main()
