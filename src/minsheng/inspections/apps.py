from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "minsheng.inspections"
    label = "inspections"
    verbose_name = _("明察暗访")

    def ready(self) -> None:
        from minsheng.inspections import demo_steps, todo  # noqa: F401  (registrations)
