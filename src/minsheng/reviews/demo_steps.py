"""Demo data for service ratings: reason tags, service items, which department staffs which
window, deadline rules, a year of ratings (about 500,000 at city scale) with their
rectification cases in every state, handled-case counts, and the integrity findings the two
planted gaming patterns produce."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

from minsheng.core.ratings import demo as rd
from minsheng.core.regions import Level
from minsheng.core.workdays.calendar import SHANGHAI, WorkCalendar
from minsheng.demo.registry import DemoContext, register
from minsheng.orgs.models import Organisation, OrgKind, Staff, Window
from minsheng.reviews.models import (
    CaseEvent,
    DeadlineRule,
    HandledCount,
    Rating,
    ReasonTag,
    RectificationCase,
    ServiceItem,
    WindowDepartment,
)
from minsheng.reviews.services.bulk import insert_ratings
from minsheng.reviews.services.contact import encrypt, mask
from minsheng.reviews.services.integrity import detect

START, END = dt.date(2025, 11, 1), dt.date(2026, 11, 20)
AS_OF = dt.datetime(2026, 11, 20, 18, 0, tzinfo=SHANGHAI)
BATCH = 5000
REPLY = "已向群众说明情况并致歉，优化了办理流程。"
EVIDENCE = "调取窗口录像，业务按规定办结，群众诉求不属实。"
# Window name → department key (the rest are the centre's own comprehensive windows).
WINDOW_DEPARTMENTS = {
    "公安户政": "police",
    "出入境": "police",
    "户籍": "police",
    "社保": "hrss",
    "人力资源": "hrss",
    "就业": "hrss",
    "医保": "medical-ins",
    "卫生健康": "health",
    "交通运输": "transport",
    "住房建设": "housing",
    "公积金": "housing",
    "不动产登记": "housing",
    "教育": "edu",
    "民政": "civil",
    "市场主体登记": "market",
    "生态环境": "eco",
    "文化旅游": "culture",
    "城市管理": "urban",
}
ITEMS = (
    ("police", "户口迁移"),
    ("police", "新生儿入户"),
    ("police", "居民身份证换领"),
    ("hrss", "社会保障卡申领"),
    ("hrss", "失业保险金申领"),
    ("medical-ins", "异地就医备案"),
    ("health", "出生医学证明办理"),
    ("housing", "住房公积金提取"),
    ("housing", "不动产转移登记"),
    ("market", "个体工商户设立登记"),
    ("market", "食品经营许可"),
    ("civil", "婚姻登记"),
    ("edu", "义务教育入学登记"),
    ("transport", "道路运输证办理"),
)


def _department_of(window_name: str, city: str, centre_key: str) -> str:
    for word, key in WINDOW_DEPARTMENTS.items():
        if word in window_name:
            return f"dept-{city}-{key}"
    return centre_key


@register("reviews", order=60)
def build_reviews(ctx: DemoContext) -> None:
    city_region = next(r for r in ctx.plan.regions if r.level == Level.CITY)
    city = city_region.code
    ReasonTag.objects.bulk_create(ReasonTag(code=c, name=n) for c, n in rd.REASONS)
    items = ServiceItem.objects.bulk_create(
        ServiceItem(
            code=f"ITEM{k:03d}", name=name, department=ctx.organisations[f"dept-{city}-{d}"]
        )
        for k, (d, name) in enumerate(ITEMS, start=1)
    )
    items_of: dict[str, list[ServiceItem]] = {}
    for item in items:
        items_of.setdefault(item.department.key, []).append(item)  # type: ignore[union-attr]
    # One county keeps a stricter 7-working-day rectification limit.
    first_county = [r for r in ctx.plan.regions if r.level == Level.COUNTY][-1]
    DeadlineRule.objects.create(region=ctx.regions[city], verify_days=1, rectify_days=15)
    DeadlineRule.objects.create(
        region=ctx.regions[first_county.code], verify_days=1, rectify_days=7
    )

    centres_db = {
        o.key: o
        for o in Organisation.objects.filter(
            kind=OrgKind.SERVICE_CENTRE, key__contains=city[:4]
        ).select_related("region")
    }
    windows = list(Window.objects.filter(centre__in=centres_db.values()).select_related("centre"))
    staff_by_window: dict[int, list[Staff]] = {}
    for s in Staff.objects.filter(window__in=windows):
        staff_by_window.setdefault(s.window_id, []).append(s)  # type: ignore[arg-type]
    links = []
    plans: dict[str, list[rd.DemoWindow]] = {}
    for w in windows:
        department = _department_of(w.name, city, w.centre.key)
        if department != w.centre.key:
            links.append(WindowDepartment(window=w, department=ctx.organisations[department]))
        staff = tuple(sorted(s.staff_no for s in staff_by_window.get(w.pk, [])))
        plans.setdefault(w.centre.key, []).append(rd.DemoWindow(w.number, department, staff))
    WindowDepartment.objects.bulk_create(links)
    level_of = {o.key: o.centre_level for o in centres_db.values()}
    demo_centres = [
        rd.DemoCentre(key, int(level_of[key] or 5), tuple(sorted(ws, key=lambda w: w.number)))
        for key, ws in sorted(plans.items())
    ]
    # The test-scale city (every test's fixture) starts without ratings: tests make their own.
    test_scale = str(ctx.plan.scale) == "test"
    start = START
    volume = 0.0 if test_scale else 1.0
    calendar = WorkCalendar()
    orgs = {o.key: o for o in Organisation.objects.filter(key__contains=city[:4])}
    window_ids = {(w.centre.key, w.number): w.pk for w in windows}
    staff_ids = dict(Staff.objects.filter(window__in=windows).values_list("staff_no", "pk"))
    rng = random.Random(f"{ctx.plan.seed}:reviews-extra")
    bad_numbers: list[str] = []

    def rows() -> Iterator[tuple[Any, ...]]:
        for r in rd.demo_ratings(
            demo_centres,
            start=start,
            end=END,
            seed=ctx.plan.seed,
            volume=volume,
            calendar=calendar,
        ):
            handler = orgs[r.department]
            pool = items_of.get(handler.key)
            item = rng.choice(pool) if pool and rng.random() < 0.7 else None
            if r.level <= 2 and r.source == "active":
                bad_numbers.append(r.case_no)
            yield (
                r.case_no,
                item.pk if item is not None else None,
                handler.pk,
                centres_db[r.centre].pk,
                window_ids.get((r.centre, r.window)) if r.window else None,
                staff_ids.get(r.staff) if r.staff else None,
                str(r.channel),
                r.level,
                list(r.reasons),
                r.comment,
                encrypt(r.contact),
                mask(r.contact),
                str(r.source),
                False,
                r.rated_at,
                r.rated_at + dt.timedelta(seconds=rng.randint(1, 90)),
                r.handled_at,
                None,
                "",
                r.device,
                "",
            )

    total = insert_ratings(rows())
    bad = [
        rating
        for start_at in range(0, len(bad_numbers), 900)
        for rating in Rating.objects.filter(case_no__in=bad_numbers[start_at : start_at + 900])
    ]
    strict = {
        o.pk: 7
        for o in centres_db.values()
        if o.region.county_id == ctx.regions[first_county.code].pk
        or o.region_id == ctx.regions[first_county.code].pk
    }
    cases = _cases(bad, calendar, rng, strict)
    _handled_counts(city)
    ctx.summary["ratings"] = total
    ctx.summary["rectification cases"] = cases
    for month in ("2026-09", "2026-10", "2026-11"):
        ctx.summary[f"integrity findings {month}"] = len(detect(month, ctx.regions[city]))


def _cases(
    bad: list[Rating], calendar: WorkCalendar, rng: random.Random, rectify_days: dict[int, int]
) -> int:
    rows = []
    stories = []
    for rating in bad:
        story = rd.case_story(rng, rating.rated_at, AS_OF)
        feedback = ""
        if story.state in ("answered", "closed") and rating.contact_cipher:
            feedback = rng.choices(["satisfied", "basic", "dissatisfied"], [70, 22, 8])[0]
        rows.append(
            RectificationCase(
                rating=rating,
                department_id=rating.department_id,
                state=story.state,
                opened_at=rating.rated_at,
                verify_due=calendar.due(rating.rated_at, 1),
                rectify_due=calendar.due(rating.rated_at, rectify_days.get(rating.centre_id, 15)),
                verified_at=story.verified_at,
                answered_at=story.answered_at,
                closed_at=story.closed_at,
                reply=REPLY if story.answered_at else "",
                evidence=EVIDENCE if story.state in ("untrue", "appealed") else "",
                feedback=feedback,
            )
        )
        stories.append(story)
    created = RectificationCase.objects.bulk_create(rows, batch_size=BATCH)
    events = []
    for case, story in zip(created, stories, strict=True):
        steps = [(case.opened_at, "open", "", "open", "系统", "")]
        if story.verified_at:
            steps.append((story.verified_at, "verify", "open", "verifying", "责任部门", ""))
        if story.answered_at:
            steps.append((story.answered_at, "answer", "rectifying", "answered", "责任部门", REPLY))
        if story.state == "closed" and story.closed_at:
            steps.append((story.closed_at, "close", "answered", "closed", "质量办", ""))
        if story.state == "untrue" and story.closed_at:
            steps.append((story.closed_at, "uphold", "appealed", "untrue", "质量办", EVIDENCE))
        events += [
            CaseEvent(
                case=case, at=at, action=a, from_state=f, to_state=t, actor_label=who, note=note
            )
            for at, a, f, t, who, note in steps
        ]
    CaseEvent.objects.bulk_create(events, batch_size=BATCH)
    return len(created)


def _handled_counts(city: str) -> None:
    """Handled cases per centre and month: active ratings ÷ a participation of 55–90 %."""
    rng = random.Random(f"{city}:handled")
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    rows = (
        Rating.objects.filter(source="active")
        .annotate(m=TruncMonth("rated_at", tzinfo=SHANGHAI))
        .values("centre_id", "m")
        .annotate(n=Count("pk"))
    )
    HandledCount.objects.bulk_create(
        HandledCount(
            centre_id=r["centre_id"],
            month=r["m"].date() if isinstance(r["m"], dt.datetime) else r["m"],
            count=int(r["n"] / rng.uniform(0.55, 0.9)) + 1,
        )
        for r in rows
    )
