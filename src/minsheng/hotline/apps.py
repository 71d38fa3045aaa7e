from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "minsheng.hotline"
    label = "hotline"
    verbose_name = _("12345热线")

    def ready(self) -> None:
        from datetime import timedelta

        from minsheng.jobs.schedule import periodic

        periodic("hotline-sweep", "minsheng.hotline.tasks.sweep_orders", timedelta(minutes=15))
