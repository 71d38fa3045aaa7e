from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "minsheng.reviews"
    label = "reviews"
    verbose_name = _("好差评")

    def ready(self) -> None:
        from minsheng.reviews import demo_steps  # noqa: F401  (registers the demo step)
