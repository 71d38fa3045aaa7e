"""Demo data for polls: the questionnaire and four quarterly rounds (about 20,000 respondents
each at city scale) with a planted anomaly in the last round. The test-scale city has none."""

from __future__ import annotations

from minsheng.core.polls import demo as pd
from minsheng.core.polls.fieldwork import phone_hash
from minsheng.core.regions import Level
from minsheng.demo.registry import DemoContext, register
from minsheng.orgs.models import Region, RegionLevel
from minsheng.polls.models import Item, Poll, Questionnaire, Respondent
from minsheng.polls.services import poll_salt

BATCH = 5000


@register("polls", order=70)
def build_polls(ctx: DemoContext) -> None:
    if str(ctx.plan.scale) == "test":
        return
    city_code = next(r for r in ctx.plan.regions if r.level == Level.CITY).code
    city = ctx.regions[city_code]
    questionnaire = Questionnaire.objects.create(name="公共服务满意度调查", version=1, frozen=True)
    Item.objects.bulk_create(
        Item(
            questionnaire=questionnaire,
            code=i.code,
            text=i.text,
            scale="satisfaction5",
            domain=i.domain,
            organisation=ctx.organisations.get(f"dept-{city_code}-{i.department}")
            if i.department
            else None,
            is_overall=i.is_overall,
            order=k,
        )
        for k, i in enumerate(pd.demo_items())
    )
    townships = [
        (t.code, t.county.code)  # type: ignore[union-attr]
        for t in Region.objects.filter(level=RegionLevel.TOWNSHIP, city=city).select_related(
            "county"
        )
    ]
    regions = {r.code: r for r in Region.objects.filter(city=city)}
    vendor = ctx.organisations.get(f"vendor-{city_code}")
    previous = None
    total = 0
    for index, round_ in enumerate(pd.ROUNDS):
        poll = Poll.objects.create(
            name="公共服务满意度测评",
            round=round_,
            region=city,
            questionnaire=questionnaire,
            vendor=vendor,
            previous=previous,
        )
        salt = poll_salt(poll)
        people = pd.demo_round(index, townships, seed=ctx.plan.seed)
        for start in range(0, len(people), BATCH):
            Respondent.objects.bulk_create(
                Respondent(
                    poll=poll,
                    respondent_id=p.respondent_id,
                    region=regions[p.region],
                    stratum=p.stratum,
                    phone_hash=phone_hash(p.phone, salt),
                    interviewer=p.interviewer,
                    duration=p.duration,
                    answers=p.answers,
                )
                for p in people[start : start + BATCH]
            )
        total += len(people)
        previous = poll
    ctx.summary["poll respondents"] = total
