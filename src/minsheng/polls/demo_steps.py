"""Demo data for polls: the questionnaire and four quarterly rounds (about 20,000 respondents
each at city scale) with a planted anomaly in the last round, each with its sampling plan
(county × carrier) and design weights. The test-scale city has none."""

from __future__ import annotations

from minsheng.core.polls import demo as pd
from minsheng.core.polls.fieldwork import phone_hash
from minsheng.core.regions import Level
from minsheng.core.survey.weights import design_weights
from minsheng.demo.registry import DemoContext, register
from minsheng.orgs.models import Region, RegionLevel
from minsheng.polls.models import Item, PlanCell, Poll, PollState, Questionnaire, Respondent
from minsheng.polls.services import poll_salt

BATCH = 5000


@register("polls", order=70)
def build_polls(ctx: DemoContext) -> None:
    if str(ctx.plan.scale) == "test":
        return
    city_code = next(r for r in ctx.plan.regions if r.level == Level.CITY).code
    city = ctx.regions[city_code]
    questionnaire = Questionnaire.objects.create(
        name="公共服务满意度调查", region=city, version=1, frozen=True
    )
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
            target_rate=0.85,  # the seed's target: 85 % satisfied by 2025
            state=PollState.CLOSED,  # every demo round's results are out
        )
        salt = poll_salt(poll)
        people = pd.demo_round(index, townships, seed=ctx.plan.seed)
        cell_of = _plan(poll, townships, people, regions, seed=ctx.plan.seed + index)
        for start in range(0, len(people), BATCH):
            Respondent.objects.bulk_create(
                Respondent(
                    poll=poll,
                    respondent_id=p.respondent_id,
                    region=regions[p.region],
                    stratum=p.stratum,
                    cell=cell_of[p.region, p.stratum][0],
                    weight=cell_of[p.region, p.stratum][1],
                    base_weight=cell_of[p.region, p.stratum][1],
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
    if previous is not None:
        from minsheng.polls.integrity import detect_poll

        ctx.summary[f"poll findings {previous.round}"] = len(detect_poll(previous))


def _plan(
    poll: Poll,
    townships: list[tuple[str, str]],
    people: list[pd.DemoRespondent],
    regions: dict[str, Region],
    *,
    seed: int,
) -> dict[tuple[str, str], tuple[PlanCell, float]]:
    """Save the round's plan (county × carrier) and return, per (respondent region, carrier),
    the cell and its design weight adjusted for nonresponse."""
    plan = pd.demo_plan(townships, people, seed=seed)
    cells = PlanCell.objects.bulk_create(
        PlanCell(
            poll=poll,
            region=regions[c.county],
            stratum=c.carrier,
            frame=c.frame,
            quota=c.quota,
            issued=c.issued,
        )
        for c in plan
    )
    weights = design_weights(
        {(c.county, c.carrier): float(c.frame) for c in plan},
        {(c.county, c.carrier): float(c.issued) for c in plan},
        {(c.county, c.carrier): c.quota for c in plan},
    )
    by_key = {(c.county, c.carrier): cell for c, cell in zip(plan, cells, strict=True)}
    county_of = dict(townships) | {c: c for _, c in townships}
    return {
        (region, carrier): (by_key[county, carrier], weights[county, carrier].weight or 0.0)
        for region, county in county_of.items()
        for carrier, _ in pd.CARRIERS
    }
