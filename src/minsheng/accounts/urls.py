from django.contrib.auth import views as auth_views
from django.urls import path

from minsheng.accounts import client_views, user_views, views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("users/", user_views.user_list, name="user_list"),
    path("users/new/", user_views.user_new, name="user_new"),
    path("users/<int:user_id>/", user_views.user_detail, name="user_detail"),
    path("users/<int:user_id>/<slug:action>/", user_views.user_action, name="user_action"),
    path("api-clients/", client_views.client_list, name="client_list"),
    path("api-clients/<int:client_id>/revoke/", client_views.client_revoke, name="client_revoke"),
]
