from django.urls import path

from gridgov.cases.figures import views

app_name = "assessment"
urlpatterns = [
    path("", views.assessment_page, name="page"),
    path("export.xlsx", views.assessment_export, name="export"),
]
