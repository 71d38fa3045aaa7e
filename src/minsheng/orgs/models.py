"""Regions (province → city → county → township → village), organisations, service-centre
windows and staff, and peer groups."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minsheng.core.regions import Level
from minsheng.core.roles import OrgKind as _CoreKind


class RegionLevel(models.IntegerChoices):
    PROVINCE = Level.PROVINCE, _("省")
    CITY = Level.CITY, _("市")
    COUNTY = Level.COUNTY, _("县（市、区）")
    TOWNSHIP = Level.TOWNSHIP, _("乡镇（街道）")
    VILLAGE = Level.VILLAGE, _("村（社区）")


# The ancestor column for each level. A region stores its ancestors *and itself* in these
# columns, so the subtree of region R at level L is one indexed equality: ``{column(L)}=R``.
ANCESTOR_FIELDS: dict[int, str] = {
    Level.PROVINCE: "province",
    Level.CITY: "city",
    Level.COUNTY: "county",
    Level.TOWNSHIP: "township",
}


class Region(models.Model):
    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"), choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级"),
    )
    province = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="+")
    city = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="+")
    county = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="+")
    township = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["code"]
        verbose_name = _("地区")
        verbose_name_plural = _("地区")
        indexes = [models.Index(fields=["level", "code"])]

    def __str__(self) -> str:
        return self.name

    def lineage_ids(self) -> list[int]:
        """This region and its ancestors, nearest first (for settings that the nearest region
        up the tree decides)."""
        chain = [self.pk, self.township_id, self.county_id, self.city_id, self.province_id]
        return list(dict.fromkeys(pk for pk in chain if pk is not None))

    def subtree_filter(self, prefix: str = "") -> dict[str, object]:
        """Keyword filter selecting rows whose region (reached through ``prefix``) is in this
        region's subtree, itself included. For a village, only the village itself."""
        column = ANCESTOR_FIELDS.get(self.level)
        if column is None:
            return {f"{prefix}pk": self.pk} if prefix else {"pk": self.pk}
        return {f"{prefix}{column}_id": self.pk}


class OrgKind(models.TextChoices):
    GOVERNMENT = _CoreKind.GOVERNMENT, _("人民政府")
    DEPARTMENT = _CoreKind.DEPARTMENT, _("职能部门")
    QUALITY_OFFICE = _CoreKind.QUALITY_OFFICE, _("质量办")
    SERVICE_CENTRE = _CoreKind.SERVICE_CENTRE, _("政务（便民）服务中心")
    VENDOR = _CoreKind.VENDOR, _("第三方测评机构")
    HOTLINE = _CoreKind.HOTLINE, _("12345热线中心")


class CentreLevel(models.IntegerChoices):
    CITY = Level.CITY, _("市级政务服务中心")
    COUNTY = Level.COUNTY, _("县级政务服务中心")
    TOWNSHIP = Level.TOWNSHIP, _("乡镇便民服务中心")
    VILLAGE = Level.VILLAGE, _("村（社区）便民服务站")


class Organisation(models.Model):
    key = models.SlugField(_("标识"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=20, choices=OrgKind.choices)
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="organisations", verbose_name=_("所在地区")
    )
    centre_level = models.PositiveSmallIntegerField(
        _("服务中心层级"), choices=CentreLevel.choices, null=True, blank=True
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["region__code", "kind", "name"]
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        indexes = [models.Index(fields=["kind", "region"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="service_centre", centre_level__isnull=False)
                    | (~models.Q(kind="service_centre") & models.Q(centre_level__isnull=True))
                ),
                name="org_centre_level_iff_service_centre",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Window(models.Model):
    centre = models.ForeignKey(
        Organisation,
        models.CASCADE,
        related_name="windows",
        verbose_name=_("服务中心"),
        limit_choices_to={"kind": OrgKind.SERVICE_CENTRE},
    )
    number = models.PositiveSmallIntegerField(_("窗口号"))
    name = models.CharField(_("名称"), max_length=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["centre", "number"]
        verbose_name = _("窗口")
        verbose_name_plural = _("窗口")
        constraints = [
            models.UniqueConstraint(fields=["centre", "number"], name="window_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}号 {self.name}"


class Staff(models.Model):
    centre = models.ForeignKey(
        Organisation,
        models.CASCADE,
        related_name="staff",
        verbose_name=_("服务中心"),
        limit_choices_to={"kind": OrgKind.SERVICE_CENTRE},
    )
    window = models.ForeignKey(
        Window,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("窗口"),
    )
    staff_no = models.CharField(_("工号"), max_length=32, unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_record",
        verbose_name=_("登录账号"),
    )
    is_active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        ordering = ["centre", "staff_no"]
        verbose_name = _("窗口工作人员")
        verbose_name_plural = _("窗口工作人员")

    def __str__(self) -> str:
        return f"{self.name}（{self.staff_no}）"


class PeerGroup(models.Model):
    """A set of comparable regions (e.g. "the 8 county-level units of the city"). Every
    ranking is computed within one peer group."""

    key = models.SlugField(_("标识"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    level = models.PositiveSmallIntegerField(_("层级"), choices=RegionLevel.choices)
    owner = models.ForeignKey(
        Region, models.PROTECT, related_name="owned_peer_groups", verbose_name=_("所属地区")
    )
    members = models.ManyToManyField(Region, related_name="peer_groups", verbose_name=_("成员"))

    class Meta:
        ordering = ["owner__code", "name"]
        verbose_name = _("对标组")
        verbose_name_plural = _("对标组")

    def __str__(self) -> str:
        return self.name
