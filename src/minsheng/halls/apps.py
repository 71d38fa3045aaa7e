from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HallsConfig(AppConfig):
    name = "minsheng.halls"
    label = "halls"
    verbose_name = _("大厅办件")
