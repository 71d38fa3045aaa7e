"""Indicator monitoring: the catalog (categories, indicators, targets, provincial benchmarks)
and the data collected each period (a submission per reporting organisation and period, with
one value per region and indicator). Only values of approved submissions enter the index."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minsheng.orgs.models import Organisation, Region


class Category(models.Model):
    code = models.CharField(_("代码"), max_length=16, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    weight = models.FloatField(_("权重"), default=1.0)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    owner = models.ForeignKey(
        Region,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("维护地区"),
        help_text=_("只有该地区的质量办可以修改；为空时仅系统管理员可以修改"),
    )

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("指标类别")
        verbose_name_plural = _("指标类别")

    def __str__(self) -> str:
        return self.name


class Polarity(models.IntegerChoices):
    HIGHER = 1, _("越高越好")
    LOWER = -1, _("越低越好")


class Frequency(models.TextChoices):
    QUARTERLY = "quarterly", _("季度")
    YEARLY = "yearly", _("年度")


class Indicator(models.Model):
    code = models.CharField(_("指标代码"), max_length=16, unique=True)
    name = models.CharField(_("指标名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    category = models.ForeignKey(
        Category, models.PROTECT, related_name="indicators", verbose_name=_("类别")
    )
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    polarity = models.SmallIntegerField(_("方向"), choices=Polarity.choices, default=1)
    decimals = models.PositiveSmallIntegerField(_("小数位"), default=2)
    valid_min = models.FloatField(_("有效下限"), null=True, blank=True)
    valid_max = models.FloatField(_("有效上限"), null=True, blank=True)
    frequency = models.CharField(
        _("频率"), max_length=10, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    lead_department = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="lead_indicators",
        verbose_name=_("牵头部门"),
    )
    definition = models.TextField(_("定义"), blank=True)
    source = models.CharField(_("数据来源"), max_length=200, blank=True)
    weight = models.FloatField(_("权重"), default=1.0)
    lower = models.FloatField(_("标准化下限"), null=True, blank=True)
    upper = models.FloatField(_("标准化上限"), null=True, blank=True)
    jump_threshold = models.FloatField(
        _("环比变动阈值"),
        default=0.3,
        help_text=_("与上期相比变动超过此比例（0.3 = 30%）须填写说明"),
    )
    in_index = models.BooleanField(
        _("计入水平指数"), default=True, help_text=_("基础数据项（如常住人口）只采集、不计分")
    )
    numerator = models.CharField(_("分子（基础数据项）"), max_length=100, blank=True)
    denominator = models.CharField(_("分母（基础数据项）"), max_length=100, blank=True)
    factor = models.FloatField(_("系数"), null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    owner = models.ForeignKey(
        Region,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("维护地区"),
        help_text=_("只有该地区的质量办可以修改；为空时仅系统管理员可以修改"),
    )

    class Meta:
        ordering = ["category__order", "order", "code"]
        verbose_name = _("指标")
        verbose_name_plural = _("指标")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Target(models.Model):
    """The value to reach by the end of ``year``, set for a region and all below it (e.g. the
    provincial target)."""

    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("年度"))
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("适用范围"))
    value = models.FloatField(_("目标值"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "region"], name="indicator_target_unique"
            )
        ]
        verbose_name = _("目标值")
        verbose_name_plural = _("目标值")

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year}: {self.value}"


class BenchmarkKind(models.TextChoices):
    AVERAGE = "average", _("省平均")
    BEST = "best", _("省最优")
    RANK = "rank", _("全省排名")


class Benchmark(models.Model):
    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="benchmarks")
    period = models.CharField(_("期别"), max_length=7)
    kind = models.CharField(_("类型"), max_length=10, choices=BenchmarkKind.choices)
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("范围"))
    value = models.FloatField(_("数值"))
    # For a rank: among how many regions (e.g. 3 of 16 cities).
    ranked_of = models.PositiveIntegerField(_("参评地区数"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "kind", "region"], name="indicator_benchmark_unique"
            )
        ]
        verbose_name = _("对标值")
        verbose_name_plural = _("对标值")

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period} {self.kind}: {self.value}"


class SubmissionState(models.TextChoices):
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审核")


class Submission(models.Model):
    """One organisation's data for one period."""

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="submissions", verbose_name=_("报送单位")
    )
    period = models.CharField(_("期别"), max_length=7, db_index=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=SubmissionState.choices, default=SubmissionState.DRAFT
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comment = models.TextField(_("审核意见"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "period"], name="indicator_submission_unique"
            )
        ]
        verbose_name = _("报送")
        verbose_name_plural = _("报送")

    def __str__(self) -> str:
        return f"{self.organisation} {self.period}"


class Value(models.Model):
    submission = models.ForeignKey(Submission, models.CASCADE, related_name="values")
    region = models.ForeignKey(Region, models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, models.PROTECT, related_name="+")
    value = models.FloatField(_("数值"), null=True, blank=True)
    explanation = models.TextField(_("说明"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "region", "indicator"], name="indicator_value_unique"
            )
        ]
        indexes = [models.Index(fields=["indicator", "region"], name="indicator_value_lookup")]
        verbose_name = _("指标数值")
        verbose_name_plural = _("指标数值")

    def __str__(self) -> str:
        return f"{self.indicator_id}@{self.region_id}: {self.value}"


class WarningSettings(models.Model):
    """Which warning rules run for a region's rankings (the nearest settings up the tree)."""

    region = models.OneToOneField(
        "orgs.Region", models.CASCADE, related_name="warning_settings", verbose_name=_("地区")
    )
    below_average = models.BooleanField(_("低于省平均"), default=True)
    off_track = models.BooleanField(_("偏离目标进度"), default=True)
    worse_periods = models.PositiveSmallIntegerField(_("连续变差期数（0 为关闭）"), default=2)
    bottom_n = models.PositiveSmallIntegerField(_("同组末位名次数（0 为关闭）"), default=3)

    class Meta:
        verbose_name = _("预警规则")
        verbose_name_plural = _("预警规则")

    def __str__(self) -> str:
        return f"{self.region}"
