"""Retention rules per kind of record (issue 13, GDPR art. 5(1)(e)): each rule acts on exactly what
is due and nothing else, the run is recorded per kind, anonymisation leaves statistics and fidelity
as they were and writes nothing about the person into the audit log, and the administrator's page
shows the rules, the notice list and the last runs (nobody else sees it)."""

import datetime as dt

import pytest
import time_machine
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from core.retention import (
    RetentionRule,
    RetentionRun,
    register,
    retention_overview,
    retention_run,
    rules,
)
from employers.models import ImportJob, Interaction
from matching.models import ConsentInvitation, InvitedRecipient, Participant, PersonalLink
from matching.participants.retention import ANONYMISED, participant_anonymise
from tests.factories.employers import InteractionFactory
from tests.factories.matching import ParticipantFactory
from tests.method.test_fidelity import Q, figures, world  # noqa: F401  (world: fixture)

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2030, 6, 15, 12, 0))
YEAR = dt.timedelta(days=365)

KINDS = [
    "participants",
    "consent_invitations",
    "personal_links",
    "contact_log",
    "import_jobs",
    "audit_log",
    "sign_ins",
    "api_tokens",
    "sessions",
]


@pytest.fixture(autouse=True)
def periods(settings):
    settings.RETENTION = {
        "notice_days": 30,
        "participant_exited_years": 5,
        "contact_log_years": 3,
        "import_job_days": 90,
        "link_days": 60,
        "audit_log_years": 4,
        "expired_token_days": 0,
        "expired_session_days": 0,
    }
    settings.API_TOKEN_TTL = dt.timedelta(hours=24)


def run_counts():
    run = retention_run(now=NOW)
    assert not run.errors
    return run


def test_every_kind_has_a_rule_in_the_order_of_the_page():
    assert [r.kind for r in rules()] == KINDS


# --- contact log -------------------------------------------------------------------------------


def test_the_contact_log_loses_its_free_text_after_the_period_and_keeps_what_is_counted(
    employer, coordinator, participant
):
    old = InteractionFactory(
        employer=employer,
        by=coordinator,
        kind="visit",
        notes="Pratade med Anna om Yusufs epilepsi.",
        next_step="Ring Anna 070-123 45 67",
        next_step_due=dt.date(2027, 1, 10),
    )
    old.participants.set([participant])
    soon = InteractionFactory(employer=employer, by=coordinator, notes="Snart tre år.")
    recent = InteractionFactory(employer=employer, by=coordinator, notes="Nyss.")
    bare = InteractionFactory(employer=employer, by=coordinator, notes="", next_step="")
    # Dates set past the model's sanity bounds on purpose: the rule works on any stored date.
    Interaction.objects.filter(pk=old.pk).update(occurred_on=dt.date(2027, 1, 5))
    Interaction.objects.filter(pk=soon.pk).update(occurred_on=dt.date(2027, 7, 1))
    Interaction.objects.filter(pk=recent.pk).update(occurred_on=dt.date(2030, 1, 1))
    Interaction.objects.filter(pk=bare.pk).update(occurred_on=dt.date(2020, 1, 1))
    run = run_counts()
    assert run.counts["contact_log"] == 1 and run.notice["contact_log"] == 1
    old.refresh_from_db()
    assert (old.notes, old.next_step, old.next_step_due) == ("", "", None)
    assert old.kind == "visit" and old.occurred_on == dt.date(2027, 1, 5)
    assert old.employer_id == employer.pk and old.by_id == coordinator.pk
    assert list(old.participants.all()) == [participant]  # fidelity's first contact stays
    assert Interaction.objects.get(pk=soon.pk).notes == "Snart tre år."
    assert Interaction.objects.get(pk=recent.pk).notes == "Nyss."
    assert Interaction.objects.count() == 4
    assert retention_run(now=NOW).counts["contact_log"] == 0  # idempotent


# --- import jobs -------------------------------------------------------------------------------


