"""Integrity checks on a month of ratings: the documented ways 好评率 is gamed, each judged by
how unlikely it is without gaming (``core.integrity.stats``), each finding with its evidence.

- ``burst``: a device or a staff member puts far more "非常满意" into some ten minutes than its
  own pace allows (Poisson scan statistic; staff rating themselves on the window tablet).
- ``before_handled``: ratings given more than five minutes before the case was handled, beyond
  a stray 0.2 % for clocks that disagree.
- ``off_hours``: window-tablet ratings (a person must be at the window) stamped while the hall is
  shut by its own opening hours, beyond a stray 0.2 %.
- ``perfect``: a centre with (almost) no bad rating over many, judged against its peers' spread
  (beta-binomial), not a fixed bar.
- ``default_share``: defaults far above the peers' share (ratings not invited).
- ``filled_in``: "active" ratings bunched at one minute of the day, or at one exact delay after
  handling: a system filling in ratings nobody gave, counted as active.
- ``copied_comment``: one comment text, repeated at a centre far beyond its share of the city's
  uses of that text (pasted praise; stock phrases used everywhere are not counted).
- ``new_subject``: a device or staff member not seen in the earlier months whose ratings are far
  better than the centre's history (an improvement that arrives with a new tablet or person).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from minsheng.core.halls.hours import Hours
from minsheng.core.integrity.findings import ALPHA, Finding
from minsheng.core.integrity.stats import (
    betabinom_tail,
    binom_cdf,
    binom_sf,
    concentrated,
    peer_beta,
    scan_tails,
    spikes,
)

EVENT_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "centre": pl.Int64(),
    "staff": pl.Int64(),
    "device": pl.String(),
    "level": pl.Int8(),
    "source": pl.String(),
    "channel": pl.String(),
    "rated_at": pl.Float64(),  # seconds since the epoch (UTC)
    "handled_at": pl.Float64(),
    "comment": pl.String(),
}

BURST_SECONDS = 600.0
DAY_OPEN_SECONDS = 8 * 3600.0  # a subject's pace: its ratings over 8 hours of each day it rated
STRAY = 0.002  # the share of stamps a clean system gets wrong (clocks, late closing)
EARLY_GRACE = 300.0
OPEN_GRACE, CLOSE_GRACE = 15, 60  # minutes before opening and after closing still counted open
MIN_COMMENT = 8  # characters; shorter texts ("很好", "满意") repeat by nature
PERSON_CHANNELS = frozenset({"window_tablet"})
# A filled-in minute or delay stands above the bins right beside it; a natural peak (ratings
# 10–20 minutes after handling) is as high next door.
SPAN = 3
EXAMPLES = 50


@dataclass(frozen=True, slots=True)
class CentreHistory:
    """A centre's earlier months: bad and active ratings, the devices and staff seen."""

    bad: int
    active: int
    devices: frozenset[str] = frozenset()
    staff: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Context:
    utc_offset: int = 8 * 3600  # China Standard Time, no daylight saving
    hours: Mapping[int, Hours] = field(default_factory=dict)
    is_working_day: Callable[[dt.date], bool] = lambda day: day.weekday() < 5


def find(
    events: pl.DataFrame, history: Mapping[int, CentreHistory], context: Context = Context()
) -> list[Finding]:
    """Every check over the month's ``events`` (``EVENT_SCHEMA``); strongest first."""
    if events.is_empty():
        return []
    active = events.filter(pl.col("source") == "active")
    found = [
        *_one_per_burst(_bursts(active)),
        *_before_handled(events),
        *_off_hours(events, context),
        *_perfect(active),
        *_default_share(events),
        *_filled_in(active, context),
        *_copied_comments(active),
        *_new_subjects(active, history),
    ]
    return sorted(found, key=lambda f: (f.p, str(f.unit), f.kind, f.subject))


def _ids(frame: pl.DataFrame) -> list[int]:
    """The first ``EXAMPLES`` ids (the smallest: the same whatever order the rows came in)."""
    return [int(i) for i in frame["id"].bottom_k(EXAMPLES).sort()]


