from django.urls import path

from minsheng.polls import views

urlpatterns = [
    path("polls/", views.poll_list, name="poll_list"),
    path("polls/<int:poll_id>/", views.poll_detail, name="poll_detail"),
    path("polls/<int:poll_id>/upload/", views.poll_upload, name="poll_upload"),
]