def test_finished_import_jobs_are_deleted_with_their_files_after_the_period(unit, manager):
    def job(days_ago, status, kind=ImportJob.Kind.PARTICIPANT_HISTORY):
        j = ImportJob.objects.create(
            unit=unit,
            by=manager,
            kind=kind,
            filename="historik.csv",
            content=b"identifier\n19850709-9805\n",
            status=status,
            report={"rows": [{"identifier": "19850709-9805"}]},
        )
        ImportJob.objects.filter(pk=j.pk).update(created_at=NOW - dt.timedelta(days=days_ago))
        return j

    done = job(100, ImportJob.Status.DONE)
    failed = job(91, ImportJob.Status.FAILED, ImportJob.Kind.EMPLOYERS)
    running = job(200, ImportJob.Status.RUNNING)  # the rescue job handles stuck ones
    recent = job(80, ImportJob.Status.DONE)
    run = run_counts()
    assert run.counts["import_jobs"] == 2 and run.notice["import_jobs"] == 1
    assert set(ImportJob.objects.values_list("pk", flat=True)) == {running.pk, recent.pk}
    assert not ImportJob.objects.filter(pk__in=[done.pk, failed.pk]).exists()


# --- consent invitations and personal links ----------------------------------------------------


def invitation(participant, guide, n, *, expires, answered=None, revoked=None, sent_to=""):
    inv = ConsentInvitation.objects.create(
        participant=participant,
        created_by=guide,
        token_hash=f"t{n}",
        code_hash=f"c{n}",
        channel="email",
        sent_to=sent_to,
        wording_version="1",
        expires_at=expires,
        answered_at=answered,
        revoked_at=revoked,
    )
    InvitedRecipient.objects.create(
        invitation=inv, kind="other", agency="Försäkringskassan", purpose="Samordning"
    )
    return inv


def test_old_unanswered_invitations_are_deleted_and_answered_ones_lose_the_address(
    participant, guide
):
    expired = invitation(participant, guide, 1, expires=NOW - 61 * dt.timedelta(days=1))
    revoked = invitation(
        participant, guide, 2, expires=NOW + YEAR, revoked=NOW - dt.timedelta(days=70)
    )
    answered = invitation(
        participant,
        guide,
        3,
        expires=NOW - YEAR,
        answered=NOW - YEAR,
        sent_to="yusuf@example.se",
    )
    recently_expired = invitation(participant, guide, 4, expires=NOW - dt.timedelta(days=40))
    pending = invitation(participant, guide, 5, expires=NOW + dt.timedelta(days=5))
    log_rows = LogEntry.objects.count()
    run = run_counts()
    assert run.counts["consent_invitations"] == 3
    assert run.notice["consent_invitations"] == 1  # recently_expired, due in 20 days
    assert not ConsentInvitation.objects.filter(pk__in=[expired.pk, revoked.pk]).exists()
    assert not InvitedRecipient.objects.filter(invitation_id__in=[expired.pk, revoked.pk]).exists()
    answered.refresh_from_db()
    assert answered.sent_to == "" and answered.recipients.count() == 1  # the evidence stays
    assert ConsentInvitation.objects.filter(pk__in=[recently_expired.pk, pending.pk]).count() == 2
    assert LogEntry.objects.count() == log_rows  # no copies of the addresses in the log


def test_revoked_and_expired_personal_links_are_deleted_after_the_period(participant, guide):
    def link(n, *, expires, revoked=None, person=participant):
        return PersonalLink.objects.create(
            participant=person,
            token_hash=f"p{n}",
            created_by=guide,
            channel="email",
            sent_to="yusuf@example.se",
            expires_at=expires,
            revoked_at=revoked,
        )

    revoked = link(1, expires=NOW + YEAR, revoked=NOW - dt.timedelta(days=61))
    expired = link(2, expires=NOW - dt.timedelta(days=100), revoked=NOW - dt.timedelta(days=300))
    recently_revoked = link(3, expires=NOW + YEAR, revoked=NOW - dt.timedelta(days=10))
    other = ParticipantFactory(unit=participant.unit, guide=guide)
    active = link(4, expires=NOW + YEAR, person=other)
    run = run_counts()
    assert run.counts["personal_links"] == 2 and run.notice["personal_links"] == 0
    assert set(PersonalLink.objects.values_list("pk", flat=True)) == {
        recently_revoked.pk,
        active.pk,
    }
    assert not PersonalLink.objects.filter(pk__in=[revoked.pk, expired.pk]).exists()


