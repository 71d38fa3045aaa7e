from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "minsheng.reports"
    label = "reports"
    verbose_name = _("报告")

    def ready(self) -> None:
        from datetime import timedelta

        from minsheng.jobs.schedule import periodic

        periodic("reports-scheduled", "minsheng.reports.tasks.make_scheduled", timedelta(hours=1))
