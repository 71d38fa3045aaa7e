"""Background work of the indicators capability: the integrity checks on a period's figures
after a form is approved (run by ``minsheng worker``)."""

from __future__ import annotations

from django_tasks import task

from minsheng.orgs.models import Region


@task()
def check_period(*, period: str, region_id: int) -> dict[str, object]:
    """The checks on ``period``'s figures in the region's subtree, kept for 数据核查 and the
    run audited."""
    from minsheng.indicators.integrity import detect_period
    from minsheng.reviews.services.integrity import record_run

    region = Region.objects.get(pk=region_id)
    found = detect_period(period, region)
    record_run(actor="worker", period=period, found=len(found), region=region)
    return {"period": period, "region": region.code, "findings": len(found)}
