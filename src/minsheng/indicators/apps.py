from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "minsheng.indicators"
    label = "indicators"
    verbose_name = _("指标监测")

    def ready(self) -> None:
        from minsheng.indicators import (
            demo_steps,  # noqa: F401  (registers the demo step)
            todo,  # noqa: F401  (registers its 我的待办 provider)
        )
