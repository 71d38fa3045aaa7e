from django.urls import path

from minsheng.supervision import create_views, views

urlpatterns = [
    path("supervision/", views.task_list, name="supervision_tasks"),
    path("supervision/tasks/<int:task_id>/", views.task_detail, name="supervision_task"),
    path("supervision/files/<int:file_id>/", views.task_file, name="supervision_file"),
    path("supervision/board/", views.task_board, name="supervision_board"),
    path("supervision/tasks/new/", create_views.task_new, name="supervision_task_new"),
    path(
        "supervision/tasks/<int:task_id>/order.docx",
        views.task_order_docx,
        name="supervision_task_order",
    ),
    path("supervision/plans/import/", views.plan_import, name="supervision_plan_import"),
    path("supervision/from-warning/", views.from_warning, name="supervision_from_warning"),
    path("supervision/from-case/", views.from_case, name="supervision_from_case"),
    path("supervision/from-flag/", views.from_flag, name="supervision_from_flag"),
    path("supervision/from-poll-item/", views.from_poll_item, name="supervision_from_poll_item"),
    path(
        "supervision/from-poll-region/",
        views.from_poll_region,
        name="supervision_from_poll_region",
    ),
]
