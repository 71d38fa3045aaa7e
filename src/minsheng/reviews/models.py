"""Service ratings (好差评), the rectification cases bad ratings open, and what they need:
service items, reason tags, handled-case counts, the working-day calendar and deadline rules."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WINDOW_TABLET = "window_tablet", _("窗口评价器")
    QR_CODE = "qr_code", _("二维码")
    PC = "pc", _("网上办事大厅")
    APP = "app", _("移动端")
    SMS = "sms", _("短信")
    HOTLINE = "hotline", _("热线")
    OTHER = "other", _("其他")


class Level(models.IntegerChoices):
    VERY_DISSATISFIED = 1, _("非常不满意")
    DISSATISFIED = 2, _("不满意")
    BASIC = 3, _("基本满意")
    SATISFIED = 4, _("满意")
    VERY_SATISFIED = 5, _("非常满意")


class Source(models.TextChoices):
    ACTIVE = "active", _("主动评价")
    DEFAULT = "default", _("默认评价")
    SYSTEM = "system", _("系统生成")


class ServiceItem(models.Model):
    """A government service item (政务服务事项), e.g. 新生儿落户."""

    code = models.CharField(_("事项编码"), max_length=64, unique=True)
    name = models.CharField(_("事项名称"), max_length=200)
    department = models.ForeignKey(
        "orgs.Organisation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="service_items",
        verbose_name=_("主管部门"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("服务事项")
        verbose_name_plural = _("服务事项")

    def __str__(self) -> str:
        return self.name


class ReasonTag(models.Model):
    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    for_bad = models.BooleanField(_("用于差评"), default=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["-for_bad", "code"]
        verbose_name = _("评价原因")
        verbose_name_plural = _("评价原因")

    def __str__(self) -> str:
        return self.name


class Rating(models.Model):
    """One 好差评 rating: the fact table, written in batches of thousands by imports and the
    exchange. Its references to items, departments, centres, windows and staff are foreign keys
    the database does not check row by row (``db_constraint=False``): a writer checks and locks
    every distinct one once a batch (``services.bulk.hold_parents``), and a delete of a parent
    still named by a rating is refused by a trigger (migration 0004). Same guarantee, a third of
    the cost of an import (docs/ARCHITECTURE.md, "Ratings' references")."""

    case_no = models.CharField(_("办件编号"), max_length=64)
    service_item = models.ForeignKey(
        ServiceItem,
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("服务事项"),
        db_constraint=False,
    )
    department = models.ForeignKey(
        "orgs.Organisation",
        models.PROTECT,
        related_name="handled_ratings",
        verbose_name=_("办理部门"),
        db_constraint=False,
    )
    centre = models.ForeignKey(
        "orgs.Organisation",
        models.PROTECT,
        related_name="centre_ratings",
        verbose_name=_("服务中心"),
        db_index=False,  # the (centre, rated_at) index below serves every lookup by centre
        db_constraint=False,
    )
    window = models.ForeignKey(
        "orgs.Window",
        models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("窗口"),
        db_constraint=False,
    )
    staff = models.ForeignKey(
        "orgs.Staff",
        models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("工作人员"),
        db_constraint=False,
    )
    channel = models.CharField(_("评价渠道"), max_length=20, choices=Channel.choices)
    level = models.PositiveSmallIntegerField(_("评价等级"), choices=Level.choices)
    reasons = models.JSONField(_("评价原因"), default=list, blank=True)
    comment = models.TextField(_("评价内容"), blank=True)
    contact_cipher = models.TextField(blank=True)  # encrypted (Fernet); never shown in clear
    contact_masked = models.CharField(_("联系方式"), max_length=32, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    is_follow_up = models.BooleanField(_("追评"), default=False)
    rated_at = models.DateTimeField(_("评价时间"))
    received_at = models.DateTimeField(_("接收时间"), default=timezone.now)
    handled_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    client = models.ForeignKey(
        "accounts.ApiClient",
        models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,  # a partial index below: imported ratings have none
        verbose_name=_("客户端"),
    )
    idempotency_key = models.CharField(_("幂等键"), max_length=100, blank=True)
    device = models.CharField(_("设备"), max_length=64, blank=True)
    ip_hash = models.CharField(_("来源地址（摘要）"), max_length=64, blank=True)

    class Meta:
        ordering = ["-rated_at"]
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        constraints = [
            models.UniqueConstraint(
                fields=["case_no", "channel"],
                condition=models.Q(is_follow_up=False),
                name="rating_one_per_case_channel",
            ),
            models.UniqueConstraint(
                fields=["client", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="rating_idempotency_key",
            ),
            # Ratings from the platform's own pages have no client (NULLs never collide).
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=models.Q(client__isnull=True) & ~models.Q(idempotency_key=""),
                name="rating_idempotency_key_pages",
            ),
        ]
        # Each index costs every import; the statistics read the analytics store, so what is
        # indexed here is what the pages and writers look up: a centre's ratings by time,
        # the last minutes (rate limits), a client's ratings (SET_NULL when it goes).
        indexes = [
            models.Index(fields=["centre", "rated_at"]),
            models.Index(fields=["received_at"]),
            models.Index(
                fields=["client"], condition=models.Q(client__isnull=False), name="rating_client"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_no} · {self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        return self.level <= Level.DISSATISFIED


class WindowDepartment(models.Model):
    """The department that staffs a window: a rating given there is its case (谁办理谁负责)."""

    window = models.OneToOneField(
        "orgs.Window", models.CASCADE, related_name="department_link", verbose_name=_("窗口")
    )
    department = models.ForeignKey(
        "orgs.Organisation", models.CASCADE, related_name="+", verbose_name=_("所属部门")
    )

    class Meta:
        verbose_name = _("窗口所属部门")
        verbose_name_plural = _("窗口所属部门")

    def __str__(self) -> str:
        return f"{self.window} → {self.department}"


class CaseState(models.TextChoices):
    OPEN = "open", _("待核实")
    VERIFYING = "verifying", _("核实中")
    RECTIFYING = "rectifying", _("整改中")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已办结")
    APPEALED = "appealed", _("申诉复核中")
    UNTRUE = "untrue", _("不属实")


class Feedback(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class RectificationCase(models.Model):
    """The closed loop of one bad rating (谁办理谁负责: assigned to the handling department)."""

    rating = models.OneToOneField(
        Rating, models.CASCADE, related_name="case", verbose_name=_("评价")
    )
    department = models.ForeignKey(
        "orgs.Organisation",
        models.PROTECT,
        related_name="rectification_cases",
        verbose_name=_("责任部门"),
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=CaseState.choices, default=CaseState.OPEN
    )
    opened_at = models.DateTimeField(_("立案时间"), default=timezone.now)
    verify_due = models.DateTimeField(_("核实时限"))
    rectify_due = models.DateTimeField(_("整改时限"))
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    reply = models.TextField(_("答复内容"), blank=True)
    evidence = models.TextField(_("不属实证据"), blank=True)
    feedback = models.CharField(
        _("群众对整改的评价"), max_length=12, choices=Feedback.choices, blank=True
    )
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)

    class Meta:
        ordering = ["rectify_due"]
        verbose_name = _("差评整改")
        verbose_name_plural = _("差评整改")
        indexes = [models.Index(fields=["department", "state"])]

    def __str__(self) -> str:
        return f"{self.rating.case_no} · {self.get_state_display()}"


class CaseEvent(models.Model):
    case = models.ForeignKey(
        RectificationCase, models.CASCADE, related_name="events", verbose_name=_("整改")
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=32)
    from_state = models.CharField(_("原状态"), max_length=12, blank=True)
    to_state = models.CharField(_("新状态"), max_length=12, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("整改记录")
        verbose_name_plural = _("整改记录")

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"


class HandledCount(models.Model):
    """Handled cases per centre, item and month: the denominator of 主动评价率."""

    centre = models.ForeignKey(
        "orgs.Organisation", models.CASCADE, related_name="+", verbose_name=_("服务中心")
    )
    service_item = models.ForeignKey(
        ServiceItem, models.CASCADE, null=True, blank=True, verbose_name=_("服务事项")
    )
    month = models.DateField(_("月份"))  # the first day of the month
    count = models.PositiveIntegerField(_("办件量"))

    class Meta:
        verbose_name = _("办件量")
        verbose_name_plural = _("办件量")
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "service_item", "month"], name="handled_count_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.count}"


class CalendarDay(models.Model):
    """The administrator's change to the published holiday schedule for one day."""

    date = models.DateField(_("日期"), unique=True)
    is_working = models.BooleanField(_("工作日"))
    note = models.CharField(_("说明"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_working else '休息'}"


class DeadlineRule(models.Model):
    """Working-day limits for a region's cases (the nearest rule up the tree applies)."""

    region = models.OneToOneField(
        "orgs.Region", models.CASCADE, related_name="deadline_rule", verbose_name=_("地区")
    )
    verify_days = models.PositiveSmallIntegerField(_("核实时限（工作日）"), default=1)
    rectify_days = models.PositiveSmallIntegerField(_("整改时限（工作日）"), default=15)

    class Meta:
        verbose_name = _("整改时限")
        verbose_name_plural = _("整改时限")

    def __str__(self) -> str:
        return f"{self.verify_days}/{self.rectify_days}"


class FlagStatus(models.TextChoices):
    OPEN = "open", _("待核查")
    CONFIRMED = "confirmed", _("确认异常")
    DISMISSED = "dismissed", _("排除")


class FindingDomain(models.TextChoices):
    RATINGS = "ratings", _("好差评")
    POLLS = "polls", _("满意度调查")
    INDICATORS = "indicators", _("统计数据")


class IntegrityFlag(models.Model):
    """An integrity check's finding, with its evidence, for the quality office: on a centre's
    ratings of a month (``centre``), or on a poll's fieldwork or a period's reported indicators
    (``region`` is the poll's or the reporting region, ``source`` the poll or the period,
    ``unit`` the interviewer or region the finding is about)."""

    domain = models.CharField(
        _("数据"), max_length=12, choices=FindingDomain.choices, default=FindingDomain.RATINGS
    )
    kind = models.CharField(_("类型"), max_length=20)
    centre = models.ForeignKey(
        "orgs.Organisation",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("服务中心"),
    )
    region = models.ForeignKey(
        "orgs.Region", models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("地区"),
    )  # fmt: skip
    source = models.CharField(_("来源"), max_length=40, blank=True)  # "poll:<pk>", "period:…"
    unit = models.CharField(_("对象单位"), max_length=64, blank=True)
    subject = models.CharField(_("对象"), max_length=80, blank=True)
    month = models.CharField(_("期别"), max_length=20)
    severity = models.CharField(_("级别"), max_length=10)
    strength = models.FloatField(_("证据强度"), default=0.0)  # −log10 p under the clean model
    message = models.TextField(_("说明"))
    evidence = models.JSONField(_("证据"), default=dict)
    detected_at = models.DateTimeField(_("发现时间"), default=timezone.now)
    status = models.CharField(
        _("状态"), max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN
    )
    decision_note = models.TextField(_("核查说明"), blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("核查时间"), null=True, blank=True)

    class Meta:
        ordering = ["-month", "status", "-strength", "-detected_at"]
        verbose_name = _("异常评价线索")
        verbose_name_plural = _("异常评价线索")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "centre", "subject", "month"],
                condition=models.Q(domain="ratings"),
                name="integrity_flag_unique",
            ),
            models.UniqueConstraint(
                fields=["domain", "kind", "source", "unit", "subject"],
                condition=~models.Q(domain="ratings"),
                name="integrity_finding_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.kind} {self.subject}"

    @property
    def place(self) -> str:
        """The centre or region the finding is about, by name."""
        if self.centre is not None:
            return self.centre.name
        return self.region.name if self.region is not None else ""
