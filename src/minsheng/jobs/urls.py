from django.urls import path

from minsheng.jobs import views

urlpatterns = [
    path("jobs/<int:run_id>/", views.job_detail, name="job_detail"),
    path("jobs/<int:run_id>/download/", views.job_download, name="job_download"),
]
