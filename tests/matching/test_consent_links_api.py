"""The staff side of the digital consent in the API, per role; the same services as the pages."""

from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.test import Client

from matching.models import ConsentInvitation, PersonalLink
from matching.participants.services import consent_links as links

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


def payload(participant, employer):
    return {
        "participant": participant.pk,
        "channel": "print",
        "recipients": [
            {"kind": "employer", "employer": employer.pk, "purpose": "Praktik", "scopes": ["skills"]},
            {"kind": "social_insurance", "agency": "Försäkringskassan", "purpose": "Samordning",
             "scopes": ["placement", "adaptation_needs"]},
        ],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("guide", 201),
        ("admin_user", 201),
        ("colleague_guide", 403),
        ("coordinator", 403),
        ("manager", 403),
        ("foreign_guide", 404),
        ("employer_user", 403),
        (None, 403),
    ],
)
def test_create_invitation_per_role(request, api, participant, employer, role, expected):
    user = request.getfixturevalue(role) if role else None
    response = api(user).post(
        "/api/v1/consent-invitations/", payload(participant, employer), format="json"
    )
    assert response.status_code in ((expected, 401) if role is None else (expected,))
    assert ConsentInvitation.objects.exists() == (expected == 201)


def test_created_invitation_returns_the_link_once_and_it_works(api, guide, participant, employer):
    response = api(guide).post(
        "/api/v1/consent-invitations/", payload(participant, employer), format="json"
    )
    body = response.json()
    assert body["state"] == "pending" and len(body["recipients"]) == 2
    assert body["recipients"][1]["name"] == "Försäkringskassan"
    token = body["url"].rstrip("/").rsplit("/", 1)[-1]
    assert links.invitation_by_token(token).pk == body["id"]
    assert links.invitation_by_code(body["code"]).pk == body["id"]
    # reads never carry the secrets
    detail = api(guide).get(f"/api/v1/consent-invitations/{body['id']}/").json()
    assert "url" not in detail and "code" not in detail and "token_hash" not in detail
    assert Client().get(urlsplit(body["url"]).path).status_code == 302  # the link opens the page


@pytest.mark.parametrize(
    ("role", "count"),
    [
        ("guide", 1),
        ("colleague_guide", 1),
        ("manager", 1),
        ("foreign_guide", 0),
        ("employer_user", None),
    ],
)
def test_list_invitations_per_role(request, api, guide, participant, employer, role, count):
    links.consent_invitation_create(
        participant=participant,
        by=guide,
        recipients=[
            {"kind": "employer", "employer": employer, "purpose": "p", "scopes": ["skills"]}
        ],
        channel="print",
    )
    response = api(request.getfixturevalue(role)).get("/api/v1/consent-invitations/")
    if count is None:
        assert response.status_code == 403
    else:
        assert response.status_code == 200 and response.json()["count"] == count


def test_bad_input_is_a_field_error_not_a_500(api, guide, participant, foreign_employer):
    bad = {
        "participant": participant.pk,
        "channel": "email",
        "email": "",
        "recipients": [
            {
                "kind": "employer",
                "employer": foreign_employer.pk,
                "purpose": "p",
                "scopes": ["skills"],
            }
        ],
    }
    response = api(guide).post("/api/v1/consent-invitations/", bad, format="json")
    assert response.status_code == 400 and "recipients" in response.json()
    assert not ConsentInvitation.objects.exists()


def test_revoke_invitation_per_role(api, guide, colleague_guide, participant, employer):
    issued = links.consent_invitation_create(
        participant=participant,
        by=guide,
        recipients=[
            {"kind": "employer", "employer": employer, "purpose": "p", "scopes": ["skills"]}
        ],
        channel="print",
    )
    url = f"/api/v1/consent-invitations/{issued.invitation.pk}/revoke/"
    assert api(colleague_guide).post(url).status_code == 403
    assert links.invitation_by_token(issued.token) is not None
    response = api(guide).post(url)
    assert response.status_code == 200 and response.json()["state"] == "revoked"
    assert links.invitation_by_token(issued.token) is None
    assert api(guide).post(url).status_code == 400


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("guide", 201),
        ("colleague_guide", 403),
        ("coordinator", 403),
        ("manager", 403),
        ("foreign_guide", 404),
        ("employer_user", 403),
    ],
)
def test_personal_link_send_and_revoke_per_role(request, api, guide, participant, role, expected):
    client = api(request.getfixturevalue(role))
    response = client.post(
        f"/api/v1/participants/{participant.pk}/personal-link/", {"channel": "print"}, format="json"
    )
    assert response.status_code == expected
    if expected == 201:
        token = response.json()["url"].rstrip("/").rsplit("/", 1)[-1]
        assert links.personal_link_by_token(token) is not None
    else:
        links.personal_link_issue(participant=participant, by=guide, channel="print")
    revoke = client.post(f"/api/v1/participants/{participant.pk}/personal-link/revoke/")
    assert revoke.status_code == (200 if expected == 201 else expected)
    active = PersonalLink.objects.filter(participant=participant, revoked_at__isnull=True)
    assert active.exists() == (expected != 201)


def test_recorded_consent_keeps_wording_version_and_witness(api, guide, participant, employer):
    data = {
        "participant": participant.pk, "employer": employer.pk, "purpose": "Praktik",
        "scopes": ["skills"], "given_on": "2026-01-10", "method": "verbal",
    }  # fmt: skip
    bad = api(guide).post("/api/v1/consents/", {**data, "wording_version": "1999-1"}, format="json")
    assert bad.status_code == 400 and "wording_version" in bad.json()
    body = api(guide).post("/api/v1/consents/", data, format="json").json()
    assert body["witness"] == guide.pk and body["wording_version"] == "2026-11"
