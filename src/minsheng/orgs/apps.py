from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "minsheng.orgs"
    label = "orgs"
    verbose_name = _("地区与机构")
