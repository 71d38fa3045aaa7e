"""Training a city's routing model in the background (tens of thousands of orders take a
minute): the page returns at once and the job page shows the held-out accuracy."""

from __future__ import annotations

from django_tasks import task

from minsheng.accounts.models import User
from minsheng.hotline.routing import train_city
from minsheng.jobs.services import job_progress, job_running
from minsheng.orgs.models import Region


@task()
def train_router(*, run_id: int, city_id: int, user_id: int) -> int:
    with job_running(run_id) as run:
        job_progress(run_id, done=0, total=1, message="正在读取已办结工单并训练")
        facts = train_city(Region.objects.get(pk=city_id), actor=User.objects.get(pk=user_id))
        job_progress(run_id, done=1, total=1)
        unit = facts.get("unit") or {}
        run.result = {
            "ok": True,
            "orders": facts["orders"],
            "message": (
                f"用 {facts['orders']} 张工单训练；留出检验承办单位首选命中率 "
                f"{unit.get('top1', 0):.1%}，前三命中率 {unit.get('top3', 0):.1%}"
                if unit
                else f"已办结工单只有 {facts['orders']} 张，不足以训练"
            ),
        }
        return 1


@task()
def sweep_orders() -> int:
    """Every quarter of an hour: deadline reminders and escalations of open orders."""
    from minsheng.hotline.services.flow import sweep

    report = sweep()
    return report.reminded + report.escalated
