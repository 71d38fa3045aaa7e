"""Users (each in one organisation with one role) and machine API clients."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from minsheng.core.roles import Role as _CoreRole


class Role(models.TextChoices):
    ADMIN = _CoreRole.ADMIN, _("系统管理员")
    QUALITY_OFFICE = _CoreRole.QUALITY_OFFICE, _("质量办")
    DEPARTMENT_REPORTER = _CoreRole.DEPARTMENT_REPORTER, _("部门填报员")
    REGION_OFFICER = _CoreRole.REGION_OFFICER, _("区县/乡镇联络员")
    WINDOW_STAFF = _CoreRole.WINDOW_STAFF, _("窗口工作人员")
    SURVEY_VENDOR = _CoreRole.SURVEY_VENDOR, _("第三方测评机构")
    LEADER = _CoreRole.LEADER, _("领导")
    DISPATCHER = _CoreRole.DISPATCHER, _("热线派单员")


class User(AbstractUser):
    organisation = models.ForeignKey(
        "orgs.Organisation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("所属机构"),
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, blank=True)
    display_name = models.CharField(_("显示名"), max_length=100, blank=True)
    must_change_password = models.BooleanField(
        _("须修改密码"),
        default=False,
        help_text=_("密码由他人设定（新账号、重置），下次登录须先修改"),
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username


class ApiScope(models.TextChoices):
    READ_REGIONS = "regions:read", _("读取地区与机构")
    READ_AUDIT = "audit:read", _("读取审计日志")
    READ_INDICATORS = "indicators:read", _("读取指标监测结果")
    WRITE_BENCHMARKS = "benchmarks:write", _("提交省平均、省最优与全省排名")
    WRITE_RATINGS = "ratings:write", _("提交好差评")
    READ_RATINGS = "ratings:read", _("读取好差评统计与整改案件")
    READ_POLLS = "polls:read", _("读取满意度测评结果")
    READ_SUPERVISION = "supervision:read", _("读取督办任务")
    WRITE_APPLICATIONS = "applications:write", _("报送办件")
    READ_HALLS = "halls:read", _("读取事项清单、大厅指标与办件统计")
    READ_ASSESS = "assess:read", _("读取考核结果与明察暗访情况")
    READ_REPORTS = "reports:read", _("读取驾驶舱数据与报告")
    WRITE_HOTLINE = "hotline:write", _("提交热线工单")
    READ_HOTLINE = "hotline:read", _("读取热线工单与统计")


class ApiChannel(models.TextChoices):
    """Where a machine client sits; service ratings record the channel they came through."""

    WINDOW_TABLET = "window_tablet", _("窗口评价器")
    QR_CODE = "qr_code", _("二维码")
    PC = "pc", _("网上办事大厅")
    APP = "app", _("移动端")
    SMS = "sms", _("短信")
    HOTLINE = "hotline", _("热线")
    PROVINCIAL = "provincial", _("省级系统")
    OTHER = "other", _("其他")


class ApiClient(models.Model):
    """A machine client (window tablet, online hall, provincial system) with its own token.
    Only a SHA-256 hash of the token is stored; the token is shown once, when issued."""

    name = models.CharField(_("名称"), max_length=100)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        models.PROTECT,
        related_name="api_clients",
        verbose_name=_("所属机构"),
    )
    channel = models.CharField(_("渠道"), max_length=32, choices=ApiChannel.choices, blank=True)
    scopes = models.JSONField(_("权限范围"), default=list)
    token_prefix = models.CharField(_("令牌前缀"), max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("API 客户端")
        verbose_name_plural = _("API 客户端")

    def __str__(self) -> str:
        return f"{self.name} ({self.token_prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
