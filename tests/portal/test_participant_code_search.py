"""The contact log's participant codes are suggested as one types (issue 22): the employer page
no longer lists every participant of the unit, and the search shows only whom one may see."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_employer_page_lists_no_participants(coordinator, employer, participant):
    client = signed_in(coordinator)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/arbetsgivare/{employer.pk}/")
    assert response.status_code == 200
    assert participant.code not in response.content.decode()
    assert not [q for q in queries.captured_queries if 'FROM "matching_participant"' in q["sql"]]
    assert 'hx-get="/sok/deltagarkod/"' in response.content.decode()


def test_it_suggests_the_units_codes_and_keeps_those_typed_before(
    coordinator, participant, foreign_participant
):
    client = signed_in(coordinator)
    typed = participant.code[:4]
    body = client.get("/sok/deltagarkod/", {"participants": f"X-1, {typed}"}).content.decode()
    assert f'value="X-1, {participant.code}"' in body
    assert (
        foreign_participant.code
        not in client.get(
            "/sok/deltagarkod/", {"participants": foreign_participant.code}
        ).content.decode()
    )


def test_employer_users_and_strangers_get_nothing(employer_user, participant):
    assert signed_in(employer_user).get("/sok/deltagarkod/", {"q": "D"}).status_code in (302, 403)
    assert Client().get("/sok/deltagarkod/").status_code == 302


def test_a_logged_contact_still_names_participants(coordinator, employer, participant):
    response = signed_in(coordinator).post(
        f"/arbetsgivare/{employer.pk}/",
        {
            "occurred_on": "2026-11-30",
            "kind": "call",
            "notes": "Ringde",
            "participants": participant.code,
        },
    )
    assert response.status_code == 302
    assert list(employer.interactions.get().participants.all()) == [participant]
