"""Notifications: one per recipient (the in-app message), and a delivery per outside channel
(e-mail, an organisation's 企业微信/钉钉 group robot, SMS) with its status and retries. Users
choose per kind which outside channels they want; in-app messages always arrive."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("电子邮件")
    WECOM = "wecom", _("企业微信群机器人")
    DINGTALK = "dingtalk", _("钉钉群机器人")
    SMS = "sms", _("短信")


class Kind(models.TextChoices):
    TASK_ASSIGNED = "task_assigned", _("新的督办任务")
    TASK_DUE_SOON = "task_due_soon", _("任务即将到期")
    TASK_URGED = "task_urged", _("催办")
    TASK_ESCALATED = "task_escalated", _("逾期升级督办")
    TASK_REPORTED = "task_reported", _("任务报送待审核")
    TASK_DECIDED = "task_decided", _("任务办结或退回")
    EXTENSION = "extension", _("延期申请与批复")
    CATALOG = "catalog", _("事项申报与审核")
    INSPECTION = "inspection", _("明察暗访检查任务")
    REPORT = "report", _("报告已生成")
    HOTLINE = "hotline", _("热线工单")


# Outside channels a user gets unless they turn them off (SMS costs money: off unless chosen,
# except for escalations).
DEFAULT_ON: dict[str, frozenset[str]] = {
    Channel.EMAIL: frozenset(Kind.values),
    Channel.SMS: frozenset({Kind.TASK_ESCALATED}),
}


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]
        verbose_name = _("消息")
        verbose_name_plural = _("消息")

    def __str__(self) -> str:
        return self.title


class GroupRobot(models.Model):
    """An organisation's work-group robot (企业微信 or 钉钉): messages for the organisation's
    people are also posted to the group. ``kinds`` empty means every kind."""

    organisation = models.ForeignKey(
        "orgs.Organisation", models.CASCADE, related_name="+", verbose_name=_("机构")
    )
    channel = models.CharField(
        _("类型"),
        max_length=10,
        choices=[(Channel.WECOM, Channel.WECOM.label), (Channel.DINGTALK, Channel.DINGTALK.label)],
    )
    name = models.CharField(_("名称"), max_length=100)
    url = models.URLField(_("Webhook 地址"), max_length=500)
    secret = models.CharField(_("加签密钥"), max_length=200, blank=True)
    kinds = models.JSONField(_("推送的消息类型"), default=list, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("群机器人")
        verbose_name_plural = _("群机器人")

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已送达")
    FAILED = "failed", _("失败，待重试")
    GAVE_UP = "gave_up", _("多次失败，已停止")


class Delivery(models.Model):
    """One message through one outside channel. A robot delivery carries the first of the
    notifications it stands for (the group sees one message, not one per member)."""

    notification = models.ForeignKey(Notification, models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    robot = models.ForeignKey(GroupRobot, models.CASCADE, null=True, blank=True, related_name="+")
    status = models.CharField(
        _("状态"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), db_index=True)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = _("投递记录")
        verbose_name_plural = _("投递记录")

    def __str__(self) -> str:
        return f"{self.channel} {self.status}"


class Preference(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    enabled = models.BooleanField(_("接收"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="one_preference")
        ]
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")

    def __str__(self) -> str:
        return f"{self.kind}:{self.channel}"


class Contact(models.Model):
    """A user's mobile number for SMS, encrypted with the field key ring."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    phone_cipher = models.CharField(_("手机号（加密）"), max_length=300)

    class Meta:
        verbose_name = _("联系方式")
        verbose_name_plural = _("联系方式")

    def __str__(self) -> str:
        return str(self.user_id)
