"""Clean months of ratings for many centres, and each documented gaming pattern planted at a
chosen strength: how the integrity checks' recall and false-alarm rates are measured
(tests/core/integrity, bench/bench_integrity.py).

The clean model is deliberately *not* the checks' own model: centres' bad rates are
logit-normal (the checks assume a beta), months drift, the day has a morning peak and a lunch
break, stock phrases are shared across the city, devices and staff change hands, and a few
stamps are wrong (clock errors) as in any real system.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from minsheng.core.halls.hours import Hours, parse_hours
from minsheng.core.integrity.ratings import EVENT_SCHEMA, CentreHistory, Context, find

MONTH_START = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)  # no public holidays in November
UTC_OFFSET = 8 * 3600
HOURS = parse_hours("周一至周五 9:00—12:00，13:30—17:30")
STOCK = [
    "很好",
    "满意",
    "服务好",
    "效率高",
    "态度很好",
    "非常满意",
    "办事效率高",
    "服务态度好",
    "工作人员很耐心",
    "服务态度好，办事效率高",
    "工作人员态度热情，服务周到",
    "一次办好，不用来回跑",
    "窗口人员业务熟练，讲解清楚",
    "材料一次性告知，很方便",
    "大厅环境好，指引清楚",
    "排队时间有点长",
    "希望增加窗口",
    "网上办理很方便，点赞",
    "帮办代办服务贴心",
    "办理流程简单明了",
]
FRAGMENTS = [
    "今天来办理",
    "社保转移",
    "营业执照变更",
    "不动产登记",
    "公积金提取",
    "户口迁移",
    "医保报销",
    "工作人员",
    "很快就办好了",
    "等了二十分钟",
    "解释得很清楚",
    "比以前方便多了",
    "资料准备不全",
    "第二次来",
    "帮我填了表",
    "系统有点慢",
    "下次还来这里办",
    "感谢小王",
    "感谢李姐",
    "老人办事不方便",
    "停车不太方便",
    "取号机好用",
    "电话咨询过",
    "提前预约了",
]
PASTED = "窗口工作人员热情周到，办事效率高，为民服务点赞！"


@dataclass(frozen=True, slots=True)
class Month:
    events: pl.DataFrame
    history: dict[int, CentreHistory]
    context: Context


def _working_days() -> list[int]:
    """Days since the epoch of November 2026's working days."""
    first = (MONTH_START.date() - dt.date(1970, 1, 1)).days
    return [first + d for d in range(30) if (MONTH_START.date() + dt.timedelta(d)).weekday() < 5]


def _open_seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    """Local seconds of the day at which cases are handled: 9:00–12:00 (busier) and
    13:30–17:30, with a morning peak."""
    morning = rng.random(n) < 0.55
    t = np.where(
        morning,
        9 * 3600 + rng.beta(2.0, 2.5, n) * 3 * 3600,
        13.5 * 3600 + rng.beta(1.6, 2.0, n) * 4 * 3600,
    )
    return t


