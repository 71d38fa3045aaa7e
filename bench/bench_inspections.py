"""明察暗访 (issue 15) on its own paths, on a temporary SQLite database (or DATABASE_URL):

1. planning a round (``plan_create``: the sites synced from the register, the seeded weighted
   draw per county, inspectors assigned without conflicts) over ``BENCH_SITES`` service centres
   (default 17,251, the province demo's number) drawing about ``BENCH_VISITS`` of them (default
   1,000);
2. every visit's form submitted as the phone's API call does it (``visit_submit``: checked,
   scored, kept);
3. the round's page computation (``plan_report``: pass rates by item and site, repeated
   findings) and its workbook and 通报 (.docx);
4. the findings handed on as rectification tasks (``findings_hand_on``).

Prints a Markdown table. ``.venv/bin/python bench/bench_inspections.py``
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
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
os.environ.setdefault("MINSHENG_SECRET_KEY", "bench-secret-key-0123456789-abcdefghijkl")
os.environ.setdefault("MINSHENG_STATIC_MANIFEST", "0")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from minsheng.core.demo_plan import Scale  # noqa: E402
from minsheng.core.inspect.checklist import DEFAULTS, FAIL, PASS  # noqa: E402
from minsheng.core.reports.render import to_docx  # noqa: E402
from minsheng.core.workdays.calendar import SHANGHAI  # noqa: E402
from minsheng.core.xlsx import write_workbook  # noqa: E402
from minsheng.demo.services import demo_build  # noqa: E402
from minsheng.inspections.documents import notice, plan_sheets  # noqa: E402
from minsheng.inspections.models import Plan, Visit  # noqa: E402
from minsheng.inspections.selectors import plan_report  # noqa: E402
from minsheng.inspections.services import (  # noqa: E402
    Draft,
    checklist_save,
    findings_hand_on,
    plan_create,
    visit_submit,
)
from minsheng.orgs.models import Organisation, OrgKind, Region, RegionLevel  # noqa: E402

SITES = int(os.environ.get("BENCH_SITES", "17251"))
VISITS = int(os.environ.get("BENCH_VISITS", "1000"))


def main() -> None:
    call_command("migrate", verbosity=0)
    ctx = demo_build(scale=Scale.TEST, seed=7, password="bench-pass-123")
    Plan.objects.all().delete()
    city: Region = ctx.users["quality"].organisation.region
    villages = list(Region.objects.filter(level=RegionLevel.VILLAGE))
    have = Organisation.objects.filter(kind=OrgKind.SERVICE_CENTRE).count()
    Organisation.objects.bulk_create(
        Organisation(
            key=f"bench-centre-{k}", name=f"测试便民服务站{k}", kind=OrgKind.SERVICE_CENTRE,
            region=villages[k % len(villages)], centre_level=RegionLevel.VILLAGE,
        )
        for k in range(max(0, SITES - have))
    )  # fmt: skip
    counties = Region.objects.filter(level=RegionLevel.COUNTY).count() + 1  # + the city's own
    checklist = checklist_save(
        actor=None, region=city, kind="service_centre", name="基准清单",
        items=DEFAULTS["service_centre"],
    )  # fmt: skip
    began = time.perf_counter()
    plan = plan_create(
        actor=None, region=city,
        draft=Draft(
            name="基准检查", kind="service_centre", period="2026Q4", checklist=checklist,
            per_stratum=max(1, VISITS // counties), seed=2026, starts_on=dt.date(2026, 11, 2),
            ends_on=dt.date(2026, 11, 30), inspectors=["inspector", "county"],
        ),
    )  # fmt: skip
    t_plan = time.perf_counter() - began
    visits = list(plan.visits.select_related("inspector", "plan", "site"))
    rng = random.Random(15)
    codes = [i.code for i in DEFAULTS["service_centre"]]
    began = time.perf_counter()
    for k, visit in enumerate(visits):
        assert visit.inspector is not None, "the two inspectors cover every county"
        marks = {c: FAIL if rng.random() < 0.08 else PASS for c in codes}
        visit_submit(
            actor=visit.inspector, visit=visit, results=marks,
            notes={c: "问题" for c, m in marks.items() if m == FAIL}, summary="", unannounced=True,
            visited_at=dt.datetime(2026, 11, 2 + k % 20, 10, tzinfo=SHANGHAI), photos=[],
        )  # fmt: skip
    t_submit = time.perf_counter() - began
    began = time.perf_counter()
    report, rows = plan_report(plan)
    t_report = time.perf_counter() - began
    began = time.perf_counter()
    write_workbook(io.BytesIO(), plan_sheets(plan, report, rows))
    docx = to_docx(notice(plan, report, rows, issuer="清河市质量办"))
    t_docs = time.perf_counter() - began
    began = time.perf_counter()
    tasks = findings_hand_on(actor=None, plan=plan)
    t_tasks = time.perf_counter() - began
    sites = Organisation.objects.filter(kind=OrgKind.SERVICE_CENTRE).count()
    print(
        f"| step ({sites:,} sites, {len(visits):,} visits, {report.findings:,} findings) | time |"
    )
    print("|---|---:|")
    print(f"| plan a round: sync sites, draw, assign | {t_plan:.2f} s |")
    print(f"| {len(visits):,} visit forms submitted (`visit_submit`) | {t_submit:.2f} s |")
    print(f"| round report (`plan_report`, the page's computation) | {t_report:.2f} s |")
    print(f"| workbook + 通报 .docx ({len(docx) // 1024} KB) | {t_docs:.2f} s |")
    print(f"| {tasks:,} findings handed on as tasks | {t_tasks:.2f} s |")
    assert Visit.objects.filter(plan=plan, state="submitted").count() == len(visits)


if __name__ == "__main__":
    main()
