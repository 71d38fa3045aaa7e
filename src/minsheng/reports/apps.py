from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "minsheng.reports"
    label = "reports"
    verbose_name = _("报告")

    def ready(self) -> None:
        from datetime import timedelta

        from minsheng.jobs.schedule import periodic
        from minsheng.reports import demo_steps  # noqa: F401  (registers the demo step)
        from minsheng.reports.tasks import make_scheduled

        periodic("reports-scheduled", make_scheduled, timedelta(hours=1))
