from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PollsConfig(AppConfig):
    name = "minsheng.polls"
    label = "polls"
    verbose_name = _("满意度测评")

    def ready(self) -> None:
        from datetime import timedelta

        from minsheng.jobs.schedule import periodic

        periodic("polls-snapshots", "minsheng.polls.tasks.refresh_snapshots", timedelta(minutes=1))
