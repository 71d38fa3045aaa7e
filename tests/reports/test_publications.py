"""信息公开: the office publishes a confirmed ranking, a poll's county results or a plan's
progress; the public sees only what is published (a snapshot with its date), on pages without
login and in the Atom feed; withdrawing hides it; outsiders cannot publish."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from minsheng.assess.models import Run
from minsheng.reports.models import Publication
from minsheng.supervision.models import Plan
from tests.conftest import City


@pytest.fixture
def confirmed(city: City) -> Run:
    run = Run.objects.filter(confirmed_at__isnull=False).first()
    assert run is not None, "the demo confirms its third-quarter assessment"
    return run


def test_publish_see_withdraw(city: City, confirmed: Run) -> None:
    office = city.client("quality")
    made = office.post(reverse("report_publish"), {"kind": "ranking", "id": confirmed.pk})
    assert made.status_code == 302
    item = Publication.objects.get()
    public = Client()
    listing = public.get(reverse("public_list"))
    assert listing.status_code == 200 and item.title in listing.content.decode()
    assert "max-age=300" in listing["Cache-Control"]
    page = public.get(reverse("public_item", args=[item.pk])).content.decode()
    first = confirmed.results[0]
    assert first["name"] in page and f"{first['total']:.2f}" in page
    feed = public.get(reverse("public_feed"))
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert item.title in feed.content.decode()
    # A snapshot: the run changing afterwards does not change the publication.
    confirmed.results = [{**first, "total": 1.0}, *confirmed.results[1:]]
    confirmed.save()
    assert (
        f"{first['total']:.2f}"
        in public.get(reverse("public_item", args=[item.pk])).content.decode()
    )
    # Publishing again withdraws the earlier one: one current publication per source.
    office.post(reverse("report_publish"), {"kind": "ranking", "id": confirmed.pk})
    assert Publication.objects.filter(withdrawn_at__isnull=True).count() == 1
    current = Publication.objects.get(withdrawn_at__isnull=True)
    assert public.get(reverse("public_item", args=[item.pk])).status_code == 404
    office.post(reverse("report_withdraw", args=[current.pk]))
    assert public.get(reverse("public_item", args=[current.pk])).status_code == 404
    assert current.title not in public.get(reverse("public_feed")).content.decode()


def test_plan_progress_and_scope(city: City, confirmed: Run) -> None:
    plan = Plan.objects.first()
    assert plan is not None
    office = city.client("quality")
    office.post(reverse("report_publish"), {"kind": "plan", "id": plan.pk})
    item = Publication.objects.get(kind="plan")
    assert "落实进展" in item.title and item.table["rows"]
    unpublished = Client().get(reverse("public_item", args=[item.pk + 100]))
    assert unpublished.status_code == 404
    for who in ("leader", "county", "reporter", "window"):
        reply = city.client(who).post(
            reverse("report_publish"), {"kind": "ranking", "id": confirmed.pk}
        )
        assert reply.status_code == 403, who
        assert city.client(who).post(reverse("report_withdraw", args=[item.pk])).status_code == 403
    other = city.client("other_quality")
    assert (
        other.post(reverse("report_publish"), {"kind": "ranking", "id": confirmed.pk}).status_code
        == 404
    )
    assert other.post(reverse("report_withdraw", args=[item.pk])).status_code == 404
    assert (
        Client().post(reverse("report_publish"), {"kind": "plan", "id": plan.pk}).status_code == 302
    )
    assert Publication.objects.count() == 1


def test_index_ranking_published_as_the_ranking_page_shows_it(city: City) -> None:
    from minsheng.core.index.periods import Period
    from minsheng.indicators.results import rank_rows
    from minsheng.indicators.selectors import index_result
    from minsheng.orgs.models import Region

    root = city.county.parent
    assert root is not None
    office = city.client("quality")
    bad = office.post(reverse("report_publish"), {"kind": "index", "period": "明年"})
    assert bad.status_code == 302 and not Publication.objects.exists()
    office.post(reverse("report_publish"), {"kind": "index", "period": "2026Q3"})
    item = Publication.objects.get(kind="index")
    children = list(Region.objects.filter(parent=root).order_by("code"))
    rows = [
        r
        for r in rank_rows(index_result(children, Period(2026, 3)), {c.code for c in children})
        if r.index is not None
    ]
    assert item.table["rows"] == [
        [str(r.rank), r.name, f"{r.index:.2f}", f"{r.met}/{r.indicators}"] for r in rows
    ]
    assert rows[0].name in Client().get(reverse("public_item", args=[item.pk])).content.decode()
