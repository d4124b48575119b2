"""The guide's "not suitable" decision and phase change, and the administrators' matching weights, in
the pages: per role, through the same services as the API, bad input refused with a message."""

import pytest

from matching.models import MatchDecision, MatchWeights, PhaseChange

pytestmark = pytest.mark.django_db


def _client(client, user):
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("guide", 302),
        ("colleague_guide", 403),
        ("coordinator", 403),
        ("manager", 403),
        ("employer_user", 403),
        ("foreign_guide", 404),
    ],
)
def test_only_the_assigned_guide_declines_a_match(
    request, client, role, status, participant, task_profile
):
    user = request.getfixturevalue(role)
    response = _client(client, user).post(
        f"/deltagare/{participant.pk}/inte-aktuell/",
        {"task_profile": task_profile.pk, "reason": "distance", "note": "för långt"},
    )
    assert response.status_code == status
    decided = MatchDecision.objects.filter(participant=participant, task_profile=task_profile)
    if status == 302:
        row = decided.get()
        assert (row.decision, row.reason, row.note, row.decided_by) == (
            "not_suitable",
            "distance",
            "för långt",
            user,
        )
    else:
        assert not decided.exists()


def test_declining_without_a_reason_is_refused_and_nothing_saved(
    client, guide, participant, task_profile
):
    response = _client(client, guide).post(
        f"/deltagare/{participant.pk}/inte-aktuell/", {"task_profile": task_profile.pk}, follow=True
    )
    assert "Varför inte: " in response.content.decode()
    assert not MatchDecision.objects.exists()


def test_the_participant_page_offers_not_suitable_and_lists_the_decision(
    client, guide, participant, task_profile
):
    from core.models import Adaptation
    from matching import features

    task_profile.site.offered_adaptations.add(Adaptation.objects.get(code="quiet-space"))
    features.forget()
    page = _client(client, guide).get(f"/deltagare/{participant.pk}/").content.decode()
    assert "Markera som passar inte" in page and 'name="reason"' in page
    client.post(
        f"/deltagare/{participant.pk}/inte-aktuell/",
        {"task_profile": task_profile.pk, "reason": "hours"},
    )
    page = client.get(f"/deltagare/{participant.pk}/").content.decode()
    assert "Passar inte" in page
    assert MatchDecision.objects.get(participant=participant).get_reason_display() in page


def test_anonymous_is_sent_to_login(client, participant):
    assert client.get(f"/deltagare/{participant.pk}/fas/").status_code == 302
    assert client.get("/matchningsvikter/").status_code == 302


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("guide", 200),
        ("colleague_guide", 403),
        ("coordinator", 403),
        ("manager", 403),
        ("foreign_guide", 404),
    ],
)
def test_phase_page_per_role(request, client, role, status, participant):
    response = _client(client, request.getfixturevalue(role)).get(
        f"/deltagare/{participant.pk}/fas/"
    )
    assert response.status_code == status


def test_the_guide_changes_the_phase_with_a_reason(client, guide, participant):
    url = f"/deltagare/{participant.pk}/fas/"
    page = _client(client, guide).get(url).content.decode()
    # only the phases the rules allow from finna are offered, with labels
    assert 'value="fa"' in page and 'value="behalla"' not in page
    refused = client.post(url, {"phase": "fa", "reason": ""})
    assert (
        refused.status_code == 200
        and 'role="alert"' in refused.content.decode()
        or "måste" in refused.content.decode()
    )
    assert not PhaseChange.objects.filter(participant=participant).exists()
    assert client.post(url, {"phase": "fa", "reason": "Anställd utanför Brygga"}).status_code == 302
    participant.refresh_from_db()
    change = PhaseChange.objects.get(participant=participant)
    assert participant.phase == "fa" and (change.reason, change.by) == (
        "Anställd utanför Brygga",
        guide,
    )


def test_a_phase_the_rules_do_not_allow_is_refused(client, guide, participant):
    response = _client(client, guide).post(
        f"/deltagare/{participant.pk}/fas/", {"phase": "behalla", "reason": "x"}
    )
    assert response.status_code == 200
    participant.refresh_from_db()
    assert participant.phase == "finna"


def test_the_service_refuses_another_guides_phase_change(colleague_guide, participant):
    from core.exceptions import DomainError
    from matching.services.participants import participant_set_phase

    with pytest.raises(DomainError):
        participant_set_phase(participant=participant, phase="fa", reason="x", by=colleague_guide)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("admin_user", 200),
        ("coordinator", 403),
        ("guide", 403),
        ("manager", 403),
        ("employer_user", 403),
    ],
)
def test_weights_page_is_for_administrators(request, client, role, status):
    assert (
        _client(client, request.getfixturevalue(role)).get("/matchningsvikter/").status_code
        == status
    )


def test_the_administrator_saves_weights_and_bad_values_are_refused(client, admin_user):
    _client(client, admin_user)
    values = {
        "skills": "0,5",
        "validations": "0,1",
        "geography": "0,2",
        "adaptations_hours": "0,1",
        "preferences": "0,05",
        "load": "0,05",
    }
    assert client.post("/matchningsvikter/", values).status_code == 302
    row = MatchWeights.objects.get(unit=admin_user.unit)
    assert row.skills == 0.5 and row.updated_by == admin_user
    zeros = dict.fromkeys(values, "0")
    response = client.post("/matchningsvikter/", zeros)
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    huge = {**values, "skills": "1e308"}
    assert client.post("/matchningsvikter/", huge).status_code == 200
    row.refresh_from_db()
    assert row.skills == 0.5
