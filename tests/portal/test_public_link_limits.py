"""Issues 19 and 20: the participant's public pages limit the GUESSING of links (failed look-ups),
per client address and per link separately, never the use of a valid link; so a participant
answers every progression statement and consents in one sitting, and a shared address (a
municipal office's NAT) or a hammered link blocks nobody else's valid link."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from matching.models import (
    Consent,
    ConsentInvitation,
    PersonalLink,
    ProgressionIndicator,
    ProgressionMeasurement,
)
from matching.participants.services import consent_links as links

pytestmark = pytest.mark.django_db

OFFICE = "10.20.30.40"  # one address shared by everyone at the municipal office


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    yield
    cache.clear()


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
        ],
        channel="print",
    )  # fmt: skip


def personal_token(participant, guide) -> str:
    return links.personal_link_issue(participant=participant, by=guide, channel="print").token


def test_a_participant_consents_and_answers_every_statement_in_one_sitting(
    issued, participant, guide
):
    """The old limit counted every step (30 per 10 minutes per address): with the 11 default
    statements the participant was refused half-way through."""
    statements = list(ProgressionIndicator.objects.filter(active=True).order_by("order"))
    assert len(statements) >= 11  # the default set, all of them
    client = Client(REMOTE_ADDR=OFFICE)
    statuses = []

    def go(method, url, data=None):
        response = getattr(client, method)(url, data or {})
        statuses.append(response.status_code)
        return response

    assert go("get", f"/samtycke/{issued.token}/").url == "/samtycke/svara/"
    go("get", "/samtycke/svara/")
    rows = list(issued.invitation.recipients.order_by("pk"))
    answered = go("post", "/samtycke/svara/", {f"r{rows[0].pk}": "yes", f"r{rows[1].pk}": "no"})
    assert answered.url == "/samtycke/kvitto/"
    go("get", "/samtycke/kvitto/")
    own = personal_token(participant, guide)
    go("get", reverse("portal:own_open", args=[own]))
    go("get", reverse("portal:own_page"))
    answer = reverse("portal:progression_answer")
    go("get", answer)
    for step, _indicator in enumerate(statements, start=1):
        moved = go("post", answer, {"step": step, "value": str(1 + step % 10)})
        assert moved.status_code == 302, step
        go("get", moved.url)
    done = go("post", answer, {"step": len(statements) + 1})
    assert done.status_code == 200 and "Tack" in done.content.decode()
    back = go("get", reverse("portal:own_page"))  # the thank-you page leads back there

    assert back.status_code == 200
    assert 429 not in statuses and len(statuses) > settings.CONSENT_LINK_RATE_LIMIT
    measurement = ProgressionMeasurement.objects.get(participant=participant)
    assert measurement.answers.count() == len(statements)
    assert Consent.objects.filter(participant=participant).count() == 1


@override_settings(CONSENT_LINK_RATE_LIMIT=3)
def test_bad_guesses_from_an_address_do_not_block_a_valid_link_from_it(issued, participant, guide):
    guesser = Client(REMOTE_ADDR=OFFICE)
    statuses = [guesser.get(f"/mina-samtycken/guess{i}/").status_code for i in range(5)]
    assert statuses == [404, 404, 404, 429, 429]
    assert guesser.get("/samtycke/another-guess/").status_code == 429  # the address, any page

    # another participant at the same office, each with their own valid link
    colleague = Client(REMOTE_ADDR=OFFICE)
    opened = colleague.get(f"/samtycke/{issued.token}/")
    assert opened.status_code == 302 and opened.url == "/samtycke/svara/"
    assert colleague.get("/samtycke/svara/").status_code == 200
    token = personal_token(participant, guide)
    own = Client(REMOTE_ADDR=OFFICE)
    assert own.get(reverse("portal:own_open", args=[token])).status_code == 302
    assert own.get(reverse("portal:own_page")).status_code == 200
    progression = Client(REMOTE_ADDR=OFFICE)
    assert progression.get(reverse("portal:progression_open", args=[token])).status_code == 302
    assert progression.get(reverse("portal:progression_answer")).status_code == 200
    # ... while the guesser's next guess is still refused
    assert guesser.get("/mina-samtycken/guess-again/").status_code == 429


@override_settings(CONSENT_LINK_RATE_LIMIT=3, CONSENT_LINK_RATE_LIMIT_PER_LINK=3)
def test_using_a_valid_link_is_never_counted(participant, guide):
    token = personal_token(participant, guide)
    client = Client(REMOTE_ADDR=OFFICE)
    for _ in range(12):
        assert client.get(reverse("portal:own_open", args=[token])).status_code == 302
        assert client.get(reverse("portal:progression_open", args=[token])).status_code == 302
        assert client.get(reverse("portal:progression_answer")).status_code == 200
    # nothing was used up: a mistyped link from the same address is an ordinary "not valid"
    assert client.get("/mina-samtycken/mistyped/").status_code == 404


@override_settings(CONSENT_LINK_RATE_LIMIT=100, CONSENT_LINK_RATE_LIMIT_PER_LINK=3)
def test_failures_on_one_link_block_that_link_only(issued, participant, guide):
    """An expired link in an old e-mail, opened again and again from many addresses, is refused
    for everyone; other links, dead or alive, are untouched."""
    ConsentInvitation.objects.update(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    dead = f"/samtycke/{issued.token}/"
    statuses = [Client(REMOTE_ADDR=f"10.0.1.{i}").get(dead).status_code for i in range(5)]
    assert statuses == [404, 404, 404, 429, 429]
    fresh = Client(REMOTE_ADDR="10.0.2.1")
    assert fresh.get(dead).status_code == 429
    assert fresh.get("/samtycke/some-other-dead-link/").status_code == 404
    token = personal_token(participant, guide)
    assert fresh.get(reverse("portal:own_open", args=[token])).status_code == 302
    # the counts are per link even from the one address that hammered the dead link
    hammer = Client(REMOTE_ADDR="10.0.1.0")
    assert hammer.get(reverse("portal:progression_open", args=[token])).status_code == 302


@override_settings(CONSENT_LINK_RATE_LIMIT=100, CONSENT_LINK_RATE_LIMIT_PER_LINK=2)
def test_a_revoked_personal_link_is_limited_as_a_link(participant, guide):
    token = personal_token(participant, guide)
    links.personal_link_revoke(participant=participant, by=guide)
    assert not PersonalLink.objects.filter(revoked_at__isnull=True).exists()
    url = reverse("portal:progression_open", args=[token])
    statuses = [Client(REMOTE_ADDR=f"10.0.3.{i}").get(url).status_code for i in range(3)]
    assert statuses == [404, 404, 429]


@override_settings(CONSENT_LINK_RATE_LIMIT=3)
def test_a_short_code_is_not_even_looked_up_from_an_address_over_its_limit(issued):
    """An 8-letter code can be guessed (a 256-bit link cannot): an address over its limit gets
    429 for codes, right or wrong; other addresses still open theirs."""
    guesser = Client(REMOTE_ADDR=OFFICE)
    wrong = [guesser.post("/samtycke/kod/", {"code": f"AAAA-AAA{c}"}).status_code for c in "BCDE"]
    assert wrong == [404, 404, 404, 429]
    assert guesser.get("/samtycke/kod/").status_code == 429
    right = links.format_code(issued.code)
    assert guesser.post("/samtycke/kod/", {"code": right}).status_code == 429
    elsewhere = Client(REMOTE_ADDR="10.9.9.9")
    assert elsewhere.post("/samtycke/kod/", {"code": right}).status_code == 302
