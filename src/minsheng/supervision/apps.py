from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "minsheng.supervision"
    label = "supervision"
    verbose_name = _("督办")

    def ready(self) -> None:
        from datetime import timedelta

        from minsheng.jobs.schedule import periodic
        from minsheng.supervision.tasks import sweep_tasks

        periodic("supervision-sweep", sweep_tasks, timedelta(hours=1))
        from minsheng.supervision import (
            demo_steps,  # noqa: F401  (registers the demo step)
            todo,  # noqa: F401  (registers its 我的待办 provider)
        )
