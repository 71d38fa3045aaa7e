from django.urls import path

from minsheng.indicators import benchmark_views, catalog_views, collection_views, views

urlpatterns = [
    path("indicators/", views.ranking, name="indicator_ranking"),
    path("indicators/regions/<str:code>/", views.scorecard, name="indicator_scorecard"),
    path("indicators/warnings/", views.warnings, name="indicator_warnings"),
    path("indicators/catalog/", catalog_views.catalog, name="indicator_catalog"),
    path("indicators/benchmarks/", benchmark_views.benchmarks, name="indicator_benchmarks"),
    path(
        "indicators/warnings/settings/",
        catalog_views.warning_settings,
        name="indicator_warning_settings",
    ),
    path(
        "indicators/catalog/export.xlsx",
        catalog_views.catalog_export,
        name="indicator_catalog_export",
    ),
    path("indicators/collection/", collection_views.board, name="indicator_board"),
    path(
        "indicators/collection/<int:submission_id>/",
        collection_views.review,
        name="indicator_review",
    ),
    path("indicators/forms/", collection_views.my_forms, name="indicator_forms"),
    path("indicators/forms/<str:period>/", collection_views.form, name="indicator_form"),
    path(
        "indicators/forms/<str:period>/template.xlsx",
        collection_views.form_template,
        name="indicator_form_template",
    ),
    path("indicators/<str:code>/", views.indicator_detail, name="indicator_detail"),
]
