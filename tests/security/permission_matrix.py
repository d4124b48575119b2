"""The permission matrix of the API (issue 13): every operation of the OpenAPI schema × every role,
with the expected outcome. ``test_permission_matrix.py`` sends each operation as each role and
compares; an operation of the schema without a row here fails the test, so a new endpoint cannot
be added without deciding who may use it.

Each row is one letter per role, in this order (see ``tests/security/conftest.py``):

    coordinator, guide (assigned), guide (same unit, not assigned), guide (another unit), manager,
    administrator, employer user, other employer's user, anonymous

    O  allowed: 2xx — with a valid request, so the role really did it
    I  input refused: 400 or 415 although the request is valid for the roles that may do it; only
       where no valid request exists for that role, with the reason in a comment
    D  denied: 401/403 (role may not) or 405
    H  hidden: 404 (not in the role's scope — a 404, never a 403, so existence does not leak)

Path ids point at the cast's objects (participant of the assigned guide, placement at the
employer user's employer, …) or at objects made for the request (``bodies.PATHS``). Every write
carries a valid body (``bodies.BODIES``), so a refused role is refused for who it is, not for an
empty form; each (operation, role) runs in a savepoint rolled back after it.

To add an endpoint: add its row, and for a write its valid body in ``bodies.py`` (the integrator
adds rows for endpoints other branches add).
"""

ROLE_ORDER = (
    "coordinator",
    "guide",
    "colleague_guide",
    "foreign_guide",
    "manager",
    "admin_user",
    "employer_user",
    "other_employer_user",
    None,
)

