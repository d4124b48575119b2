"""Every API write a person performs has its page or button, so the pages and the API never drift apart.

The table maps each write operation of the OpenAPI schema to the portal URL name that does the same
through the same service, or to an explicit ``INTEGRATION`` entry with the reason it has no page.
A new API write without a row fails this test; so does a row whose page no longer exists.
"""

import pytest
from django.urls import NoReverseMatch, reverse

pytestmark = pytest.mark.django_db

INTEGRATION = "integration only"

API_WRITE_TO_PAGE: dict[str, str | tuple[str, str]] = {
    # sign-in for integrations; people log in on the login page
    "auth_token_create": (
        INTEGRATION,
        "API tokens are for integrations; people use the login page",
    ),
    "auth_token_destroy": (
        INTEGRATION,
        "an integration revokes the token it calls with; people log out in the pages",
    ),
    # administrators revoke anyone's token in the administration (Django admin)
    "auth_tokens_destroy": "admin:authtoken_tokenproxy_changelist",
    "skills_normalise_create": (
        INTEGRATION,
        "a lookup for importers; the pages normalise skills inside every skill form",
    ),
    # consents and the participant's digital consent
    "consents_create": "consent_create",
    "consents_withdraw_create": "consent_withdraw",
    "consent_invitations_create": "consent_invitation_create",
    "consent_invitations_revoke_create": "consent_invitation_revoke",
    "participants_personal_link_create": "personal_link_send",
    "participants_personal_link_revoke_create": "personal_link_revoke",
    # employers, sites, contacts, the contact log
    "employers_create": "employer_create",
    "employers_update": "employer_edit",
    "employers_partial_update": "employer_edit",
    "employers_merge_create": "duplicate_confirm",
    "employers_not_duplicate_create": "duplicate_review",
    "employers_import_create": "import",
    "sites_create": "site_create",
    "sites_update": "site_edit",
    "sites_partial_update": "site_edit",
    "contacts_create": "contact_create",
    "contacts_update": "contact_edit",
    "contacts_partial_update": "contact_edit",
    "interactions_create": "employer_detail",
    "interactions_update": "next_step_done",
    "interactions_partial_update": "next_step_done",
    # whom to approach next (issue 25): the coordinator's list has a button for each
    "outreach_log_call_create": "outreach_log_call",
    "outreach_add_to_register_create": "outreach_add_to_register",
    # task profiles
    "task_profiles_create": "profile_create",
    "task_profiles_update": "profile_edit_full",
    "task_profiles_partial_update": "profile_edit_full",
    "task_profiles_transition_create": "profile_transition",
    "task_profiles_request_create": "employer_request_profile",
    "task_profiles_handle_request_create": "profile_request_handled",
    # participants and validations
    "participants_create": "participant_create",
    "participants_update": "participant_edit",
    "participants_partial_update": "participant_edit",
    "participants_skills_create": "participant_skills",
    "participants_skills_partial_update": "participant_skill_change",
    "participants_skills_destroy": "participant_skill_change",
    "participants_phase_create": "participant_phase",
    "participants_anonymise_create": "participant_erase",
    "participant_history_import": "history_import",
    "quality_assurers_create": "quality_assurers",
    "quality_assurers_destroy": "quality_assurer_remove",
    "participants_kga_assessments_create": "kga_create",
    "ocn_cases_create": "participant_validations",
    "ocn_cases_transition_create": "ocn_case",
    "ocn_cases_reject_create": "ocn_case",
    # progression (the guide opens a measurement and enters a printed form or their own rating)
    "progression_measurement_open": "participant_progression",
    "progression_answers_record": "progression_measurement",
    # regions and units (administrators), regional matching (the assigned guide)
    "regions_create": "region_create",
    "regions_update": "region_edit",
    "regions_partial_update": "region_edit",
    "units_create": "unit_create",
    "units_update": "unit_edit",
    "units_partial_update": "unit_edit",
    "participants_regional_create": "participant_regional",
    # matching
    "recompute_jobs_create": "recompute_start",
    "match_decisions_create": "match_decline",
    "match_weights_update": "match_weights",
    "match_weights_partial_update": "match_weights",
    "match_weights_rollback_create": "learned_weights_rollback",
    "weight_proposals_create": "learned_weights_fit",
    "weight_proposals_accept_create": "learned_weights_accept",
    "weight_proposals_reject_create": "learned_weights_reject",
    # placements and follow-ups
    "placements_create": "participant_detail",
    "placements_agree_create": "placement_step",
    "placements_withdraw_create": "placement_step",
    "placements_start_create": "placement_step",
    "placements_evaluate_create": "placement_step",
    "placements_extend_create": "placement_step",
    "placements_to_employment_create": "placement_step",
    "placements_hire_create": "placement_step",
    "placements_end_create": "placement_step",
    "exits_create": "placement_step",
    "exit_six_month_followup_record": "six_month_followups",
    "follow_ups_create": "followup_create",
    "follow_ups_record_create": "followup_record",
    "follow_ups_reschedule_create": "followup_reschedule",
    "follow_ups_request_confirmation_create": "followup_request_confirmation",
    "follow_ups_confirm_create": "employer_confirm_followup",
    # projects (issue 23): managers create them; guides and managers enrol and record starts
    "projects_create": "projects",
    "project_enrolments_create": "participant_projects",
    "participant_starts_create": "participant_projects",
}


def _write_operations() -> set[str]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        operation["operationId"]
        for item in schema["paths"].values()
        for method, operation in item.items()
        if method in ("post", "put", "patch", "delete")
    }


def _url_exists(name: str) -> bool:
    if name.startswith("admin:"):
        return bool(reverse(name))
    for args in ([], [1], [1, 1], ["x"], [1, "x"]):
        try:
            reverse(f"portal:{name}", args=args)
            return True
        except NoReverseMatch:
            continue
    return False


def test_every_api_write_has_a_page_or_a_reason():
    writes = _write_operations()
    missing = sorted(writes - set(API_WRITE_TO_PAGE))
    assert not missing, f"API writes without a page or an 'integration only' reason: {missing}"
    stale = sorted(set(API_WRITE_TO_PAGE) - writes)
    assert not stale, f"rows for operations the API no longer has: {stale}"


@pytest.mark.parametrize("operation", sorted(API_WRITE_TO_PAGE))
def test_each_row_names_a_page_that_exists_or_gives_a_reason(operation):
    target = API_WRITE_TO_PAGE[operation]
    if isinstance(target, tuple):
        kind, reason = target
        assert kind == INTEGRATION and len(reason) > 20
    else:
        assert _url_exists(target), f"{operation} → portal:{target} does not resolve"


# Flags of an API write that change what it does have their page (or button) too.
API_FLAG_TO_PAGE = {
    # issue 23: "import the valid rows" after a dry run that refused some
    ("employers_import_create", "valid_rows_only"): "import_job",
}


@pytest.mark.parametrize(("operation", "flag"), sorted(API_FLAG_TO_PAGE))
def test_each_flag_is_in_the_api_and_has_its_page(operation, flag):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {
        op["operationId"]: op for item in schema["paths"].values() for op in item.values()
    }
    content = operations[operation]["requestBody"]["content"]
    body = next(iter(content.values()))["schema"]
    if "$ref" in body:
        body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    assert flag in body["properties"]
    assert _url_exists(API_FLAG_TO_PAGE[(operation, flag)])
