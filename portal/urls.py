from django.contrib.auth import views as auth_views
from django.urls import path

from core.security import two_factor
from core.security.password_reset import RateLimitedPasswordResetView
from portal import views
from portal.views import admin_security

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
    path("omberakning/", views.recompute_start, name="recompute_start"),
    path("jobb/<int:pk>/", views.job_progress, name="job_progress"),
    path("sakerhet/atkomstlogg/", admin_security.access_log, name="access_log"),
    path("sakerhet/gallring/", admin_security.retention, name="retention"),
    path(
        "sakerhet/deltagare/<int:pk>/utdrag/",
        admin_security.participant_data_export,
        name="participant_export",
    ),
    path(
        "sakerhet/deltagare/<int:pk>/anonymisera/",
        admin_security.participant_erase,
        name="participant_erase",
    ),
]

auth_urlpatterns = [
    path("tvastegs/", two_factor.setup, name="two_factor_setup"),
    path("tvastegs/verifiera/", two_factor.verify, name="two_factor_verify"),
    path("logga-in/", auth_views.LoginView.as_view(), name="login"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("losenord/aterstall/", RateLimitedPasswordResetView.as_view(), name="password_reset"),
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
