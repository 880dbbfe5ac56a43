from django.conf import settings
from django.urls import URLPattern, URLResolver, include, path

from gridgov.cases.views import actions, card, detail, files, inbox, intake, notifications, public, rate
from gridgov.env import env_bool

app_name = "cases"
urlpatterns: list[URLPattern | URLResolver] = [
    path("cases/", inbox.inbox, name="inbox"),
    path("cases/new/", intake.new_case, name="new"),
    path("cases/places/", intake.places, name="places"),
    path("cases/card/", card.my_card, name="card"),
    path("cases/notifications/", notifications.notification_list, name="notifications"),
    path("cases/notifications/unread", notifications.unread, name="unread"),
    path("cases/attachments/<int:pk>", files.attachment, name="attachment"),
    path("cases/<int:pk>/", detail.case_page, name="detail"),
    path("cases/<int:pk>/act/", actions.act, name="act"),
    path("cases/<int:pk>/items/<int:item_id>/", actions.tick, name="tick"),
    path("cases/<int:pk>/rating-link/", actions.rating_link, name="rating_link"),
    # The resident's pages: no account.
    path("g/<str:code>/", public.grid_page, name="grid_public"),
    path("rate/<str:token>", rate.rate_page, name="rate"),
]

# The intake benchmark's baselines (a bare JSON answer, a one-row commit), served by the very server
# under test: only on a benchmark's scratch server (`gridgov bench cases` sets the variable), never in
# production.
if not settings.PRODUCTION and env_bool("GRIDGOV_BENCH_ENDPOINTS", False):
    urlpatterns.append(path("bench/", include("gridgov.bench.intake_server")))
