import pytest
from django.core import mail
from django.test import Client

pytestmark = pytest.mark.django_db


def test_openapi_schema_and_docs_are_served(api, guide):
    schema = api(guide).get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/v1/employers/",
        "/api/v1/participants/{id}/matches/",
        "/api/v1/placements/{id}/agree/",
        "/api/v1/follow-ups/mine/",
    ):
        assert path in paths
    assert api(guide).get("/api/v1/docs/").status_code == 200


def test_token_authentication(guide):
    from rest_framework.test import APIClient

    client = APIClient()
    token = client.post(
        "/api/v1/auth/token/", {"username": "gustav", "password": "pw-brygga-123"}
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/me/").json()["role"] == "guide"


def test_password_reset_by_email(guide):
    response = Client().post("/losenord/aterstall/", {"email": guide.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "/losenord/aterstall/" in mail.outbox[0].body
