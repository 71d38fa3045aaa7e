from django.urls import path

from minsheng.reviews import views

urlpatterns = [
    path("reviews/cases/", views.inbox, name="review_inbox"),
    path("reviews/cases/<int:case_id>/", views.case_detail, name="review_case"),
    path("reviews/cases/<int:case_id>/action/", views.case_action, name="review_case_action"),
    path("reviews/stats/", views.stats, name="review_stats"),
    path("public/ratings/", views.public, name="review_public"),
]
