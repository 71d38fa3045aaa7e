from django.urls import path

from minsheng.reports import cockpit_views, views

urlpatterns = [
    path("cockpit/", cockpit_views.cockpit_page, name="cockpit"),
    path("cockpit/boundaries/", cockpit_views.boundary_upload, name="cockpit_boundaries"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/new/", views.report_new, name="report_new"),
    path("reports/templates/", views.templates_page, name="report_templates"),
    path(
        "reports/<int:report_id>/<str:fmt>/",
        views.report_file,
        name="report_file",
    ),
]
