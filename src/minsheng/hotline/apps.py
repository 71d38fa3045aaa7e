from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "minsheng.hotline"
    label = "hotline"
    verbose_name = _("12345热线")

    def ready(self) -> None:
        from datetime import timedelta

        from minsheng.hotline import (
            demo_steps,  # noqa: F401  (registers the demo step)
            todo,  # noqa: F401  (registers its 我的待办 provider)
        )
        from minsheng.hotline.tasks import sweep_orders
        from minsheng.jobs.schedule import periodic

        periodic("hotline-sweep", sweep_orders, timedelta(minutes=15))
