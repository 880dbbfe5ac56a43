from django.urls import path

from gridgov.people.excel import views

app_name = "excel"
urlpatterns = [
    path("", views.home, name="home"),
    path("template/", views.template, name="template"),
    path("template/<str:kind>.xlsx", views.template, name="template_kind"),
    path("upload/", views.upload, name="upload"),
    path("jobs/<uuid:job_id>/", views.job, name="job"),
    path("jobs/<uuid:job_id>/progress/", views.progress, name="progress"),
    path("jobs/<uuid:job_id>/errors.xlsx", views.errors, name="errors"),
    path("export/residents.xlsx", views.export_residents, name="export_residents"),
    path("export/figures.xlsx", views.export_figures, name="export_figures"),
]
