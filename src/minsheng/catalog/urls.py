from django.urls import path

from minsheng.catalog import views

urlpatterns = [
    path("catalog/metrics/", views.hall_metrics_page, name="catalog_metrics"),
]