def clean_month(rng: np.random.Generator, centres: int = 200) -> Month:
    days = np.array(_working_days())
    columns: dict[str, list[np.ndarray]] = {k: [] for k in EVENT_SCHEMA}
    history: dict[int, CentreHistory] = {}
    next_id, next_staff = 1, 1
    stock_p = 1 / np.arange(1, len(STOCK) + 1)
    stock_p /= stock_p.sum()
    for centre in range(1, centres + 1):
        windows = int(rng.integers(2, 13))
        base = rng.normal(np.log(0.03 / 0.97), 0.7)
        devices = [f"T{centre:04d}-{w:02d}" for w in range(windows)]
        staff = np.arange(next_staff, next_staff + windows)
        next_staff += windows
        # Earlier months: the same devices and staff, less a few replaced since.
        past_n = 0
        past_bad = 0
        for _ in range(3):
            p = 1 / (1 + np.exp(-(base + rng.normal(0, 0.15))))
            n = int(rng.poisson(windows * 18 * 21 * 0.45 * 0.7))
            past_n += n
            past_bad += int(rng.binomial(n, p))
        replaced_device = rng.random(windows) < 0.03
        replaced_staff = rng.random(windows) < 0.05
        history[centre] = CentreHistory(
            past_bad,
            past_n,
            frozenset(d for d, r in zip(devices, replaced_device, strict=True) if not r),
            frozenset(int(s) for s, r in zip(staff, replaced_staff, strict=True) if not r),
        )
        p_bad = 1 / (1 + np.exp(-(base + rng.normal(0, 0.15))))
        pace = rng.uniform(8, 30, windows)
        for w in range(windows):
            cases = rng.poisson(pace[w], len(days))
            n = int(cases.sum())
            day = np.repeat(days, cases)
            handled = day * 86400.0 + _open_seconds(rng, n) - UTC_OFFSET
            kind = rng.choice(3, n, p=[0.45, 0.45, 0.10])  # active, default, not rated
            keep = kind < 2
            handled, kind = handled[keep], kind[keep]
            m = len(handled)
            source = np.where(kind == 0, "active", "default")
            at_window = (kind == 0) & (rng.random(m) < 0.6)
            by_code = (kind == 0) & ~at_window & (rng.random(m) < 0.4)  # a QR code, minutes on
            channel = np.where(at_window, "window_tablet", rng.choice(["app", "pc", "sms"], m))
            channel = np.where(by_code, "qr_code", channel)
            delay = np.where(at_window, rng.uniform(5, 180, m), rng.exponential(8 * 3600, m))
            delay = np.where(by_code, 60 * rng.integers(1, 21, m), delay)  # whole minutes
            delay = np.where(kind == 1, 5 * 86400 + rng.uniform(0, 3600, m), delay)
            rated = handled + delay
            stray = rng.random(m) < 0.0005  # a wrong clock: any time of day, or before handling
            rated = np.where(stray, rated + rng.uniform(-1800, 12 * 3600, m), rated)
            bad = rng.random(m) < p_bad
            level = np.where(
                bad, rng.choice([1, 2], m), rng.choice([3, 4, 5], m, p=[0.1, 0.25, 0.65])
            )
            level = np.where(kind == 1, 5, level)
            comment = np.full(m, "", dtype=object)
            says = (kind == 0) & (rng.random(m) < 0.25)
            stock = says & (rng.random(m) < 0.6)
            comment[stock] = np.array(STOCK, dtype=object)[
                rng.choice(len(STOCK), int(stock.sum()), p=stock_p)
            ]
            own = np.flatnonzero(says & ~stock)
            frags = rng.integers(0, len(FRAGMENTS), (len(own), 3))
            comment[own] = ["，".join(FRAGMENTS[j] for j in row) for row in frags]
            columns["id"].append(np.arange(next_id, next_id + m))
            next_id += m
            columns["centre"].append(np.full(m, centre))
            columns["staff"].append(np.full(m, staff[w]))
            columns["device"].append(np.where(channel == "window_tablet", devices[w], ""))
            columns["level"].append(level)
            columns["source"].append(source)
            columns["channel"].append(channel)
            columns["rated_at"].append(rated)
            columns["handled_at"].append(handled)
            columns["comment"].append(comment)
    events = pl.DataFrame({k: np.concatenate(v) for k, v in columns.items()}, schema=EVENT_SCHEMA)
    hours: dict[int, Hours] = dict.fromkeys(history, HOURS) if HOURS else {}
    return Month(events, history, Context(UTC_OFFSET, hours, lambda d: d.weekday() < 5))


# -- planting: each takes the month and a centre, returns the month with the pattern in it --


def _rows(month: Month, centre: int) -> pl.DataFrame:
    return month.events.filter(pl.col("centre") == centre)


def _replace(month: Month, centre: int, rows: pl.DataFrame) -> Month:
    events = pl.concat(
        [
            month.events.filter(pl.col("centre") != centre),
            rows.select(list(EVENT_SCHEMA)).cast(pl.Schema(EVENT_SCHEMA)),
        ]
    )
    return Month(events, month.history, month.context)


def _new_ids(month: Month, n: int) -> np.ndarray:
    start = int(month.events["id"].max() or 0) + 1  # type: ignore[arg-type]
    return np.arange(start, start + n)


def _added(month: Month, centre: int, n: int, **values: object) -> pl.DataFrame:
    rows = _rows(month, centre)
    base = {k: values.get(k) for k in EVENT_SCHEMA}
    base["id"] = _new_ids(month, n)
    base["centre"] = np.full(n, centre)
    return pl.concat([rows, pl.DataFrame(base, schema=EVENT_SCHEMA)])


def _more_like(month: Month, rows: pl.DataFrame, n: int, rng: np.random.Generator) -> pl.DataFrame:
    """``n`` more ratings like ``rows`` (a busier hall), each moved by whole weeks and a few
    minutes so that copies do not stack up at one instant."""
    more = rows.sample(n, with_replacement=True, seed=int(rng.integers(1 << 31)))
    shift = pl.Series(rng.integers(-2, 3, n) * 7 * 86400.0 + rng.uniform(-900, 900, n))
    return more.with_columns(
        id=pl.Series(_new_ids(month, n)),
        rated_at=pl.col("rated_at") + shift,
        handled_at=pl.col("handled_at") + shift,
    )


