from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoInfo(models.Model):
    """Marks a database built by the demo generator, with what built it."""

    scale = models.CharField(_("规模"), max_length=16)
    seed = models.IntegerField(_("随机种子"))
    built_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    summary = models.JSONField(_("概况"), default=dict)

    class Meta:
        verbose_name = _("演示数据信息")
        verbose_name_plural = _("演示数据信息")

    def __str__(self) -> str:
        return f"demo {self.scale} seed={self.seed}"
