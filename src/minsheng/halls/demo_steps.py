"""Demo application records (办件), consistent with the demo's ratings: every rated case is an
application of the same centre, window and staff, completed when the rating says it was
handled; about a quarter more cases were never rated (so 主动评价率 is below 1), a few were
completed late and the last fortnight's are partly still open. Items and promised limits come
from the demo catalog of the centre's region (or the nearest one above it). The city, county and
township centres get their profiles, a fifth of the townships still short of one or two of
六有."""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

from minsheng.catalog.models import CatalogItem
from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.demo.registry import DemoContext, register
from minsheng.halls.models import SIX, Application, CentreProfile
from minsheng.orgs.models import Organisation, OrgKind
from minsheng.reviews.demo_steps import AS_OF
from minsheng.reviews.models import Rating
from minsheng.reviews.services.bulk import insert_rows
from minsheng.reviews.services.deadlines import work_calendar

FIELDS = (
    "case_no", "item_code", "item_name", "centre_id", "window_id", "staff_id", "received_at",
    "notice", "assisted", "promised_days", "due_at", "completed_at", "visits", "client_id",
    "updated_at",
)  # fmt: skip
UNRATED = 0.33  # unrated cases per rated one (participation about 75 %)
LATE = 0.04


@register("halls", order=78)
def build_applications(ctx: DemoContext) -> None:
    rng = ctx.rng("halls")
    calendar = work_calendar()
    first = dt.date(2025, 9, 1)
    days = [first + dt.timedelta(days=k) for k in range((AS_OF.date() - first).days + 40)]
    workdays = [d for d in days if calendar.is_working_day(d)]
    catalog: dict[int, list[tuple[str, str, int | None, int | None]]] = {}
    for region_id, code, name, promised, visits in CatalogItem.objects.filter(
        valid_to=None
    ).values_list("region_id", "code", "name", "promised_days", "visits"):
        catalog.setdefault(region_id, []).append((code, name, promised, visits))
    items_of: dict[int, list[tuple[str, str, int | None, int | None]]] = {}
    for centre in Organisation.objects.filter(kind=OrgKind.SERVICE_CENTRE).select_related("region"):
        items_of[centre.pk] = next(
            (catalog[pk] for pk in centre.region.lineage_ids() if catalog.get(pk)), []
        )
    dues: dict[tuple[dt.date, int], dt.datetime] = {}

    def due(received: dt.datetime, n: int) -> dt.datetime:
        key = (received.date(), n)
        if key not in dues:
            dues[key] = calendar.due(received, n)
        return dues[key]

    def received_for(done: dt.datetime, promised: int | None) -> dt.datetime:
        if not promised:
            return done - dt.timedelta(minutes=rng.uniform(5, 90))
        back = rng.randint(0, promised)
        if rng.random() < LATE:
            back = promised + rng.randint(1, 4)
        i = bisect.bisect_right(workdays, done.date()) - 1 - back
        day = workdays[max(i, 0)]
        moment = dt.datetime.combine(
            day, dt.time(rng.randint(9, 16), rng.randint(0, 59)), tzinfo=SHANGHAI
        )
        return min(moment, done)

    def rows() -> Iterator[tuple[Any, ...]]:
        ratings = (
            Rating.objects.filter(is_follow_up=False, handled_at__isnull=False)
            .order_by("pk")
            .values_list("case_no", "centre_id", "window_id", "staff_id", "handled_at")
        )
        for case_no, centre, window, staff, handled in ratings.iterator(chunk_size=10_000):
            if handled is None:  # pragma: no cover - filtered out above
                continue
            done = handled.astimezone(SHANGHAI)
            copies = [(case_no, done)]
            if rng.random() < UNRATED:
                copies.append((f"{case_no}N", done + dt.timedelta(minutes=rng.uniform(1, 30))))
            for number, completed in copies:
                items = items_of.get(centre) or [("000000", "其他事项", None, None)]
                code, name, promised, visits = rng.choice(items)
                received = received_for(completed, promised)
                is_open = (
                    number.endswith("N")
                    and AS_OF - completed < dt.timedelta(days=14)
                    and rng.random() < 0.15
                )
                yield (
                    number,
                    code,
                    name,
                    centre,
                    window,
                    staff,
                    received,
                    rng.random() < 0.93,
                    rng.choices(["", "proxy", "home"], [97, 2.2, 0.8])[0],
                    promised,
                    due(received, promised) if promised is not None else None,
                    None if is_open else completed,
                    None if visits is None else visits + (rng.random() < 0.06),
                    None,
                    AS_OF,
                )

    ctx.summary["applications"] = insert_rows(Application, FIELDS, rows())
    ctx.summary["centre_profiles"] = _profiles(rng)


def _profiles(rng: random.Random) -> int:
    """Profiles of the county and township centres: most meet all six of 六有, some not yet."""
    profiles = []
    for centre in Organisation.objects.filter(
        kind=OrgKind.SERVICE_CENTRE, centre_level__in=(2, 3, 4)
    ).order_by("pk"):
        township = centre.centre_level == 4
        short = township and rng.random() < 0.2
        missing = set(rng.sample([f for f, _label in SIX], rng.randint(1, 2))) if short else set()
        profiles.append(
            CentreProfile(
                centre=centre,
                address=f"{centre.region.name}人民路{rng.randint(1, 200)}号",
                hours="周一至周五 9:00—12:00，13:30—17:30",
                area=rng.randint(150, 600) if township else rng.randint(2000, 12000),
                comprehensive_windows=rng.randint(2, 4) if township else rng.randint(10, 40),
                special_windows=rng.randint(0, 2) if township else rng.randint(5, 20),
                assisted_windows=1 if township or rng.random() < 0.5 else 2,
                self_service=rng.randint(1, 3) if township else rng.randint(5, 20),
                **{f: f not in missing for f, _label in SIX},
            )
        )
    CentreProfile.objects.bulk_create(profiles, batch_size=1000)
    return len(profiles)
