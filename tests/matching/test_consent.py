import datetime as dt

import pytest
import time_machine

from matching.models import Consent
from matching.participants.services.consents import may_share, shared_scopes

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_record_and_withdraw_a_consent(api, guide, participant, employer):
    client = api(guide)
    response = client.post(
        "/api/v1/consents/",
        {
            "participant": participant.pk,
            "employer": employer.pk,
            "purpose": "Praktik på lagret",
            "scopes": ["identity", "skills", "placement"],
            "given_on": "2026-11-20",
            "method": "signed_paper",
        },
    )
    assert response.status_code == 201, response.json()
    consent_id = response.json()["id"]
    assert may_share(participant=participant, employer=employer, scope="skills")
    assert not may_share(participant=participant, employer=employer, scope="adaptation_needs")

    withdrawn = client.post(f"/api/v1/consents/{consent_id}/withdraw/", {})
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_on"] == "2026-11-24"
    assert not may_share(participant=participant, employer=employer, scope="skills")  # at once
    assert Consent.objects.filter(pk=consent_id).exists()  # never deleted
    assert client.delete(f"/api/v1/consents/{consent_id}/").status_code == 405
    assert client.post(f"/api/v1/consents/{consent_id}/withdraw/", {}).status_code == 400


def test_consent_is_per_recipient_and_time_limited(guide, participant, employer, other_employer):
    Consent.objects.create(
        participant=participant,
        employer=employer,
        purpose="p",
        scopes=["skills"],
        given_on=dt.date(2026, 1, 1),
        valid_until=dt.date(2026, 6, 30),
        method="digital",
        recorded_by=guide,
    )
    assert not may_share(participant=participant, employer=employer, scope="skills")  # expired
    assert may_share(
        participant=participant, employer=employer, scope="skills", at=dt.date(2026, 3, 1)
    )
    assert (
        shared_scopes(participant=participant, employer=other_employer, at=dt.date(2026, 3, 1))
        == set()
    )


def test_agency_consent(guide, participant):
    Consent.objects.create(
        participant=participant,
        agency="Försäkringskassan",
        purpose="Samordning",
        scopes=["validations"],
        given_on=dt.date(2026, 11, 1),
        method="verbal",
        witness=guide,
        recorded_by=guide,
    )
    assert may_share(participant=participant, agency="försäkringskassan", scope="validations")
    assert not may_share(participant=participant, agency="Arbetsförmedlingen", scope="validations")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"scopes": ["shoe_size"]}, "scopes"),
        ({"employer": None, "agency": ""}, "employer"),
        ({"given_on": "2027-01-01"}, "given_on"),
        ({"valid_until": "2026-01-01"}, "valid_until"),
    ],
)
def test_bad_consent_input(api, guide, participant, employer, change, field):
    payload = {
        "participant": participant.pk,
        "employer": employer.pk,
        "purpose": "x",
        "scopes": ["skills"],
        "given_on": "2026-11-20",
        "method": "digital",
        **change,
    }
    response = api(guide).post("/api/v1/consents/", payload)
    assert response.status_code == 400 and field in response.json()
    assert Consent.objects.count() == 0
