"""Mounted at /mediation/figures/: the page and its .xlsx export."""

from django.urls import path

from gridgov.mediation import figures_views

app_name = "mediation_figures"
urlpatterns = [
    path("", figures_views.figures_page, name="page"),
    path("export.xlsx", figures_views.export, name="export"),
]
