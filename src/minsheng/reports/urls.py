from django.urls import path

from minsheng.reports import views

urlpatterns = [
    path("reports/", views.report_list, name="report_list"),
    path("reports/new/", views.report_new, name="report_new"),
    path("reports/templates/", views.templates_page, name="report_templates"),
    path(
        "reports/<int:report_id>/<str:fmt>/",
        views.report_file,
        name="report_file",
    ),
]