# --- audit log, sign-ins, tokens and sessions --------------------------------------------------


def test_audit_rows_and_sign_in_records_are_purged_after_the_period_only(participant):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    ct = ContentType.objects.get_for_model(Participant)

    def entry(age):
        e = LogEntry.objects.create(
            content_type=ct,
            object_pk=str(participant.pk),
            object_id=participant.pk,
            object_repr=participant.code,
            action=LogEntry.Action.ACCESS,
        )
        LogEntry.objects.filter(pk=e.pk).update(timestamp=NOW - age)
        return e

    LogEntry.objects.all().delete()
    old = entry(4 * YEAR + dt.timedelta(days=2))
    soon = entry(4 * YEAR - dt.timedelta(days=10))
    kept = entry(YEAR)
    seen = {"ip_address": "10.0.0.1", "user_agent": "x", "http_accept": "*/*", "path_info": "/"}

    def aged(model, age, **extra):
        row = model.objects.create(username="gustav", **seen, **extra)
        model.objects.filter(pk=row.pk).update(attempt_time=NOW - age)  # auto_now_add

    aged(AccessLog, 5 * YEAR)
    aged(AccessLog, YEAR)
    aged(AccessFailureLog, 5 * YEAR)
    aged(AccessAttempt, 5 * YEAR, get_data="", post_data="", failures_since_start=2)
    run = run_counts()
    assert run.counts["audit_log"] == 1 and run.notice["audit_log"] == 1
    assert set(LogEntry.objects.values_list("pk", flat=True)) >= {soon.pk, kept.pk}
    assert not LogEntry.objects.filter(pk=old.pk).exists()
    assert run.counts["sign_ins"] == 3
    assert AccessLog.objects.count() == 1 and AccessLog.objects.get().attempt_time > NOW - 2 * YEAR
    assert not AccessFailureLog.objects.exists() and not AccessAttempt.objects.exists()


def test_audit_rows_cannot_be_deleted_through_the_api(api, admin_user, participant):
    before = LogEntry.objects.count()
    response = api(admin_user).delete(f"/api/v1/participants/{participant.pk}/audit-log/")
    assert response.status_code in (403, 404, 405)
    assert LogEntry.objects.count() == before


def test_expired_tokens_and_sessions_are_deleted_and_valid_ones_kept(guide, coordinator):
    expired = Token.objects.create(user=guide)
    valid = Token.objects.create(user=coordinator)
    Token.objects.filter(pk=expired.pk).update(created=NOW - dt.timedelta(hours=25))
    Token.objects.filter(pk=valid.pk).update(created=NOW - dt.timedelta(hours=23))
    Session.objects.create(
        session_key="a" * 32, session_data="x", expire_date=NOW - dt.timedelta(seconds=1)
    )
    Session.objects.create(
        session_key="b" * 32, session_data="x", expire_date=NOW + dt.timedelta(hours=1)
    )
    run = run_counts()
    assert run.counts["api_tokens"] == 1 and run.counts["sessions"] == 1
    assert list(Token.objects.values_list("pk", flat=True)) == [valid.pk]
    assert list(Session.objects.values_list("session_key", flat=True)) == ["b" * 32]


# --- the job as a whole ------------------------------------------------------------------------


def test_a_failing_rule_is_recorded_and_the_others_still_run(employer, coordinator):
    def broken(now):
        raise RuntimeError("disk full")

    old = InteractionFactory(employer=employer, by=coordinator, notes="Gammal anteckning")
    Interaction.objects.filter(pk=old.pk).update(occurred_on=dt.date(2020, 1, 1))
    saved = {r.kind: r for r in rules()}
    register(
        RetentionRule(
            kind="broken",
            label="Broken",
            action="deleted",
            setting="link_days",
            due=broken,
            apply=lambda rows, now: 0,
            order=1,
        )
    )
    try:
        run = retention_run(now=NOW)
    finally:
        from core import retention

        retention._RULES.clear()
        retention._RULES.update(saved)
    assert "disk full" in run.errors["broken"]
    assert run.counts["contact_log"] == 1
    assert Interaction.objects.get(pk=old.pk).notes == ""


