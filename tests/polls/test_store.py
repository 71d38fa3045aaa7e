"""A poll's respondents as columns (``polls.store``): the snapshot holds every answer and
attribute as the database does; it is written when an import or a weighting commits (so a first
view only reads it) and by the worker for online answers; a snapshot of older data is never read;
and the results from it equal the results computed from the database rows."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from minsheng.analytics.store import root
from minsheng.core.analytics.polls import ANSWER
from minsheng.core.polls.scales import SCALES, Scale
from minsheng.core.polls.scoring import ItemScoring, score_respondents
from minsheng.polls import store
from minsheng.polls.memo import memo_clear
from minsheng.polls.models import Poll, PollLink, PollState, Respondent
from minsheng.polls.planning import design_weights_apply
from minsheng.polls.results import _respondent_frame, poll_results
from minsheng.polls.services import answer_online, fieldwork_import
from minsheng.polls.tasks import refresh_snapshots
from tests.conftest import City
from tests.polls.test_plan_weights import _counties, _frame, _save_plan
from tests.polls.test_polls import CODES, _csv, _poll, _with_attributes


def _files(poll: Poll) -> list[Path]:
    folder = root() / store.TABLE / f"poll={poll.pk}"
    return sorted(folder.glob("version-*.parquet")) if folder.is_dir() else []


def _imported(city: City, django_capture_on_commit_callbacks: object, n: int = 120) -> Poll:
    poll = _poll(city)
    Poll.objects.filter(pk=poll.pk).update(attributes=["sex", "age"])
    poll.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        fieldwork_import(poll, _with_attributes(city, n, seed=4), filename="a.csv", actor="t")
    return poll


def test_the_import_writes_the_columns_and_they_hold_what_the_rows_hold(
    city: City, django_capture_on_commit_callbacks: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    poll = _imported(city, django_capture_on_commit_callbacks)
    assert len(_files(poll)) == 1  # written when the import committed
    monkeypatch.setattr(store, "_write", lambda *a: pytest.fail("a first view rebuilt it"))
    frame = store.respondent_columns(poll)
    rows = list(
        Respondent.objects.filter(poll=poll)
        .order_by("pk")
        .values_list("pk", "region__code", "stratum", "weight", "answers", "attributes")
    )
    assert frame["id"].to_list() == [r[0] for r in rows]
    assert frame["region_code"].to_list() == [r[1] for r in rows]
    assert frame["stratum"].to_list() == [r[2] for r in rows]
    assert frame["weight"].to_list() == [r[3] for r in rows]
    for code in CODES:
        assert frame[f"{ANSWER}{code}"].to_list() == [
            int(r[4][code]) if r[4].get(code) else None for r in rows
        ]
    for name in ("sex", "age"):
        assert frame[f"{store.ATTRIBUTE}{name}"].to_list() == [r[5][name] for r in rows]


def test_scores_from_the_columns_equal_scores_from_the_answers(
    city: City, django_capture_on_commit_callbacks: object
) -> None:
    poll = _imported(city, django_capture_on_commit_callbacks)
    frame, per_item = _respondent_frame(poll, "county")
    answers = list(
        Respondent.objects.filter(poll=poll).order_by("pk").values_list("answers", flat=True)
    )
    items = list(poll.questionnaire.items.all())
    reference = score_respondents(
        answers,
        [
            ItemScoring(
                i.code,
                SCALES[Scale(i.scale)].scores,
                SCALES[Scale(i.scale)].satisfied,
                i.weight,
                i.is_overall,
            )
            for i in items
        ],
    )
    np.testing.assert_array_equal(frame["score"].numbers, reference.overall)
    np.testing.assert_array_equal(frame["satisfied"].numbers, reference.satisfied)
    for code, values in reference.items.items():
        np.testing.assert_array_equal(per_item[code], values)


def test_new_weights_make_a_new_version_and_the_old_one_is_gone(
    city: City, django_capture_on_commit_callbacks: object
) -> None:
    poll = _imported(city, django_capture_on_commit_callbacks)
    memo_clear()
    before = poll_results(poll, "county")
    first = _files(poll)
    Respondent.objects.filter(poll=poll, region=city.county).update(weight=5.0)
    store.respondents_changed(poll)  # as every write in the product does
    memo_clear()
    after = poll_results(poll, "county")
    assert _files(poll) != first and len(_files(poll)) == 1
    assert after.overall is not None and before.overall is not None
    assert after.overall.estimate != pytest.approx(before.overall.estimate)
    # The same numbers as a store rebuilt from nothing.
    for path in _files(poll):
        path.unlink()
    memo_clear()
    again = poll_results(poll, "county")
    assert again.overall is not None
    assert again.overall.estimate == after.overall.estimate
    assert [r.score for r in again.rows] == [r.score for r in after.rows]


def test_design_weights_rewrite_the_columns_when_they_commit(
    city: City, django_capture_on_commit_callbacks: object
) -> None:
    poll = _poll(city)
    _save_plan(city, poll, _frame(_counties(city)))
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        fieldwork_import(poll, _csv(city, 90, seed=3), filename="f.csv", actor="t")
    first = _files(poll)
    assert len(first) == 1
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        design_weights_apply(poll, actor="t")
    assert _files(poll) != first and len(_files(poll)) == 1
    frame = store.respondent_columns(poll)
    assert frame["cell_id"].null_count() == 0  # every respondent is in a plan cell now
    stored = dict(Respondent.objects.filter(poll=poll).values_list("pk", "weight"))
    assert dict(zip(frame["id"].to_list(), frame["weight"].to_list(), strict=True)) == stored


def test_online_answers_reach_the_columns_through_the_worker(
    city: City, django_capture_on_commit_callbacks: object
) -> None:
    poll = _imported(city, django_capture_on_commit_callbacks)
    Poll.objects.filter(pk=poll.pk).update(state=PollState.FIELDWORK)
    link = PollLink.objects.create(poll=poll, region=city.county, token="t" * 24, one_time=True)
    answer_online(link, dict.fromkeys(CODES, "1"), device="d1")
    assert refresh_snapshots.call() == 1  # the worker's minute step
    frame = store.respondent_columns(poll)
    assert frame.height == Respondent.objects.filter(poll=poll).count()
    assert refresh_snapshots.call() == 0  # nothing new since


def test_the_import_command_is_all_or_nothing_and_writes_the_columns(
    city: City, tmp_path: Path, django_capture_on_commit_callbacks: object
) -> None:
    poll = _poll(city)
    good = _csv(city, 60, seed=8)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(good.replace(b",2,", b",7,", 1))  # one answer code out of range
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("polls", "import", "--poll", str(poll.pk), str(bad), stderr=err)
    assert "第" in err.getvalue() and "行" in err.getvalue()  # located by row and column
    assert not Respondent.objects.filter(poll=poll).exists()
    path = tmp_path / "good.csv"
    path.write_bytes(good)
    out = io.StringIO()
    # The test's transaction stands in for the command's commit.
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        call_command("polls", "import", "--poll", str(poll.pk), str(path), stdout=out)
    assert json.loads(out.getvalue()) == {"poll": poll.pk, "imported": 60}
    assert len(_files(poll)) == 1  # the columns are written once the import commits
    with pytest.raises(CommandError, match="no such poll"):
        call_command("polls", "import", "--poll", "999999", str(path))


def test_every_write_to_the_respondents_raises_their_version(
    city: City, django_capture_on_commit_callbacks: object
) -> None:
    """The results and snapshots are kept by ``respondents_state``; each path that writes
    respondents — import, plan, design weights, online answer — makes a new state."""
    poll = _poll(city)
    seen = [store.respondents_state(poll)]
    _save_plan(city, poll, _frame(_counties(city)))
    seen.append(store.respondents_state(poll))
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        fieldwork_import(poll, _csv(city, 90, seed=3), filename="f.csv", actor="t")
    seen.append(store.respondents_state(poll))
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        design_weights_apply(poll, actor="t")
    seen.append(store.respondents_state(poll))
    Poll.objects.filter(pk=poll.pk).update(state=PollState.FIELDWORK)
    link = PollLink.objects.create(poll=poll, region=city.county, token="u" * 24, one_time=True)
    answer_online(link, dict.fromkeys(CODES, "1"), device="d2")
    seen.append(store.respondents_state(poll))
    versions = [s["version"] for s in seen]
    assert versions == sorted(set(versions)), versions  # a new version at every step
