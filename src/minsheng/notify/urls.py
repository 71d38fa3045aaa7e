from django.urls import path

from minsheng.notify import views

urlpatterns = [
    path("notifications/", views.inbox, name="notifications"),
    path("notifications/<int:note_id>/", views.open_message, name="notification_open"),
    path("notifications/settings/", views.settings_page, name="notification_settings"),
    path("notifications/robots/", views.robots, name="notification_robots"),
]