def test_nothing_is_due_on_an_empty_install():
    run = run_counts()
    assert run.counts == dict.fromkeys(KINDS, 0)
    assert RetentionRun.objects.get() == run


# --- anonymisation keeps statistics and fidelity, and leaves nothing in the log ----------------


def test_anonymising_writes_no_old_values_into_the_audit_log(admin_user, participant, placement):
    from placements.models import FollowUp

    participant.goals = "Jobba inom vården trots epilepsin"
    participant.save()
    placement.goals_short = "Klara tre timmar om dagen"
    placement.save()
    follow = FollowUp.objects.create(
        placement=placement, planned_on=timezone.localdate(), notes="Yusuf hade ett anfall."
    )
    before = LogEntry.objects.count()
    participant_anonymise(
        participant=participant, by=admin_user, reason="Begäran art. 17", confirm_active=True
    )
    new = LogEntry.objects.order_by("pk")[before:]
    assert len(new) == 1 and new[0].actor == admin_user
    text = str(new[0].changes) + new[0].object_repr + str(new[0].serialized_data or "")
    for secret in ("Yusuf", "19850709", "epilepsi", "Ljudkänslig"):
        assert secret not in text
    participant.refresh_from_db()
    placement.refresh_from_db()
    follow.refresh_from_db()
    assert participant.goals == "" and participant.first_name == ANONYMISED
    assert placement.goals_short == "" and follow.notes == ""
    assert placement.kind and placement.planned_start  # what statistics count stays


def test_statistics_are_the_same_after_everyone_is_anonymised(
    unit, guide, colleague_guide, manager
):
    from placements.reporting import statistics as st
    from tests.factories.statistics import END, START, build_statistics_dataset

    with time_machine.travel(dt.datetime(2026, 12, 31, 12), tick=False):
        build_statistics_dataset(
            unit=unit, guide=guide, colleague_guide=colleague_guide, by=manager
        )
        Interaction.objects.update(notes="Anteckning om en person", next_step="Ring")
        scope = st.Scope(start=START, end=END, unit_ids=(unit.pk,), sections=st.ALL_SECTIONS)
        before = st.build_report(scope).as_dict()
        for person in Participant.objects.all():
            participant_anonymise(participant=person, by=None, reason="test")
        later = timezone.now() + 10 * YEAR
        assert retention_run(now=later).counts["contact_log"] == Interaction.objects.count() > 0
        assert not Participant.objects.exclude(first_name=ANONYMISED).exists()
        assert st.build_report(scope).as_dict() == before


def test_fidelity_is_the_same_after_anonymisation_and_clearing_the_contact_log(
    unit, guide, colleague_guide, coordinator, manager, request
):
    from placements.reporting import fidelity as fd

    request.getfixturevalue("world")  # the fidelity world, imported above (not the security one)
    Interaction.objects.update(notes="Pratade om deltagaren")
    report = fd.build_fidelity(fd.FidelityScope(Q, (unit.pk,)))
    before = (figures(report.unit), {g.pk: figures(g) for g in report.guides})
    assert before[0]["days_to_contact"] == (40.0, 4, 2)  # the hand-computed figures
    for person in Participant.objects.all():
        participant_anonymise(participant=person, by=None, reason="test")
    assert retention_run(now=timezone.now() + 10 * YEAR).counts["contact_log"] > 0
    report = fd.build_fidelity(fd.FidelityScope(Q, (unit.pk,)))
    assert (figures(report.unit), {g.pk: figures(g) for g in report.guides}) == before


# --- the administrator's page ------------------------------------------------------------------


