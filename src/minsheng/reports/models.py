"""Reports: the Word templates the office keeps (each upload a new version; the latest of the
region or the nearest region above it is used) and the archive of generated reports (the
content as printed, a fingerprint of it, the template version, both files)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minsheng.core.index.periods import Period, PeriodError


class ReportKind(models.TextChoices):
    QUARTERLY = "quarterly", _("季度分析报告")


class ReportTemplate(models.Model):
    region = models.ForeignKey(
        "orgs.Region", models.CASCADE, related_name="+", verbose_name=_("地区")
    )
    kind = models.CharField(_("报告类型"), max_length=20, choices=ReportKind.choices)
    version = models.PositiveIntegerField(_("版本"))
    name = models.CharField(_("文件名"), max_length=150)
    data = models.BinaryField(_("模板文件"))
    note = models.CharField(_("修改说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("报告模板")
        verbose_name_plural = _("报告模板")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "kind", "version"], name="reports_template_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class Report(models.Model):
    region = models.ForeignKey(
        "orgs.Region", models.CASCADE, related_name="+", verbose_name=_("地区")
    )
    kind = models.CharField(_("报告类型"), max_length=20, choices=ReportKind.choices)
    period = models.CharField(_("期别"), max_length=7)
    title = models.CharField(_("标题"), max_length=200)
    content = models.JSONField(_("内容"))  # core.reports.content.Content.as_json()
    fingerprint = models.CharField(_("数据版本"), max_length=64)  # sha256 of the content
    template = models.ForeignKey(
        ReportTemplate, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("模板"),
    )  # fmt: skip
    docx_path = models.CharField(max_length=300)
    pdf_path = models.CharField(max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("报告")
        verbose_name_plural = _("报告")

    def __str__(self) -> str:
        return self.title

    @property
    def period_label(self) -> str:
        try:
            return Period.parse(self.period).label
        except PeriodError:
            return self.period


class Boundary(models.Model):
    """The boundaries of a region's child regions (GeoJSON) for the cockpit's map; ``generated``
    marks the demo's stand-in grid, shown as such."""

    region = models.OneToOneField(
        "orgs.Region", models.CASCADE, related_name="+", verbose_name=_("地区")
    )
    geojson = models.JSONField(_("边界"))
    generated = models.BooleanField(_("示意边界"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now=True)

    class Meta:
        verbose_name = _("地区边界")
        verbose_name_plural = _("地区边界")

    def __str__(self) -> str:
        return f"{self.region_id}"


class ReportSchedule(models.Model):
    """The region's quarterly report made by itself on the N-th working day after each quarter
    ends, and sent to the people named."""

    region = models.OneToOneField(
        "orgs.Region", models.CASCADE, related_name="+", verbose_name=_("地区")
    )
    working_day = models.PositiveSmallIntegerField(_("季度结束后第几个工作日"), default=5)
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("通知对象")
    )
    enabled = models.BooleanField(_("启用"), default=True)
    last_period = models.CharField(_("最近生成期别"), max_length=7, blank=True)
    last_error = models.CharField(_("最近一次未能生成的原因"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("定期报告")
        verbose_name_plural = _("定期报告")

    def __str__(self) -> str:
        return f"{self.region_id} +{self.working_day}"


class PublicationKind(models.TextChoices):
    RANKING = "ranking", _("考核排名")
    POLL = "poll", _("满意度测评结果")
    PLAN = "plan", _("工作方案进展")
    INDEX = "index", _("指标监测排名")


class Publication(models.Model):
    """What the office has made public (公开): a snapshot of a ranking, poll results at county
    level or an action plan's progress, as it stood when published; shown without login until
    withdrawn, and in the public feed."""

    region = models.ForeignKey(
        "orgs.Region", models.CASCADE, related_name="+", verbose_name=_("地区")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=PublicationKind.choices)
    source = models.CharField(_("来源"), max_length=50)  # e.g. run:12, poll:3, plan:5
    title = models.CharField(_("标题"), max_length=200)
    summary = models.TextField(_("摘要"))
    table = models.JSONField(_("数据"))  # core.reports.content.Table.as_json()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("公开发布")
        verbose_name_plural = _("公开发布")

    def __str__(self) -> str:
        return self.title