MATRIX = {
    "GET /api/v1/adaptations/": "OOOOOOOOD",
    "GET /api/v1/adaptations/{id}/": "OOOOOOOOD",
    "GET /api/v1/licences/": "OOOOOOOOD",
    "GET /api/v1/licences/{id}/": "OOOOOOOOD",
    "POST /api/v1/auth/token/": "OOOOOOOOO",  # the log-in: gustav's password, from any client
    "DELETE /api/v1/auth/token/": "OOOOOOOOD",
    "DELETE /api/v1/auth/tokens/{user_id}/": "DDDDDODDD",
    "GET /api/v1/consents/": "OOOOOODDD",
    "POST /api/v1/consents/": "DODHDODDD",
    "GET /api/v1/consents/{id}/": "OOOHOODDD",
    "POST /api/v1/consents/{id}/withdraw/": "DODHDODDD",
    "GET /api/v1/contacts/": "OOOOOOOOD",
    "POST /api/v1/contacts/": "ODDDDODDD",
    "GET /api/v1/contacts/{id}/": "OOOHOOOHD",
    "PUT /api/v1/contacts/{id}/": "ODDDDODDD",
    "PATCH /api/v1/contacts/{id}/": "ODDDDODDD",
    "GET /api/v1/counties/": "OOOOOOOOD",
    "GET /api/v1/counties/{code}/": "OOOOOOOOD",
    "GET /api/v1/employers/": "OOOOOOOOD",
    "POST /api/v1/employers/": "ODDDDODDD",
    "GET /api/v1/employers/{id}/": "OOOHOOOHD",
    "PUT /api/v1/employers/{id}/": "ODDDDODDD",
    "PATCH /api/v1/employers/{id}/": "ODDDDODDD",
    "POST /api/v1/employers/{id}/merge/": "ODDDDODDD",
    "POST /api/v1/employers/import/": "ODDDDODDD",
    "GET /api/v1/employers/possible-duplicates/": "OOOOOOOOD",
    "GET /api/v1/exits/": "OOOOOODDD",
    "POST /api/v1/exits/": "DODHDODDD",
    "GET /api/v1/exits/{id}/": "OOOHOODDD",
    "GET /api/v1/follow-ups/": "OOOOOOOOD",
    "POST /api/v1/follow-ups/": "DODHDODDD",
    "GET /api/v1/follow-ups/{id}/": "OOOHOOOHD",
    "POST /api/v1/follow-ups/{id}/confirm/": "DDDDDDOHD",
    "POST /api/v1/follow-ups/{id}/record/": "DODHDODDD",
    "POST /api/v1/follow-ups/{id}/request-confirmation/": "DODHDODDD",
    "POST /api/v1/follow-ups/{id}/reschedule/": "DODHDODDD",
    "GET /api/v1/follow-ups/mine/": "OOOOOOOOD",
    "GET /api/v1/industries/": "OOOOOOOOD",
    "GET /api/v1/industries/{code}/": "OOOOOOOOD",
    "GET /api/v1/interactions/": "OOOOOODDD",
    "POST /api/v1/interactions/": "ODDDDODDD",
    "GET /api/v1/interactions/{id}/": "OOOHOODDD",
    "PUT /api/v1/interactions/{id}/": "ODDDDODDD",
    "PATCH /api/v1/interactions/{id}/": "ODDDDODDD",
    "GET /api/v1/interactions/my-next-steps/": "OOOOOODDD",
    "GET /api/v1/kga-competences/": "OOOOOOOOD",
    "GET /api/v1/kga-competences/{id}/": "OOOOOOOOD",
    "GET /api/v1/localities/": "OOOOOOOOD",
    "GET /api/v1/localities/{id}/": "OOOOOOOOD",
    "GET /api/v1/match-decisions/": "OOOOOODDD",
    "POST /api/v1/match-decisions/": "DODHDODDD",
    "GET /api/v1/match-decisions/{id}/": "OOOHOODDD",
    "GET /api/v1/match-weights/": "OOOOOODDD",
    # Whom to approach next (issue 25): the unit's coordinators act, its manager reads; guides
    # (participants' caseworkers, not employer work), employers and participants never.
    "GET /api/v1/outreach/": "ODDDOODDD",
    "POST /api/v1/outreach/log-call/": "ODDDDODDD",
    "POST /api/v1/outreach/add-to-register/": "ODDDDODDD",
    "PUT /api/v1/match-weights/": "DDDDDODDD",
    "PATCH /api/v1/match-weights/": "DDDDDODDD",
    # Learned weights (issue 25): the unit's manager and administrators only.
    "POST /api/v1/match-weights/rollback/": "DDDDOODDD",
    "GET /api/v1/weight-proposals/": "DDDDOODDD",
    "POST /api/v1/weight-proposals/": "DDDDOODDD",
    "GET /api/v1/weight-proposals/{id}/": "DDDDOODDD",
    "POST /api/v1/weight-proposals/{id}/accept/": "DDDDOODDD",
    "POST /api/v1/weight-proposals/{id}/reject/": "DDDDOODDD",
    "GET /api/v1/matches/explain/": "OOOHOODDD",
    "GET /api/v1/me/": "OOOOOOOOD",
    "GET /api/v1/municipalities/": "OOOOOOOOD",
    "GET /api/v1/municipalities/{code}/": "OOOOOOOOD",
    "GET /api/v1/occupations/": "OOOOOOOOD",
    "GET /api/v1/occupations/{id}/": "OOOOOOOOD",
    "GET /api/v1/ocn-cases/": "OOOOOODDD",
    "POST /api/v1/ocn-cases/": "DODHDODDD",
    "GET /api/v1/ocn-cases/{id}/": "OOOHOODDD",
    "GET /api/v1/ocn-cases/{id}/certificate/": "OOOHOODDD",
    "POST /api/v1/ocn-cases/{id}/reject/": "DODHDODDD",
    "POST /api/v1/ocn-cases/{id}/transition/": "DODHDODDD",
    "GET /api/v1/ocn-programmes/": "OOOOOOOOD",
    "GET /api/v1/ocn-programmes/{id}/": "OOOOOOOOD",
    "GET /api/v1/participants/": "OOOOOODDD",
    # Any guide registers participants of their own unit. The body registers one in Kalmar
    # (0880); a guide of another unit cannot register a participant in a municipality their unit
    # does not serve, so no valid body exists for them: a field error (I), not a write.
    "POST /api/v1/participants/": "DOOIDODDD",
    "GET /api/v1/participants/{id}/": "OOOHOODDD",
    "PUT /api/v1/participants/{id}/": "DODHDODDD",
    "PATCH /api/v1/participants/{id}/": "DODHDODDD",
    "GET /api/v1/participants/{id}/audit-log/": "DDDDDODDD",
    "GET /api/v1/participants/{id}/kga-assessments/": "OOOHOODDD",
    "POST /api/v1/participants/{id}/kga-assessments/": "DODHDODDD",
    "GET /api/v1/participants/{id}/matches/": "OOOHOODDD",
    "POST /api/v1/participants/{id}/phase/": "DODHDODDD",
    "POST /api/v1/participants/{id}/anonymise/": "DDDDDODDD",  # issue 20: administrators only
    "POST /api/v1/participants/{id}/skills/": "DODHDODDD",
    "GET /api/v1/placements/": "OOOOOOOOD",
    "POST /api/v1/placements/": "DODHDODDD",
    "GET /api/v1/placements/{id}/": "OOOHOOOHD",
    "POST /api/v1/placements/{id}/agree/": "DODHDODDD",
    "POST /api/v1/placements/{id}/end/": "DODHDODDD",
    "POST /api/v1/placements/{id}/evaluate/": "DODHDODDD",
    "POST /api/v1/placements/{id}/extend/": "DODHDODDD",
    "POST /api/v1/placements/{id}/hire/": "DODHDODDD",
    "POST /api/v1/placements/{id}/start/": "DODHDODDD",
    "POST /api/v1/placements/{id}/to-employment/": "DODHDODDD",
    "GET /api/v1/recompute-jobs/": "OOOOOODDD",
    "POST /api/v1/recompute-jobs/": "OOOODODDD",
    "GET /api/v1/recompute-jobs/{id}/": "OOOHOODDD",
    "GET /api/v1/sites/": "OOOOOOOOD",
    "POST /api/v1/sites/": "ODDDDODDD",
    "GET /api/v1/sites/{id}/": "OOOHOOOHD",
    "PUT /api/v1/sites/{id}/": "ODDDDODDD",
    "PATCH /api/v1/sites/{id}/": "ODDDDODDD",
    "GET /api/v1/skills/": "OOOOOOOOD",
    "GET /api/v1/skills/{id}/": "OOOOOOOOD",
    "POST /api/v1/skills/normalise/": "OOOOOOOOD",
    "GET /api/v1/task-profiles/": "OOOOOOOOD",
    "POST /api/v1/task-profiles/": "ODDDDODDD",
    "GET /api/v1/task-profiles/{id}/": "OOOHOOOHD",
    "PUT /api/v1/task-profiles/{id}/": "ODDDDODDD",
    "PATCH /api/v1/task-profiles/{id}/": "ODDDDODDD",
    "GET /api/v1/task-profiles/{id}/matches/": "OOOHOODDD",
    "POST /api/v1/task-profiles/{id}/transition/": "ODDDDODDD",
    "POST /api/v1/task-profiles/request/": "DDDDDDOOD",
    "GET /api/v1/units/": "OOOOOODDD",
    "GET /api/v1/units/{id}/": "OOOHOODDD",
    # endpoints of issues 9-12, merged after the matrix was written (checked by hand)
    "GET /api/v1/consent-invitations/": "OOOOOODDD",
    "POST /api/v1/consent-invitations/": "DODHDODDD",
    "GET /api/v1/consent-invitations/{id}/": "OOOHOODDD",
    "POST /api/v1/consent-invitations/{id}/revoke/": "DODHDODDD",
    "POST /api/v1/employers/{id}/not-duplicate/": "ODDDDODDD",
    "POST /api/v1/exit-follow-ups/": "DODHOODDD",
    "POST /api/v1/participant-history/import/": "DDDDOODDD",
    "POST /api/v1/participants/{id}/personal-link/": "DODHDODDD",
    "POST /api/v1/participants/{id}/personal-link/revoke/": "DODHDODDD",
    "PATCH /api/v1/participants/{id}/skills/{skill_pk}/": "DODHDODDD",
    "DELETE /api/v1/participants/{id}/skills/{skill_pk}/": "DODHDODDD",
    "POST /api/v1/placements/{id}/withdraw/": "DODHDODDD",
    "GET /api/v1/quality-assurers/": "OOOOOODDD",
    "POST /api/v1/quality-assurers/": "DDDDDODDD",
    "GET /api/v1/quality-assurers/{id}/": "OOOHOODDD",
    "DELETE /api/v1/quality-assurers/{id}/": "DDDDDODDD",
    "GET /api/v1/statistics/": "OOOOOODDD",
    "GET /api/v1/statistics/export/": "OOOOOODDD",
    "GET /api/v1/statistics/scb/": "DDDDOODDD",
    "POST /api/v1/task-profiles/{id}/handle-request/": "ODDDDODDD",
    # issue 15 (checked by hand)
    "GET /api/v1/fidelity/": "DOOOOODDD",
    "GET /api/v1/fidelity/export/": "DOOOOODDD",
    "GET /api/v1/progression/measurements/": "OOOOOODDD",
    "POST /api/v1/progression/measurements/": "DODHDODDD",
    "GET /api/v1/progression/measurements/{id}/": "OOOHOODDD",
    "POST /api/v1/progression/measurements/{id}/": "DODHDODDD",
    "GET /api/v1/progression/statistics/": "DOOOOODDD",
    "GET /api/v1/progression/statistics/export/": "DOOOOODDD",
    "GET /api/v1/sus/": "DDDDOODDD",
    # issue 12: regions, units, the shared register and regional matching (checked by hand)
    "GET /api/v1/employers/{id}/relation/": "OOOHOODDD",
    "POST /api/v1/participants/{id}/regional/": "DODHDODDD",
    "GET /api/v1/regional-participants/": "OOOOODDDD",
    "GET /api/v1/regions/": "OOOOOODDD",
    "POST /api/v1/regions/": "DDDDDODDD",
    "GET /api/v1/regions/{id}/": "OOOHOODDD",
    "PUT /api/v1/regions/{id}/": "DDDDDODDD",
    "PATCH /api/v1/regions/{id}/": "DDDDDODDD",
    "POST /api/v1/units/": "DDDDDODDD",
    "PUT /api/v1/units/{id}/": "DDDDDODDD",
    "PATCH /api/v1/units/{id}/": "DDDDDODDD",
    # issue 23: projects, enrolments, starts in work or studies. Staff of the unit read; managers
    # create projects; guides and managers enrol and record starts (another unit's participant is
    # a 404); employer users see nothing.
    "GET /api/v1/projects/": "OOOOOODDD",
    "POST /api/v1/projects/": "DDDDOODDD",
    "GET /api/v1/projects/{id}/": "OOOHOODDD",
    "GET /api/v1/project-enrolments/": "OOOOOODDD",
    "POST /api/v1/project-enrolments/": "DOOHOODDD",
    "GET /api/v1/project-enrolments/{id}/": "OOOHOODDD",
    "GET /api/v1/participant-starts/": "OOOOOODDD",
    "POST /api/v1/participant-starts/": "DOOHOODDD",
    "GET /api/v1/participant-starts/{id}/": "OOOHOODDD",
    # the project of the query belongs to the cast's unit: for a guide of another unit it is an
    # unknown filter value (a field error, as an unknown municipality), never a list
    "GET /api/v1/statistics/started/": "DOOIOODDD",
}