def test_a_period_after_expiry_reads_as_such(settings):
    settings.RETENTION = {**settings.RETENTION, "expired_session_days": 7}
    rows = {row["rule"].kind: row for row in retention_overview(now=NOW)}
    assert rows["sessions"]["period"] == "7 dagar efter att de gått ut"


def test_the_overview_names_each_rule_with_its_period(employer, coordinator):
    old = InteractionFactory(employer=employer, by=coordinator, notes="Snart")
    Interaction.objects.filter(pk=old.pk).update(
        occurred_on=(NOW - 3 * YEAR + dt.timedelta(days=10)).date()
    )
    rows = {row["rule"].kind: row for row in retention_overview(now=NOW)}
    assert rows["participants"]["period"] == "5 år"
    assert rows["contact_log"]["period"] == "3 år"
    assert rows["import_jobs"]["period"] == "90 dagar"
    assert rows["contact_log"]["due"] == 0 and rows["contact_log"]["upcoming_count"] == 1
    assert rows["contact_log"]["upcoming"][0]["pk"] == old.pk
    assert rows["api_tokens"]["upcoming_count"] is None  # no notice for expired tokens
    assert rows["api_tokens"]["period"] == "när de gått ut"


def test_the_overview_counts_as_each_rule_does_in_one_query(
    employer, coordinator, django_assert_num_queries
):
    """The counts come from one UNION of every rule's counts; each equals the rule's own
    querysets, and only a rule with records on its notice list reads them."""
    from core.retention import rules

    for age in (3 * YEAR + dt.timedelta(days=5), 3 * YEAR - dt.timedelta(days=10)):
        for _ in range(2):
            row = InteractionFactory(employer=employer, by=coordinator, notes="Gammal")
            Interaction.objects.filter(pk=row.pk).update(occurred_on=(NOW - age).date())
    with django_assert_num_queries(2):  # the counts, and the contact log's notice list
        rows = {row["rule"].kind: row for row in retention_overview(now=NOW)}
    assert (rows["contact_log"]["due"], rows["contact_log"]["upcoming_count"]) == (2, 2)
    for rule in rules():
        row = rows[rule.kind]
        assert row["due"] == rule.due(NOW).count()
        if rule.notice:
            assert row["upcoming_count"] == rule.upcoming(NOW).count()
            assert {i["pk"] for i in row["upcoming"]} == set(
                rule.upcoming(NOW).values_list("pk", flat=True)[:20]
            )


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin_user", 200),
        ("coordinator", 403),
        ("guide", 403),
        ("manager", 403),
        ("employer_user", 403),
        ("other_employer_user", 403),
        (None, 302),
    ],
)
def test_the_retention_page_per_role(request, unit, guide, role, expected):
    soon = ParticipantFactory(unit=unit, guide=guide, phase="exited", active=False)
    from matching.models import PhaseChange

    PhaseChange.objects.create(
        participant=soon,
        from_phase="finna",
        to_phase="exited",
        reason="Slutade",
        at=timezone.now() - dt.timedelta(days=5 * 365 - 10),
    )
    retention_run()
    client = Client()
    if role:
        client.force_login(request.getfixturevalue(role))
    response = client.get("/sakerhet/gallring/")
    assert response.status_code == expected
    page = response.content.decode()
    if expected != 200:
        assert soon.code not in page and "Kontaktloggen" not in page
        return
    for label in (
        "Avslutade deltagare",
        "Kontaktloggen: anteckningar och nästa steg",
        "Importjobb: uppladdade filer och rapporter",
        "Personliga länkar",
        "Granskningsloggen",
        "Utgångna API-token",
        "Senaste körningar",
    ):
        assert label in page
    assert "5 år" in page and "90 dagar" in page
    assert soon.code in page  # on the notice list, linked to what is held
    assert f"/sakerhet/deltagare/{soon.pk}/utdrag/" in page
    assert soon.first_name not in page


def test_run_records_are_read_only_in_the_django_admin(admin_user):
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    run = retention_run(now=NOW)
    model_admin = site._registry[RetentionRun]
    request = RequestFactory().get("/")
    request.user = admin_user
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, run)
    assert not model_admin.has_delete_permission(request, run)
