from django.urls import path

from minsheng.reports import cockpit_views, public_views, views

urlpatterns = [
    path("cockpit/", cockpit_views.cockpit_page, name="cockpit"),
    path("cockpit/boundaries/", cockpit_views.boundary_upload, name="cockpit_boundaries"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/publications/", public_views.publications, name="report_publications"),
    path("reports/publications/new/", public_views.publish_view, name="report_publish"),
    path(
        "reports/publications/<int:item_id>/withdraw/",
        public_views.withdraw_view,
        name="report_withdraw",
    ),
    path("public/", public_views.public_list, name="public_list"),
    path("public/p/<int:item_id>/", public_views.public_item, name="public_item"),
    path("public/feed.atom", public_views.PublicationFeed(), name="public_feed"),
    path("reports/new/", views.report_new, name="report_new"),
    path("reports/templates/", views.templates_page, name="report_templates"),
    path("reports/department/", views.department_page, name="report_department"),
    path(
        "reports/<int:report_id>/<str:fmt>/",
        views.report_file,
        name="report_file",
    ),
]
