from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PollsConfig(AppConfig):
    name = "minsheng.polls"
    label = "polls"
    verbose_name = _("满意度测评")

    def ready(self) -> None:
        from minsheng.polls import demo_steps  # noqa: F401  (registers the demo step)
