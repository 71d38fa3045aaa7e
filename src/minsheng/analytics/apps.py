from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "minsheng.analytics"
    label = "analytics"
    verbose_name = _("分析库")

    def ready(self) -> None:
        from datetime import timedelta

        from minsheng.jobs.schedule import periodic

        periodic("analytics-sync", "minsheng.analytics.tasks.sync_store", timedelta(minutes=1))
