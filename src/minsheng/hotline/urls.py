from django.urls import path

from minsheng.hotline import hotspot_views, stats_views, views

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
    path("hotline/hotspots/", hotspot_views.hotspots_page, name="hotline_hotspots"),
    path("hotline/hotspots/assign/", hotspot_views.hotspot_assign, name="hotline_hotspot_task"),
    path("hotline/topic/", hotspot_views.topic_assign, name="hotline_topic_task"),
]
