"""The citizen hotline (12345): a city's category tree and deadline rules, its work orders (工单)
with every step in their history, and extension requests. Callers' names and phone numbers are
stored encrypted (``reviews.services.contact``) and shown masked."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RequestType(models.TextChoices):  # core.hotline.vocabulary.RequestType
    CONSULT = "consult", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    SUGGESTION = "suggestion", _("意见建议")
    PRAISE = "praise", _("表扬")


class Channel(models.TextChoices):
    PHONE = "phone", _("电话")
    WEB = "web", _("网站")
    APP = "app", _("移动端")
    PLATFORM = "platform", _("12345平台")
    PETITION = "petition", _("信访转办")
    WINDOW = "window", _("窗口投诉")
    MAILBOX = "mailbox", _("信箱")


class Followup(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    MOSTLY = "mostly", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class State(models.TextChoices):
    RECEIVED = "received", _("待派单")
    DISPATCHED = "dispatched", _("待签收")
    ACCEPTED = "accepted", _("已签收")
    HANDLING = "handling", _("办理中")
    ANSWERED = "answered", _("已答复")
    FOLLOWED_UP = "followed_up", _("已回访")
    CLOSED = "closed", _("已办结")
    MERGED = "merged", _("已合并")


class Category(models.Model):
    """One node of a city's own category tree (the city loads its code table)."""

    city = models.ForeignKey(
        "orgs.Region", models.CASCADE, related_name="+", verbose_name=_("所属城市")
    )
    code = models.CharField(_("分类编码"), max_length=32)
    name = models.CharField(_("分类名称"), max_length=100)
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="children",
        verbose_name=_("上级分类"),
    )  # fmt: skip
    path = models.CharField(_("完整分类"), max_length=300)  # 城乡建设/物业管理/收费
    department = models.ForeignKey(
        "orgs.Organisation", models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("默认承办单位"),
    )  # fmt: skip
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["city", "code"]
        verbose_name = _("诉求分类")
        verbose_name_plural = _("诉求分类")
        constraints = [
            models.UniqueConstraint(fields=["city", "code"], name="hotline_category_unique")
        ]

    def __str__(self) -> str:
        return self.path


class Rules(models.Model):
    """A city's deadline rules (``core.hotline.deadlines``), as JSON; defaults when absent."""

    city = models.OneToOneField(
        "orgs.Region", models.CASCADE, related_name="+", verbose_name=_("所属城市")
    )
    rules = models.JSONField(_("期限规则"), default=dict)
    keywords = models.JSONField(_("派单规则"), default=list, blank=True)  # routing rules
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("热线规则")
        verbose_name_plural = _("热线规则")

    def __str__(self) -> str:
        return str(self.city)


class WorkOrder(models.Model):
    city = models.ForeignKey(
        "orgs.Region", models.PROTECT, related_name="+", verbose_name=_("所属城市")
    )
    order_no = models.CharField(_("工单编号"), max_length=64, unique=True)
    channel = models.CharField(_("来源渠道"), max_length=16, choices=Channel.choices)
    type = models.CharField(_("诉求类型"), max_length=16, choices=RequestType.choices)
    urgent = models.BooleanField(_("紧急"), default=False)
    category = models.ForeignKey(
        Category, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("诉求分类"),
    )  # fmt: skip
    category_text = models.CharField(_("分类（原文）"), max_length=200, blank=True)
    region = models.ForeignKey(
        "orgs.Region", models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("所属区域"),
    )  # fmt: skip
    unit = models.ForeignKey(
        "orgs.Organisation", models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("承办单位"),
    )  # fmt: skip
    centre = models.ForeignKey(
        "orgs.Organisation", models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("涉及服务中心"),
    )  # fmt: skip
    service_item = models.ForeignKey(
        "reviews.ServiceItem", models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("涉及服务事项"),
    )  # fmt: skip
    text = models.TextField(_("诉求内容"), blank=True)
    caller_cipher = models.TextField(blank=True)  # encrypted; never shown in clear
    caller_masked = models.CharField(_("来电人"), max_length=32, blank=True)
    phone_cipher = models.TextField(blank=True)
    phone_masked = models.CharField(_("联系电话"), max_length=32, blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)  # finds repeat callers
    state = models.CharField(
        _("状态"), max_length=16, choices=State.choices, default=State.RECEIVED, db_index=True
    )
    received_at = models.DateTimeField(_("受理时间"))
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    accept_due = models.DateTimeField(_("签收时限"), null=True, blank=True)
    answer_due = models.DateTimeField(_("办理时限"), null=True, blank=True)
    answered_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    answer = models.TextField(_("答复内容"), blank=True)
    followup = models.CharField(_("回访结果"), max_length=16, choices=Followup.choices, blank=True)
    solved = models.BooleanField(_("问题已解决"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    reopened = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    returned = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    extension_days = models.PositiveSmallIntegerField(_("延期工作日"), default=0)
    merged_into = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="merged",
        verbose_name=_("并入工单"),
    )  # fmt: skip
    reminded = models.PositiveSmallIntegerField(_("催办次数"), default=0)
    # The sweep's marks (reset when the deadline moves): reminded a day before, escalated once.
    due_reminded_at = models.DateTimeField(_("到期提醒时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("超期升级时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        indexes = [
            models.Index(fields=["city", "received_at"]),
            models.Index(fields=["unit", "state"]),
            # A month's orders, and those changed since a moment (hotline.store)
            models.Index(fields=["received_at", "updated_at"], name="hotline_received_updated"),
        ]

    def __str__(self) -> str:
        return self.order_no

    @property
    def is_overdue(self) -> bool:
        """Still open past its answer deadline."""
        open_states = (State.DISPATCHED, State.ACCEPTED, State.HANDLING)
        return bool(
            self.answer_due and self.state in open_states and self.answer_due < timezone.now()
        )


class OrderEvent(models.Model):
    """One step of an order (派单, 签收, 退回, 延期, 答复, 回访, 重办, 合并, 催办 …)."""

    order = models.ForeignKey(
        WorkOrder, models.CASCADE, related_name="events", verbose_name=_("工单")
    )
    action = models.CharField(_("操作"), max_length=20)
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("操作人"), max_length=100, blank=True)
    unit = models.ForeignKey(
        "orgs.Organisation", models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("单位"),
    )  # fmt: skip
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("工单记录")
        verbose_name_plural = _("工单记录")

    def __str__(self) -> str:
        return f"{self.order} {self.action}"


class Extension(models.Model):
    """A unit's request for more working days, and the dispatcher's decision."""

    order = models.ForeignKey(
        WorkOrder, models.CASCADE, related_name="extensions", verbose_name=_("工单")
    )
    days = models.PositiveSmallIntegerField(_("延期工作日"))
    reason = models.CharField(_("理由"), max_length=500)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    granted = models.BooleanField(_("同意"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    note = models.CharField(_("审核意见"), max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")

    def __str__(self) -> str:
        return f"{self.order} +{self.days}"
