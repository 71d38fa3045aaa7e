from django.urls import path

from minsheng.orgs import peer_group_views, register_views, views

urlpatterns = [
    path("regions/", views.region_search_view, name="region_search"),
    path("regions/<str:code>/", views.region_detail, name="region_detail"),
    path("regions/<str:code>/children/", views.region_children_partial, name="region_children"),
    path("regions/<str:code>/export.xlsx", views.region_export, name="region_export"),
    path("organisations/<int:org_id>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/import/", register_views.register_upload, name="register_upload"),
    path("peer-groups/", peer_group_views.peer_group_list, name="peer_group_list"),
    path("peer-groups/new/", peer_group_views.peer_group_edit, name="peer_group_new"),
    path("peer-groups/<slug:key>/", views.peer_group_detail, name="peer_group_detail"),
    path("peer-groups/<slug:key>/edit/", peer_group_views.peer_group_edit, name="peer_group_edit"),
]
