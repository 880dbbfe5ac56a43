from django.urls import path

from gridgov.mediation.views import actions, agreements, consultations, disputes, screening

app_name = "mediation"
urlpatterns = [
    path("", disputes.dispute_list, name="disputes"),
    path("disputes/<int:pk>/", disputes.dispute_page, name="dispute"),
    path("disputes/<int:pk>/agreement/", agreements.agreement_form, name="agreement"),
    path("disputes/<int:pk>/<slug:name>/", actions.act, name="act"),
    path("referrals/<int:pk>/answer/", actions.answer, name="answer"),
    path("follow-ups/<int:pk>/", actions.follow_up, name="follow_up"),
    path("parties/<int:pk>/visits/", actions.visit, name="visit"),
    path("agreements/<int:pk>/print", agreements.agreement_print, name="print"),
    path("screening/", screening.screening, name="screening"),
    path("screening/clue/", screening.record_clue, name="clue"),
    path("screening/dispute/", screening.open_dispute, name="open"),
    path("people/", screening.people, name="people"),
    path("consultations/", consultations.consultation_list, name="consultations"),
    path("consultations/new/", consultations.propose, name="propose"),
    path("consultations/<int:pk>/", consultations.consultation_page, name="consultation"),
    path("consultations/<int:pk>/meeting/", consultations.meeting, name="meeting"),
    path("consultations/<int:pk>/decide/", consultations.decide, name="decide"),
    path("consultations/<int:pk>/progress/", consultations.progress, name="progress"),
]
