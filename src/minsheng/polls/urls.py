from django.urls import path

from minsheng.polls import (
    department_views,
    online_views,
    plan_views,
    questionnaire_views,
    views,
    weight_views,
)

urlpatterns = [
    path("polls/", views.poll_list, name="poll_list"),
    path("polls/new/", views.poll_new, name="poll_new"),
    path("polls/department/", department_views.department_items, name="poll_department"),
    path("polls/<int:poll_id>/", views.poll_detail, name="poll_detail"),
    path("polls/<int:poll_id>/upload/", views.poll_upload, name="poll_upload"),
    path("polls/<int:poll_id>/state/", views.poll_state, name="poll_state"),
    path("polls/<int:poll_id>/links/", online_views.links, name="poll_links"),
    path("polls/<int:poll_id>/weights/", weight_views.weights, name="poll_weights"),
    path("polls/<int:poll_id>/plan/", plan_views.plan, name="poll_plan"),
    path(
        "polls/questionnaires/",
        questionnaire_views.questionnaire_list,
        name="questionnaire_list",
    ),
    path(
        "polls/questionnaires/<int:questionnaire_id>/",
        questionnaire_views.questionnaire_detail,
        name="questionnaire_detail",
    ),
    path(
        "polls/questionnaires/<int:questionnaire_id>/version/",
        questionnaire_views.questionnaire_version,
        name="questionnaire_version",
    ),
    path("p/<str:token>/", online_views.answer, name="poll_answer"),
]
