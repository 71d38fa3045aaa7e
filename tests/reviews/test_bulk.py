"""The fast insert used for generated data stores exactly what the ORM would."""

from __future__ import annotations

import datetime as dt

from minsheng.core.workdays.calendar import SHANGHAI
from minsheng.orgs.models import Organisation
from minsheng.reviews.models import Rating
from minsheng.reviews.services.bulk import FIELDS, insert_ratings
from tests.conftest import City


def test_insert_ratings_round_trips_through_the_orm(city: City) -> None:
    centre = Organisation.objects.get(key=f"centre-{city.county.code}")
    rated = dt.datetime(2026, 10, 31, 23, 30, 15, 123456, tzinfo=SHANGHAI)  # 15:30 UTC
    values = {
        "case_no": "BULK1",
        "service_item_id": None,
        "department_id": centre.pk,
        "centre_id": centre.pk,
        "window_id": None,
        "staff_id": None,
        "channel": "qr_code",
        "level": 2,
        "reasons": ["waiting", "attitude"],
        "comment": "排队太久",
        "contact_cipher": "",
        "contact_masked": "",
        "source": "active",
        "is_follow_up": False,
        "rated_at": rated,
        "received_at": rated + dt.timedelta(seconds=5),
        "handled_at": None,
        "client_id": None,
        "idempotency_key": "",
        "device": "d1",
        "ip_hash": "",
    }
    assert insert_ratings([tuple(values[f] for f in FIELDS)]) == 1
    rating = Rating.objects.get(case_no="BULK1")
    assert rating.rated_at == rated
    assert rating.reasons == ["waiting", "attitude"]
    assert (rating.level, rating.channel, rating.comment) == (2, "qr_code", "排队太久")
    # Range filters see it in its Shanghai month (October), not in November.
    october = (dt.datetime(2026, 10, 1, tzinfo=SHANGHAI), dt.datetime(2026, 11, 1, tzinfo=SHANGHAI))
    assert Rating.objects.filter(rated_at__gte=october[0], rated_at__lt=october[1]).count() == 1


def test_insert_returning_gives_ids_in_row_order(city: City) -> None:
    from minsheng.reviews.services.bulk import RETURNING_CHUNK, insert_returning

    centre = Organisation.objects.get(key=f"centre-{city.county.code}")
    at = dt.datetime(2026, 10, 9, 10, tzinfo=SHANGHAI)
    rows = [
        (
            f"ORD{k:05d}",
            None,
            centre.pk,
            centre.pk,
            None,
            None,
            "pc",
            1 + k % 5,
            [f"r{k}"],
            "",
            "",
            "",
            "active",
            False,
            at,
            at,
            None,
            None,
            "",
            "",
            "",
        )
        for k in range(RETURNING_CHUNK + 7)  # two statements
    ]
    ids = insert_returning(rows)
    stored = dict(Rating.objects.filter(pk__in=ids).values_list("pk", "case_no"))
    assert [stored[pk] for pk in ids] == [row[0] for row in rows]
    assert Rating.objects.get(case_no="ORD00003").reasons == ["r3"]
