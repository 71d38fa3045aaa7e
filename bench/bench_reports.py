"""Reports and the cockpit (issue 16) on their own paths, on the city demo (built here in a
temporary directory, ~90 s; or an existing one with ``BENCH_DATABASE_URL`` and
``BENCH_VAR_DIR``):

1. the city's quarterly report: the figures gathered (``quarter_facts``), the Word file through
   the template, the PDF (WeasyPrint) — each timed;
2. batches: the report of the city and of each of its districts, and of the province's 13 cities
   (the other 12 have their published indicator values only);
3. the cockpit page as the leader opens it (Django test client, after one warm-up), for each
   map figure;
4. the province's own report (the root of the tree) and its cockpit as the administrator opens
   it.

Prints a Markdown table. ``.venv/bin/python bench/bench_reports.py``; ``BENCH_SCALE=province``
builds the province demo (13 cities, each with its ratings, polls and hall data; ~3 min)
instead of the city demo.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
tmp = Path(tempfile.mkdtemp(prefix="minsheng-bench-"))
EXISTING = os.environ.get("BENCH_DATABASE_URL")
os.environ["DATABASE_URL"] = EXISTING or f"sqlite:///{tmp / 'bench.sqlite3'}"
os.environ["MINSHENG_VAR_DIR"] = os.environ.get("BENCH_VAR_DIR", str(tmp))
os.environ["DJANGO_SETTINGS_MODULE"] = "minsheng.site.settings"
os.environ.setdefault("MINSHENG_SECRET_KEY", "bench-secret-key-0123456789-abcdefghijkl")
os.environ.setdefault("MINSHENG_STATIC_MANIFEST", "0")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from minsheng.accounts.models import User  # noqa: E402
from minsheng.core.demo_plan import Scale  # noqa: E402
from minsheng.core.index.periods import Period  # noqa: E402
from minsheng.core.reports.quarterly import quarterly  # noqa: E402
from minsheng.core.reports.render import to_docx, to_pdf  # noqa: E402
from minsheng.demo.services import demo_build  # noqa: E402
from minsheng.orgs.models import Region, RegionLevel  # noqa: E402
from minsheng.orgs.selectors import office_name  # noqa: E402
from minsheng.reports.cockpit import MAP_FIGURES  # noqa: E402
from minsheng.reports.facts import quarter_facts  # noqa: E402
from minsheng.reports.services import quarterly_make  # noqa: E402

PERIOD = Period(2026, 3)


def timed(fn):  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    value = fn()
    return time.perf_counter() - began, value


def main() -> None:
    call_command("migrate", verbosity=0)
    if not EXISTING:
        began = time.perf_counter()
        scale = Scale(os.environ.get("BENCH_SCALE", "city"))
        demo_build(scale=scale, seed=2025, password="bench-pass-123")
        print(f"({scale.value} demo built in {time.perf_counter() - began:.0f} s)")
    office = User.objects.get(username="quality").organisation
    assert office is not None
    city = office.region
    today = django.utils.timezone.localdate()
    t_facts, facts = timed(
        lambda: quarter_facts(city, PERIOD, issuer=office_name(city), today=today)
    )
    content = quarterly(facts)
    t_docx, docx = timed(lambda: to_docx(content))
    t_pdf, pdf = timed(lambda: to_pdf(content))
    districts = list(Region.objects.filter(parent=city).order_by("code"))
    t_batch, made = timed(lambda: [quarterly_make(r, PERIOD) for r in [city, *districts]])
    assert city.parent is not None
    cities = list(Region.objects.filter(parent=city.parent).order_by("code"))
    t_cities, _made = timed(lambda: [quarterly_make(r, PERIOD) for r in cities])
    leader = User.objects.get(username="leader")
    client = Client()
    client.force_login(leader)
    pages = []
    for figure in MAP_FIGURES:
        url = f"/cockpit/?period={PERIOD}&map={figure}"
        assert client.get(url).status_code == 200  # warm-up
        runs = [timed(lambda url=url: client.get(url))[0] for _ in range(3)]
        pages.append((figure, statistics.median(runs)))
    province = city.parent
    t_province, _report = timed(lambda: quarterly_make(province, PERIOD))
    admin = Client()
    admin.force_login(User.objects.get(username="admin"))
    url = f"/cockpit/?period={PERIOD}&region={province.code}"
    assert admin.get(url).status_code == 200  # warm-up
    t_province_page = statistics.median(timed(lambda: admin.get(url))[0] for _ in range(3))
    with_ratings = Region.objects.filter(parent=province, level=RegionLevel.CITY).count()
    pages_count = len(pdf) // 1024
    print(f"| step ({city.name}, {PERIOD.label}) | time |")
    print("|---|---:|")
    print(f"| figures gathered (`quarter_facts`) | {t_facts:.2f} s |")
    print(f"| Word through the template ({len(docx) // 1024} KB) | {t_docx:.2f} s |")
    print(f"| PDF, fonts embedded ({pages_count} KB) | {t_pdf:.2f} s |")
    print(f"| batch: the city and its {len(districts)} districts, both formats | {t_batch:.2f} s |")
    print(
        f"| batch: the province's {len(cities)} cities, both formats (only the demo city has "
        f"polls, ratings and tasks) | {t_cities:.2f} s |"
    )
    for figure, seconds in pages:
        print(f"| cockpit page, map by {MAP_FIGURES[figure]} (median of 3) | {seconds:.2f} s |")
    print(f"| the province's report ({with_ratings} cities), both formats | {t_province:.2f} s |")
    print(f"| the province's cockpit page (median of 3) | {t_province_page:.2f} s |")
    assert len(made) == len(districts) + 1


if __name__ == "__main__":
    main()
