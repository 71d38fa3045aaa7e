"""Assessment schemes (考核方案) of a region and year over its child regions or its own
departments (``Scheme.units``), and their runs: a
run keeps the scheme's rules as they were and every unit's result; the office confirms a run,
which freezes it and shows the units their own results."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    REGIONS = "regions", _("下级地区")
    DEPARTMENTS = "departments", _("本级部门")


class Scheme(models.Model):
    region = models.ForeignKey(
        "orgs.Region", models.CASCADE, related_name="+", verbose_name=_("考核地区")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("方案名称"), max_length=100)
    units = models.CharField(
        _("考核对象"), max_length=12, choices=UnitKind.choices, default=UnitKind.REGIONS
    )
    rules = models.JSONField(_("考核规则"))
    assessors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("专业评价人")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "name"], name="assess_scheme_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


class Run(models.Model):
    scheme = models.ForeignKey(Scheme, models.CASCADE, related_name="runs", verbose_name=_("方案"))
    period = models.CharField(_("期别"), max_length=7)
    rules = models.JSONField(_("所用规则"))  # the scheme's rules when the run was made
    results = models.JSONField(_("结果"))  # one entry per unit, best first
    computed_at = models.DateTimeField(_("计算时间"), auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-computed_at"]
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")

    def __str__(self) -> str:
        return f"{self.scheme} {self.period}"


class Talk(models.Model):
    """A consequence carried out (约谈, 书面检讨 …): when, with whom, what was said and promised,
    and the rectification task that follows it."""

    run = models.ForeignKey(Run, models.CASCADE, related_name="talks", verbose_name=_("考核结果"))
    unit = models.CharField(_("单位代码"), max_length=64)
    unit_name = models.CharField(_("单位"), max_length=100)
    trigger = models.CharField(_("触发条件"), max_length=100)
    held_on = models.DateField(_("日期"))
    people = models.CharField(_("参加人员"), max_length=300)
    minutes = models.TextField(_("谈话内容"))
    commitments = models.TextField(_("整改承诺"), blank=True)
    task = models.ForeignKey(
        "supervision.Task", models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("整改任务"),
    )  # fmt: skip
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("问责记录")
        verbose_name_plural = _("问责记录")

    def __str__(self) -> str:
        return f"{self.unit_name} {self.trigger} {self.held_on}"


class ExpertScore(models.Model):
    """专业评价: one named assessor's score (0–100) of one unit for one period, with the reason;
    the ``expert`` component is the mean of the assessors' scores."""

    scheme = models.ForeignKey(
        Scheme, models.CASCADE, related_name="expert_scores", verbose_name=_("方案")
    )
    period = models.CharField(_("期别"), max_length=7)
    unit = models.CharField(_("单位代码"), max_length=64)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("评价人")
    )
    score = models.FloatField(_("得分"))
    reason = models.TextField(_("评分理由"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("专业评价")
        verbose_name_plural = _("专业评价")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "period", "unit", "assessor"], name="assess_expert_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period} {self.score}"


class AdjustmentKind(models.TextChoices):
    VETO = "veto", _("一票否决")
    BONUS = "bonus", _("加分")
    DEDUCTION = "deduction", _("扣分")


class Adjustment(models.Model):
    """What the office records on a unit for a period beyond the platform's figures, each with
    its reason: 一票否决 (graded lowest whatever the total), a bonus (capped by the scheme), or a
    deduction. Runs of the period take them in."""

    scheme = models.ForeignKey(
        Scheme, models.CASCADE, related_name="adjustments", verbose_name=_("方案")
    )
    period = models.CharField(_("期别"), max_length=7)
    unit = models.CharField(_("单位代码"), max_length=64)
    kind = models.CharField(_("类型"), max_length=10, choices=AdjustmentKind.choices)
    points = models.FloatField(_("分值"), default=0)  # 0 for a veto
    reason = models.CharField(_("事由"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        ordering = ["period", "unit", "kind"]
        verbose_name = _("加减分与一票否决")
        verbose_name_plural = _("加减分与一票否决")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "period", "unit", "kind", "reason"],
                name="assess_adjustment_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period} {self.get_kind_display()} {self.reason}"
