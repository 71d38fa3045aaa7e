"""Polls: fieldwork upload (all or nothing, hashed phones, vendor scope), results with
intervals, ranks, change against the previous round and importance–performance."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from minsheng.core.tabular import TableError
from minsheng.jobs.models import JobRun
from minsheng.orgs.models import Organisation, Region, RegionLevel
from minsheng.polls.integrity import poll_findings
from minsheng.polls.models import Item, Poll, Questionnaire, Respondent
from minsheng.polls.results import poll_results
from minsheng.polls.services import fieldwork_import
from minsheng.polls.tasks import import_fieldwork
from tests.conftest import City

CODES = ["Q1", "Q2", "Q3", "Q0"]


def _poll(city: City, round_: str = "2026Q3", previous: Poll | None = None) -> Poll:
    questionnaire, _ = Questionnaire.objects.get_or_create(name="群众满意度", version=1)
    if not questionnaire.items.exists():
        for k, code in enumerate(CODES):
            Item.objects.create(
                questionnaire=questionnaire,
                code=code,
                text=f"题目{code}",
                scale="satisfaction5",
                is_overall=code == "Q0",
                order=k,
            )
    vendor = Organisation.objects.get(key=f"vendor-{city.county.parent.code}")  # type: ignore[union-attr]
    return Poll.objects.create(
        name="公共服务满意度",
        round=round_,
        region=city.county.parent,
        questionnaire=questionnaire,
        vendor=vendor,
        previous=previous,
        min_n=30,
    )


def _csv(city: City, n: int, *, seed: int, better: str | None = None) -> bytes:
    """Respondents in every county; ``better`` (a county code) answers one level higher."""
    rng = random.Random(seed)
    counties = list(Region.objects.filter(level=RegionLevel.COUNTY, parent=city.county.parent))
    lines = ["respondent_id,region,stratum,phone,interviewer,duration," + ",".join(CODES)]
    for k in range(n):
        county = counties[k % len(counties)]
        base = 1 if county.code == better else 2
        answers = [str(min(5, max(1, base + rng.choice([-1, 0, 0, 1])))) for _ in CODES]
        if k % 17 == 0:
            answers[1] = "9"  # 说不清
        lines.append(
            f"R{seed}-{k},{county.code},{'移动' if k % 3 else '联通'},1{seed:02d}{k:08d},"
            f"A{k % 5},{rng.randint(200, 900)}," + ",".join(answers)
        )
    return ("\n".join(lines) + "\n").encode("gbk")


def test_import_all_or_nothing_and_only_hashes(city: City) -> None:
    poll = _poll(city)
    good = _csv(city, 60, seed=1)
    bad = good.replace(b",1,", b",7,", 1)  # one code out of range somewhere
    with pytest.raises(TableError) as caught:
        fieldwork_import(poll, bad + good.split(b"\n", 1)[1], filename="f.csv", actor="t")
    assert caught.value.errors and not Respondent.objects.exists()
    assert fieldwork_import(poll, good, filename="f.csv", actor="t") == 60
    stored = list(Respondent.objects.values_list("respondent_id", "phone_hash", "answers"))
    assert all(len(h) == 64 for _, h, _ in stored)
    assert "10100000000" not in repr(stored)  # the first phone number, nowhere in clear
    # The same people again are refused as duplicates; nothing more is stored.
    with pytest.raises(TableError):
        fieldwork_import(poll, good, filename="f.csv", actor="t")
    assert Respondent.objects.count() == 60
    assert poll.questionnaire.__class__.objects.get(pk=poll.questionnaire_id).frozen


def test_results_rank_change_and_items(city: City) -> None:
    before = _poll(city, "2026Q2")
    fieldwork_import(before, _csv(city, 400, seed=2), filename="a.csv", actor="t")
    now = _poll(city, "2026Q3", previous=before)
    fieldwork_import(
        now, _csv(city, 400, seed=3, better=city.county.code), filename="b.csv", actor="t"
    )
    results = poll_results(now, "county")
    rows = {r.code: r for r in results.rows}
    top = rows[city.county.code]
    assert top.rank.rank == 1 and top.rank.low == 1
    assert top.change is not None and top.change.difference > 10 and top.change.significant
    assert top.rank_change is not None and top.rank_change.places > 0
    # A rise beyond sampling error, but nothing in the fieldwork points at it: no finding.
    assert not [f for f in poll_findings(now, results) if f.kind == "jump"]
    assert top.ci_low < top.score < top.ci_high
    assert 0 <= top.satisfied <= 1
    items = {i.code: i for i in results.items}
    assert set(items) == set(CODES) and items["Q1"].importance is not None
    # A county officer sees its own row, ranked among all.
    own = poll_results(now, "county", {city.county.code})
    assert [r.code for r in own.rows] == [city.county.code] and own.rows[0].rank.rank == 1


def test_scope_upload_and_pages(city: City) -> None:
    poll = _poll(city)
    fieldwork_import(poll, _csv(city, 120, seed=4), filename="a.csv", actor="t")
    detail = reverse("poll_detail", args=[poll.pk])
    upload = reverse("poll_upload", args=[poll.pk])
    page = city.client("quality").get(detail)
    assert page.status_code == 200 and page.context["results"].rows
    assert page.context["findings"] is not None  # fieldwork checks for the quality office
    assert (
        city.client("quality")
        .get(detail, {"format": "xlsx"})["Content-Type"]
        .startswith("application/vnd.openxmlformats")
    )
    assert city.client("county").get(detail).status_code == 200
    assert city.client("vendor").get(upload).status_code == 200
    assert city.client("vendor").get(detail).status_code == 403  # uploads, does not read results
    for outsider in ("reporter", "window", "other_quality"):
        assert city.client(outsider).get(detail).status_code == 403
        assert city.client(outsider).get(upload).status_code == 403
    assert city.client("county").get(upload).status_code == 403
    assert Client().get(detail).status_code == 302
    # Another vendor's poll is not the vendor's.
    other_vendor = Organisation.objects.create(
        key="vendor-other", name="另一家调查公司", kind="vendor", region=city.county.parent
    )
    Poll.objects.filter(pk=poll.pk).update(vendor=other_vendor)
    assert city.client("vendor").get(upload).status_code == 403
    assert city.client("vendor").get(reverse("poll_list")).context["rows"] == []


def test_upload_runs_as_a_job_with_its_result(city: City) -> None:
    poll = _poll(city)
    vendor = city.client("vendor")
    data = _csv(city, 40, seed=5)
    response = vendor.post(
        reverse("poll_upload", args=[poll.pk]),
        {"file": SimpleUploadedFile("fieldwork.csv", data, content_type="text/csv")},
    )
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    run = JobRun.objects.get(kind="polls.fieldwork")

    path = Path(run.upload)
    # Waiting on disk for the worker, the file is sealed: no phone number, no answer in clear.
    stored = path.read_bytes()
    assert path.parent == settings.VAR_DIR / "uploads" and b"10500000001" in data
    assert b"10500000001" not in stored and b"respondent_id" not in stored
    import_fieldwork.call(
        run_id=run.pk,
        poll_id=poll.pk,
        path=str(path),
        filename="fieldwork.csv",
        user_id=city.users["vendor"].pk,
    )
    run.refresh_from_db()
    assert run.result == {"ok": True, "imported": 40}
    assert not path.exists()
    page = vendor.get(reverse("job_detail", args=[run.pk])).content.decode()
    assert "已导入 40 条" in page
    # The fieldwork checks follow as a task of their own, and their run is on record.
    from django_tasks_db.models import DBTaskResult

    from minsheng.audit.models import AuditEntry

    (queued,) = DBTaskResult.objects.filter(task_path="minsheng.polls.tasks.check_poll")
    assert queued.args_kwargs["kwargs"] == {"poll_id": poll.pk}
    assert queued.task.call(poll_id=poll.pk) == {"poll": poll.pk, "findings": 0}
    assert AuditEntry.objects.filter(note="integrity checks 2026Q3: 0 findings").exists()


def test_online_answering_with_tokens_and_region_links(city: City) -> None:
    from minsheng.polls.models import PollLink

    poll = _poll(city)
    links_url = reverse("poll_links", args=[poll.pk])
    quality = city.client("quality")
    assert quality.get(links_url).status_code == 200
    quality.post(links_url, {"region": city.county.pk, "one_time": "on", "count": "2"})
    quality.post(links_url, {"region": city.township.pk, "count": "1"})
    tokens = list(PollLink.objects.filter(poll=poll, one_time=True))
    qr = PollLink.objects.get(poll=poll, one_time=False)
    assert len(tokens) == 2 and quality.get(links_url, {"format": "xlsx"}).status_code == 200
    for outsider in ("vendor", "county", "reporter", "other_quality"):
        assert city.client(outsider).get(links_url).status_code == 403
    citizen = Client()
    page = citizen.get(reverse("poll_answer", args=[tokens[0].token])).content.decode()
    radios = re.findall(r'<input type="radio"[^>]*>', page)
    assert len(radios) == len(CODES) * 6 and not any("checked" in r for r in radios)
    answers = dict.fromkeys(CODES, "2")
    missing = citizen.post(reverse("poll_answer", args=[tokens[0].token]), {"Q1": "1"})
    assert "请回答这一题" in missing.content.decode()
    done = citizen.post(reverse("poll_answer", args=[tokens[0].token]), answers)
    assert "感谢您参加测评" in done.content.decode()
    again = Client().post(reverse("poll_answer", args=[tokens[0].token]), answers)
    assert "已经作答过了" in again.content.decode()
    # A region's QR link: once per device.
    phone = Client()
    phone.get(reverse("poll_answer", args=[qr.token]))
    assert "感谢" in phone.post(reverse("poll_answer", args=[qr.token]), answers).content.decode()
    twice = phone.post(reverse("poll_answer", args=[qr.token]), answers).content.decode()
    assert "已参加过" in twice
    stored = Respondent.objects.filter(poll=poll)
    assert stored.count() == 2 and {r.region_id for r in stored} == {
        city.county.pk,
        city.township.pk,
    }
    assert Client().get(reverse("poll_answer", args=["nope"])).status_code == 404


def _with_attributes(city: City, n: int, seed: int) -> bytes:
    rng = random.Random(seed)
    base = _csv(city, n, seed=seed).decode("gbk").splitlines()
    rows = [base[0] + ",sex,age"]
    for line in base[1:]:
        sex = "男" if rng.random() < 0.65 else "女"  # men over-represented in the sample
        rows.append(line + f",{sex},{rng.choice(['18-39', '40-59', '60+'])}")
    return ("\n".join(rows) + "\n").encode("gbk")


def test_weights_rake_to_margins_and_trim(city: City) -> None:
    poll = _poll(city)
    Poll.objects.filter(pk=poll.pk).update(attributes=["sex", "age"])
    poll.refresh_from_db()
    fieldwork_import(poll, _with_attributes(city, 300, seed=6), filename="a.csv", actor="t")
    url = reverse("poll_weights", args=[poll.pk])
    margins = (
        "variable,category,count\nsex,男,5000\nsex,女,5000\n"
        "age,18-39,4000\nage,40-59,3500\nage,60+,2500\n"
    )
    quality = city.client("quality")
    page = quality.post(
        url, {"file": SimpleUploadedFile("m.csv", margins.encode()), "method": "rake", "trim": "3"}
    )
    assert page.status_code == 200 and page.context["errors"] == [], page.context["errors"]
    totals: dict[str, float] = {}
    for r in Respondent.objects.filter(poll=poll):
        for var in ("sex", "age"):
            key = f"{var}={r.attributes[var]}"
            totals[key] = totals.get(key, 0.0) + r.weight
    assert totals["sex=男"] == pytest.approx(5000, rel=1e-3)
    assert totals["age=60+"] == pytest.approx(2500, rel=1e-3)
    weights = [r.weight for r in Respondent.objects.filter(poll=poll)]
    assert max(weights) / min(weights) < 20
    bad = "variable,category,count\nsex,男,5000\n"  # 女 in the data, not in the margins
    page = quality.post(url, {"file": SimpleUploadedFile("m.csv", bad.encode()), "method": "rake"})
    assert any("女" in e for e in page.context["errors"])
    for outsider in ("vendor", "county", "other_quality"):
        assert city.client(outsider).get(url).status_code == 403


def test_the_quality_office_sets_up_a_poll(city: City) -> None:
    first = _poll(city, "2026Q3")
    vendor = Organisation.objects.get(key=f"vendor-{city.county.parent.code}")  # type: ignore[union-attr]
    url = reverse("poll_new")
    form = {
        "name": "公共服务满意度",
        "round": "2026Q4",
        "questionnaire": first.questionnaire_id,
        "vendor": vendor.pk,
        "previous": first.pk,
        "min_n": "40",
        "min_duration": "150",
        "attributes": "sex, age",
        "scores": "100，85，70，50，20",
        "target_rate": "85",
    }
    bad = city.client("quality").post(url, {**form, "scores": "100,80,90,40,20"})
    assert "得分不能越低" in str(bad.context["form"].errors)
    response = city.client("quality").post(url, form)
    assert response.status_code == 302
    poll = Poll.objects.get(round="2026Q4")
    assert (poll.region, poll.previous, poll.min_n, poll.attributes) == (
        city.county.parent,
        first,
        40,
        ["sex", "age"],
    )
    assert poll.scores == {"1": 100.0, "2": 85.0, "3": 70.0, "4": 50.0, "5": 20.0}
    assert poll.target_rate == 0.85
    for outsider in ("leader", "county", "vendor", "reporter"):
        assert city.client(outsider).get(url).status_code == 403
    assert Client().get(url).status_code == 302


def test_sampling_plan_and_quota_export(city: City) -> None:
    poll = _poll(city)
    url = reverse("poll_plan", args=[poll.pk])
    a_name, b_name = city.county.name, city.other_county.name
    frame = (
        f"region,stratum,count\n{a_name},移动,36000\n{a_name},联通,24000\n{a_name},电信,5800\n"
        f"{b_name},移动,9000\n{b_name},联通,1000\n"
    )
    quality = city.client("quality")

    def post(**extra: str) -> Any:
        data = {"file": SimpleUploadedFile("frame.csv", frame.encode("gbk")), **extra}
        return quality.post(url, data)

    page = post(method="proportional", total="1000")
    rows = page.context["rows"]
    assert sum(r.quota for r in rows) == 1000
    a = {r.stratum: r.quota for r in rows if r.region == a_name}
    assert a["移动"] > a["联通"] > a["电信"]
    assert page.context["need"].n == 1601  # ±3 points at 95 %, deff 1.5
    equal = post(method="equal", per_region="200", min_n="250").context["rows"]
    assert sum(r.quota for r in equal if r.region == b_name) == 250
    export = post(method="proportional", total="500", format="xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert post(method="proportional", total="100000").context["errors"]  # more than the frame
    for outsider in ("vendor", "county", "other_quality"):
        assert city.client(outsider).get(url).status_code == 403


def test_vendor_column_mapping_is_saved_and_reused(city: City) -> None:
    poll = _poll(city)
    url = reverse("poll_upload", args=[poll.pk])
    vendor = city.client("vendor")
    form = {
        "action": "mapping",
        "col:respondent_id": "编号",
        "col:region": "区县",
        "col:phone": "手机",
    }
    assert vendor.post(url, form).status_code == 302
    poll.refresh_from_db()
    assert poll.mapping == {"respondent_id": "编号", "region": "区县", "phone": "手机"}
    data = _csv(city, 40, seed=8).decode("gbk")
    renamed = data.replace("respondent_id,region,stratum,phone", "编号,区县,stratum,手机", 1)
    assert fieldwork_import(poll, renamed.encode("gbk"), filename="v.csv", actor="t") == 40
    # The vendor's next poll starts with the same mapping.
    response = city.client("quality").post(
        reverse("poll_new"),
        {
            "name": "第二轮",
            "round": "2026Q4",
            "questionnaire": poll.questionnaire_id,
            "vendor": poll.vendor_id,
            "min_n": "30",
            "min_duration": "120",
        },
    )
    assert response.status_code == 302
    assert Poll.objects.get(round="2026Q4").mapping == poll.mapping
    assert city.client("county").post(url, form).status_code == 403


@pytest.mark.parametrize("count", ["4.9e-324", "1e308", "nan", "inf", "-3", "0.5", "abc"])
def test_margin_counts_out_of_range_are_refused_where_typed(count: str) -> None:
    from minsheng.core.tabular import read_table
    from minsheng.polls.weighting import read_margin_table

    data = f"variable,category,count\nsex,男,100\nsex,女,{count}\n".encode()
    with pytest.raises(TableError) as caught:
        read_margin_table(read_table(data, filename="m.csv"))
    (error,) = caught.value.errors
    assert (error.row, error.column) == (3, "count") and "总体数须为" in error.message


def test_uploads_stay_out_of_the_repository() -> None:
    repo = Path(__file__).resolve().parents[2]
    assert not settings.VAR_DIR.is_relative_to(repo)
    assert not Path(settings.MEDIA_ROOT).is_relative_to(repo)


def test_a_crash_after_the_first_batch_stores_no_respondent(
    city: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file larger than one write batch, and the worker dies after the first batch is
    written: the whole import is one transaction, so nothing stays (the progress callback is
    where it dies — after rows were really inserted)."""
    from minsheng.polls import services

    monkeypatch.setattr(services, "BATCH", 25)
    poll = _poll(city)
    calls: list[int] = []

    def dying(done: int, total: int) -> None:
        calls.append(done)
        assert Respondent.objects.filter(poll=poll).count() == done  # really written
        if done >= 50:
            raise RuntimeError("worker killed")

    with pytest.raises(RuntimeError):
        fieldwork_import(poll, _csv(city, 80, seed=9), filename="f.csv", actor="t", progress=dying)
    assert calls == [25, 50]
    assert not Respondent.objects.filter(poll=poll).exists()
