"""明察暗访: checklists per kind of site, the sites that can be inspected, inspection plans (a
round: its checklist as it was, the seeded draw, the named inspectors) and their visits (one per
drawn site: the inspector's marks, notes, photos with the time they were taken)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SiteKind(models.TextChoices):
    SERVICE_CENTRE = "service_centre", _("便民服务中心")
    SCHOOL = "school", _("学校")
    NURSING_HOME = "nursing_home", _("养老机构")
    HOSPITAL = "hospital", _("医院门诊")


class Checklist(models.Model):
    region = models.ForeignKey(
        "orgs.Region", models.CASCADE, related_name="+", verbose_name=_("地区")
    )
    kind = models.CharField(_("检查对象"), max_length=20, choices=SiteKind.choices)
    name = models.CharField(_("清单名称"), max_length=100)
    items = models.JSONField(_("检查项目"))  # [{"code", "group", "text", "points"}]
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("检查清单")
        verbose_name_plural = _("检查清单")
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="inspect_checklist_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    """A place that can be inspected: a service centre (its organisation) or a school, nursing
    home or hospital listed by the office."""

    region = models.ForeignKey(
        "orgs.Region", models.PROTECT, related_name="+", verbose_name=_("所在地区")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=SiteKind.choices)
    name = models.CharField(_("名称"), max_length=200)
    organisation = models.OneToOneField(
        "orgs.Organisation", models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("机构"),
    )  # fmt: skip

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("检查对象")
        verbose_name_plural = _("检查对象")
        constraints = [
            models.UniqueConstraint(fields=["region", "kind", "name"], name="inspect_site_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Plan(models.Model):
    region = models.ForeignKey(
        "orgs.Region", models.CASCADE, related_name="+", verbose_name=_("地区")
    )
    name = models.CharField(_("检查名称"), max_length=100)
    kind = models.CharField(_("检查对象"), max_length=20, choices=SiteKind.choices)
    period = models.CharField(_("所属期别"), max_length=7)  # the assessment period it counts for
    items = models.JSONField(_("检查项目"))  # the checklist as it was when the plan was made
    checklist_name = models.CharField(_("检查清单"), max_length=100)
    seed = models.PositiveIntegerField(_("随机种子"))
    per_stratum = models.PositiveSmallIntegerField(_("每个县（市、区）抽取"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("检查人员")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("检查计划")
        verbose_name_plural = _("检查计划")

    def __str__(self) -> str:
        return self.name


class VisitState(models.TextChoices):
    ASSIGNED = "assigned", _("待检查")
    SUBMITTED = "submitted", _("已提交")


class Visit(models.Model):
    plan = models.ForeignKey(Plan, models.CASCADE, related_name="visits", verbose_name=_("计划"))
    site = models.ForeignKey(Site, models.PROTECT, related_name="visits", verbose_name=_("对象"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("检查人员"),
    )  # fmt: skip
    state = models.CharField(
        _("状态"), max_length=10, choices=VisitState.choices, default=VisitState.ASSIGNED
    )
    unannounced = models.BooleanField(_("暗访"), default=True)
    visited_at = models.DateTimeField(_("检查时间"), null=True, blank=True)
    results = models.JSONField(_("检查结果"), default=dict)  # {code: pass|fail|na}
    notes = models.JSONField(_("检查记录"), default=dict)  # {code: text}
    summary = models.TextField(_("总体情况"), blank=True)
    score = models.FloatField(_("得分"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        ordering = ["plan", "site__region__code", "site__name"]
        verbose_name = _("检查记录")
        verbose_name_plural = _("检查记录")
        constraints = [models.UniqueConstraint(fields=["plan", "site"], name="inspect_visit_once")]
        indexes = [models.Index(fields=["inspector", "state"])]

    def __str__(self) -> str:
        return f"{self.plan} {self.site}"


class Photo(models.Model):
    """A photo taken on a visit, kept sealed on disk; ``taken_at`` is the device's time."""

    visit = models.ForeignKey(Visit, models.CASCADE, related_name="photos")
    item = models.CharField(_("检查项目"), max_length=20, blank=True)
    name = models.CharField(_("文件名"), max_length=150)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    path = models.CharField(max_length=300)
    taken_at = models.DateTimeField(_("拍摄时间"), null=True, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("现场照片")
        verbose_name_plural = _("现场照片")

    def __str__(self) -> str:
        return self.name
