from django.contrib import admin
from django.http import HttpRequest
from django.urls import include, path

from minsheng.api.api import api
from minsheng.web import views as web_views


def _admins_only(request: HttpRequest) -> bool:
    """Django admin is for reference data and for admins only, not for every staff flag."""
    return bool(request.user.is_active and request.user.is_superuser)


admin.site.has_permission = _admins_only  # type: ignore[method-assign]
admin.site.site_header = "民生 Minsheng"
admin.site.site_title = "民生 Minsheng"

handler403 = "minsheng.web.views.forbidden"
handler500 = "minsheng.web.views.server_error"

urlpatterns = [
    path("", web_views.home, name="home"),
    path("healthz", web_views.healthz, name="healthz"),
    path("todo/", web_views.todo, name="todo"),
    path("favicon.ico", web_views.favicon, name="favicon"),
    path("accounts/", include("minsheng.accounts.urls")),
    path("", include("minsheng.orgs.urls")),
    path("", include("minsheng.audit.urls")),
    path("", include("minsheng.jobs.urls")),
    path("", include("minsheng.indicators.urls")),
    path("", include("minsheng.reviews.urls")),
    path("", include("minsheng.polls.urls")),
    path("", include("minsheng.supervision.urls")),
    path("", include("minsheng.notify.urls")),
    path("", include("minsheng.catalog.urls")),
    path("", include("minsheng.hotline.urls")),
    path("", include("minsheng.halls.urls")),
    path("", include("minsheng.assess.urls")),
    path("", include("minsheng.inspections.urls")),
    path("", include("minsheng.reports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
