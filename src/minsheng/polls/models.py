"""Satisfaction polls: a questionnaire (frozen once a poll uses it), its items, a poll round
run by a vendor in a city, and the respondents the vendor delivered (phone numbers only as
salted hashes)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scale(models.TextChoices):
    SATISFACTION = "satisfaction5", _("五级满意度")
    SAFETY = "safety5", _("五级安全感")
    YES_NO = "yes_no", _("是/否")
    ZERO_TEN = "zero_ten", _("0–10 分")


class Questionnaire(models.Model):
    """Owned by a region's quality office (``region`` empty: shared by every region)."""

    name = models.CharField(_("名称"), max_length=200)
    region = models.ForeignKey(
        "orgs.Region",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("所属地区"),
    )
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    frozen = models.BooleanField(_("已冻结"), default=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        ordering = ["name", "-version"]
        verbose_name = _("问卷")
        verbose_name_plural = _("问卷")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name", "version"], name="questionnaire_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class Item(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, models.CASCADE, related_name="items", verbose_name=_("问卷")
    )
    code = models.CharField(_("题号"), max_length=20)
    text = models.CharField(_("题目"), max_length=300)
    scale = models.CharField(_("量表"), max_length=20, choices=Scale.choices)
    domain = models.CharField(_("领域"), max_length=50, blank=True)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("被评部门"),
    )
    weight = models.FloatField(_("权重"), default=1.0)
    is_overall = models.BooleanField(_("总体满意度题"), default=False)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        ordering = ["questionnaire", "order", "code"]
        verbose_name = _("题目")
        verbose_name_plural = _("题目")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="item_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class PollState(models.TextChoices):
    FIELDWORK = "fieldwork", _("调查中")
    CLOSED = "closed", _("已结束")


class Poll(models.Model):
    name = models.CharField(_("名称"), max_length=200)
    round = models.CharField(_("轮次"), max_length=20)  # e.g. 2026Q3
    region = models.ForeignKey(
        "orgs.Region", models.PROTECT, related_name="polls", verbose_name=_("测评地区")
    )
    questionnaire = models.ForeignKey(
        Questionnaire, models.PROTECT, related_name="polls", verbose_name=_("问卷")
    )
    vendor = models.ForeignKey(
        "orgs.Organisation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="polls",
        verbose_name=_("测评机构"),
    )
    previous = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, verbose_name=_("上一轮")
    )
    scores = models.JSONField(_("计分"), default=dict, blank=True)  # code -> score overrides
    min_n = models.PositiveIntegerField(_("排名最少样本"), default=30)
    target_rate = models.FloatField(_("满意率目标"), null=True, blank=True)  # e.g. 0.85
    min_duration = models.PositiveIntegerField(_("最短访问时长（秒）"), default=120)
    mapping = models.JSONField(_("列对应"), default=dict, blank=True)  # our name -> vendor column
    attributes = models.JSONField(_("加权变量"), default=list, blank=True)  # e.g. ["age", "sex"]
    # The last calibration of the weights: {"method", "margins": [[variable, {category: count}],
    # …] in raking order, "trim"} ({} for none), so that the results carry its variance (as
    # R's rake / postStratify designs do).
    calibration = models.JSONField(_("校准"), default=dict, blank=True)
    # Raised by every write to the poll's respondents (``store.respondents_changed``): with
    # their count and last id it names the data version that results and snapshots are kept by.
    respondents_version = models.PositiveIntegerField(default=0, editable=False)
    state = models.CharField(
        _("状态"), max_length=10, choices=PollState.choices, default=PollState.FIELDWORK
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        ordering = ["-round", "name"]
        verbose_name = _("测评")
        verbose_name_plural = _("测评")

    def __str__(self) -> str:
        return f"{self.name}（{self.round}）"


class PlanCell(models.Model):
    """One stratum of a poll's sampling plan (a region × e.g. carrier): the numbers in the
    frame, the quota, and how many numbers the vendor issued (drawn and dialled) to fill it."""

    poll = models.ForeignKey(Poll, models.CASCADE, related_name="plan", verbose_name=_("测评"))
    region = models.ForeignKey(
        "orgs.Region", models.PROTECT, related_name="+", verbose_name=_("地区")
    )
    stratum = models.CharField(_("层"), max_length=50)
    frame = models.FloatField(_("抽样框数量"))
    quota = models.PositiveIntegerField(_("配额"))
    issued = models.PositiveIntegerField(_("发放数"), null=True, blank=True)

    class Meta:
        ordering = ["poll", "region__code", "stratum"]
        verbose_name = _("抽样方案")
        verbose_name_plural = _("抽样方案")
        constraints = [
            models.UniqueConstraint(fields=["poll", "region", "stratum"], name="plan_cell_once")
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.stratum}"


class Respondent(models.Model):
    poll = models.ForeignKey(
        Poll, models.CASCADE, related_name="respondents", verbose_name=_("测评")
    )
    respondent_id = models.CharField(_("样本编号"), max_length=64)
    region = models.ForeignKey(
        "orgs.Region", models.PROTECT, related_name="+", verbose_name=_("地区")
    )
    stratum = models.CharField(_("层"), max_length=50, blank=True)
    phone_hash = models.CharField(_("号码摘要"), max_length=64)
    interviewer = models.CharField(_("访员"), max_length=50, blank=True)
    duration = models.FloatField(_("时长（秒）"), null=True, blank=True)
    weight = models.FloatField(_("权重"), default=1.0)  # final: calibrated if the poll is
    base_weight = models.FloatField(_("设计权重"), default=1.0)  # before calibration
    answers = models.JSONField(_("答案"), default=dict)
    attributes = models.JSONField(_("人口属性"), default=dict, blank=True)  # age group, sex …
    cell = models.ForeignKey(
        PlanCell,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="respondents",
        verbose_name=_("抽样层"),
    )

    class Meta:
        verbose_name = _("受访者")
        verbose_name_plural = _("受访者")
        constraints = [
            models.UniqueConstraint(fields=["poll", "phone_hash"], name="respondent_phone_once"),
            models.UniqueConstraint(fields=["poll", "respondent_id"], name="respondent_id_once"),
        ]
        indexes = [models.Index(fields=["poll", "region"])]

    def __str__(self) -> str:
        return self.respondent_id


class PollLink(models.Model):
    """A way in for online answering: a one-time token for one invited person, or a region's
    QR link that anyone may use once per device."""

    poll = models.ForeignKey(Poll, models.CASCADE, related_name="links", verbose_name=_("测评"))
    region = models.ForeignKey(
        "orgs.Region", models.PROTECT, related_name="+", verbose_name=_("地区")
    )
    token = models.CharField(_("令牌"), max_length=40, unique=True)
    one_time = models.BooleanField(_("一次性"), default=True)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        ordering = ["poll", "region", "created_at"]
        verbose_name = _("在线答题链接")
        verbose_name_plural = _("在线答题链接")

    def __str__(self) -> str:
        return f"{self.poll} · {self.region}"


class VendorMapping(models.Model):
    """How a vendor names the columns of its files (our field → its header), saved once and
    used for each new poll it runs."""

    vendor = models.OneToOneField(
        "orgs.Organisation", models.CASCADE, related_name="+", verbose_name=_("测评机构")
    )
    mapping = models.JSONField(_("列对应"), default=dict)

    class Meta:
        verbose_name = _("测评机构列对应")
        verbose_name_plural = _("测评机构列对应")

    def __str__(self) -> str:
        return f"{self.vendor}"
