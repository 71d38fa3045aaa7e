from django.urls import path

from minsheng.reviews import citizen_views, integrity_views, views

urlpatterns = [
    path("reviews/cases/", views.inbox, name="review_inbox"),
    path("reviews/cases/<int:case_id>/", views.case_detail, name="review_case"),
    path("reviews/cases/<int:case_id>/action/", views.case_action, name="review_case_action"),
    path("reviews/stats/", views.stats, name="review_stats"),
    path(
        "reviews/centres/<int:centre_id>/codes/",
        citizen_views.window_codes,
        name="review_window_codes",
    ),
    path("reviews/integrity/", integrity_views.integrity, name="review_integrity"),
    path("reviews/integrity/run/", integrity_views.integrity_run, name="review_integrity_run"),
    path(
        "reviews/integrity/<int:flag_id>/",
        integrity_views.integrity_decide,
        name="review_integrity_decide",
    ),
    path("public/ratings/", views.public, name="review_public"),
    path("r/status/", citizen_views.case_status_page, name="review_case_status"),
    path("r/<str:token>/", citizen_views.qr_rate, name="review_qr"),
    path("kiosk/", citizen_views.kiosk, name="review_kiosk"),
    path("kiosk/rate/", citizen_views.kiosk_rate, name="review_kiosk_rate"),
]