def _subjects(active: pl.DataFrame) -> pl.DataFrame:
    """The active ratings with their subject — "device:<id>", and again as "staff:<pk>" — so a
    rating counts for its tablet and for the person at it."""
    by_device = active.filter(pl.col("device") != "").with_columns(
        subject=pl.lit("device:") + pl.col("device")
    )
    by_staff = active.filter(pl.col("staff").is_not_null()).with_columns(
        subject=pl.lit("staff:") + pl.col("staff").cast(pl.String)
    )
    return pl.concat([by_device, by_staff])


def _bursts(active: pl.DataFrame) -> list[Finding]:
    """Per subject, the most "非常满意" in any ``BURST_SECONDS`` (one sorted pass over all
    subjects at once), judged against the subject's own pace."""
    narrow = active.select("id", "centre", "staff", "device", "level", "rated_at")
    # A subject as a number (even: a device, odd: a staff member), named only when found.
    rows = pl.concat(
        [
            narrow.filter(pl.col("device") != "").with_columns(
                key=pl.col("device").cast(pl.Categorical).to_physical().cast(pl.Int64) * 2
            ),
            narrow.filter(pl.col("staff").is_not_null()).with_columns(key=pl.col("staff") * 2 + 1),
        ]
    )
    if rows.is_empty():
        return []
    tests = rows.group_by("centre").agg(m=pl.col("key").n_unique())
    subjects = rows.group_by("centre", "key").agg(
        total=pl.len(), days=(pl.col("rated_at") // 86400).n_unique()
    )
    top = (
        rows.filter(pl.col("level") == 5)
        .select("centre", "key", "rated_at", "id", "device", "staff")
        .filter(pl.len().over("centre", "key") >= 5)
        .sort("centre", "key", "rated_at", "id")
    )
    if top.is_empty():
        return []
    # One sorted key for every subject's stamps: the subject's place, then its microseconds,
    # far enough apart that no window reaches into the next subject.
    micros = (top["rated_at"] * 1e6).round().cast(pl.Int64).to_numpy()
    micros = micros - micros.min()
    width = int(BURST_SECONDS * 1e6)
    step = int(micros.max()) + width + 1
    first = (
        (top["centre"] != top["centre"].shift(1)) | (top["key"] != top["key"].shift(1))
    ).fill_null(True)
    number = first.cast(pl.Int64).cum_sum().to_numpy() - 1
    if (int(number.max()) + 1) * step >= 2**62:
        raise ValueError("too many subjects over too long a span for one pass")
    place = number * step + micros
    counts = np.searchsorted(place, place + width, side="right") - np.arange(len(place))
    best = (
        top.select("centre", "key")
        .with_columns(count=pl.Series(counts), at=pl.int_range(pl.len()))
        .group_by("centre", "key", maintain_order=True)
        .agg(k=pl.col("count").max(), i=pl.col("at").get(pl.col("count").arg_max()))
        .join(subjects, on=["centre", "key"])
        .join(tests, on="centre")
    )
    span = best["days"].cast(pl.Float64).to_numpy() * DAY_OPEN_SECONDS
    total = best["total"].to_numpy()
    p = scan_tails(best["k"].to_numpy(), total / span, BURST_SECONDS, span)
    p = np.minimum(1.0, p * best["m"].to_numpy())
    times, ids = top["rated_at"].to_numpy(), top["id"].to_numpy()
    found = []
    for row in np.flatnonzero(p < ALPHA):
        centre, key, k, i = best.row(int(row))[:4]
        subject = f"device:{top['device'][i]}" if key % 2 == 0 else f"staff:{top['staff'][i]}"
        window = times[i : i + k]
        who = "同一设备" if subject.startswith("device:") else "同一工作人员"
        minutes = (window[-1] - window[0]) / 60
        found.append(
            Finding(
                "burst",
                centre,
                subject,
                float(p[row]),
                f"{who}在 {minutes:.0f} 分钟内产生 {k} 条“非常满意”（本月共 {total[row]} 条评价）",
                {
                    "count": int(k),
                    "from": float(window[0]),
                    "to": float(window[-1]),
                    "ratings": [int(j) for j in ids[i : i + k]][:EXAMPLES],
                    "total": int(total[row]),
                },
            )
        )
    return found


def _one_per_burst(found: list[Finding]) -> list[Finding]:
    """A tablet and the staff member at it make the same burst twice: keep the stronger, and
    name the other in its evidence."""
    kept: list[Finding] = []
    for f in sorted(found, key=lambda f: f.p):
        ids = set(f.evidence["ratings"])  # type: ignore[call-overload]
        twin = next(
            (
                k
                for k, g in enumerate(kept)
                if g.unit == f.unit and len(ids & set(g.evidence["ratings"])) * 2 > len(ids)  # type: ignore[call-overload]
            ),
            None,
        )
        if twin is None:
            kept.append(f)
        else:
            g = kept[twin]
            kept[twin] = Finding(
                g.kind, g.unit, g.subject, g.p, g.message, {**g.evidence, "also": f.subject}
            )
    return kept


def _stray_findings(
    kind: str, events: pl.DataFrame, wrong: pl.Expr, counted: pl.Expr, what: str
) -> list[Finding]:
    """Units where ``wrong`` holds for more of the ``counted`` rows than stray stamps explain."""
    rows = events.filter(counted).with_columns(wrong=wrong)
    totals = rows.group_by("centre").agg(n=pl.len(), m=pl.col("wrong").sum())
    found = []
    for centre, n, m in totals.filter(pl.col("m") >= 3).sort("centre").iter_rows():
        p = binom_sf(int(m), int(n), STRAY)
        if p < ALPHA:
            ids = _ids(rows.filter((pl.col("centre") == centre) & pl.col("wrong")))
            found.append(
                Finding(
                    kind,
                    centre,
                    "",
                    p,
                    f"{m} 条评价{what}（共 {n} 条）",
                    {"count": int(m), "total": int(n), "ratings": ids},
                )
            )
    return found


def _before_handled(events: pl.DataFrame) -> list[Finding]:
    return _stray_findings(
        "before_handled",
        events,
        pl.col("rated_at") < pl.col("handled_at") - EARLY_GRACE,
        pl.col("handled_at").is_not_null() & (pl.col("source") == "active"),
        "早于办结时间",
    )


def _off_hours(events: pl.DataFrame, context: Context) -> list[Finding]:
    centres = [c for c in events["centre"].unique().to_list() if c in context.hours]
    if not centres:
        return []
    rows = events.filter(
        pl.col("centre").is_in(centres)
        & pl.col("channel").is_in(list(PERSON_CHANNELS))
        & (pl.col("source") == "active")
    ).with_columns(local=pl.col("rated_at") + context.utc_offset)
    days = rows.select(pl.col("centre"), day=(pl.col("local") // 86400).cast(pl.Int64)).unique()
    spans = []
    for centre, day in days.iter_rows():
        date = dt.date(1970, 1, 1) + dt.timedelta(days=day)
        span = context.hours[centre].span(date, context.is_working_day)
        opens, closes = (span[0] - OPEN_GRACE, span[1] + CLOSE_GRACE) if span else (0, -1)
        spans.append((centre, day, opens * 60, closes * 60))
    table = pl.DataFrame(
        spans,
        schema={"centre": pl.Int64, "day": pl.Int64, "opens": pl.Float64, "closes": pl.Float64},
        orient="row",
    )
    rows = rows.with_columns(day=(pl.col("local") // 86400).cast(pl.Int64)).join(
        table, on=["centre", "day"]
    )
    second = pl.col("local") - pl.col("day") * 86400
    return _stray_findings(
        "off_hours",
        rows,
        (second < pl.col("opens")) | (second > pl.col("closes")),
        pl.lit(True),
        "在服务中心开放时间以外由窗口评价器产生",
    )


def _peer_test(counts: pl.DataFrame, *, lower: bool) -> list[tuple[int, int, int, float, float]]:
    """(centre, x, n, p, peers' mean) for each centre of 50 or more against the beta of its
    peers. The beta is fitted to all, then again without the centres that fitted badly, so a
    few gamed centres do not widen the spread they are judged by."""
    x = counts["x"].to_numpy()
    n = counts["n"].to_numpy()
    centres = counts["centre"].to_list()
    prior = peer_beta(x, n)
    if prior is None:
        return []
    odd = betabinom_tail(x, n, prior, lower=lower) < ALPHA * 10
    if odd.any():
        prior = peer_beta(x[~odd], n[~odd]) or prior
    p = betabinom_tail(x, n, prior, lower=lower)
    return [
        (centres[i], int(x[i]), int(n[i]), float(p[i]), prior.mean)
        for i in range(len(n))
        if n[i] >= 50
    ]


def _perfect(active: pl.DataFrame) -> list[Finding]:
    counts = (
        active.group_by("centre").agg(n=pl.len(), x=(pl.col("level") <= 2).sum()).sort("centre")
    )
    found = []
    for centre, x, n, p, mean in _peer_test(counts, lower=True):
        if p < ALPHA and n >= 200 and x / n < mean / 3:
            found.append(
                Finding(
                    "perfect",
                    centre,
                    "",
                    p,
                    f"{n} 条主动评价中差评 {x} 条（{x / n:.2%}），同类中心平均 {mean:.2%}",
                    {"bad": x, "total": n, "peers": round(mean, 6)},
                )
            )
    return found


def _default_share(events: pl.DataFrame) -> list[Finding]:
    counts = (
        events.filter(pl.col("source").is_in(["active", "default"]))
        .group_by("centre")
        .agg(n=pl.len(), x=(pl.col("source") == "default").sum())
        .sort("centre")
    )
    found = []
    for centre, x, n, p, mean in _peer_test(counts, lower=False):
        odds = (x + 0.5) / (n - x + 0.5) / (mean / (1 - mean))
        if p < ALPHA and odds >= 4:
            found.append(
                Finding(
                    "default_share",
                    centre,
                    "",
                    p,
                    f"默认评价占 {x / n:.0%}（{x}/{n}），同类中心平均 {mean:.0%}",
                    {"default": x, "total": n, "peers": round(mean, 6)},
                )
            )
    return found


def _filled_in(active: pl.DataFrame, context: Context) -> list[Finding]:
    found = []
    minute = ((pl.col("rated_at") + context.utc_offset) % 86400 // 60).cast(pl.Int64)
    delay = ((pl.col("rated_at") - pl.col("handled_at")) // 60).cast(pl.Int64)
    by_centre = (
        active.select("id", "centre", "rated_at", "handled_at")
        .with_columns(minute=minute, delay=delay)
        .partition_by("centre", as_dict=True)
    )
    for (centre,), rows in sorted(by_centre.items()):
        clock = np.bincount(rows["minute"].to_numpy(), minlength=1440)
        best = [("minute", s) for s in spikes(clock, span=SPAN, circular=True, alpha=ALPHA)]
        delays = rows["delay"].drop_nulls().to_numpy()
        delays = delays[(delays >= 10) & (delays < 7 * 1440)]
        if len(delays):
            hist = np.bincount(delays, minlength=7 * 1440)
            best += [("delay", s) for s in spikes(hist, span=SPAN, circular=False, alpha=ALPHA)]
        if not best:
            continue
        what, spike = min(best, key=lambda b: b[1].p)
        column = "minute" if what == "minute" else "delay"
        ids = _ids(rows.filter(pl.col(column) == spike.bin))
        if what == "minute":
            text = f"{spike.bin // 60:02d}:{spike.bin % 60:02d}"
            message = (
                f"{spike.count} 条主动评价集中在每天 {text} 这一分钟"
                f"（邻近时段约 {spike.expected:.0f} 条）"
            )
        else:
            text = f"{spike.bin // 60} 小时 {spike.bin % 60} 分"
            message = (
                f"{spike.count} 条主动评价都在办结后恰好 {text} 产生"
                f"（邻近时长约 {spike.expected:.0f} 条）"
            )
        found.append(
            Finding(
                "filled_in",
                centre,
                "",
                spike.p,
                message,
                {
                    "by": what,
                    "at": spike.bin,
                    "count": spike.count,
                    "expected": round(spike.expected, 2),
                    "ratings": ids,
                },
            )
        )
    return found


def _copied_comments(active: pl.DataFrame) -> list[Finding]:
    rows = active.with_columns(
        text=pl.col("comment").fill_null("").str.replace_all(r"[\s\p{P}\p{S}]+", "")
    ).filter(pl.col("text") != "")
    if rows.is_empty():
        return []
    share = rows.group_by("centre").agg(s=pl.len() / len(rows))
    long = rows.filter(pl.col("text").str.len_chars() >= MIN_COMMENT)
    counts = long.group_by("centre", "text").agg(
        x=pl.len(), ids=pl.col("id").bottom_k(EXAMPLES).sort()
    )
    counts = counts.join(long.group_by("text").agg(total=pl.len()), on="text").join(
        share, on="centre"
    )
    tested = counts.group_by("centre").agg(m=pl.len())
    counts = counts.join(tested, on="centre").filter(
        (pl.col("x") >= 5) & (pl.col("x") >= 3 * pl.col("total") * pl.col("s"))
    )
    best: dict[int, Finding] = {}
    for centre, text, x, ids, total, s, m in counts.iter_rows():
        p = min(1.0, concentrated(int(x), int(total), float(s)) * int(m))
        if p < ALPHA and (centre not in best or p < best[centre].p):
            shown = text if len(text) <= 40 else text[:40] + "…"
            best[centre] = Finding(
                "copied_comment",
                centre,
                "",
                p,
                f"{x} 条评价内容完全相同：“{shown}”（全市共 {total} 条）",
                {"count": int(x), "city": int(total), "text": text[:200], "ratings": list(ids)},
            )
    return [best[c] for c in sorted(best)]


def _new_subjects(active: pl.DataFrame, history: Mapping[int, CentreHistory]) -> list[Finding]:
    rows = _subjects(active.select("id", "centre", "staff", "device", "level"))
    if rows.is_empty():
        return []
    stats = rows.group_by("centre", "subject").agg(
        n=pl.len(), x=(pl.col("level") <= 2).sum(), ids=pl.col("id").bottom_k(EXAMPLES).sort()
    )
    now = active.group_by("centre").agg(n=pl.len(), x=(pl.col("level") <= 2).sum())
    overall = {c: (int(x), int(n)) for c, n, x in now.iter_rows()}
    candidates: dict[int, list[tuple[str, int, int, list[int]]]] = {}
    for centre, subject, n, x, ids in stats.iter_rows():
        past = history.get(centre)
        if past is None or past.active < 100 or n < 30:
            continue
        what, _sep, ref = subject.partition(":")
        seen = ref in past.devices if what == "device" else int(ref) in past.staff
        if not seen:
            candidates.setdefault(centre, []).append((subject, int(n), int(x), list(ids)))
    found = []
    for centre, subjects in sorted(candidates.items()):
        past = history[centre]
        rate = (past.bad + 0.5) / (past.active + 1)
        x_now, n_now = overall[centre]
        for subject, n, x, ids in subjects:
            p = min(1.0, binom_cdf(x, n, rate) * len(subjects))
            if p < ALPHA and x / n <= rate / 3:
                who = "新设备" if subject.startswith("device:") else "新工作人员"
                found.append(
                    Finding(
                        "new_subject",
                        centre,
                        subject,
                        p,
                        f"{who}本月 {n} 条评价中差评 {x} 条（{x / n:.1%}），"
                        f"此前该中心差评率 {rate:.1%}",
                        {
                            "bad": x,
                            "total": n,
                            "before": [past.bad, past.active],
                            "now": [x_now, n_now],
                            "ratings": ids,
                        },
                    )
                )
    return found