def _altered(
    month: Month,
    centre: int,
    rng: np.random.Generator,
    count: int,
    among: pl.Expr,
    change: Callable[[pl.DataFrame], pl.DataFrame],
) -> Month:
    """``count`` of the centre's ratings where ``among`` holds, picked at random and changed."""
    rows = _rows(month, centre)
    pick = rows.filter(among).sample(count, seed=int(rng.integers(1 << 31)))
    kept = rows.join(pick.select("id"), on="id", how="anti")
    return _replace(month, centre, pl.concat([kept, change(pick)]))


def plant_burst(month: Month, centre: int, rng: np.random.Generator, count: int = 12) -> Month:
    """One staff member taps "非常满意" ``count`` times within eight minutes on their tablet."""
    rows = _rows(month, centre).filter(pl.col("channel") == "window_tablet")
    one = rows.row(int(rng.integers(len(rows))), named=True)
    start = float(one["rated_at"]) + 60
    times = start + np.sort(rng.uniform(0, 8 * 60, count))
    added = _added(
        month,
        centre,
        count,
        staff=np.full(count, one["staff"]),
        device=np.full(count, one["device"]),
        level=np.full(count, 5),
        source=np.full(count, "active"),
        channel=np.full(count, "window_tablet"),
        rated_at=times,
        handled_at=times - 30,
        comment=np.full(count, ""),
    )
    return _replace(month, centre, added)


def plant_before_handled(
    month: Month, centre: int, rng: np.random.Generator, count: int = 20
) -> Month:
    """``count`` active ratings stamped hours before their case was handled."""
    return _altered(
        month, centre, rng, count, pl.col("source") == "active",
        lambda pick: pick.with_columns(
            rated_at=pl.col("handled_at") - rng.uniform(3600, 2 * 86400, count)
        ),
    )  # fmt: skip


def plant_off_hours(month: Month, centre: int, rng: np.random.Generator, count: int = 15) -> Month:
    """``count`` window-tablet ratings stamped in the evening, the hall shut."""

    def evening(pick: pl.DataFrame) -> pl.DataFrame:
        day = (pick["rated_at"] + UTC_OFFSET) // 86400
        late = day * 86400 + rng.uniform(19.5 * 3600, 23 * 3600, count) - UTC_OFFSET
        return pick.with_columns(rated_at=pl.Series(late), handled_at=pl.Series(late - 60))

    return _altered(month, centre, rng, count, pl.col("channel") == "window_tablet", evening)


def plant_perfect(month: Month, centre: int, rng: np.random.Generator, keep: float = 0.0) -> Month:
    """The centre's bad ratings vanish (all but ``keep`` of them turned into "非常满意"), with
    its volume raised to a big hall's, a few thousand a month."""
    rows = _rows(month, centre)
    active = rows.filter(pl.col("source") == "active")
    extra = max(0, 3000 - len(active))
    if extra:
        rows = pl.concat([rows, _more_like(month, active, extra, rng)])
    hide = (pl.col("level") <= 2) & (pl.col("source") == "active")
    lucky = pl.Series(rng.random(len(rows)) >= keep)
    return _replace(
        month, centre, rows.with_columns(level=pl.when(hide & lucky).then(5).otherwise("level"))
    )


def plant_default_share(
    month: Month, centre: int, rng: np.random.Generator, share: float = 0.8
) -> Month:
    """The centre stops inviting ratings: ``share`` of its active ratings become defaults."""
    rows = _rows(month, centre)
    turn = pl.Series(rng.random(len(rows)) < share) & (rows["source"] == "active")
    changed = rows.with_columns(
        source=pl.when(turn).then(pl.lit("default")).otherwise("source"),
        level=pl.when(turn).then(5).otherwise("level"),
    )
    return _replace(month, centre, changed)


def plant_filled_in(month: Month, centre: int, rng: np.random.Generator, per_day: int = 6) -> Month:
    """A nightly job fills in "非常满意" for ``per_day`` unrated cases a day, at 23:50, labelled
    as active ratings."""
    days = np.array(_working_days())
    n = per_day * len(days)
    stamp = np.repeat(days, per_day) * 86400.0 + 23 * 3600 + 50 * 60 + rng.uniform(0, 59, n)
    stamp -= UTC_OFFSET
    added = _added(
        month,
        centre,
        n,
        staff=np.full(n, None),
        device=np.full(n, ""),
        level=np.full(n, 5),
        source=np.full(n, "active"),
        channel=np.full(n, "pc"),
        rated_at=stamp,
        handled_at=stamp - rng.uniform(3600, 8 * 3600, n),
        comment=np.full(n, ""),
    )
    return _replace(month, centre, added)


