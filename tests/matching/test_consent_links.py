"""The participant's digital consent: invitations (one-time, expiring, hashed) and the personal link."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from core.exceptions import DomainError
from matching.choices import InvitationState
from matching.models import Consent, ConsentInvitation, PersonalLink
from matching.participants.consent_wording import CURRENT_WORDING_VERSION
from matching.participants.services import consent_links as links
from matching.participants.services.consents import consent_record, may_share

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def recipients(employer, other_employer):
    return [
        {"kind": "employer", "employer": employer, "purpose": "Praktik", "scopes": ["identity", "skills"]},
        {"kind": "employer", "employer": other_employer, "purpose": "Praktik", "scopes": ["skills"]},
        {"kind": "social_services", "agency": "Socialtjänsten Kalmar", "purpose": "Samordning",
         "scopes": ["placement"]},
    ]  # fmt: skip


def invite(guide, participant, employer, other_employer, **kw):
    return links.consent_invitation_create(
        participant=participant,
        by=guide,
        recipients=recipients(employer, other_employer),
        channel=kw.pop("channel", "email"),
        email=kw.pop("email", "amina@example.se"),
        base_url="https://brygga.test",
    )


def test_it_stores_only_hashes_and_emails_the_link(
    guide, participant, employer, other_employer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        issued = invite(guide, participant, employer, other_employer)
    row = ConsentInvitation.objects.get()
    assert issued.token not in row.token_hash and issued.code not in row.code_hash
    assert len(row.token_hash) == 64 and row.token_hash != row.code_hash
    assert row.wording_version == CURRENT_WORDING_VERSION
    assert row.expires_at == NOW + dt.timedelta(days=14)
    assert links.invitation_by_token(issued.token) == row
    assert links.invitation_by_code(links.format_code(issued.code).lower()) == row
    assert links.invitation_by_token(issued.token + "x") is None
    assert len(mail.outbox) == 1 and issued.token in mail.outbox[0].body
    assert mail.outbox[0].to == ["amina@example.se"]


def test_answering_creates_consents_records_refusals_and_works_once(
    guide, participant, employer, other_employer
):
    issued = invite(guide, participant, employer, other_employer)
    rows = list(issued.invitation.recipients.all())
    answer = links.consent_invitation_answer(
        invitation=issued.invitation,
        decisions={rows[0].pk: True, rows[1].pk: False, rows[2].pk: True},
    )
    assert len(answer.granted) == 2 and [r.pk for r in answer.refused] == [rows[1].pk]
    consent = Consent.objects.get(employer=employer)
    assert consent.method == "digital" and consent.wording_version == CURRENT_WORDING_VERSION
    assert consent.given_at == NOW and consent.recipient_kind == "employer"
    assert may_share(participant=participant, employer=employer, scope="identity")
    assert not may_share(participant=participant, employer=other_employer, scope="skills")
    assert may_share(participant=participant, agency="Socialtjänsten Kalmar", scope="placement")
    rows[1].refresh_from_db()
    assert rows[1].decision == "refused" and rows[1].consent is None
    # one-time: the token and code open nothing now, and a second answer is refused
    assert links.invitation_by_token(issued.token) is None
    assert links.invitation_by_code(issued.code) is None
    with pytest.raises(links.LinkNotValid):
        links.consent_invitation_answer(invitation=issued.invitation, decisions={})
    assert Consent.objects.count() == 2
    # a personal link was issued with the answer
    assert links.personal_link_by_token(answer.personal.token).participant == participant


def test_every_recipient_must_be_answered(guide, participant, employer, other_employer):
    issued = invite(guide, participant, employer, other_employer)
    first = issued.invitation.recipients.first()
    with pytest.raises(ValidationError):
        links.consent_invitation_answer(invitation=issued.invitation, decisions={first.pk: True})
    assert Consent.objects.count() == 0  # no half-write
    assert links.invitation_by_token(issued.token) is not None


def test_invitation_expires(guide, participant, employer, other_employer, clock):
    issued = invite(guide, participant, employer, other_employer)
    clock.shift(dt.timedelta(days=14, seconds=1))
    assert issued.invitation.state == InvitationState.EXPIRED
    assert links.invitation_by_token(issued.token) is None
    assert links.invitation_by_code(issued.code) is None
    with pytest.raises(links.LinkNotValid):
        links.consent_invitation_answer(invitation=issued.invitation, decisions={})


def test_only_the_assigned_guide_invites_or_revokes(
    guide, colleague_guide, coordinator, participant, employer, other_employer
):
    for outsider in (colleague_guide, coordinator):
        with pytest.raises(DomainError):
            invite(outsider, participant, employer, other_employer)
    issued = invite(guide, participant, employer, other_employer)
    with pytest.raises(DomainError):
        links.consent_invitation_revoke(invitation=issued.invitation, by=colleague_guide)
    links.consent_invitation_revoke(invitation=issued.invitation, by=guide)
    assert links.invitation_by_token(issued.token) is None


def test_bad_recipients_are_field_errors(guide, participant, employer, foreign_employer):
    with pytest.raises(ValidationError) as exc:
        links.consent_invitation_create(
            participant=participant,
            by=guide,
            recipients=[
                {
                    "kind": "employer",
                    "employer": foreign_employer,
                    "purpose": "x",
                    "scopes": ["skills"],
                },
                {"kind": "health_care", "purpose": "", "scopes": ["nonsense"]},
            ],
            channel="print",
        )
    assert len(exc.value.message_dict["recipients"]) == 2
    with pytest.raises(ValidationError) as exc:
        links.consent_invitation_create(
            participant=participant, by=guide, recipients=[], channel="email", email=""
        )
    assert "recipients" in exc.value.message_dict
    assert ConsentInvitation.objects.count() == 0


def test_personal_link_resend_revokes_the_old_one_and_revoke_ends_it(
    guide, colleague_guide, participant
):
    first = links.personal_link_issue(participant=participant, by=guide, channel="print")
    second = links.personal_link_issue(participant=participant, by=guide, channel="print")
    assert links.personal_link_by_token(first.token) is None
    assert links.personal_link_by_token(second.token).pk == second.link.pk
    assert (
        PersonalLink.objects.filter(participant=participant, revoked_at__isnull=True).count() == 1
    )
    assert second.token not in second.link.token_hash
    with pytest.raises(DomainError):
        links.personal_link_revoke(participant=participant, by=colleague_guide)
    links.personal_link_revoke(participant=participant, by=guide)
    assert links.personal_link_by_token(second.token) is None
    with pytest.raises(ValidationError):
        links.personal_link_revoke(participant=participant, by=guide)


def test_participant_withdraws_at_once_and_the_guide_is_told(
    guide, participant, employer, django_capture_on_commit_callbacks
):
    consent = consent_record(
        participant=participant, by=guide, employer=employer, purpose="Praktik",
        scopes=["skills"], given_on=dt.date(2026, 11, 1), method="verbal",
    )  # fmt: skip
    assert consent.witness == guide  # a verbal consent has the guide as witness
    issued = links.personal_link_issue(participant=participant, by=guide, channel="print")
    with django_capture_on_commit_callbacks(execute=True):
        links.consents_withdraw_by_participant(link=issued.link, consent_ids=[consent.pk])
    consent.refresh_from_db()
    assert consent.withdrawn_on == NOW.date() and consent.withdrawn_by_participant
    assert not may_share(participant=participant, employer=employer, scope="skills")
    assert mail.outbox[0].to == [guide.email] and participant.code in mail.outbox[0].subject
    assert list(links.withdrawals_to_see(guide)) == [consent]
    links.withdrawal_mark_seen(consent=consent, by=guide)
    assert not links.withdrawals_to_see(guide).exists()
    with pytest.raises(ValidationError):  # nothing left to withdraw
        links.consents_withdraw_by_participant(link=issued.link, consent_ids=[consent.pk])


def test_a_link_cannot_withdraw_another_participants_consent(
    guide, participant, foreign_participant, foreign_guide, foreign_employer
):
    other = consent_record(
        participant=foreign_participant, by=foreign_guide, employer=foreign_employer,
        purpose="p", scopes=["skills"], given_on=dt.date(2026, 11, 1), method="signed_paper",
    )  # fmt: skip
    issued = links.personal_link_issue(participant=participant, by=guide, channel="print")
    with pytest.raises(ValidationError):
        links.consents_withdraw_by_participant(link=issued.link, consent_ids=[other.pk])
    other.refresh_from_db()
    assert other.withdrawn_on is None
