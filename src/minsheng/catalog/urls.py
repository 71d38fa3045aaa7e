from django.urls import path

from minsheng.catalog import views

urlpatterns = [
    path("catalog/metrics/", views.hall_metrics_page, name="catalog_metrics"),
    path("catalog/targets/", views.hall_targets_page, name="catalog_targets"),
    path("catalog/metrics/task/", views.from_hall, name="catalog_from_hall"),
]
