from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from gridgov.api import api
from gridgov.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("open311/v2/", include("gridgov.open311.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("registry/excel/", include("gridgov.people.excel.urls")),
    path("registry/", include("gridgov.people.urls")),
    path("assessment/", include("gridgov.cases.figures.urls")),
    path("", include("gridgov.cases.urls")),
    path("mediation/figures/", include("gridgov.mediation.figures_urls")),
    path("mediation/", include("gridgov.mediation.urls")),
    path("", include("gridgov.web.urls")),
]

handler404 = "gridgov.web.views.not_found"
handler500 = "gridgov.web.views.server_error"
