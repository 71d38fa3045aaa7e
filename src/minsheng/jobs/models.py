from __future__ import annotations

from django.conf import settings
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


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class JobRun(models.Model):
    """One long job a user started (an import, an export, a recomputation), with its progress.
    The task updates ``done``/``total``; the page polls it."""

    kind = models.CharField(_("类型"), max_length=50)
    title = models.CharField(_("标题"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="job_runs", verbose_name=_("发起人")
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("总数"), default=0)
    done = models.PositiveIntegerField(_("已完成数"), default=0)
    message = models.CharField(_("进度说明"), max_length=300, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # The running task touches this every few seconds; a run whose heartbeat stopped lost its
    # worker and is marked failed (jobs.services.jobs_reap).
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    # An uploaded file waiting for the task; deleted when the run ends, however it ends.
    upload = models.CharField(_("上传文件"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("任务")
        verbose_name_plural = _("任务")

    def __str__(self) -> str:
        return self.title

    @property
    def finished(self) -> bool:
        return self.status in {JobStatus.SUCCEEDED, JobStatus.FAILED}

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        return min(99, round(100 * self.done / self.total)) if self.total else 0
