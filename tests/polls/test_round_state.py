"""A round closes when the office publishes it: no more fieldwork until it is reopened (both
audited); vendors see only what they may open, the questionnaire and its answer codes."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from minsheng.audit.models import AuditEntry
from minsheng.core.tabular import TableError
from minsheng.polls.models import Poll, PollState, Respondent
from minsheng.polls.services import fieldwork_import
from tests.conftest import City
from tests.polls.test_polls import _csv, _poll


def test_a_closed_round_takes_no_more_fieldwork(city: City) -> None:
    poll = _poll(city)
    assert fieldwork_import(poll, _csv(city, 40, seed=1), filename="a.csv", actor="t") == 40
    state = reverse("poll_state", args=[poll.pk])
    for outsider in ("vendor", "leader", "county", "other_quality"):
        assert city.client(outsider).post(state, {"state": "closed"}).status_code in (403, 404)
    assert city.client("quality").post(state, {"state": "closed"}).status_code == 302
    poll.refresh_from_db()
    assert poll.state == PollState.CLOSED
    more = _csv(city, 40, seed=2)
    with pytest.raises(TableError, match="本轮测评已结束"):
        fieldwork_import(poll, more, filename="b.csv", actor="t")
    upload = city.client("vendor").post(
        reverse("poll_upload", args=[poll.pk]),
        {"file": SimpleUploadedFile("b.csv", more)},
    )
    assert upload.status_code == 409 and "本轮测评已结束" in upload.content.decode()
    assert Respondent.objects.filter(poll=poll).count() == 40
    # Reopening is the office's decision, audited.
    assert city.client("quality").post(state, {"state": "fieldwork"}).status_code == 302
    assert fieldwork_import(poll, more, filename="b.csv", actor="t") == 40
    notes = list(
        AuditEntry.objects.filter(object_type="polls.poll", object_pk=str(poll.pk)).values_list(
            "note", flat=True
        )
    )
    assert "poll closed" in notes and "poll reopened" in notes


def test_the_vendor_sees_links_it_may_open_and_the_codebook(city: City) -> None:
    poll = _poll(city)
    vendor = city.client("vendor")
    listing = vendor.get(reverse("poll_list")).content.decode()
    assert f'href="{reverse("poll_detail", args=[poll.pk])}"' not in listing  # results
    assert reverse("poll_upload", args=[poll.pk]) in listing
    questionnaire = reverse("questionnaire_detail", args=[poll.questionnaire_id])
    assert questionnaire in listing
    assert vendor.get(questionnaire).status_code == 200
    page = vendor.get(reverse("poll_upload", args=[poll.pk])).content.decode()
    codebook = page.split('data-testid="codebook"')[1]
    assert "1 = 非常满意" in codebook and "9 = 说不清" in codebook
    assert "受访者编号（必填）" in page and "访问时长（秒）" in page
    # A closed round offers no upload.
    Poll.objects.filter(pk=poll.pk).update(state=PollState.CLOSED)
    assert (
        reverse("poll_upload", args=[poll.pk])
        not in vendor.get(reverse("poll_list")).content.decode()
    )
    # Another vendor reads neither the poll nor its questionnaire.
    from minsheng.orgs.models import Organisation

    other = Organisation.objects.create(
        key="vendor-x", name="另一家调查公司", kind="vendor", region=city.county.parent
    )
    Poll.objects.filter(pk=poll.pk).update(vendor=other)
    assert vendor.get(questionnaire).status_code == 403


def test_a_department_reads_the_poll_items_that_rate_it_and_nothing_else(city: City) -> None:
    from minsheng.polls.models import Item
    from minsheng.polls.results import poll_results

    url = reverse("poll_department")
    health = city.users["other_reporter"].organisation  # 市卫生健康委
    closed = _poll(city)
    Item.objects.filter(questionnaire=closed.questionnaire, code="Q2").update(
        organisation=health, text="您对卫健部门服务的评价"
    )
    fieldwork_import(closed, _csv(city, 120, seed=4), filename="a.csv", actor="t")
    open_round = _poll(city, "2026Q4", previous=closed)  # still in the field: not shown
    fieldwork_import(open_round, _csv(city, 60, seed=5), filename="b.csv", actor="t")
    Poll.objects.filter(pk=closed.pk).update(state=PollState.CLOSED)

    page = city.client("other_reporter").get(url)
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [(d.poll.pk, d.row.code) for d in rows] == [(closed.pk, "Q2")]
    reference = {r.code: r for r in poll_results(closed, "county").items}["Q2"]
    (d,) = rows  # the page's figures are the results page's own
    assert d.row.score == pytest.approx(reference.score, abs=1e-9)
    assert (d.row.ci_low, d.row.ci_high) == pytest.approx(
        (reference.ci_low, reference.ci_high), abs=1e-9
    )
    assert d.n == 120
    body = page.content.decode()
    assert "您对卫健部门服务的评价" in body and "题目Q1" not in body
    # A department no item rates sees that said; the other roles are refused; anonymous signs in.
    assert "没有评价本部门的题目" in city.client("reporter").get(url).content.decode()
    for outsider in ("quality", "leader", "county", "window", "vendor"):
        assert city.client(outsider).get(url).status_code == 403, outsider
    assert city.client(None).get(url).status_code == 302
