from django.urls import path

from gridgov.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("map/", views.map_page, name="map"),
    path("favicon.ico", views.favicon),
]
