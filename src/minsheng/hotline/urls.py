from django.urls import path

from minsheng.hotline import stats_views, views

urlpatterns = [
    path("hotline/", views.order_list, name="hotline_orders"),
    path("hotline/new/", views.order_new, name="hotline_new"),
    path("hotline/orders/<int:order_id>/", views.order_page, name="hotline_order"),
    path("hotline/orders/<int:order_id>/contact/", views.reveal_contact, name="hotline_contact"),
    path(
        "hotline/orders/<int:order_id>/<slug:action>/",
        views.order_action,
        name="hotline_action",
    ),
    path("hotline/stats/", stats_views.stats_page, name="hotline_stats"),
    path("hotline/settings/", stats_views.settings_page, name="hotline_settings"),
]
