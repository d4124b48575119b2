"""Issue 22: what the participant's page rarely shows loads on demand — the history (phase changes
and decisions) when opened, the progression when it scrolls into view. Each fragment checks who
may see the participant, as the page does, and is a read in the access log."""

import pytest
from auditlog.models import LogEntry
from django.test import Client

from matching.models import MatchDecision, PhaseChange

pytestmark = pytest.mark.django_db


def as_user(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_page_links_the_sections_and_the_fragments_hold_them(guide, participant, task_profile):
    PhaseChange.objects.create(
        participant=participant,
        from_phase="finna",
        to_phase="fa",
        reason="Intervju bokad",
        by=guide,
    )
    MatchDecision.objects.create(
        participant=participant,
        task_profile=task_profile,
        decision="declined",
        reason="hours",
        decided_by=guide,
    )
    client = as_user(guide)
    page = client.get(f"/deltagare/{participant.pk}/").content.decode()
    assert f'hx-get="/deltagare/{participant.pk}/historik/"' in page
    assert f'hx-get="/deltagare/{participant.pk}/metod/"' in page
    assert "Intervju bokad" not in page  # not fetched until the guide opens it
    reads = LogEntry.objects.filter(object_id=participant.pk, action=LogEntry.Action.ACCESS)
    before = reads.count()
    history = client.get(f"/deltagare/{participant.pk}/historik/").content.decode()
    assert "Intervju bokad" in history and task_profile.title in history
    assert "Fasbyten" in history and "Beslut om förslag" in history
    method = client.get(f"/deltagare/{participant.pk}/metod/").content.decode()
    assert 'id="method"' in method and "Stegförflyttning" in method
    assert reads.count() == before + 2


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("guide", 200),
        ("foreign_guide", 404),
        ("employer_user", 403),
        (None, 302),
    ],
)
def test_the_fragments_check_who_may_see_the_participant(request, participant, who, expected):
    client = as_user(request.getfixturevalue(who) if who else None)
    for part in ("historik", "metod"):
        assert client.get(f"/deltagare/{participant.pk}/{part}/").status_code == expected
