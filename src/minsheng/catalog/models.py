"""The service catalog (事项清单), versioned: a change closes the item's current row
(``valid_to``) and adds a new one, so the catalog of any past date can be read back (动态调整)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CatalogItem(models.Model):
    code = models.CharField(_("事项编码"), max_length=64)
    name = models.CharField(_("事项名称"), max_length=200)
    kind = models.CharField(_("事项类型"), max_length=20)
    organisation = models.ForeignKey(
        "orgs.Organisation", models.PROTECT, related_name="+", verbose_name=_("实施主体")
    )
    level = models.CharField(_("行使层级"), max_length=2)
    region = models.ForeignKey(
        "orgs.Region", models.PROTECT, related_name="+", verbose_name=_("所属区划")
    )
    legal_days = models.PositiveSmallIntegerField(_("法定办结时限"), null=True, blank=True)
    promised_days = models.PositiveSmallIntegerField(_("承诺办结时限"), null=True, blank=True)
    instant = models.BooleanField(_("即办件"), default=False)
    visits = models.PositiveSmallIntegerField(_("到现场次数"), null=True, blank=True)
    depth = models.PositiveSmallIntegerField(_("网上办理深度"), default=1)
    entered = models.BooleanField(_("进驻大厅"), default=True)
    not_entered_reason = models.CharField(_("不进驻原因"), max_length=200, blank=True)
    basic_code = models.CharField(_("基本编码"), max_length=64, blank=True)
    visit_reason = models.CharField(_("到现场原因"), max_length=200, blank=True)
    materials = models.JSONField(_("申请材料"), default=list, blank=True)
    fees = models.JSONField(_("收费"), default=list, blank=True)
    conditions = models.TextField(_("受理条件"), blank=True)
    steps = models.TextField(_("办理流程"), blank=True)
    faq = models.TextField(_("常见问题"), blank=True)
    place = models.CharField(_("办理地点"), max_length=200, blank=True)
    hours = models.CharField(_("办理时间"), max_length=200, blank=True)
    consult_phone = models.CharField(_("咨询电话"), max_length=50, blank=True)
    complaint_phone = models.CharField(_("投诉电话"), max_length=50, blank=True)
    published = models.BooleanField(_("公开"), default=True)
    valid_from = models.DateTimeField(_("生效时间"))
    valid_to = models.DateTimeField(_("失效时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["region__code", "code"]
        indexes = [models.Index(fields=["region", "code", "valid_to"])]
        verbose_name = _("服务事项")
        verbose_name_plural = _("服务事项")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class HallTarget(models.Model):
    """A region's own target for one hall metric in one year (a fraction 0–1); regions without
    one take the nearest region's above them, and at the top seed 004's."""

    region = models.ForeignKey(
        "orgs.Region", models.CASCADE, related_name="+", verbose_name=_("地区")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    metric = models.CharField(_("指标"), max_length=20)
    target = models.FloatField(_("目标值"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("大厅指标目标")
        verbose_name_plural = _("大厅指标目标")
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "metric"], name="hall_target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.metric} {self.target}"


class DeclarationState(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已通过")
    RETURNED = "returned", _("已退回")


class Declaration(models.Model):
    """A department's declared new item or change to one of its items, waiting for the quality
    office: approved, it becomes the item's next version; returned, it says why."""

    organisation = models.ForeignKey(
        "orgs.Organisation", models.CASCADE, related_name="+", verbose_name=_("申报单位")
    )
    region = models.ForeignKey(
        "orgs.Region", models.CASCADE, related_name="+", verbose_name=_("所属区划")
    )
    code = models.CharField(_("事项编码"), max_length=64)
    name = models.CharField(_("事项名称"), max_length=200)
    is_new = models.BooleanField(_("新增事项"), default=False)
    payload = models.JSONField(_("申报内容"))
    state = models.CharField(
        _("状态"), max_length=10, choices=DeclarationState.choices, default="submitted"
    )
    note = models.TextField(_("申报说明"), blank=True)
    review_note = models.TextField(_("审核意见"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("申报时间"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("事项申报")
        verbose_name_plural = _("事项申报")
        indexes = [models.Index(fields=["state", "region"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class StandardList(models.Model):
    """One edition of a standard list: the national one the office loaded (region empty) or a
    region's own; editions are kept side by side (版本保留)."""

    name = models.CharField(_("清单名称"), max_length=100)
    region = models.ForeignKey(
        "orgs.Region", models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("地区"),
    )  # fmt: skip
    is_sample = models.BooleanField(_("示例数据"), default=False)
    loaded_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-loaded_at"]
        verbose_name = _("基本公共服务标准清单")
        verbose_name_plural = _("基本公共服务标准清单")

    def __str__(self) -> str:
        return self.name


class StandardItem(models.Model):
    standard_list = models.ForeignKey(
        StandardList, models.CASCADE, related_name="items", verbose_name=_("清单")
    )
    area = models.CharField(_("领域"), max_length=50)
    category = models.CharField(_("类别"), max_length=50)
    number = models.CharField(_("序号"), max_length=20, blank=True)
    name = models.CharField(_("服务项目"), max_length=200)
    recipients = models.TextField(_("服务对象"))
    content = models.TextField(_("服务内容"))
    standard = models.TextField(_("服务标准"))
    funding = models.TextField(_("支出责任"), blank=True)
    lead = models.CharField(_("牵头负责单位"), max_length=200, blank=True)
    flag = models.CharField(_("对标情况"), max_length=10, blank=True)
    indicators = models.ManyToManyField(
        "indicators.Indicator", blank=True, related_name="standards", verbose_name=_("监测指标")
    )
    # The codes of the inspection checklist items (明察暗访) that check it.
    checks = models.JSONField(_("检查项目"), default=list, blank=True)

    class Meta:
        ordering = ["standard_list", "pk"]
        verbose_name = _("基本公共服务标准")
        verbose_name_plural = _("基本公共服务标准")

    def __str__(self) -> str:
        return self.name
