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
