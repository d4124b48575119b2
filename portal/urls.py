from django.contrib.auth import views as auth_views
from django.urls import path

from portal import views
from portal.views import manager, method

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("oversikt/", views.overview, name="overview"),
    path("arbetsgivarportal/", views.employer_home, name="employer_home"),
    path(
        "arbetsgivarportal/onska-profil/",
        views.employer_request_profile,
        name="employer_request_profile",
    ),
    path(
        "arbetsgivarportal/uppfoljning/<int:pk>/bekrafta/",
        views.employer_confirm_followup,
        name="employer_confirm_followup",
    ),
    path("arbetsgivare/", views.employer_list, name="employer_list"),
    path("arbetsgivare/<int:pk>/", views.employer_detail, name="employer_detail"),
    path("arbetsgivare/dubbletter/", views.duplicates, name="duplicates"),
    path("arbetsgivare/import/", views.import_employers, name="import"),
    path("arbetsgivare/import/<int:pk>/", views.import_job, name="import_job"),
    path("kravprofiler/<int:pk>/redigera/", views.profile_edit, name="profile_edit"),
    path("kravprofiler/<int:pk>/status/", views.profile_transition, name="profile_transition"),
    path("nasta-steg/", views.next_steps, name="next_steps"),
    path("nasta-steg/<int:pk>/klart/", views.next_step_done, name="next_step_done"),
    path("deltagare/", views.participant_list, name="participant_list"),
    path("deltagare/ny/", views.participant_create_view, name="participant_create"),
    path("deltagare/<int:pk>/", views.participant_detail, name="participant_detail"),
    path("deltagare/<int:pk>/samtycke/", views.consent_create_view, name="consent_create"),
    path("samtycken/<int:pk>/aterkalla/", views.consent_withdraw_view, name="consent_withdraw"),
    path("deltagare/ocn/<int:pk>/intyg/", views.ocn_certificate, name="ocn_certificate"),
    path("uppfoljningar/", views.followups, name="followups"),
    path("uppfoljningar/<int:pk>/registrera/", views.followup_record_view, name="followup_record"),
    path(
        "uppfoljningar/<int:pk>/flytta/", views.followup_reschedule_view, name="followup_reschedule"
    ),
    path(
        "uppfoljningar/<int:pk>/be-om-bekraftelse/",
        views.followup_request_confirmation_view,
        name="followup_request_confirmation",
    ),
    path("placeringar/<int:pk>/", views.placement_detail, name="placement_detail"),
    path("placeringar/<int:pk>/uppfoljning/", views.followup_create_view, name="followup_create"),
    path("placeringar/<int:pk>/steg/<slug:step>/", views.placement_step, name="placement_step"),
    path("omberakning/", views.recompute_start, name="recompute_start"),
    path("jobb/<int:pk>/", views.job_progress, name="job_progress"),
    # Results and ESF reporting (portal/views/manager.py)
    path("statistik/", manager.statistics, name="statistics"),
    path("statistik/export/<str:kind>/", manager.statistics_export, name="statistics_export"),
    path("statistik/rapport/", manager.statistics_print, name="statistics_print"),
    path("statistik/scb/", manager.scb_export, name="scb_export"),
    # Method: fidelity, SUS, progression (portal/views/method.py)
    path("metod/trohet/", method.fidelity, name="fidelity"),
    path("metod/trohet/export/<str:kind>/", method.fidelity_export, name="fidelity_export"),
    path("metod/sus/", method.sus_list, name="sus_list"),
    path("metod/sus/export/<str:kind>/", method.sus_download, name="sus_export"),
    path("deltagare/<int:pk>/sus/", method.participant_sus, name="participant_sus"),
    path(
        "deltagare/<int:pk>/stegforflyttning/",
        method.participant_progression,
        name="participant_progression",
    ),
    path(
        "stegforflyttning/<int:pk>/", method.progression_measurement, name="progression_measurement"
    ),
    path("metod/matningar/", method.progression_due, name="progression_due"),
    path("metod/stegforflyttning/", method.progression_statistics, name="progression_statistics"),
    path(
        "metod/stegforflyttning/export/<str:kind>/",
        method.progression_statistics_export,
        name="progression_statistics_export",
    ),
    path("mitt-matt/", method.progression_answer, name="progression_answer"),
    path("mitt-matt/<str:token>/", method.progression_open, name="progression_open"),
    path("deltagare/historik/import/", manager.history_import, name="history_import"),
    path(
        "deltagare/historik/import/<int:pk>/", manager.history_import_job, name="history_import_job"
    ),
    path("deltagare/historik/mall/<str:kind>/", manager.history_template, name="history_template"),
]

auth_urlpatterns = [
    path("logga-in/", auth_views.LoginView.as_view(), name="login"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("losenord/aterstall/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "losenord/aterstall/skickat/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "losenord/aterstall/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "losenord/aterstall/klart/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
