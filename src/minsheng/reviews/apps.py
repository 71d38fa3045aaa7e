from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "minsheng.reviews"
    label = "reviews"
    verbose_name = _("好差评")

    def ready(self) -> None:
        from datetime import timedelta

        from minsheng.jobs.schedule import periodic

        periodic(
            "reviews-sweep-deadlines",
            "minsheng.reviews.tasks.sweep_deadlines",
            timedelta(minutes=15),
        )
        periodic(
            "reviews-integrity-last-month",
            "minsheng.reviews.tasks.integrity_last_month",
            timedelta(hours=6),
        )
