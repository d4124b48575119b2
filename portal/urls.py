from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView

from core.security import two_factor
from core.security.password_reset import RateLimitedPasswordResetView
from portal import views
from portal.views import (
    admin_security,
    guide_consent,
    learning,
    manager,
    matching_pages,
    method,
    outreach,
    participant_public,
    projects,
    regions,
    transit,
)

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    # Regions and units, the shared employer register (issue 12)
    path("regioner/", regions.region_list, name="regions"),
    path("regioner/ny/", regions.region_form, name="region_create"),
    path("regioner/<int:pk>/", regions.region_form, name="region_edit"),
    path("enheter/ny/", regions.unit_form, name="unit_create"),
    path("enheter/<int:pk>/", regions.unit_form, name="unit_edit"),
    path("arbetsgivare/<int:pk>/regionen/", regions.employer_relation, name="employer_relation"),
    path("regionala-deltagare/", regions.regional_participants, name="regional_participants"),
    path("regionala-forslag/", regions.host_requests, name="host_requests"),
    path(
        "deltagare/<int:pk>/regional/",
        regions.participant_regional_toggle,
        name="participant_regional",
    ),
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
    # issue 9: the coordinator's writes in the pages
    path("arbetsgivare/ny/", views.employer_create_view, name="employer_create"),
    path("arbetsgivare/<int:pk>/redigera/", views.employer_edit_view, name="employer_edit"),
    path("arbetsgivare/<int:pk>/relation/", views.employer_status_view, name="employer_status"),
    path("arbetsgivare/<int:pk>/ny-plats/", views.site_create_view, name="site_create"),
    path("platser/<int:pk>/redigera/", views.site_edit_view, name="site_edit"),
    path("arbetsgivare/<int:pk>/ny-kontakt/", views.contact_create_view, name="contact_create"),
    path("kontakter/<int:pk>/redigera/", views.contact_edit_view, name="contact_edit"),
    path("arbetsgivare/<int:pk>/ny-kravprofil/", views.profile_create_view, name="profile_create"),
    path("kravprofiler/<int:pk>/", views.profile_detail_view, name="profile_detail"),
    path("kravprofiler/<int:pk>/andra/", views.profile_edit_full_view, name="profile_edit_full"),
    path(
        "kravprofiler/<int:pk>/onskemal-hanterat/",
        views.profile_request_handled,
        name="profile_request_handled",
    ),
    path("sok/deltagarkod/", views.participant_code_search, name="participant_code_search"),
    path("sok/<slug:kind>/", views.vocabulary_search, name="vocabulary_search"),
    path(
        "arbetsgivare/dubbletter/<int:a>/<int:b>/", views.duplicate_review, name="duplicate_review"
    ),
    path(
        "arbetsgivare/dubbletter/<int:keep>/<int:remove>/bekrafta/",
        views.duplicate_confirm,
        name="duplicate_confirm",
    ),
    path("arbetsgivare/import/mall.<slug:fmt>", views.import_template, name="import_template"),
    path("arbetsgivare/import/kolumner/", views.import_columns, name="import_columns"),
    path("arbetsgivare/dubbletter/", views.duplicates, name="duplicates"),
    path("arbetsgivare/import/", views.import_employers, name="import"),
    path("arbetsgivare/import/<int:pk>/", views.import_job, name="import_job"),
    # The first, text-only profile editor lived here; bookmarks land on the full one.
    path(
        "kravprofiler/<int:pk>/redigera/",
        RedirectView.as_view(pattern_name="portal:profile_edit_full"),
    ),
    path("kravprofiler/<int:pk>/status/", views.profile_transition, name="profile_transition"),
    path("nasta-steg/", views.next_steps, name="next_steps"),
    path("nasta-steg/<int:pk>/klart/", views.next_step_done, name="next_step_done"),
    path("deltagare/", views.participant_list, name="participant_list"),
    path("deltagare/ny/", views.participant_create_view, name="participant_create"),
    path("deltagare/<int:pk>/", views.participant_detail, name="participant_detail"),
    path("deltagare/<int:pk>/samtycke/", views.consent_create_view, name="consent_create"),
    path("samtycken/<int:pk>/aterkalla/", views.consent_withdraw_view, name="consent_withdraw"),
    # --- the participant's digital consent (issue 12) ---
    path("deltagare/<int:pk>/samtycken/", guide_consent.consent_overview, name="consent_overview"),
    path(
        "deltagare/<int:pk>/samtycke/forfragan/",
        guide_consent.invitation_create,
        name="consent_invitation_create",
    ),
    path(
        "deltagare/<int:pk>/samtycke/blankett/",
        guide_consent.consent_paper_form,
        name="consent_paper_form",
    ),
    path(
        "deltagare/<int:pk>/personlig-lank/",
        guide_consent.personal_link_send,
        name="personal_link_send",
    ),
    path(
        "deltagare/<int:pk>/personlig-lank/aterkalla/",
        guide_consent.personal_link_revoke_view,
        name="personal_link_revoke",
    ),
    path(
        "personliga-lankar/<int:pk>/utskrift/",
        guide_consent.personal_link_print,
        name="personal_link_print",
    ),
    path(
        "samtyckesforfragningar/<int:pk>/",
        guide_consent.invitation_detail,
        name="consent_invitation",
    ),
    path(
        "samtyckesforfragningar/<int:pk>/aterkalla/",
        guide_consent.invitation_revoke,
        name="consent_invitation_revoke",
    ),
    path("samtycken/aterkallade/", guide_consent.withdrawals, name="consent_withdrawals"),
    path("samtycken/<int:pk>/sett/", guide_consent.withdrawal_seen, name="consent_withdrawal_seen"),
    path("samtycke/kod/", participant_public.consent_code, name="consent_code"),
    path("samtycke/svara/", participant_public.consent_answer, name="consent_answer"),
    path("samtycke/kvitto/", participant_public.consent_receipt, name="consent_receipt"),
    path("samtycke/<str:token>/", participant_public.consent_open, name="consent_open"),
    path("mina-samtycken/", participant_public.own_page, name="own_page"),
    path("mina-samtycken/<str:token>/", participant_public.own_open, name="own_open"),
    # --- end digital consent ---
    path("deltagare/ocn/<int:pk>/intyg/", views.ocn_certificate, name="ocn_certificate"),
    # issue 10: the participant's record and validations (portal/views/participants.py, validations.py)
    path("deltagare/<int:pk>/redigera/", views.participant_edit, name="participant_edit"),
    path("deltagare/<int:pk>/kompetenser/", views.participant_skills, name="participant_skills"),
    path(
        "deltagare/<int:pk>/kompetenser/<int:skill_pk>/",
        views.participant_skill_change,
        name="participant_skill_change",
    ),
    path("deltagare/<int:pk>/behov/", views.participant_needs, name="participant_needs"),
    path(
        "deltagare/<int:pk>/valideringar/",
        views.participant_validations,
        name="participant_validations",
    ),
    path("deltagare/<int:pk>/kga/ny/", views.kga_create, name="kga_create"),
    path("deltagare/ocn/<int:pk>/", views.ocn_case, name="ocn_case"),
    path("kvalitetssakrare/", views.quality_assurers, name="quality_assurers"),
    path("kvalitetssakring/", views.qa_worklist, name="qa_worklist"),
    path(
        "kvalitetssakrare/<int:pk>/ta-bort/",
        views.quality_assurer_remove,
        name="quality_assurer_remove",
    ),
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
    path("deltagare/<int:pk>/inte-aktuell/", matching_pages.match_decline, name="match_decline"),
    path("deltagare/<int:pk>/fas/", matching_pages.participant_phase, name="participant_phase"),
    path("deltagare/<int:pk>/historik/", views.participant_history, name="participant_history"),
    path("deltagare/<int:pk>/metod/", views.participant_method, name="participant_method"),
    path("matchningsvikter/", matching_pages.match_weights, name="match_weights"),
    path("vem-kontaktar-jag-nu/", outreach.outreach_list, name="outreach"),
    path(
        "vem-kontaktar-jag-nu/samtal/<int:pk>/",
        outreach.outreach_log_call,
        name="outreach_log_call",
    ),
    path(
        "vem-kontaktar-jag-nu/till-registret/",
        outreach.outreach_add_to_register,
        name="outreach_add_to_register",
    ),
    path("arbetsgivare/annonshistorik/", outreach.historical_ads_upload, name="historical_ads"),
    path("larda-vikter/", learning.learned_weights, name="learned_weights"),
    path("larda-vikter/anpassa/", learning.learned_weights_fit, name="learned_weights_fit"),
    path(
        "larda-vikter/<int:pk>/godta/",
        learning.learned_weights_accept,
        name="learned_weights_accept",
    ),
    path(
        "larda-vikter/<int:pk>/avsla/",
        learning.learned_weights_reject,
        name="learned_weights_reject",
    ),
    path(
        "larda-vikter/aterstall/",
        learning.learned_weights_rollback,
        name="learned_weights_rollback",
    ),
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
    path("projekt/", projects.project_list, name="projects"),
    path("deltagare/<int:pk>/projekt/", projects.participant_projects, name="participant_projects"),
    path("statistik/borjade/", projects.statistics_started, name="statistics_started"),
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
    path("statistik/sex-manader/", manager.six_month_followups, name="six_month_followups"),
    path("deltagare/historik/import/", manager.history_import, name="history_import"),
    path(
        "deltagare/historik/import/<int:pk>/", manager.history_import_job, name="history_import_job"
    ),
    path("deltagare/historik/mall/<str:kind>/", manager.history_template, name="history_template"),
    path("sakerhet/atkomstlogg/", admin_security.access_log, name="access_log"),
    path("sakerhet/gallring/", admin_security.retention, name="retention"),
    path("kollektivtrafik/", transit.transit_feed, name="transit_feed"),
    path("kollektivtrafik/berakna/", transit.transit_refresh, name="transit_refresh"),
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
    # Own templates: the admin's password pages keep theirs (registration/...).
    path(
        "losenord/byt/",
        auth_views.PasswordChangeView.as_view(template_name="portal/password_change_form.html"),
        name="password_change",
    ),
    path(
        "losenord/byt/klart/",
        auth_views.PasswordChangeDoneView.as_view(template_name="portal/password_change_done.html"),
        name="password_change_done",
    ),
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
