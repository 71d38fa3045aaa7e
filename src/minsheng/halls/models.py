"""Application records (办件): one per handled case, as the hall's queueing or approval system
reports it, unique by case number (a repeated report updates the case, never adds a second)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Assisted(models.TextChoices):
    NONE = "", _("无")
    PROXY = "proxy", _("代办")
    HOME = "home", _("上门")


class Application(models.Model):
    case_no = models.CharField(_("办件编号"), max_length=64, unique=True)
    item_code = models.CharField(_("事项编码"), max_length=64)
    item_name = models.CharField(_("事项名称"), max_length=200, blank=True)
    centre = models.ForeignKey(
        "orgs.Organisation", models.PROTECT, related_name="+", verbose_name=_("服务中心")
    )
    window = models.ForeignKey(
        "orgs.Window", models.SET_NULL, null=True, blank=True, verbose_name=_("受理窗口")
    )
    staff = models.ForeignKey(
        "orgs.Staff", models.SET_NULL, null=True, blank=True, verbose_name=_("首问负责人")
    )
    received_at = models.DateTimeField(_("受理时间"))
    notice = models.BooleanField(_("一次性告知"), default=False)
    assisted = models.CharField(
        _("代办上门"), max_length=8, choices=Assisted.choices, blank=True, default=""
    )
    promised_days = models.PositiveSmallIntegerField(_("承诺时限"), null=True, blank=True)
    due_at = models.DateTimeField(_("承诺办结期限"), null=True, blank=True)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    visits = models.PositiveSmallIntegerField(_("到现场次数"), null=True, blank=True)
    client = models.ForeignKey(
        "accounts.ApiClient", models.SET_NULL, null=True, blank=True, verbose_name=_("客户端")
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        indexes = [
            models.Index(fields=["centre", "received_at"]),
            # A month's cases, and those changed since a moment (analytics.store.Monthly)
            models.Index(fields=["received_at", "updated_at"], name="halls_received_updated"),
            models.Index(fields=["completed_at"]),
        ]

    def __str__(self) -> str:
        return self.case_no


SIX = (
    ("has_premises", _("有固定的办公场所")),
    ("has_equipment", _("有必要的办公设备")),
    ("has_services", _("有明确的服务内容")),
    ("has_team", _("有专业的服务队伍")),
    ("has_rules", _("有完善的服务制度")),
    ("has_environment", _("有良好的服务环境")),
)


class CentreProfile(models.Model):
    """A service centre's profile: where and when it opens, its windows by kind, and the 六有
    construction standard for township centres (seed 002)."""

    centre = models.OneToOneField(
        "orgs.Organisation", models.CASCADE, related_name="profile", verbose_name=_("服务中心")
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    hours = models.CharField(_("开放时间"), max_length=200, blank=True)
    area = models.PositiveIntegerField(_("面积（平方米）"), null=True, blank=True)
    comprehensive_windows = models.PositiveSmallIntegerField(_("综合窗口"), default=0)
    special_windows = models.PositiveSmallIntegerField(_("专窗"), default=0)
    assisted_windows = models.PositiveSmallIntegerField(_("帮办代办窗口"), default=0)
    self_service = models.PositiveSmallIntegerField(_("自助终端"), default=0)
    has_premises = models.BooleanField(SIX[0][1], default=False)
    has_equipment = models.BooleanField(SIX[1][1], default=False)
    has_services = models.BooleanField(SIX[2][1], default=False)
    has_team = models.BooleanField(SIX[3][1], default=False)
    has_rules = models.BooleanField(SIX[4][1], default=False)
    has_environment = models.BooleanField(SIX[5][1], default=False)
    note = models.TextField(_("说明"), blank=True)
    updated_by = models.ForeignKey(
        "accounts.User", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("服务中心概况")
        verbose_name_plural = _("服务中心概况")

    def __str__(self) -> str:
        return str(self.centre)

    @property
    def six_met(self) -> int:
        return sum(bool(getattr(self, field)) for field, _label in SIX)
