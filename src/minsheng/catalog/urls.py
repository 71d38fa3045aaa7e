from django.urls import path

from minsheng.catalog import declaration_views, guide_views, item_views, standard_views, views

urlpatterns = [
    path("catalog/items/", item_views.items_page, name="catalog_items"),
    path("catalog/changes/", item_views.changes_page, name="catalog_changes"),
    path("catalog/standards/", standard_views.standards_page, name="catalog_standards"),
    path("catalog/declare/", declaration_views.declare_page, name="catalog_declare"),
    path("catalog/declarations/", declaration_views.review_page, name="catalog_declarations"),
    path(
        "catalog/declarations/<int:declaration_id>/decide/",
        declaration_views.review_decide,
        name="catalog_decide",
    ),
    path("catalog/metrics/", views.hall_metrics_page, name="catalog_metrics"),
    path("catalog/targets/", views.hall_targets_page, name="catalog_targets"),
    path("catalog/metrics/task/", views.from_hall, name="catalog_from_hall"),
    path("public/guide/", guide_views.guide_list, name="guide_list"),
    path("public/guide/<str:region>/<str:code>/", guide_views.guide_item, name="guide_item"),
    path(
        "public/guide/<str:region>/<str:code>/notice.docx",
        guide_views.guide_notice,
        name="guide_notice",
    ),
    path(
        "public/guide/<str:region>/<str:code>/notice.pdf",
        guide_views.guide_notice,
        {"fmt": "pdf"},
        name="guide_notice_pdf",
    ),
    path("public/guide/<str:region>/<str:code>/qr.png", guide_views.guide_qr, name="guide_qr"),
]
