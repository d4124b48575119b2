"""Access-log review (issue 13): list, search, match and consent reads are logged too; an
administrator reviews reads per user and period, unusual volumes highlighted, and exports them."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from matching.models import Participant
from tests.factories.matching import ParticipantFactory

pytestmark = pytest.mark.django_db


def reads(user, what=None):
    qs = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Participant),
        action=LogEntry.Action.ACCESS,
        actor=user,
    )
    return [e for e in qs if what is None or e.changes_dict["read"][0] == what]


@pytest.mark.parametrize(
    ("url", "what"),
    [
        ("/api/v1/participants/", "api list"),
        ("/api/v1/participants/?search=Yusuf", "api search"),
        ("/api/v1/participants/{pk}/matches/", "api matches"),
        ("/api/v1/consents/", "api consents"),
    ],
)
def test_list_search_match_and_consent_reads_are_logged(api, guide, participant, url, what):
    from datetime import date

    from matching.participants.services.consents import consent_record

    consent_record(
        participant=participant,
        by=guide,
        purpose="Praktik",
        scopes=["skills"],
        given_on=date.today(),
        method="signed_paper",
        agency="Arbetsförmedlingen",
    )
    response = api(guide).get(url.format(pk=participant.pk))
    assert response.status_code == 200
    logged = reads(guide, what)
    assert [e.object_pk for e in logged] == [str(participant.pk)]


def test_profile_matches_log_every_participant_listed(api, guide, participant, task_profile):
    response = api(guide).get(f"/api/v1/task-profiles/{task_profile.pk}/matches/")
    assert response.status_code == 200
    listed = {str(r["participant"]) for r in response.json()}
    assert {e.object_pk for e in reads(guide, "api profile matches")} == listed


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin_user", 200),
        ("coordinator", 403),
        ("guide", 403),
        ("manager", 403),
        ("employer_user", 403),
        (None, 302),
    ],
)
def test_only_administrators_open_the_review(request, role, expected):
    client = Client()
    if role:
        client.force_login(request.getfixturevalue(role))
    assert client.get("/sakerhet/atkomstlogg/").status_code == expected


def test_the_review_counts_reads_per_user_and_flags_unusual_volumes(
    api, admin_user, guide, colleague_guide, unit, settings
):
    settings.ACCESS_LOG_UNUSUAL_PARTICIPANTS = 5
    people = ParticipantFactory.create_batch(8, unit=unit, guide=guide)
    api(guide).get("/api/v1/participants/")  # 8 participants read by gustav
    api(colleague_guide).get(f"/api/v1/participants/{people[0].pk}/")  # 1 by greta
    client = Client()
    client.force_login(admin_user)
    page = client.get("/sakerhet/atkomstlogg/")
    rows = {r["actor__username"]: r for r in page.context["rows"]}
    assert rows["gustav"]["participants"] == 8 and rows["gustav"]["unusual"]
    assert rows["greta"]["participants"] == 1 and not rows["greta"]["unusual"]
    assert 'class="unusual"' in page.content.decode()
    export = client.get("/sakerhet/atkomstlogg/?format=csv")
    assert export["Content-Type"].startswith("text/csv")
    lines = export.content.decode("utf-8-sig").splitlines()
    # The one writer: a title row naming the period, a blank row, the header, the users.
    assert lines[0].startswith("Åtkomstlogg · Period: ") and lines[1] == ""
    assert len(lines) == 5 and lines[3].startswith("gustav;8;8;")


def test_the_pages_log_list_and_candidate_reads_too(
    client, guide, coordinator, participant, task_profile
):
    """Not only the API: the participant list page (and its search) and a profile's candidates."""
    from core.models import Adaptation
    from matching import features

    client.force_login(guide)
    assert client.get("/deltagare/", {"q": participant.code, "mine": ""}).status_code == 200
    assert [e.object_pk for e in reads(guide, "page participant list")] == [str(participant.pk)]

    task_profile.site.offered_adaptations.add(Adaptation.objects.get(code="quiet-space"))
    features.forget()
    client.force_login(coordinator)
    page = client.get(f"/kravprofiler/{task_profile.pk}/").content.decode()
    assert participant.code in page
    assert [e.object_pk for e in reads(coordinator, "page profile candidates")] == [
        str(participant.pk)
    ]


def test_the_review_names_users_without_a_name_and_reads_without_a_user(admin_user, participant):
    """Issue 20: a user with no name showed as "None None"; a read with no user linked (a removed
    user, the system or a participant's own link) now has a label, never ``None``."""
    from core.choices import Role
    from matching.participants.services.audit import audit_participant_read
    from tests.factories.core import UserFactory
    from tests.portal.visible_text import visible_text

    nameless = UserFactory(username="nils", first_name="", last_name="", role=Role.GUIDE)
    audit_participant_read(participant=participant, user=nameless, what="detail")
    removed = UserFactory(username="rut", role=Role.GUIDE)
    audit_participant_read(participant=participant, user=removed, what="detail")
    removed.delete()
    client = Client()
    client.force_login(admin_user)
    page = client.get("/sakerhet/atkomstlogg/")
    text = visible_text(page.content.decode())
    assert "None" not in text
    assert "nils" in text and "Borttagen användare eller systemet" in text
    names = {r["actor_name"] for r in page.context["rows"]}
    assert names == {"nils", "Borttagen användare eller systemet"}
    lines = client.get("/sakerhet/atkomstlogg/?format=csv").content.decode().splitlines()
    assert any(line.startswith("Borttagen användare eller systemet;") for line in lines)
    assert any(line.startswith("nils;") for line in lines) and "None" not in "".join(lines)
