"""A deterministic year of ratings for the demo city: volumes by centre level, realistic
bad-rating rates varying by centre, staff, season and channel, reason tags and comments on bad
ratings, and two planted gaming patterns for the integrity checks to find:

1. self-rating: one county window's staff taps "非常满意" on the tablet in bursts (a dozen
   within minutes, some before the case was even handled);
2. default padding: one township centre fills in a default "非常满意" for almost half of its
   cases and adds system-generated ratings.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from minsheng.core.ratings.vocabulary import Channel, Source
from minsheng.core.workdays.calendar import SHANGHAI, WorkCalendar

REASONS: tuple[tuple[str, str], ...] = (
    ("attitude", "服务态度差"),
    ("waiting", "等待时间长"),
    ("repeat", "材料反复提交"),
    ("notice", "未一次性告知"),
    ("slow", "办理时间长"),
    ("system", "系统故障"),
    ("facility", "环境设施不便"),
    ("other", "其他"),
)
BAD_COMMENTS = (
    "排队两个小时才轮到",
    "同样的材料让我交了三次",
    "工作人员不耐烦",
    "系统一直登不上，白跑一趟",
    "没有一次性告诉我要带什么",
    "窗口中午不开，等了很久",
    "答应三天办好，一周了还没消息",
)
GOOD_COMMENTS = ("办事很快", "工作人员很耐心", "一次就办好了", "")
CHANNELS: tuple[tuple[Channel, float], ...] = (
    (Channel.WINDOW, 0.55),
    (Channel.QR, 0.15),
    (Channel.PC, 0.14),
    (Channel.APP, 0.11),
    (Channel.SMS, 0.03),
    (Channel.HOTLINE, 0.02),
)
# Ratings per working day at one centre, by centre level (1 city … 4 village).
PER_DAY = {2: 400.0, 3: 120.0, 4: 5.0, 5: 0.05}


@dataclass(frozen=True, slots=True)
class DemoWindow:
    number: int
    department: str  # organisation key handling this window's cases
    staff: tuple[str, ...]  # staff numbers


@dataclass(frozen=True, slots=True)
class DemoCentre:
    key: str
    level: int  # 2 city, 3 county, 4 township, 5 village
    windows: tuple[DemoWindow, ...]


@dataclass(frozen=True, slots=True)
class DemoRating:
    case_no: str
    centre: str
    window: int | None
    staff: str | None
    department: str
    channel: Channel
    level: int
    reasons: tuple[str, ...]
    comment: str
    contact: str
    source: Source
    rated_at: dt.datetime
    handled_at: dt.datetime
    device: str


@dataclass(frozen=True, slots=True)
class Planted:
    self_rating_centre: str  # county centre whose staff rate themselves
    self_rating_window: int
    default_centre: str  # township centre padding with default ratings


def plant(centres: Sequence[DemoCentre]) -> Planted:
    county = next(c for c in centres if c.level == 3 and c.windows)
    township = next(c for c in reversed(centres) if c.level == 4)
    return Planted(county.key, county.windows[min(2, len(county.windows) - 1)].number, township.key)


def _choice(rng: random.Random, weighted: Sequence[tuple[Channel, float]]) -> Channel:
    x = rng.random()
    for value, p in weighted:
        x -= p
        if x <= 0:
            return value
    return weighted[-1][0]


def _level(rng: random.Random, bad: float) -> int:
    x = rng.random()
    if x < bad * 0.35:
        return 1
    if x < bad:
        return 2
    if x < bad + 0.04:
        return 3
    if x < bad + 0.17:
        return 4
    return 5


def demo_ratings(
    centres: Sequence[DemoCentre],
    *,
    start: dt.date,
    end: dt.date,
    seed: int,
    volume: float = 1.0,
    calendar: WorkCalendar | None = None,
) -> Iterator[DemoRating]:
    """Ratings on the working days from ``start`` to ``end`` (inclusive), in time order per day."""
    if volume <= 0:
        return
    calendar = calendar or WorkCalendar()
    rng = random.Random(f"{seed}:ratings")
    planted = plant(centres)
    quality = {c.key: rng.gauss(0, 0.6) for c in centres}
    weak_staff = {s for c in centres for w in c.windows for s in w.staff if rng.random() < 0.04}
    day = start
    serial = 0
    while day <= end:
        if not calendar.is_working_day(day):
            day += dt.timedelta(days=1)
            continue
        season = 1.3 if day.month in (1, 2) else 1.0
        for centre in centres:
            if not centre.windows:
                continue
            expected = PER_DAY.get(centre.level, 0.0) * volume
            count = int(expected) + (rng.random() < expected - int(expected))
            for _ in range(count):
                serial += 1
                yield _one(
                    rng, centre, day, serial, quality[centre.key], season, weak_staff, planted
                )
            if centre.key == planted.self_rating_centre and rng.random() < 0.08:
                yield from _self_rating(rng, centre, day, planted, serial)
                serial += 12
        day += dt.timedelta(days=1)


def _one(
    rng: random.Random,
    centre: DemoCentre,
    day: dt.date,
    serial: int,
    quality: float,
    season: float,
    weak_staff: set[str],
    planted: Planted,
) -> DemoRating:
    window = rng.choice(centre.windows)
    staff = rng.choice(window.staff) if window.staff else None
    channel = _choice(rng, CHANNELS)
    minute = rng.randint(9 * 60, 17 * 60 + 30)
    if channel in (Channel.PC, Channel.APP) and rng.random() < 0.3:
        minute = rng.randint(18 * 60, 22 * 60)
    handled = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=SHANGHAI)
    delay = (
        rng.uniform(0.5, 20) if channel in (Channel.WINDOW, Channel.QR) else rng.uniform(30, 600)
    )
    rated = handled + dt.timedelta(minutes=delay)
    bad = 0.012 * math.exp(0.7 * quality) * season * (2.5 if staff in weak_staff else 1.0)
    level = _level(rng, min(bad, 0.3))
    source = Source.ACTIVE
    padding = 0.45 if centre.key == planted.default_centre else 0.05 if centre.level >= 4 else 0
    if rng.random() < padding:
        source, level, channel = Source.DEFAULT, 5, Channel.OTHER
    elif centre.key == planted.default_centre and rng.random() < 0.05:
        source, level, channel = Source.SYSTEM, 5, Channel.OTHER
    reasons: tuple[str, ...] = ()
    comment = ""
    contact = ""
    if level <= 2 and source == Source.ACTIVE:
        reasons = tuple(sorted(rng.sample([r for r, _ in REASONS[:-1]], rng.randint(1, 2))))
        comment = rng.choice(BAD_COMMENTS)
        if rng.random() < 0.4:
            contact = f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}"
    elif rng.random() < 0.05:
        comment = rng.choice(GOOD_COMMENTS)
    device = ""
    if channel == Channel.WINDOW:
        device = f"tab-{centre.key}-{window.number}"
    elif channel == Channel.QR:
        device = f"phone-{rng.randint(0, 10**9)}"
    return DemoRating(
        f"{day:%Y%m%d}{serial:08d}",
        centre.key,
        window.number,
        staff,
        window.department,
        channel,
        level,
        reasons,
        comment,
        contact,
        source,
        rated,
        handled,
        device,
    )


def _self_rating(
    rng: random.Random, centre: DemoCentre, day: dt.date, planted: Planted, serial: int
) -> Iterator[DemoRating]:
    window = next(w for w in centre.windows if w.number == planted.self_rating_window)
    staff = window.staff[0] if window.staff else None
    at = dt.datetime.combine(day, dt.time(rng.randint(12, 16), rng.randint(0, 59)), tzinfo=SHANGHAI)
    for k in range(12):
        rated = at + dt.timedelta(seconds=25 * k + rng.randint(0, 10))
        # Some are tapped before the case is even closed in the handling system.
        handled = (
            rated + dt.timedelta(minutes=rng.uniform(1, 30))
            if k % 4 == 0
            else rated - dt.timedelta(minutes=1)
        )
        yield DemoRating(
            f"{day:%Y%m%d}{serial + k + 1:08d}S",
            centre.key,
            window.number,
            staff,
            window.department,
            Channel.WINDOW,
            5,
            (),
            "",
            "",
            Source.ACTIVE,
            rated,
            handled,
            f"tab-{centre.key}-{window.number}",
        )


@dataclass(frozen=True, slots=True)
class CaseStory:
    state: str
    verified_at: dt.datetime | None = None
    answered_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None


def case_story(rng: random.Random, rated: dt.datetime, as_of: dt.datetime) -> CaseStory:
    """What happened to a bad rating's case by ``as_of``: most are verified within a day and
    answered within the limit; a few are appealed as untrue; recent ones are still open."""
    verified = rated + dt.timedelta(hours=rng.uniform(2, 30))
    late = rng.random() >= 0.9
    answered = verified + dt.timedelta(days=rng.uniform(16, 30) if late else rng.uniform(2, 16))
    if verified > as_of:
        return CaseStory("open")
    if rng.random() < 0.06:
        decided = verified + dt.timedelta(days=rng.uniform(2, 6))
        if decided > as_of:
            return CaseStory("appealed", verified)
        if rng.random() < 0.7:
            return CaseStory("untrue", verified, closed_at=decided)
    if answered > as_of:
        age_days = (as_of - rated).total_seconds() / 86400
        return CaseStory("rectifying" if age_days > 1.5 else "verifying", verified)
    closed = answered + dt.timedelta(days=rng.uniform(1, 5))
    if closed > as_of:
        return CaseStory("answered", verified, answered)
    return CaseStory("closed", verified, answered, closed)
