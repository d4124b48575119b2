"""Who reads what of a participant (issue 3): per role, per field, and the audit of every read."""

import pytest
from auditlog.models import LogEntry

pytestmark = pytest.mark.django_db

DETAIL = {
    "guide": 200,
    "colleague_guide": 200,
    "coordinator": 200,
    "manager": 200,
    "admin_user": 200,
    "foreign_guide": 404,
    "foreign_coordinator": 404,
    "employer_user": 403,
    None: 403,
}


@pytest.mark.parametrize(("role", "expected"), list(DETAIL.items()))
def test_who_may_read_a_participant(request, api, participant, role, expected):
    user = request.getfixturevalue(role) if role else None
    response = api(user).get(f"/api/v1/participants/{participant.pk}/")
    assert response.status_code == expected
    if expected != 200:
        body = response.json()
        assert "Yusuf" not in str(body) and "9805" not in str(body)
    listing = api(user).get("/api/v1/participants/")
    if expected == 200:
        assert participant.pk in {p["id"] for p in listing.json()["results"]}
    elif listing.status_code == 200:
        assert participant.pk not in {p["id"] for p in listing.json()["results"]}


@pytest.mark.parametrize("role", ["colleague_guide", "coordinator", "manager"])
def test_other_staff_of_the_unit_see_no_sensitive_details(request, api, participant, role):
    data = api(request.getfixturevalue(role)).get(f"/api/v1/participants/{participant.pk}/").json()
    assert data["access"] == "limited"
    assert data["personnummer"] == "19850709-****"
    assert data["support_needs"] is None
    assert data["adaptation_needs"] == [
        {
            "adaptation": data["adaptation_needs"][0]["adaptation"],
            "label": "Lugn arbetsplats / avskild yta",
        }
    ]
    assert "Ljudkänslig" not in str(data)


@pytest.mark.parametrize("role", ["guide", "admin_user"])
def test_assigned_guide_and_admin_see_everything(request, api, participant, role):
    data = api(request.getfixturevalue(role)).get(f"/api/v1/participants/{participant.pk}/").json()
    assert data["access"] == "full"
    assert data["personnummer"] == "19850709-9805"
    assert data["adaptation_needs"][0]["description"] == "Ljudkänslig efter stroke."
    assert "hjärnskada" in data["support_needs"]


@pytest.mark.parametrize(
    "role", ["coordinator", "manager", "colleague_guide", "employer_user", "foreign_guide"]
)
def test_only_the_guide_and_admin_write(request, api, participant, role):
    response = api(request.getfixturevalue(role)).patch(
        f"/api/v1/participants/{participant.pk}/", {"hours_max": 12}
    )
    assert response.status_code in (403, 404)
    participant.refresh_from_db()
    assert participant.hours_max == 30


@pytest.mark.parametrize("role", ["foreign_guide", "employer_user", "colleague_guide"])
def test_validations_and_consents_of_others_are_not_reachable(
    request, api, participant, employer, role
):
    from matching.models import Consent

    consent = Consent.objects.create(
        participant=participant,
        employer=employer,
        purpose="p",
        scopes=["skills"],
        given_on="2026-01-01",
        method="digital",
        recorded_by=participant.guide,
    )
    user = request.getfixturevalue(role)
    detail = api(user).get(f"/api/v1/consents/{consent.pk}/")
    withdraw = api(user).post(f"/api/v1/consents/{consent.pk}/withdraw/", {})
    if role == "colleague_guide":
        assert detail.status_code == 200 and withdraw.status_code == 403
    else:
        assert detail.status_code in (403, 404) and withdraw.status_code in (403, 404)
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_reads_and_changes_are_in_the_audit_log(
    api, guide, colleague_guide, admin_user, participant
):
    api(colleague_guide).get(
        f"/api/v1/participants/{participant.pk}/",
        REMOTE_ADDR="10.1.2.3",
        HTTP_X_FORWARDED_FOR="6.6.6.6",
    )
    api(guide).patch(f"/api/v1/participants/{participant.pk}/", {"hours_max": 20})
    api(guide).post(f"/api/v1/participants/{participant.pk}/skills/", {"text": "Packning"})

    response = api(admin_user).get(f"/api/v1/participants/{participant.pk}/audit-log/")
    assert response.status_code == 200
    rows = response.json()["results"]
    reads = [r for r in rows if r["action_code"] == LogEntry.Action.ACCESS]
    assert any(
        r["actor"] == colleague_guide.pk and r["remote_addr"] == "10.1.2.3" for r in reads
    )  # not the forged header
    updates = [
        r
        for r in rows
        if r["model"] == "participant" and r["action_code"] == LogEntry.Action.UPDATE
    ]
    assert any(
        r["actor"] == guide.pk and r["changes"]["hours_max"] == ["30", "20"] for r in updates
    )
    assert any(r["model"] == "participantskill" and r["actor"] == guide.pk for r in rows)


@pytest.mark.parametrize("role", ["guide", "manager", "coordinator"])
def test_only_admins_read_the_audit_log(request, api, participant, role):
    assert (
        api(request.getfixturevalue(role))
        .get(f"/api/v1/participants/{participant.pk}/audit-log/")
        .status_code
        == 403
    )
