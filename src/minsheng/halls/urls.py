from django.urls import path

from minsheng.halls import views

urlpatterns = [
    path("halls/applications/", views.applications_page, name="halls_applications"),
    path("halls/applications/upload/", views.applications_upload, name="halls_upload"),
]
