from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "minsheng.supervision"
    label = "supervision"
    verbose_name = _("督办")

    def ready(self) -> None:
        from datetime import timedelta

        from minsheng.jobs.schedule import periodic

        periodic("supervision-sweep", "minsheng.supervision.tasks.sweep_tasks", timedelta(hours=1))
