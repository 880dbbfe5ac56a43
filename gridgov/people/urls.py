from django.urls import path

from gridgov.people.views import actions, browse, card, figures, mine, places, register, search

app_name = "people"
urlpatterns = [
    path("", browse.index, name="index"),
    path("mine/", mine.my_grid, name="mine"),
    path("search/", search.search_page, name="search"),
    path("figures/", figures.figures_page, name="figures"),
    path("sub-district/<str:code>/", browse.sub_district, name="sub_district"),
    path("village/<str:code>/", browse.village, name="village"),
    path("grid/<str:code>/", browse.grid, name="grid"),
    path("grid/<str:code>/add-building/", places.add_building, name="add_building"),
    path("building/<int:pk>/", browse.building, name="building"),
    path("building/<int:pk>/add-household/", places.add_household, name="add_household"),
    path("unit/<int:pk>/", browse.unit, name="unit"),
    path("household/<int:pk>/", browse.household, name="household"),
    path("household/<int:pk>/register/", register.register, name="register"),
    path("validate/resident/", register.validate, name="validate_resident"),
    path("resident/<int:pk>/", card.resident, name="resident"),
    path("resident/<int:pk>/unmask/", card.unmask, name="unmask"),
    path("resident/<int:pk>/edit/", actions.edit, name="edit"),
    path("resident/<int:pk>/move-out/", actions.move_out, name="move_out"),
    path("resident/<int:pk>/tag/", actions.tag, name="tag"),
    path("resident/<int:pk>/tag/<int:link>/end/", actions.end_tag, name="end_tag"),
    path("resident/<int:pk>/renew/", actions.renew, name="renew"),
]
