from django.urls import path

from minsheng.inspections import views

urlpatterns = [
    path("inspections/", views.plan_list, name="inspection_list"),
    path("inspections/new/", views.plan_new, name="inspection_new"),
    path("inspections/mine/", views.mine, name="inspection_mine"),
    path("inspections/sw.js", views.service_worker, name="inspection_sw"),
    path("inspections/checklists/", views.checklist_list, name="inspection_checklists"),
    path("inspections/checklists/new/", views.checklist_edit, name="inspection_checklist_new"),
    path(
        "inspections/checklists/<int:checklist_id>/edit/",
        views.checklist_edit,
        name="inspection_checklist_edit",
    ),
    path("inspections/<int:plan_id>/", views.plan_page, name="inspection_plan"),
    path("inspections/<int:plan_id>/tasks/", views.hand_on, name="inspection_hand_on"),
    path("inspections/visits/<int:visit_id>/", views.visit_page, name="inspection_visit"),
    path("inspections/photos/<int:photo_id>/", views.photo, name="inspection_photo"),
]