def plant_copied_comment(
    month: Month, centre: int, rng: np.random.Generator, count: int = 10
) -> Month:
    """``count`` active ratings carry the same pasted praise."""
    text = f"{PASTED}{FRAGMENTS[centre % len(FRAGMENTS)]}"  # each centre pastes its own
    return _altered(
        month, centre, rng, count, pl.col("source") == "active",
        lambda pick: pick.with_columns(comment=pl.lit(text), level=pl.lit(5, pl.Int8)),
    )  # fmt: skip


def plant_new_subject(
    month: Month, centre: int, rng: np.random.Generator, bad: float = 0.0
) -> Month:
    """A new tablet replaces the busiest window's, and on it bad ratings all but vanish (``bad``
    of them kept): 400 ratings this month, the centre's history at least 3 % bad."""
    rows = _rows(month, centre)
    tablets = rows.filter(pl.col("device") != "").group_by("device").len().sort("len")
    old = tablets["device"][-1]
    on_old = rows.filter(pl.col("device") == old)
    extra = max(0, 400 - len(on_old))
    if extra:
        rows = pl.concat([rows, _more_like(month, on_old, extra, rng)])
    on = pl.col("device") == old
    lucky = pl.Series(rng.random(len(rows)) >= bad)
    rows = rows.with_columns(
        device=pl.when(on).then(pl.lit(f"NEW-{centre}")).otherwise("device"),
        level=pl.when(on & (pl.col("level") <= 2) & lucky).then(5).otherwise("level"),
    )
    past = month.history[centre]
    history = dict(month.history)
    history[centre] = CentreHistory(
        max(past.bad, int(0.03 * past.active) + 1), past.active, past.devices, past.staff
    )
    return _replace(Month(month.events, history, month.context), centre, rows)


PLANTS: dict[str, Callable[[Month, int, np.random.Generator], Month]] = {
    "burst": plant_burst,
    "before_handled": plant_before_handled,
    "off_hours": plant_off_hours,
    "perfect": plant_perfect,
    "default_share": plant_default_share,
    "filled_in": plant_filled_in,
    "copied_comment": plant_copied_comment,
    "new_subject": plant_new_subject,
}


@dataclass(frozen=True, slots=True)
class Measured:
    kind: str
    planted: int
    found: int
    clean_units: int
    clean_flagged: int  # clean units this check flagged
    unit: str = ""  # what a unit is when the check has more than one kind of unit

    @property
    def recall(self) -> float:
        return self.found / self.planted if self.planted else float("nan")

    @property
    def false_alarm_rate(self) -> float:
        return self.clean_flagged / self.clean_units if self.clean_units else float("nan")


# A weaker version of each pattern: how recall falls off below the realistic strength.
WEAK: dict[str, dict[str, float]] = {
    "burst": {"count": 8},
    "before_handled": {"count": 6},
    "off_hours": {"count": 5},
    "perfect": {"keep": 0.3},
    "default_share": {"share": 0.5},
    "filled_in": {"per_day": 2},
    "copied_comment": {"count": 5},
    "new_subject": {"bad": 0.3},
}


def measure(
    seeds: range,
    *,
    centres: int = 200,
    planted: int = 5,
    strengths: dict[str, dict[str, float]] | None = None,
) -> tuple[list[Measured], int, int]:
    """Per seed, one clean month (every check's false alarms), then each pattern planted in
    ``planted`` centres of a copy (its recall), at the plant's default strength or the one
    ``strengths`` gives. Returns the rows, the clean units and the clean units flagged by any
    check."""
    found_by: dict[str, int] = dict.fromkeys(PLANTS, 0)
    flagged_by: dict[str, int] = dict.fromkeys(PLANTS, 0)
    clean_units = clean_any = 0
    for seed in seeds:
        rng = np.random.default_rng(seed)
        month = clean_month(rng, centres)
        findings = find(month.events, month.history, month.context)
        clean_units += centres
        clean_any += len({f.unit for f in findings})
        for kind in PLANTS:
            flagged_by[kind] += len({f.unit for f in findings if f.kind == kind})
        for kind, plant in PLANTS.items():
            chosen = [int(c) for c in rng.choice(np.arange(1, centres + 1), planted, replace=False)]
            gamed = month
            for centre in chosen:
                gamed = plant(gamed, centre, rng, **(strengths or {}).get(kind, {}))
            hits = {
                f.unit for f in find(gamed.events, gamed.history, gamed.context) if f.kind == kind
            }
            found_by[kind] += len(hits & set(chosen))
    rows = [
        Measured(k, planted * len(seeds), found_by[k], clean_units, flagged_by[k]) for k in PLANTS
    ]
    return rows, clean_units, clean_any
