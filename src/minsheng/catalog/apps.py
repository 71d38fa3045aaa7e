from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "minsheng.catalog"
    label = "catalog"
    verbose_name = _("事项清单")

    def ready(self) -> None:
        from minsheng.catalog import (
            demo_steps,  # noqa: F401  (registers the demo step)
            todo,  # noqa: F401  (registers its 我的待办 provider)
        )
