from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodicJob(models.Model):
    """When each periodic job is next due. Workers claim a due job with a conditional UPDATE,
    so with several workers each run is enqueued exactly once."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    next_run_at = models.DateTimeField(_("下次运行"))
    last_enqueued_at = models.DateTimeField(_("最近入队"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("定时任务")
        verbose_name_plural = _("定时任务")

    def __str__(self) -> str:
        return self.name
