from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "minsheng.notify"
    label = "notify"
    verbose_name = _("消息通知")

    def ready(self) -> None:
        from datetime import timedelta

        from minsheng.jobs.schedule import periodic
        from minsheng.notify import tasks

        periodic("deliver-notifications", tasks.deliver_notifications, timedelta(minutes=1))
