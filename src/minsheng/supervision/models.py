"""Supervision (督办): action plans and their tasks, tasks from findings, and each task's
history. A plan task names lead, co-operating and responsible units; "each county under X"
fans out into one sub-task per unit (``parent``). A task made from a finding keeps the finding
as it was (``source``, ``evidence``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Plan(models.Model):
    title = models.CharField(_("方案名称"), max_length=200)
    doc_number = models.CharField(_("文号"), max_length=100, blank=True)
    issued_on = models.DateField(_("印发日期"), null=True, blank=True)
    region = models.ForeignKey(
        "orgs.Region", models.PROTECT, related_name="+", verbose_name=_("地区")
    )
    # The plan's report-by rules as read: [{"from", "to", "due", "rule"}] (responsible units
    # report to their lead unit, lead units to the office).
    reports = models.JSONField(_("报送要求"), default=list, blank=True)
    office = models.ForeignKey(
        "orgs.Organisation", models.PROTECT, related_name="+", verbose_name=_("印发机关")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("工作方案")
        verbose_name_plural = _("工作方案")

    def __str__(self) -> str:
        return self.title


class TaskState(models.TextChoices):
    ASSIGNED = "assigned", _("待办理")
    REPORTED = "reported", _("已报送")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已办结")


class Alert(models.IntegerChoices):
    """How far the reminder sweep has gone with an open task (it never repeats a step)."""

    NONE = 0, _("无")
    REMINDED = 1, _("已提醒")
    URGED = 2, _("已催办")
    ESCALATED = 3, _("已升级督办")


class Verdict(models.TextChoices):
    """What later data says about a task with a measurable aim."""

    NONE = "", _("未核验")
    VERIFIED = "verified", _("已验证")
    NOT_MET = "not_met", _("未达到")
    NO_DATA = "no_data", _("数据不足")


class TaskSource(models.TextChoices):
    PLAN = "plan", _("工作方案")
    MANUAL = "manual", _("手工创建")
    WARNING = "warning", _("指标预警")
    POLL = "poll", _("满意度测评")
    CASE = "case", _("差评整改")
    INTEGRITY = "integrity", _("评价异常")
    HALL = "hall", _("大厅指标")
    ASSESS = "assess", _("考核问责")
    INSPECTION = "inspection", _("明察暗访")
    HOTLINE = "hotline", _("12345热线")


class Task(models.Model):
    plan = models.ForeignKey(
        Plan, models.CASCADE, null=True, blank=True, related_name="tasks", verbose_name=_("方案")
    )
    parent = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级任务"),
    )
    number = models.CharField(_("序号"), max_length=30, blank=True)
    title = models.CharField(_("任务"), max_length=200)
    text = models.TextField(_("内容"), blank=True)
    unit = models.ForeignKey(
        "orgs.Organisation",
        models.PROTECT,
        related_name="supervision_tasks",
        verbose_name=_("承办单位"),
    )
    leads = models.ManyToManyField(
        "orgs.Organisation", related_name="+", blank=True, verbose_name=_("牵头单位")
    )
    cooperating = models.ManyToManyField(
        "orgs.Organisation", related_name="+", blank=True, verbose_name=_("配合单位")
    )
    region = models.ForeignKey(
        "orgs.Region", models.PROTECT, related_name="+", verbose_name=_("地区")
    )
    due = models.DateField(_("完成时限"), null=True, blank=True)
    report_by = models.DateField(_("报送时限"), null=True, blank=True, db_index=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=TaskState.choices, default=TaskState.ASSIGNED
    )
    percent = models.PositiveSmallIntegerField(_("完成进度"), default=0)
    alert = models.PositiveSmallIntegerField(_("催办"), choices=Alert.choices, default=Alert.NONE)
    verdict = models.CharField(
        _("数据核验"), max_length=10, choices=Verdict.choices, default=Verdict.NONE, blank=True
    )
    verdict_note = models.CharField(_("核验说明"), max_length=500, blank=True)
    verdict_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    source = models.CharField(
        _("来源"), max_length=10, choices=TaskSource.choices, default=TaskSource.MANUAL
    )
    source_key = models.CharField(_("来源标识"), max_length=200, blank=True, db_index=True)
    evidence = models.JSONField(_("发现时的情况"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["state", "alert", "due"])]
        verbose_name = _("督办任务")
        verbose_name_plural = _("督办任务")

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()


class Target(models.Model):
    """A measurable target inside a task's text: metric, operator, value, unit, due."""

    task = models.ForeignKey(Task, models.CASCADE, related_name="targets")
    metric = models.CharField(_("指标"), max_length=200)
    op = models.CharField(_("比较"), max_length=2, choices=[(">=", "≥"), ("<=", "≤")])
    value = models.FloatField(_("目标值"))
    unit = models.CharField(_("单位"), max_length=10, blank=True)
    due = models.DateField(_("时限"), null=True, blank=True)

    class Meta:
        verbose_name = _("量化目标")
        verbose_name_plural = _("量化目标")

    def __str__(self) -> str:
        return f"{self.metric} {self.get_op_display()} {self.value:g}{self.unit}"


class TaskEvent(models.Model):
    """One step in a task's history (created, reported, accepted, returned)."""

    task = models.ForeignKey(Task, models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=20)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("任务记录")
        verbose_name_plural = _("任务记录")

    def __str__(self) -> str:
        return f"{self.task_id} {self.action}"


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("待批复")
    GRANTED = "granted", _("已同意")
    REFUSED = "refused", _("未同意")


class Extension(models.Model):
    """A unit's request to move its task's due date, and the office's decision."""

    task = models.ForeignKey(Task, models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    due_before = models.DateField(_("原完成时限"), null=True, blank=True)
    new_due = models.DateField(_("申请延至"))
    reason = models.TextField(_("理由"))
    state = models.CharField(
        _("状态"),
        max_length=10,
        choices=ExtensionState.choices,
        default=ExtensionState.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("批复时间"), null=True, blank=True)
    comment = models.TextField(_("批复意见"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")

    def __str__(self) -> str:
        return f"{self.task_id} → {self.new_due}"


class TaskFile(models.Model):
    """A supporting document attached to a report (Word, PDF, image), kept sealed on disk."""

    task = models.ForeignKey(Task, models.CASCADE, related_name="files")
    event = models.ForeignKey(TaskEvent, models.CASCADE, related_name="files")
    name = models.CharField(_("文件名"), max_length=150)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    path = models.CharField(max_length=300)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    def __str__(self) -> str:
        return self.name


class UnitAlias(models.Model):
    """A unit name as plans write it ("市公交公司"), matched by the office to an organisation;
    later imports in the region match it at once."""

    region = models.ForeignKey(
        "orgs.Region", models.CASCADE, related_name="+", verbose_name=_("地区")
    )
    name = models.CharField(_("方案中的名称"), max_length=200)
    organisation = models.ForeignKey(
        "orgs.Organisation", models.CASCADE, related_name="+", verbose_name=_("机构")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="one_alias")]
        verbose_name = _("单位别名")
        verbose_name_plural = _("单位别名")

    def __str__(self) -> str:
        return f"{self.name} → {self.organisation_id}"
