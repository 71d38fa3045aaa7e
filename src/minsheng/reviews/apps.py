from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "minsheng.reviews"
    label = "reviews"
    verbose_name = _("好差评")

    def ready(self) -> None:
        from datetime import timedelta

        from minsheng.jobs.schedule import periodic
        from minsheng.reviews import (
            demo_steps,  # noqa: F401  (registers the demo step)
            todo,  # noqa: F401  (registers its 我的待办 provider)
        )
        from minsheng.reviews.tasks import sweep_deadlines

        periodic("reviews-sweep-deadlines", sweep_deadlines, timedelta(minutes=15))
