from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessConfig(AppConfig):
    name = "minsheng.assess"
    label = "assess"
    verbose_name = _("考核")
