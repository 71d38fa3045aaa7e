from django.urls import path

from minsheng.assess import analysis_views, views

urlpatterns = [
    path("assess/", views.scheme_list, name="assess_list"),
    path("assess/new/", views.scheme_edit, name="assess_new"),
    path("assess/<int:scheme_id>/edit/", views.scheme_edit, name="assess_edit"),
    path("assess/<int:scheme_id>/run/", views.run_new, name="assess_run_new"),
    path("assess/<int:scheme_id>/scores/", views.scores_page, name="assess_scores"),
    path("assess/runs/<int:run_id>/", views.run_page, name="assess_run"),
    path("assess/runs/<int:run_id>/confirm/", views.run_confirm_view, name="assess_confirm"),
    path("assess/runs/<int:run_id>/task/", views.trigger_task_view, name="assess_task"),
    path("assess/runs/<int:run_id>/talk/", views.talk_new, name="assess_talk"),
    path("assess/runs/<int:run_id>/whatif/", analysis_views.what_if_page, name="assess_whatif"),
    path("assess/runs/<int:run_id>/adjust/", analysis_views.adjustment_new, name="assess_adjust"),
    path("assess/units/<str:code>/", analysis_views.unit_file, name="assess_unit"),
    path("assess/runs/<int:run_id>/notice/", analysis_views.run_notice_view, name="assess_notice"),
]
