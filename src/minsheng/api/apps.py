from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "minsheng.api"
    label = "minsheng_api"
