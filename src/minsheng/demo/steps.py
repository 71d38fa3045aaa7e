"""The foundation's demo steps: regions, organisations with windows and staff, peer groups,
one login per role."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from minsheng.accounts.models import User
from minsheng.demo.registry import DemoContext, register
from minsheng.orgs.models import Organisation, PeerGroup, Staff, Window
from minsheng.orgs.services import regions_upsert

BATCH = 2000


@register("regions", order=10)
def build_regions(ctx: DemoContext) -> None:
    summary = regions_upsert(
        actor=None,
        regions=[(r.code, r.name) for r in ctx.plan.regions],
        note="demo",
        audit_each=False,
    )
    ctx.regions = summary.by_code
    ctx.summary["regions"] = summary.created


@register("organisations", order=20)
def build_organisations(ctx: DemoContext) -> None:
    orgs = [
        Organisation(
            key=o.key,
            name=o.name,
            kind=str(o.kind),
            region=ctx.regions[o.region_code],
            centre_level=int(o.centre_level) if o.centre_level is not None else None,
        )
        for o in ctx.plan.organisations
    ]
    Organisation.objects.bulk_create(orgs, batch_size=BATCH)
    ctx.organisations = {o.key: o for o in orgs}
    windows = [
        Window(centre=ctx.organisations[w.centre_key], number=w.number, name=w.name)
        for w in ctx.plan.windows
    ]
    Window.objects.bulk_create(windows, batch_size=BATCH)
    window_by_key = {(w.centre.key, w.number): w for w in windows}
    Staff.objects.bulk_create(
        [
            Staff(
                centre=ctx.organisations[s.centre_key],
                window=window_by_key[(s.centre_key, s.window_number)],
                staff_no=s.staff_no,
                name=s.name,
            )
            for s in ctx.plan.staff
        ],
        batch_size=BATCH,
    )
    ctx.summary.update(organisations=len(orgs), windows=len(windows), staff=len(ctx.plan.staff))


@register("peer-groups", order=30)
def build_peer_groups(ctx: DemoContext) -> None:
    for g in ctx.plan.peer_groups:
        group = PeerGroup.objects.create(
            key=g.key, name=g.name, level=int(g.level), owner=ctx.regions[g.owner_code]
        )
        group.members.set([ctx.regions[c] for c in g.member_codes])
    ctx.summary["peer_groups"] = len(ctx.plan.peer_groups)


@register("users", order=40)
def build_users(ctx: DemoContext) -> None:
    password = make_password(ctx.password)
    for u in ctx.plan.users:
        user = User.objects.create(
            username=u.username,
            password=password,
            role=str(u.role),
            display_name=u.display_name,
            organisation=ctx.organisations[u.org_key],
            is_superuser=u.is_superuser,
            is_staff=u.is_superuser,
        )
        if u.staff_no is not None:
            Staff.objects.filter(staff_no=u.staff_no).update(user=user)
        ctx.users[u.username] = user
    ctx.summary["users"] = len(ctx.plan.users)
