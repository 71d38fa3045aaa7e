from django.urls import path

from minsheng.halls import centre_views, views

urlpatterns = [
    path("halls/applications/", views.applications_page, name="halls_applications"),
    path("halls/applications/upload/", views.applications_upload, name="halls_upload"),
    path("halls/centres/", centre_views.centres_page, name="halls_centres"),
    path("halls/centres/<int:centre_id>/", centre_views.centre_page, name="halls_centre"),
]
