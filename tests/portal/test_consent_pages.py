"""The participant's digital consent in the pages: the public pages (no account) and the guide's."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.cache import cache
from django.test import Client, override_settings

from matching.models import Consent, ConsentInvitation, PersonalLink
from matching.participants.services import consent_links as links
from matching.participants.services.consents import may_share
from portal.consent_forms import employer_option

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def issued(guide, participant, employer, other_employer):
    return links.consent_invitation_create(
        participant=participant,
        by=guide,
        recipients=[
            {"kind": "employer", "employer": employer, "purpose": "Praktik på lagret",
             "scopes": ["identity", "skills"]},
            {"kind": "employer", "employer": other_employer, "purpose": "Studiebesök",
             "scopes": ["skills"]},
            {"kind": "employment_service", "agency": "Arbetsförmedlingen Kalmar",
             "purpose": "Samordning", "scopes": ["placement"]},
        ],
        channel="print",
    )  # fmt: skip


def reads(participant, what):
    return LogEntry.objects.filter(
        object_pk=str(participant.pk), action=LogEntry.Action.ACCESS, changes__icontains=what
    )


# --- the public pages -----------------------------------------------------------------------------


def test_participant_answers_by_link_gets_a_receipt_and_the_link_then_stops(
    issued, participant, employer, other_employer
):
    client = Client()
    opened = client.get(f"/samtycke/{issued.token}/")
    assert opened.status_code == 302 and opened.url == "/samtycke/svara/"
    page = client.get("/samtycke/svara/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Kalmar Lager AB" in body and "Arbetsförmedlingen Kalmar" in body
    assert "Namn och kontaktuppgifter" in body  # exactly what each would see, as labels
    assert participant.last_name not in body and participant.personnummer not in body
    assert reads(participant, "consent invitation page").exists()

    rows = list(issued.invitation.recipients.order_by("pk"))
    answer = client.post(
        "/samtycke/svara/",
        {f"r{rows[0].pk}": "yes", f"r{rows[1].pk}": "no", f"r{rows[2].pk}": "yes"},
    )
    assert answer.status_code == 302 and answer.url == "/samtycke/kvitto/"
    assert may_share(participant=participant, employer=employer, scope="identity")
    assert not may_share(participant=participant, employer=other_employer, scope="skills")
    created = LogEntry.objects.filter(content_type__model="consent", action=LogEntry.Action.CREATE)
    assert created.count() == 2 and {e.remote_addr for e in created} == {"127.0.0.1"}
    assert all(e.actor is None for e in created)  # given by the participant, not by staff
    invitation_log = LogEntry.objects.filter(content_type__model="consentinvitation")
    assert invitation_log.exists()
    assert not any(
        issued.invitation.token_hash in str(e.changes) or "token_hash" in str(e.changes)
        for e in invitation_log
    )  # hashes never reach the log
    receipt = client.get("/samtycke/kvitto/").content.decode()
    assert "Nej" in receipt and "Ja" in receipt and "/mina-samtycken/" in receipt
    assert "<svg" in receipt  # QR code of the personal link
    # the token now opens the same neutral page as a made-up one
    used = Client().get(f"/samtycke/{issued.token}/")
    made_up = Client().get("/samtycke/not-a-real-token-at-all/")
    assert used.status_code == made_up.status_code == 404
    assert used.content == made_up.content


def test_a_missing_answer_is_shown_as_an_alert_and_nothing_is_saved(issued):
    client = Client()
    client.get(f"/samtycke/{issued.token}/")
    first = issued.invitation.recipients.order_by("pk").first()
    response = client.post("/samtycke/svara/", {f"r{first.pk}": "yes"})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert not Consent.objects.exists()


def test_short_code_opens_the_invitation(issued):
    client = Client()
    response = client.post("/samtycke/kod/", {"code": links.format_code(issued.code).lower()})
    assert response.status_code == 302 and response.url == "/samtycke/svara/"
    assert client.get("/samtycke/svara/").status_code == 200
    wrong = Client().post("/samtycke/kod/", {"code": "AAAA-AAAA"})
    assert wrong.status_code == 404


@pytest.mark.parametrize("state", ["expired", "revoked", "unknown"])
def test_every_dead_link_gives_the_same_neutral_page(issued, guide, state):
    if state == "expired":
        ConsentInvitation.objects.update(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    elif state == "revoked":
        links.consent_invitation_revoke(invitation=issued.invitation, by=guide)
    token = issued.token if state != "unknown" else "x" * 43
    response = Client().get(f"/samtycke/{token}/")
    reference = Client().get("/mina-samtycken/" + "y" * 43 + "/")
    assert response.status_code == 404 and response.content == reference.content
    assert "Länken fungerar inte" in response.content.decode()


def test_the_answer_page_needs_a_session_opened_by_a_link():
    assert Client().get("/samtycke/svara/").status_code == 404
    assert Client().get("/samtycke/kvitto/").status_code == 404
    assert Client().get("/mina-samtycken/").status_code == 404


@override_settings(CONSENT_LINK_RATE_LIMIT=3)
def test_links_are_rate_limited_per_client_address():
    client = Client(REMOTE_ADDR="10.0.0.7")
    statuses = [client.get(f"/samtycke/guess{i}/").status_code for i in range(5)]
    assert statuses == [404, 404, 404, 429, 429]
    assert "för många" in client.get("/samtycke/kod/").content.decode()
    assert Client(REMOTE_ADDR="10.0.0.8").get("/samtycke/kod/").status_code == 200


def test_own_page_lists_consents_and_withdraws_several_at_once(
    guide, participant, employer, other_employer, django_capture_on_commit_callbacks, mailoutbox
):
    for e in (employer, other_employer):
        Consent.objects.create(
            participant=participant, employer=e, purpose="Praktik", scopes=["skills"],
            given_on=dt.date(2026, 1, 1), method="signed_paper", recorded_by=guide,
        )  # fmt: skip
    issued = links.personal_link_issue(participant=participant, by=guide, channel="print")
    client = Client()
    assert client.get(f"/mina-samtycken/{issued.token}/").url == "/mina-samtycken/"
    page = client.get("/mina-samtycken/").content.decode()
    assert "Kalmar Lager AB" in page and "Nybro Bageri" in page
    ids = list(Consent.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/mina-samtycken/", {"withdraw": ids})
    assert response.status_code == 302
    assert not may_share(participant=participant, employer=employer, scope="skills")
    assert not may_share(participant=participant, employer=other_employer, scope="skills")
    assert mailoutbox[-1].to == [guide.email]
    assert reads(participant, "own consent page").exists()
    changes = LogEntry.objects.filter(
        content_type__model="consent",
        action=LogEntry.Action.UPDATE,
        object_pk__in=[str(i) for i in ids],
    )
    assert changes.count() == 2 and all(e.actor is None for e in changes)
    # the guide sees it on the withdrawals page
    listing = client_for(guide).get("/samtycken/aterkallade/").content.decode()
    assert participant.code in listing and "Kalmar Lager AB" in listing


def test_revoking_the_personal_link_ends_an_open_page(guide, participant):
    issued = links.personal_link_issue(participant=participant, by=guide, channel="print")
    client = Client()
    client.get(f"/mina-samtycken/{issued.token}/")
    assert client.get("/mina-samtycken/").status_code == 200
    links.personal_link_revoke(participant=participant, by=guide)
    assert client.get("/mina-samtycken/").status_code == 404
    assert Client().get(f"/mina-samtycken/{issued.token}/").status_code == 404


# --- the guide's pages, per role -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "overview", "create"),
    [
        ("guide", 200, 200),
        ("colleague_guide", 200, 403),
        ("coordinator", 200, 403),
        ("manager", 200, 403),
        ("foreign_guide", 404, 404),
        ("employer_user", 403, 403),
    ],
)
def test_guide_consent_pages_per_role(request, participant, issued, role, overview, create):
    client = client_for(request.getfixturevalue(role))
    page = client.get(f"/deltagare/{participant.pk}/samtycken/")
    assert page.status_code == overview
    if overview == 200:
        body = page.content.decode()
        assert "Kalmar Lager AB" in body
        assert (participant.last_name in body) == (
            role == "guide"
        )  # identity for the own guide only
    assert client.get(f"/deltagare/{participant.pk}/samtycke/forfragan/").status_code == create
    detail = client.get(f"/samtyckesforfragningar/{issued.invitation.pk}/")
    assert detail.status_code == (overview if overview != 403 else 403)


def test_anonymous_guide_pages_send_to_login(participant, issued):
    client = Client()
    for url in (
        f"/deltagare/{participant.pk}/samtycken/",
        f"/deltagare/{participant.pk}/samtycke/forfragan/",
        f"/samtyckesforfragningar/{issued.invitation.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/logga-in/")


def test_guide_sends_a_printed_request_and_sees_the_code_once(
    guide, colleague_guide, participant, employer
):
    client = client_for(guide)
    data = {
        "r-TOTAL_FORMS": "4", "r-INITIAL_FORMS": "0", "r-MIN_NUM_FORMS": "0", "r-MAX_NUM_FORMS": "8",
        "r-0-kind": "employer", "r-0-employer": employer_option(employer),
        "r-0-purpose": "Praktik", "r-0-scopes": ["identity", "skills"],
        "r-1-kind": "health_care", "r-1-agency": "Regionen", "r-1-purpose": "Rehabilitering",
        "r-1-scopes": ["adaptation_needs"],
        "d-channel": "print",
    }  # fmt: skip
    response = client.post(f"/deltagare/{participant.pk}/samtycke/forfragan/", data)
    invitation = ConsentInvitation.objects.get()
    assert response.status_code == 302
    assert [r.name for r in invitation.recipients.all()] == ["Kalmar Lager AB", "Regionen"]
    letter = client.get(f"/samtyckesforfragningar/{invitation.pk}/").content.decode()
    assert "<svg" in letter and 'data-testid="short-code"' in letter
    # another staff member of the unit sees the state but never the code
    seen = client_for(colleague_guide).get(f"/samtyckesforfragningar/{invitation.pk}/")
    assert seen.status_code == 200 and 'data-testid="short-code"' not in seen.content.decode()


def test_guide_request_with_a_bad_row_shows_errors_and_saves_nothing(guide, participant):
    client = client_for(guide)
    data = {
        "r-TOTAL_FORMS": "1", "r-INITIAL_FORMS": "0", "r-MIN_NUM_FORMS": "0", "r-MAX_NUM_FORMS": "8",
        "r-0-kind": "employer", "r-0-employer": "Finns Inte AB", "r-0-purpose": "x",
        "r-0-scopes": ["skills"], "d-channel": "email", "d-email": "",
    }  # fmt: skip
    response = client.post(f"/deltagare/{participant.pk}/samtycke/forfragan/", data)
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert not ConsentInvitation.objects.exists()


def test_guide_resends_and_revokes_the_personal_link(guide, colleague_guide, participant):
    client = client_for(guide)
    response = client.post(f"/deltagare/{participant.pk}/personlig-lank/", {"channel": "print"})
    link = PersonalLink.objects.get()
    assert response.status_code == 302 and response.url == f"/personliga-lankar/{link.pk}/utskrift/"
    assert "<svg" in client.get(response.url).content.decode()
    # another guide may neither send nor revoke
    assert (
        client_for(colleague_guide)
        .post(f"/deltagare/{participant.pk}/personlig-lank/aterkalla/")
        .status_code
        == 302
    )
    link.refresh_from_db()
    assert link.revoked_at is None
    client.post(f"/deltagare/{participant.pk}/personlig-lank/aterkalla/")
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_printable_paper_form_has_the_same_wording(guide, participant, issued):
    from matching.participants.consent_wording import wording

    body = (
        client_for(guide)
        .get(f"/deltagare/{participant.pk}/samtycke/blankett/?invitation={issued.invitation.pk}")
        .content.decode()
    )
    assert wording(issued.invitation.wording_version, "sv")[0] in body
    assert "Kalmar Lager AB" in body and "underskrift" in body


def test_guide_records_a_verbal_consent_with_witness_and_wording_version(
    guide, participant, employer
):
    response = client_for(guide).post(
        f"/deltagare/{participant.pk}/samtycke/",
        {
            "employer": employer.pk,
            "purpose": "Praktik",
            "scopes": ["skills"],
            "given_on": "2026-11-20",
            "method": "verbal",
            "wording_version": "2026-11",
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.witness == guide and consent.wording_version == "2026-11"
    page = client_for(guide).get(f"/deltagare/{participant.pk}/samtycken/").content.decode()
    assert "Muntligt, med jobbguiden som vittne" in page and "verbal" not in page


@pytest.mark.parametrize(
    ("role", "paper_form", "withdrawals"),
    [
        ("guide", 200, 200),
        ("colleague_guide", 200, 200),
        ("coordinator", 200, 403),
        ("foreign_guide", 404, 200),
        ("employer_user", 403, 403),
    ],
)
def test_paper_form_and_withdrawals_pages_per_role(
    request, guide, participant, employer, role, paper_form, withdrawals
):
    consent = Consent.objects.create(
        participant=participant, employer=employer, purpose="Praktik", scopes=["skills"],
        given_on=dt.date(2026, 1, 1), method="signed_paper", recorded_by=guide,
        withdrawn_on=dt.date(2026, 2, 1), withdrawn_by_participant=True,
    )  # fmt: skip
    client = client_for(request.getfixturevalue(role))
    assert client.get(f"/deltagare/{participant.pk}/samtycke/blankett/").status_code == paper_form
    listing = client.get("/samtycken/aterkallade/")
    assert listing.status_code == withdrawals
    if withdrawals == 200:  # only the participant's own guide sees it listed
        assert (participant.code in listing.content.decode()) == (role == "guide")
    seen = client.post(f"/samtycken/{consent.pk}/sett/")
    consent.refresh_from_db()
    assert (consent.withdrawal_seen_at is not None) == (role == "guide")
    assert seen.status_code in (302, 403, 404)


def test_the_printable_code_is_kept_in_the_guides_session_for_an_hour_only(
    guide, participant, employer
):
    import time_machine

    client = client_for(guide)
    data = {
        "r-TOTAL_FORMS": "1", "r-INITIAL_FORMS": "0", "r-MIN_NUM_FORMS": "0", "r-MAX_NUM_FORMS": "8",
        "r-0-kind": "employer", "r-0-employer": employer_option(employer),
        "r-0-purpose": "Praktik", "r-0-scopes": ["skills"], "d-channel": "print",
    }  # fmt: skip
    client.post(f"/deltagare/{participant.pk}/samtycke/forfragan/", data)
    invitation = ConsentInvitation.objects.get()
    url = f"/samtyckesforfragningar/{invitation.pk}/"
    assert 'data-testid="short-code"' in client.get(url).content.decode()
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)):
        assert 'data-testid="short-code"' not in client.get(url).content.decode()
